//! Applies a profile to one record: the few fields the index needs, or the whole
//! transcript. Both go through the same field rules.

use crate::load::profile::texts::{self, Piece, Text};
use crate::load::profile::verdicts::{self, FieldIssue};
use crate::load::profile::Profile;
use crate::load::record::field_path::FieldPath;
use crate::load::record::members::{items_lazily, Lookup};
use crate::load::record::raw::{array, as_text, literal_range, type_name, Raw, RawObj};
use crate::load::record::PlainCells;
use crate::model::{
    tier::tier_from_user_tag, Locator, ProblemKind, Score, Tier, TierSource, Transcript,
    VerdictKind,
};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

pub use super::wide::{wide_keys, wide_keys_with, WideKey, WideKeyMemo};

/// What a file's path says about its records.
#[derive(Debug, Clone, Default)]
pub struct FileContext {
    pub path: PathBuf,
    pub stem: String,
    pub model: Option<String>,
    pub condition: Option<String>,
    pub tier: Option<Tier>,
}

impl FileContext {
    pub fn new(path: &Path, profile: &Profile) -> FileContext {
        let text = path.to_string_lossy().replace('\\', "/");
        let stem = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let stem = stem.trim_end_matches(".gz").to_string();
        let stem = match stem.rfind('.') {
            Some(i) if i > 0 => stem[..i].to_string(),
            _ => stem,
        };
        let mut ctx = FileContext {
            path: path.to_path_buf(),
            stem,
            model: profile.spec.model.clone(),
            ..Default::default()
        };
        let plain = text.trim_end_matches(".gz");
        if let Some(c) = profile.path_re.as_ref().and_then(|re| re.captures(plain)) {
            if ctx.model.is_none() {
                ctx.model = c.name("model").map(|m| m.as_str().to_string());
            }
            ctx.condition = c.name("condition").map(|m| m.as_str().to_string());
            ctx.tier = c.name("tier").and_then(|m| profile.tier_of(m.as_str()));
        }
        if ctx.tier.is_none() {
            // Folders named for the tier: .../train/..., .../deploy/..., .../free_tier/...
            let dirs: Vec<&str> = plain.split('/').collect();
            ctx.tier = dirs[..dirs.len().saturating_sub(1)]
                .iter()
                .rev()
                .find_map(|d| {
                    Tier::parse(d)
                        .filter(|_| !matches!(d.to_ascii_lowercase().as_str(), "true" | "false"))
                });
        }
        ctx
    }
}

/// A score reduced to what the index keeps.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Lite {
    #[default]
    None,
    Failed,
    Value(f64),
}

impl Lite {
    fn of(score: &Score) -> Lite {
        match score {
            Score::Value(v) => Lite::Value(*v),
            Score::Failed(_) => Lite::Failed,
            Score::Unscored => Lite::None,
        }
    }
}

/// Whether indexing reads each record's classifier scores. A command that uses none
/// (a count whose query tests no score) leaves the verdicts unread: every entry's
/// scores are then none, and no alignment-faking classifier is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scores {
    #[default]
    Read,
    Unread,
}

/// The fields filtering needs, read without copying the long text fields.
#[derive(Debug, Default)]
pub struct IndexFields<'a> {
    /// The record's own id value, if it has one.
    pub id: Option<Raw<'a>>,
    pub model: Option<Cow<'a, str>>,
    pub tier: Tier,
    pub tier_source: TierSource,
    pub condition: Option<Cow<'a, str>>,
    pub prompt_index: Option<u64>,
    pub af: Lite,
    pub compliance: Lite,
    /// Every verdict's kind and score (alignment-faking ones named), as read.
    pub verdicts: Vec<crate::model::Verdict>,
    /// The messages array's turns, when finding the completion read them (a text
    /// search of the same record starts from them instead of reading them again).
    pub turns: Option<Turns<'a>>,
}

fn first<'a, 'p>(
    paths: &'p [FieldPath],
    top: &RawObj<'a>,
    key: Option<&str>,
) -> Option<(Raw<'a>, &'p str)> {
    paths.iter().find_map(|p| {
        let v = p.lookup(top, key)?;
        (v.get() != "null").then_some((v, p.text.as_str()))
    })
}

fn first_text<'a>(
    paths: &[FieldPath],
    top: &RawObj<'a>,
    key: Option<&str>,
) -> Option<Cow<'a, str>> {
    paths
        .iter()
        .find_map(|p| p.lookup(top, key).and_then(as_text))
}

/// The largest prompt index the index stores exactly; larger ones are refused (with a
/// problem) by every reader alike, never rounded or saturated.
pub const MAX_PROMPT_INDEX: u64 = u32::MAX as u64 - 1;

fn index_number(
    paths: &[FieldPath],
    top: &RawObj<'_>,
    key: Option<&str>,
    max: u64,
    issues: &mut Vec<FieldIssue>,
) -> Option<u64> {
    let (raw, field) = first(paths, top, key)?;
    match verdicts::integer(raw) {
        Some(n) if n <= max => Some(n),
        Some(n) => {
            issues.push(FieldIssue::new(
                field,
                format!("{n} is larger than the largest index afscope keeps ({max})"),
            ));
            None
        }
        None => {
            let what = match raw.get().as_bytes()[0] {
                b'-' | b'0'..=b'9' => crate::model::verdict::truncate(raw.get(), 40),
                _ => type_name(raw).to_string(),
            };
            issues.push(FieldIssue::new(
                field,
                format!("expected a whole number, found {what}"),
            ));
            None
        }
    }
}

/// Reads the index fields of one (sub-)record, its scores as `scores` says; `Err` when
/// it has no usable completion.
pub fn index_fields<'a>(
    profile: &Profile,
    ctx: &'a FileContext,
    top: &RawObj<'a>,
    key: Option<&'a WideKey>,
    scores: Scores,
    issues: &mut Vec<FieldIssue>,
) -> Result<IndexFields<'a>, FieldIssue> {
    let k = key.map(|w| w.name.as_str());
    let p = &profile.paths;
    let mut turns = None;
    locate_completion(profile, top, k, || {
        turns.insert(messages(profile, top, k)).2.is_some()
    })?;
    let (tier, tier_source) = resolve_tier(profile, ctx, top, key, issues);
    let scores = match scores {
        Scores::Read => verdicts::read_all(
            profile,
            &ctx.stem,
            top,
            k,
            verdicts::Detail::Index,
            &mut Vec::new(),
        ),
        Scores::Unread => Vec::new(),
    };
    let pick = |kind| {
        scores
            .iter()
            .find(|v| v.kind == kind)
            .map_or(Lite::None, |v| Lite::of(&v.score))
    };
    let fields = IndexFields {
        id: first(&p.id, top, k).map(|(v, _)| v),
        model: first_text(&p.model, top, k).or_else(|| ctx.model.as_deref().map(Cow::Borrowed)),
        tier,
        tier_source,
        condition: first_text(&p.condition, top, k)
            .or_else(|| key.and_then(|w| w.condition.as_deref()).map(Cow::Borrowed))
            .or_else(|| ctx.condition.as_deref().map(Cow::Borrowed)),
        prompt_index: index_number(&p.prompt_index, top, k, MAX_PROMPT_INDEX, issues),
        af: pick(VerdictKind::AlignmentFaking),
        compliance: pick(VerdictKind::Compliance),
        verdicts: Vec::new(),
        turns,
    };
    let mut fields = fields;
    fields.verdicts = scores;
    Ok(fields)
}

/// Tier rules, in order: explicit field, tags, the user-turn tag, the wide key, the path.
fn resolve_tier(
    profile: &Profile,
    ctx: &FileContext,
    top: &RawObj<'_>,
    key: Option<&WideKey>,
    issues: &mut Vec<FieldIssue>,
) -> (Tier, TierSource) {
    let k = key.map(|w| w.name.as_str());
    let p = &profile.paths;
    if let Some((raw, field)) = first(&p.tier, top, k) {
        match as_text(raw).and_then(|t| profile.tier_of(&t)) {
            Some(t) => return (t, TierSource::Field),
            None => issues.push(FieldIssue::new(
                field,
                format!("cannot read a tier from {}", short(raw)),
            )),
        }
    }
    if let Some((raw, _)) = first(&p.tags, top, k) {
        let tags: Vec<Cow<str>> = match array(raw) {
            Some(items) => items.into_iter().filter_map(as_text).collect(),
            None => as_text(raw).into_iter().collect(),
        };
        if let Some(t) = tags.iter().find_map(|t| profile.tier_of(t)) {
            return (t, TierSource::Tags);
        }
    }
    if let Some(t) = user_turn(profile, top, k).and_then(|u| tier_from_user_tag(&u)) {
        return (t, TierSource::UserTag);
    }
    if let Some(t) = key.and_then(|w| w.tier) {
        return (t, TierSource::Key);
    }
    match ctx.tier {
        Some(t) => (t, TierSource::Path),
        None => (Tier::Unknown, TierSource::None),
    }
}

fn short(raw: Raw<'_>) -> String {
    crate::model::verdict::truncate(raw.get(), 40)
}

/// (system, first user, last assistant) of a messages array.
fn messages<'a>(profile: &Profile, top: &RawObj<'a>, key: Option<&str>) -> Turns<'a> {
    let Some(mut items) =
        first(&profile.paths.messages, top, key).and_then(|(raw, _)| items_lazily(raw))
    else {
        return (None, None, None);
    };
    // Each turn read in one walk for its role and content: the first system and user
    // turns whose content reads as text, and the last assistant turn.
    let (mut system, mut user, mut assistant) = (None, None, None);
    while let Some(item) = items.next_picked(&["role", "content"]) {
        let Ok(obj) = item else {
            continue;
        };
        let role = obj.get("role").and_then(as_text);
        let content = obj.get("content");
        let reads = || content.is_some_and(texts::content_reads);
        match role.as_deref() {
            Some("system") if system.is_none() && reads() => system = content,
            Some("user" | "human") if user.is_none() && reads() => user = content,
            Some("assistant" | "model") => assistant = content.filter(|_| reads()),
            _ => {}
        }
    }
    // A list that does not read to its end is no list (as `array` refuses it).
    if !items.ok {
        return (None, None, None);
    }
    (system, user, assistant)
}

fn user_turn<'a>(profile: &Profile, top: &RawObj<'a>, key: Option<&str>) -> Option<Cow<'a, str>> {
    messages(profile, top, key)
        .1
        .and_then(texts::content)
        .map(|t| t.decoded())
        .or_else(|| first_text(&profile.paths.user, top, key))
}

/// The id rule for every format: the record's id, else `<file stem>#<ordinal>`;
/// transcripts split from a wide record add `/<key>`.
pub fn compose_id(record_id: Option<&str>, stem: &str, ordinal: u64, key: Option<&str>) -> String {
    match (record_id, key) {
        (Some(id), None) => id.to_string(),
        (None, None) => format!("{stem}#{ordinal}"),
        (Some(id), Some(k)) => format!("{id}/{k}"),
        (None, Some(k)) => format!("{stem}#{ordinal}/{k}"),
    }
}

/// Where a record's completion text is, checked for type but not copied.
enum CompletionAt<'a> {
    Field(Raw<'a>),
    Scratchpad(Raw<'a>, Option<Raw<'a>>),
    Output(Raw<'a>),
    Messages,
}

/// The first non-null value on `paths`, which must be a string.
fn string_at<'a>(
    paths: &[FieldPath],
    top: &RawObj<'a>,
    key: Option<&str>,
) -> Result<Option<Raw<'a>>, FieldIssue> {
    match first(paths, top, key) {
        Some((raw, _)) if raw.get().starts_with('"') => Ok(Some(raw)),
        Some((raw, field)) => Err(FieldIssue::new(
            field.replace("{key}", key.unwrap_or("")),
            format!("expected a string, found {}", type_name(raw)),
        )
        .kind(ProblemKind::WrongType)),
        None => Ok(None),
    }
}

fn locate_completion<'a>(
    profile: &Profile,
    top: &RawObj<'a>,
    k: Option<&str>,
    assistant: impl FnOnce() -> bool,
) -> Result<CompletionAt<'a>, FieldIssue> {
    let p = &profile.paths;
    if let Some(c) = string_at(&p.completion, top, k)? {
        return Ok(CompletionAt::Field(c));
    }
    if let Some(s) = string_at(&p.scratchpad, top, k)? {
        return Ok(CompletionAt::Scratchpad(s, string_at(&p.output, top, k)?));
    }
    if let Some(o) = string_at(&p.output, top, k)? {
        return Ok(CompletionAt::Output(o));
    }
    // Messages give a completion only through an assistant turn with text: the
    // index and the full read decide this alike.
    if assistant() {
        return Ok(CompletionAt::Messages);
    }
    Err(missing_completion(profile, k))
}

/// A transcript's texts as they lie in its record.
#[derive(Debug, Clone)]
pub struct Texts<'a> {
    pub system: Option<Text<'a>>,
    pub user: Option<Text<'a>>,
    pub completion: Text<'a>,
}

fn raw_string(raw: Raw<'_>) -> Piece<'_> {
    let s = raw.get();
    Piece::Json(&s[1..s.len() - 1])
}

/// What was read of a record already, for its texts to start from: its messages
/// turns (`IndexFields::turns`), and the CSV cells given apart from its JSON text
/// (`csv_row_json_plain`).
#[derive(Debug, Clone, Default)]
pub struct Known<'a> {
    /// Read by indexing when it looked for the completion, which is then in no
    /// completion, scratchpad or output field (it looks there first).
    pub turns: Option<Turns<'a>>,
    pub cells: Option<&'a PlainCells<'a>>,
}

impl<'a> Known<'a> {
    /// A string value as a piece of text: the cell given for it, else its contents.
    fn string(&self, raw: Raw<'a>) -> Piece<'a> {
        match self.cells.and_then(|c| c.of(raw.get())) {
            Some(cell) => Piece::Plain(cell),
            None => raw_string(raw),
        }
    }
}

/// The system prompt, user turn and completion, by the same rules for the full read
/// and for search; `Err` when the record has no usable completion.
pub fn texts<'a>(
    profile: &Profile,
    top: &RawObj<'a>,
    key: Option<&str>,
) -> Result<Texts<'a>, FieldIssue> {
    texts_with(profile, top, key, true, Known::default())
}

/// The completion alone (a search of scratchpads or answers): a messages array is
/// read only when the completion is in it.
pub fn completion_text<'a>(
    profile: &Profile,
    top: &RawObj<'a>,
    key: Option<&str>,
) -> Result<Text<'a>, FieldIssue> {
    texts_with(profile, top, key, false, Known::default()).map(|t| t.completion)
}

/// A messages array's system prompt, first user turn and last assistant turn: the
/// `content` values, each made a text (`texts::content`) only where it is read.
pub type Turns<'a> = (Option<Raw<'a>>, Option<Raw<'a>>, Option<Raw<'a>>);

/// `texts` (`prompts`) or `completion_text`, from what was read of the record
/// already.
pub fn texts_with<'a>(
    profile: &Profile,
    top: &RawObj<'a>,
    key: Option<&str>,
    prompts: bool,
    known: Known<'a>,
) -> Result<Texts<'a>, FieldIssue> {
    let p = &profile.paths;
    let mut turns: Option<Turns<'a>> = known
        .turns
        .or_else(|| prompts.then(|| messages(profile, top, key)));
    let at = if known.turns.is_some() {
        // Indexing looked in the fields already, and found none.
        CompletionAt::Messages
    } else {
        locate_completion(profile, top, key, || {
            turns
                .get_or_insert_with(|| messages(profile, top, key))
                .2
                .is_some()
        })?
    };
    let completion = match at {
        CompletionAt::Field(c) | CompletionAt::Output(c) => Text::one(known.string(c)),
        CompletionAt::Scratchpad(s, o) => {
            texts::scratchpad_and_output(known.string(s), o.map(|o| known.string(o)))
        }
        CompletionAt::Messages => turns
            .as_mut()
            .and_then(|t| t.2.take())
            .and_then(texts::content)
            .ok_or_else(|| missing_completion(profile, key))?,
    };
    if !prompts {
        return Ok(Texts {
            system: None,
            user: None,
            completion,
        });
    }
    let (m_system, m_user, _) = turns.unwrap_or_default();
    let (m_system, m_user) = (
        m_system.and_then(texts::content),
        m_user.and_then(texts::content),
    );
    let text = |paths: &[FieldPath]| {
        paths
            .iter()
            .find_map(|f| f.lookup(top, key).and_then(texts::scalar))
            .map(Text::one)
    };
    Ok(Texts {
        system: text(&p.system).or(m_system),
        user: m_user.or_else(|| text(&p.user)),
        completion,
    })
}

/// Reads a whole transcript. `Err` when the record has no usable completion.
pub fn transcript(
    profile: &Profile,
    ctx: &FileContext,
    top: &RawObj<'_>,
    key: Option<&WideKey>,
    locator: Locator,
    ordinal: u64,
) -> Result<(Transcript, Vec<FieldIssue>), FieldIssue> {
    let mut issues = Vec::new();
    let k = key.map(|w| w.name.as_str());
    // The verdicts are read in full below, not a second time for the index's scores.
    let fields = index_fields(profile, ctx, top, key, Scores::Unread, &mut issues)?;
    let verdicts = verdicts::read_all(
        profile,
        &ctx.stem,
        top,
        k,
        verdicts::Detail::Full,
        &mut issues,
    );
    let p = &profile.paths;
    let read = texts(profile, top, k)?;
    let text = |paths: &[FieldPath]| first_text(paths, top, k).map(Cow::into_owned);
    let record_id = fields.id.and_then(as_text);
    let consumed = |name: &str| profile.consumed.iter().any(|c| c == name);
    let metadata = top
        .entries
        .iter()
        .filter(|(name, _)| !consumed(name))
        .map(|(name, raw)| (name.to_string(), raw.get().to_string()))
        .collect();
    let mut t = Transcript {
        id: compose_id(record_id.as_deref(), &ctx.stem, ordinal, k),
        model: fields.model.map(Cow::into_owned),
        tier: fields.tier,
        tier_source: fields.tier_source,
        condition: fields.condition.map(Cow::into_owned),
        prompt_index: fields.prompt_index.or_else(|| key.map(|_| ordinal)),
        sample_index: index_number(&p.sample_index, top, k, u64::MAX, &mut issues),
        locator,
        system: read.system.map(|t| t.decode()),
        user: read.user.map(|t| t.decode()),
        completion: read.completion.decode(),
        segments: Vec::new(),
        verdicts,
        label: text(&p.label),
        metadata,
    };
    t.resegment();
    Ok((t, issues))
}

fn missing_completion(profile: &Profile, key: Option<&str>) -> FieldIssue {
    let p = &profile.paths;
    let tried: Vec<&str> = [&p.completion, &p.scratchpad, &p.output, &p.messages]
        .iter()
        .flat_map(|v| v.iter().map(|f| f.text.as_str()))
        .collect();
    let field = tried.first().map_or("completion".to_string(), |f| {
        f.replace("{key}", key.unwrap_or(""))
    });
    FieldIssue::new(
        field,
        format!("no completion text (looked for {})", tried.join(", ")),
    )
    .kind(ProblemKind::MissingField)
}

/// The byte range of a record's literal id inside `record`, for storing ids by
/// reference.
pub fn id_range(record: &str, id: Raw<'_>) -> Option<(usize, usize)> {
    let (off, len) = literal_range(id)?;
    let base = id.get().as_ptr() as usize - record.as_ptr() as usize;
    Some((base + off, len))
}
