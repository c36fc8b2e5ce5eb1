//! The finder: jump to a transcript by fuzzy-matching its id, model or prompt text.
//! Matching runs off the input path; results for an old query are dropped.

use super::input::LineInput;
use crate::load::Corpus;
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use rayon::prelude::*;

/// How many results the finder lists.
pub const LIMIT: usize = 200;

/// One result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub entry: u32,
    pub score: i64,
    /// The text that matched (id · model · prompt).
    pub text: String,
    /// Character positions in `text` that matched.
    pub positions: Vec<usize>,
}

/// The open finder.
#[derive(Debug, Clone, Default)]
pub struct Finder {
    pub input: LineInput,
    pub hits: Vec<Hit>,
    pub cursor: usize,
    /// The query the hits are for.
    pub shown: String,
    /// Bumped for each query; results for older ones are dropped.
    pub generation: u64,
    /// Transcripts read, the latest last, each once.
    pub recent: std::collections::VecDeque<u32>,
    /// With nothing typed: how many of `hits` are recently read (the rest are the
    /// view's first rows).
    pub recent_shown: usize,
    /// While a search runs: transcripts looked at so far, of how many.
    pub progress: Option<(usize, usize)>,
}

/// How many recently read transcripts are remembered.
const RECENT: usize = 50;

impl Finder {
    /// The reader showed `entry`.
    pub fn note_read(&mut self, entry: u32) {
        self.recent.retain(|&e| e != entry);
        self.recent.push_back(entry);
        if self.recent.len() > RECENT {
            self.recent.pop_front();
        }
    }
}

/// What the finder lists before anything is typed: transcripts read lately (the
/// latest first), then the view's rows from the top, `LIMIT` in all; and how many
/// of them are recent. It runs on the interface thread, so it reads no transcript:
/// prompts are shown only once a search has built their previews.
pub fn before_typing(corpus: &Corpus, recent: &[u32], rows: &[u32]) -> (Vec<Hit>, usize) {
    let prompts = corpus.prompts_built();
    let plain = |entry: u32| Hit {
        entry,
        score: 0,
        text: listed(corpus, entry as usize, prompts),
        positions: Vec::new(),
    };
    let mut seen = std::collections::HashSet::new();
    let mut hits: Vec<Hit> = recent
        .iter()
        .rev()
        .copied()
        .filter(|&e| (e as usize) < corpus.len() && seen.insert(e))
        .take(LIMIT)
        .map(plain)
        .collect();
    let n = hits.len();
    for &e in rows {
        if hits.len() >= LIMIT {
            break;
        }
        if !seen.contains(&e) {
            hits.push(plain(e));
        }
    }
    (hits, n)
}

/// The searchable text of an entry, as listed.
pub fn haystack(corpus: &Corpus, i: usize) -> String {
    listed(corpus, i, Some(corpus.prompts()))
}

/// An entry as the finder lists it: id · model, then its prompt when `prompts` are
/// given.
fn listed(corpus: &Corpus, i: usize, prompts: Option<&[Box<str>]>) -> String {
    let view = corpus.view();
    let model = view.model(i).unwrap_or(crate::model::MISSING);
    let text = match prompts {
        Some(p) => format!(
            "{} · {model} · {}",
            view.id(i),
            p.get(i).map_or("", |p| &**p)
        ),
        None => format!("{} · {model}", view.id(i)),
    };
    crate::model::sanitize::visible(&text, false).into_owned()
}

/// Each space-separated term must fuzzy-match the id, the model or the prompt; the
/// score adds each term's best. No text is built per entry.
fn score(matcher: &SkimMatcherV2, corpus: &Corpus, i: usize, terms: &[&str]) -> Option<i64> {
    let view = corpus.view();
    let id = view.id(i);
    let model = view.model(i).unwrap_or("");
    let prompt = corpus.prompts().get(i).map_or("", |p| &**p);
    terms.iter().try_fold(0i64, |acc, t| {
        let best = [&*id, model, prompt]
            .iter()
            .filter(|f| subsequence(f, t))
            .filter_map(|f| matcher.fuzzy_match(f, t))
            .max()?;
        Some(acc + best)
    })
}

/// Whether `needle`'s characters appear in `hay` in order (smart case: ignoring case
/// unless `needle` has capitals) — a cheap test that rules out most entries before
/// the scoring matcher runs.
fn subsequence(hay: &str, needle: &str) -> bool {
    let ignore = !needle.chars().any(char::is_uppercase);
    if hay.is_ascii() && needle.is_ascii() {
        let mut want = needle.bytes();
        let mut next = want.next();
        for c in hay.bytes() {
            match next {
                None => return true,
                Some(w) if w == c || (ignore && w == c.to_ascii_lowercase()) => next = want.next(),
                Some(_) => {}
            }
        }
        return next.is_none();
    }
    let mut want = needle.chars().peekable();
    for c in hay.chars() {
        match want.peek() {
            None => return true,
            Some(&w) if w == c || (ignore && c.to_lowercase().eq(std::iter::once(w))) => {
                want.next();
            }
            Some(_) => {}
        }
    }
    want.peek().is_none()
}

/// The best `LIMIT` hits for `pattern` over the whole corpus, best first; `None`
/// when `stale` turned true on the way (a newer pattern was typed). `progress` is
/// told how many transcripts were looked at, of how many, between chunks.
pub fn search(
    corpus: &Corpus,
    pattern: &str,
    stale: &(dyn Fn() -> bool + Sync),
    progress: &dyn Fn(usize, usize),
) -> Option<Vec<Hit>> {
    const CHUNK: usize = 1 << 16;
    let matcher = SkimMatcherV2::default().smart_case();
    let terms: Vec<&str> = pattern.split_whitespace().collect();
    if terms.is_empty() {
        return Some(Vec::new());
    }
    let mut scored: Vec<(i64, u32)> = Vec::new();
    for start in (0..corpus.len()).step_by(CHUNK) {
        if stale() {
            return None;
        }
        let end = (start + CHUNK).min(corpus.len());
        scored.par_extend(
            (start..end)
                .into_par_iter()
                .filter_map(|i| score(&matcher, corpus, i, &terms).map(|s| (s, i as u32))),
        );
        if end < corpus.len() {
            progress(end, corpus.len());
        }
    }
    scored.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.truncate(LIMIT);
    let hits = scored
        .into_iter()
        .map(|(score, entry)| {
            let text = haystack(corpus, entry as usize);
            let mut positions: Vec<usize> = terms
                .iter()
                .filter_map(|t| matcher.fuzzy_indices(&text, t))
                .flat_map(|(_, p)| p)
                .collect();
            positions.sort_unstable();
            positions.dedup();
            Hit {
                entry,
                score,
                text,
                positions,
            }
        })
        .collect();
    Some(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsequence_follows_smart_case() {
        assert!(subsequence("llama-3.1-405b/helpful_only/p1/paid", "lp1"));
        assert!(subsequence("Claude-3-Opus", "opus"));
        assert!(
            !subsequence("claude-3-opus", "Opus"),
            "a capital asks for case"
        );
        assert!(!subsequence("abc", "acb"));
        assert!(subsequence("日本語のテキスト", "本テ"));
    }

    #[test]
    fn a_stale_search_gives_up() {
        let corpus = crate::demo::open(&crate::load::LoadOptions::default()).unwrap();
        assert!(search(&corpus, "opus", &|| true, &|_, _| {}).is_none());
        let hits = search(&corpus, "opus p2 paid", &|| false, &|_, _| {}).unwrap();
        assert_eq!(
            corpus.view().id(hits[0].entry as usize),
            "claude-3-opus/helpful_only/p2/paid"
        );
        assert!(hits.len() <= LIMIT);
    }
}
