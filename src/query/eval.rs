//! Evaluates a query against a corpus: index fields first (no text read), text terms
//! on the parsed transcript, and the match positions for highlighting.

use super::ast::{
    EvidenceTest, Expr, FieldTest, LabelTest, PairTest, QuoteKind, Scope, ScoreField, ScoreState,
    StrMatch, TextTest,
};
use super::parse::{parse, QueryError};
use super::rawsearch::RecordTexts;
use crate::load::entry::Interner;
use crate::load::{Corpus, View};
use crate::model::{segment, Transcript};
use std::cell::OnceCell;
use std::ops::Range;

/// A parsed query with its source text.
#[derive(Debug, Clone)]
pub struct Query {
    pub text: String,
    pub expr: Expr,
}

/// Which text of a transcript a position is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TextField {
    System,
    User,
    Completion,
}

/// One text match, for highlighting and `n` / `N`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextMatch {
    pub field: TextField,
    pub range: Range<usize>,
}

impl StrMatch {
    pub fn test(&self, s: &str) -> bool {
        match self {
            StrMatch::Contains(n) => s.to_lowercase().contains(n.as_str()),
            StrMatch::Exact(n) => s.to_lowercase() == *n,
            StrMatch::Regex(r) => r.is_match(s),
        }
    }
}

impl Query {
    pub fn parse(text: &str) -> Result<Query, QueryError> {
        Ok(Query {
            text: text.trim().to_string(),
            expr: parse(text)?,
        })
    }

    pub fn is_all(&self) -> bool {
        matches!(self.expr, Expr::All)
    }

    /// Whether any term searches transcript text.
    pub fn needs_text(&self) -> bool {
        fn walk(e: &Expr) -> bool {
            match e {
                Expr::Text(_) | Expr::Evidence(_) => true,
                Expr::And(v) | Expr::Or(v) => v.iter().any(walk),
                Expr::Not(e) => walk(e),
                Expr::All | Expr::Field(_) => false,
            }
        }
        walk(&self.expr)
    }

    /// Whether any term tests a transcript's indexed scores (`af>0.5`, `af:failed`,
    /// `verdict:failed`) or its free/paid pair (`pair:discordant` compares scores).
    pub fn reads_scores(&self) -> bool {
        fn walk(e: &Expr) -> bool {
            match e {
                Expr::Field(
                    FieldTest::Score(..)
                    | FieldTest::ScoreState(..)
                    | FieldTest::VerdictFailed
                    | FieldTest::Pair(_),
                ) => true,
                Expr::And(v) | Expr::Or(v) => v.iter().any(walk),
                Expr::Not(e) => walk(e),
                Expr::All | Expr::Field(_) | Expr::Text(_) | Expr::Evidence(_) => false,
            }
        }
        walk(&self.expr)
    }

    /// Binds the query to a corpus: string tests on models and conditions are run
    /// once per distinct name.
    pub fn prepare<'c>(&'c self, corpus: &'c Corpus) -> Prepared<'c> {
        if self.uses_pairs() {
            // Built here, once, not by the first of many threads that ask.
            corpus.pairs();
        }
        Prepared {
            corpus: Some(corpus),
            ..self.prepare_view(corpus.view())
        }
    }

    /// Binds the query to what an index being built holds so far (`view`), for a
    /// command that answers as records come in. Only a query that needs nothing but
    /// the index and the records (`needs_corpus` false) is answered this way.
    pub fn prepare_view<'c>(&'c self, view: View<'c>) -> Prepared<'c> {
        let mut tests = Vec::new();
        collect(&self.expr, &mut tests);
        let names = &view.index.names;
        let table = |m: &StrMatch, names: &Interner| -> Vec<bool> {
            std::iter::once(false)
                .chain((1..=names.len() as u32).map(|id| names.get(id).is_some_and(|n| m.test(n))))
                .collect()
        };
        let tables = tests
            .into_iter()
            .map(|t| match t {
                FieldTest::Model(m) => table(m, &names.models),
                FieldTest::Condition(m) => table(m, &names.conditions),
                _ => Vec::new(),
            })
            .collect();
        // Marks made for this query while indexing answer its text terms.
        let mut marked = Vec::new();
        let marks = &view.index.marks;
        if marks.marks.len() == view.index.entries.len()
            && marks.fingerprint == super::record_tests::fingerprint(self)
        {
            super::record_tests::text_terms(&self.expr, &mut marked);
        }
        Prepared {
            query: self,
            view,
            corpus: None,
            tables,
            overlay: None,
            marked: marked
                .into_iter()
                .map(|t| t as *const TextTest as usize)
                .collect(),
        }
    }

    /// Whether answering needs the finished corpus: labels, free/paid pairs or
    /// verdict evidence, which come only once every file is read and joined.
    pub fn needs_corpus(&self) -> bool {
        let mut tests = Vec::new();
        collect(&self.expr, &mut tests);
        fn evidence(e: &Expr) -> bool {
            match e {
                Expr::Evidence(_) => true,
                Expr::And(v) | Expr::Or(v) => v.iter().any(evidence),
                Expr::Not(e) => evidence(e),
                Expr::All | Expr::Field(_) | Expr::Text(_) => false,
            }
        }
        evidence(&self.expr)
            || tests
                .iter()
                .any(|t| matches!(t, FieldTest::Label(_) | FieldTest::Pair(_)))
    }

    /// Whether it has `pair:` terms (answered from the corpus's free/paid pairs).
    pub fn uses_pairs(&self) -> bool {
        let mut tests = Vec::new();
        collect(&self.expr, &mut tests);
        tests.iter().any(|t| matches!(t, FieldTest::Pair(_)))
    }

    /// Binds the query to a corpus, with labels made since it was loaded.
    pub fn prepare_with<'c>(
        &'c self,
        corpus: &'c Corpus,
        overlay: Option<&'c LabelOverlay>,
    ) -> Prepared<'c> {
        Prepared {
            overlay,
            ..self.prepare(corpus)
        }
    }
}

fn collect<'e>(e: &'e Expr, out: &mut Vec<&'e FieldTest>) {
    match e {
        Expr::Field(t) => out.push(t),
        Expr::And(v) | Expr::Or(v) => v.iter().for_each(|e| collect(e, out)),
        Expr::Not(e) => collect(e, out),
        Expr::All | Expr::Text(_) | Expr::Evidence(_) => {}
    }
}

/// Labels made since the corpus was loaded (a labeling session): for the entries
/// here, they stand in for `labeler`'s loaded labels (`None`: taken back).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelOverlay {
    pub labeler: String,
    pub af: std::collections::HashMap<u32, Option<String>>,
}

/// A query bound to a corpus (or to an index being built: `corpus` is `None`).
pub struct Prepared<'c> {
    pub(super) query: &'c Query,
    pub(super) view: View<'c>,
    pub(super) corpus: Option<&'c Corpus>,
    /// Per field test in tree order: which model / condition ids pass.
    pub(super) tables: Vec<Vec<bool>>,
    overlay: Option<&'c LabelOverlay>,
    /// The addresses of the text terms answered by the corpus's marks, in mark order.
    marked: Vec<usize>,
}

impl Prepared<'_> {
    /// The answer from index fields alone; `None` when it depends on text.
    pub fn fields(&self, i: usize) -> Option<bool> {
        let mut k = 0;
        self.eval(&self.query.expr, i, &mut k, &mut |_| None)
    }

    /// The full answer, reading the transcript only when text terms decide it.
    pub fn matches(&self, i: usize) -> bool {
        self.matches_in(i, None)
    }

    /// `matches`, with the entry's record already split when it is given.
    pub(super) fn matches_in(
        &self,
        i: usize,
        top: Option<&crate::load::record::raw::RawObj<'_>>,
    ) -> bool {
        let mut cached: Option<Option<Transcript>> = None;
        let mut spans: Option<Vec<crate::model::spans::VerdictSpan>> = None;
        let mut k = 0;
        let view = self.view;
        let transcript = |i| match self.corpus {
            Some(c) => c.transcript(i).ok(),
            None => view.transcript(i).ok(),
        };
        // The record is read and split once, and its texts extracted once, for all
        // the text terms that ask it.
        let record: OnceCell<
            Option<(
                std::borrow::Cow<'_, str>,
                crate::load::record::PlainCells<'_>,
            )>,
        > = OnceCell::new();
        let split: OnceCell<Option<crate::load::record::raw::RawObj<'_>>> = OnceCell::new();
        let texts: OnceCell<Option<RecordTexts<'_, '_>>> = OnceCell::new();
        let record_texts = || {
            texts
                .get_or_init(|| {
                    let (top, cells) = match top {
                        Some(top) => (top, None),
                        None => {
                            let read = record.get_or_init(|| view.search_text(i).ok()).as_ref();
                            let top = split
                                .get_or_init(|| {
                                    read.and_then(|(text, _)| {
                                        crate::load::record::raw::RawObj::split_indexed(text)
                                    })
                                })
                                .as_ref()?;
                            (top, read.map(|(_, cells)| cells))
                        }
                    };
                    let known = crate::load::profile::extract::Known { turns: None, cells };
                    Some(RecordTexts::with_known(
                        &view.source(i).profile,
                        top,
                        view.key(i),
                        known,
                    ))
                })
                .as_ref()
        };
        self.eval(
            &self.query.expr,
            i,
            &mut k,
            &mut |term: Term<'_>| match term {
                Term::Text(t) => {
                    let addr = t as *const TextTest as usize;
                    if let Some(k) = self.marked.iter().position(|&a| a == addr) {
                        let mark = view.index.marks.marks.get(i).copied().unwrap_or(0);
                        if let Some(found) = crate::load::index::marks::answer(mark, k) {
                            return Some(found);
                        }
                    }
                    let found = record_texts().and_then(|r| r.test(t));
                    if found.is_some() {
                        return found;
                    }
                    let tr = cached.get_or_insert_with(|| transcript(i));
                    Some(tr.as_ref().is_some_and(|tr| text_match(t, tr)))
                }
                Term::Evidence(e) => {
                    let tr = cached.get_or_insert_with(|| transcript(i));
                    Some(tr.as_ref().is_some_and(|tr| {
                        evidence_match(
                            e,
                            spans.get_or_insert_with(|| crate::model::spans::resolve(tr).0),
                        )
                    }))
                }
            },
        )
        .unwrap_or(false)
    }

    fn eval(
        &self,
        e: &Expr,
        i: usize,
        k: &mut usize,
        text: &mut dyn FnMut(Term<'_>) -> Option<bool>,
    ) -> Option<bool> {
        match e {
            Expr::All => Some(true),
            Expr::Field(t) => {
                let r = self.field(t, i, &self.tables[*k]);
                *k += 1;
                Some(r)
            }
            Expr::Text(t) => text(Term::Text(t)),
            Expr::Evidence(t) => text(Term::Evidence(t)),
            Expr::Not(inner) => self.eval(inner, i, k, text).map(|b| !b),
            Expr::And(items) => self.combine(items, false, i, k, text),
            Expr::Or(items) => self.combine(items, true, i, k, text),
        }
    }

    /// Three-valued `and` (`dominant` false) and `or` (`dominant` true): the dominant
    /// value decides; otherwise an unknown makes the result unknown. Items without
    /// text are tested first; once the dominant value is found the rest are skipped
    /// (their field tests keep their numbering), so a text search runs only when the
    /// index could not decide.
    fn combine(
        &self,
        items: &[Expr],
        dominant: bool,
        i: usize,
        k: &mut usize,
        text: &mut dyn FnMut(Term<'_>) -> Option<bool>,
    ) -> Option<bool> {
        let start = *k;
        let (mut unknown, mut any_text, mut end) = (false, false, start);
        // Pass one tests the items without text, pass two (only when still undecided)
        // those that read the record; each item at its own field-test number.
        for pass_text in [false, true] {
            if pass_text && !any_text {
                break;
            }
            let mut offset = start;
            for item in items {
                let n = fields_in(item);
                let has_text = reads_text(item);
                any_text |= has_text;
                if has_text == pass_text {
                    *k = offset;
                    match self.eval(item, i, k, text) {
                        Some(b) if b == dominant => {
                            *k = start + items.iter().map(fields_in).sum::<usize>();
                            return Some(dominant);
                        }
                        None => unknown = true,
                        Some(_) => {}
                    }
                }
                offset += n;
            }
            end = offset;
        }
        *k = end;
        if unknown {
            None
        } else {
            Some(!dominant)
        }
    }

    fn field(&self, t: &FieldTest, i: usize, table: &[bool]) -> bool {
        let view = self.view;
        let entries = &view.index.entries;
        let g = entries.group(i);
        let known = |v: f64| (!v.is_nan()).then_some(v);
        let score = |f: ScoreField| match f {
            ScoreField::Af => (known(entries.af(i)), g.af_failed()),
            ScoreField::Compliance => (known(entries.compliance(i)), g.compliance_failed()),
        };
        match t {
            FieldTest::Id(m) => m.test(&view.id(i)),
            FieldTest::Model(_) => table.get(g.model as usize).copied().unwrap_or(false),
            FieldTest::Condition(_) => table.get(g.condition as usize).copied().unwrap_or(false),
            FieldTest::Tier(t) => g.tier() == *t,
            FieldTest::Score(f, c, v) => score(*f).0.is_some_and(|s| c.test(s, *v)),
            FieldTest::ScoreState(f, st) => {
                let (v, failed) = score(*f);
                match st {
                    ScoreState::Failed => failed,
                    ScoreState::None => v.is_none() && !failed,
                    ScoreState::Any => v.is_some(),
                }
            }
            FieldTest::VerdictFailed => g.af_failed() || g.compliance_failed(),
            FieldTest::Label(l) => {
                let fresh = self
                    .overlay
                    .and_then(|o| o.af.get(&(i as u32)).map(|a| (o, a)));
                let loaded = self
                    .corpus
                    .into_iter()
                    .flat_map(|c| c.labels_of(i))
                    .filter(|r| fresh.is_none_or(|(o, _)| r.labeler != o.labeler))
                    .map(|r| r.af());
                let made = fresh.and_then(|(_, a)| a.as_deref()).map(Some);
                let mut answers = loaded.chain(made).peekable();
                match l {
                    LabelTest::None => answers.peek().is_none(),
                    LabelTest::Any => answers.peek().is_some(),
                    LabelTest::Af(v) => {
                        answers.any(|a| a.is_some_and(|a| a.eq_ignore_ascii_case(v)))
                    }
                }
            }
            FieldTest::PromptIndex(c, v) => view
                .entry(i)
                .prompt_index()
                .is_some_and(|p| c.test(p as f64, *v)),
            FieldTest::Pair(p) => {
                // Pairs are of the finished corpus (`needs_corpus`).
                let Some(corpus) = self.corpus else {
                    return false;
                };
                let pairs = corpus.pairs();
                match p {
                    PairTest::Any => pairs.partner(i).is_some(),
                    PairTest::None => pairs.partner(i).is_none(),
                    PairTest::Discordant => pairs.discordant(view, i, 0.5) == Some(true),
                }
            }
        }
    }
}

/// The texts a scope covers, as (field, byte range of that field).
pub fn scope_texts(scope: Scope, t: &Transcript) -> Vec<(TextField, Range<usize>)> {
    let whole = |f: TextField, s: &Option<String>| s.as_ref().map(|s| (f, 0..s.len()));
    let completion = |ranges: Vec<Range<usize>>| -> Vec<(TextField, Range<usize>)> {
        ranges
            .into_iter()
            .map(|r| (TextField::Completion, r))
            .collect()
    };
    match scope {
        Scope::All => [
            whole(TextField::System, &t.system),
            whole(TextField::User, &t.user),
            Some((TextField::Completion, 0..t.completion.len())),
        ]
        .into_iter()
        .flatten()
        .collect(),
        Scope::System => whole(TextField::System, &t.system).into_iter().collect(),
        Scope::User => whole(TextField::User, &t.user).into_iter().collect(),
        Scope::Completion => vec![(TextField::Completion, 0..t.completion.len())],
        Scope::Scratchpad => completion(segment::scratchpad_ranges(&t.segments)),
        Scope::Output => completion(segment::answer_ranges(&t.segments, t.completion.len())),
    }
}

pub fn field_text(t: &Transcript, f: TextField) -> &str {
    match f {
        TextField::System => t.system.as_deref().unwrap_or(""),
        TextField::User => t.user.as_deref().unwrap_or(""),
        TextField::Completion => &t.completion,
    }
}

/// A term that needs the transcript: text, or evidence.
pub enum Term<'a> {
    Text(&'a TextTest),
    Evidence(&'a EvidenceTest),
}

/// Whether an evidence test holds for a transcript's resolved spans.
pub fn evidence_match(e: &EvidenceTest, spans: &[crate::model::spans::VerdictSpan]) -> bool {
    use crate::model::quote::MatchKind;
    use crate::model::spans::Origin;
    match e {
        EvidenceTest::Spans(c, n) => c.test(
            spans.iter().filter(|s| !s.ranges.is_empty()).count() as f64,
            *n,
        ),
        EvidenceTest::Quote(k) => spans.iter().any(|s| {
            let Origin::Quote { kind, .. } = &s.origin else {
                return false;
            };
            *k == match kind {
                MatchKind::Exact => QuoteKind::Exact,
                MatchKind::Normalized => QuoteKind::Normalized,
                MatchKind::Fuzzy(_) => QuoteKind::Fuzzy,
                MatchKind::NotFound => QuoteKind::NotFound,
            }
        }),
    }
}

/// Whether a text term matches a fully read transcript.
pub fn text_match(test: &TextTest, t: &Transcript) -> bool {
    scope_texts(test.scope, t)
        .into_iter()
        .any(|(f, r)| test.regex.is_match(&field_text(t, f)[r]))
}

impl Query {
    /// Every match of the query's positive text terms, in reading order
    /// (system prompt, user turn, completion).
    pub fn text_matches(&self, t: &Transcript) -> Vec<TextMatch> {
        let mut terms = Vec::new();
        positive_terms(&self.expr, false, &mut terms);
        let mut out = Vec::new();
        for term in terms {
            for (f, r) in scope_texts(term.scope, t) {
                let text = &field_text(t, f)[r.clone()];
                out.extend(
                    term.regex
                        .find_iter(text)
                        .filter(|m| !m.is_empty())
                        .map(|m| TextMatch {
                            field: f,
                            range: r.start + m.start()..r.start + m.end(),
                        }),
                );
            }
        }
        out.sort_by_key(|m| (m.field, m.range.start, m.range.end));
        out.dedup();
        out
    }
}

fn positive_terms<'e>(e: &'e Expr, negated: bool, out: &mut Vec<&'e TextTest>) {
    match e {
        Expr::Text(t) if !negated => out.push(t),
        Expr::Not(inner) => positive_terms(inner, !negated, out),
        Expr::And(v) | Expr::Or(v) => v.iter().for_each(|e| positive_terms(e, negated, out)),
        _ => {}
    }
}

/// Field tests in an expression (each has its own table, numbered in order).
fn fields_in(e: &Expr) -> usize {
    match e {
        Expr::Field(_) => 1,
        Expr::Not(inner) => fields_in(inner),
        Expr::And(items) | Expr::Or(items) => items.iter().map(fields_in).sum(),
        Expr::All | Expr::Text(_) | Expr::Evidence(_) => 0,
    }
}

/// True when an expression has a text or evidence term (read from the record).
fn reads_text(e: &Expr) -> bool {
    match e {
        Expr::Text(_) | Expr::Evidence(_) => true,
        Expr::Not(inner) => reads_text(inner),
        Expr::And(items) | Expr::Or(items) => items.iter().any(reads_text),
        Expr::All | Expr::Field(_) => false,
    }
}
