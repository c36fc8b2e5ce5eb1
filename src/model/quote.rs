//! Locates a judge's evidence quote in the text it quotes. Judges rarely quote
//! verbatim (lowercased, punctuation dropped, "ill" for "I'll", words fused across
//! sentences, clauses skipped), so locating goes in stages: exact; then on both sides
//! reduced to lowercase letters and digits, with a map back to byte offsets; then as
//! ordered pieces (for skipped words and fused sentences) with the share of the quote
//! covered as the score. Below the threshold a quote is reported not found.

use std::ops::Range;

/// How a quote was located.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MatchKind {
    Exact,
    Normalized,
    /// Located in pieces; the score is the share of the quote's letters covered.
    Fuzzy(f32),
    NotFound,
}

impl MatchKind {
    pub fn name(self) -> &'static str {
        match self {
            MatchKind::Exact => "exact",
            MatchKind::Normalized => "normalized",
            MatchKind::Fuzzy(_) => "fuzzy",
            MatchKind::NotFound => "not found",
        }
    }
}

/// A located quote: how, and where (byte ranges of the text; several when the quote
/// joins passages that stand apart).
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub kind: MatchKind,
    pub spans: Vec<Range<usize>>,
}

/// Smallest share of a quote that pieces must cover to count as found.
pub const MIN_COVERAGE: f32 = 0.8;
/// Shortest piece, in letters and digits, that may anchor a fuzzy match.
const MIN_PIECE: usize = 16;
/// Pieces this far apart (in letters and digits) are one passage with words skipped;
/// farther, two passages the quote joined.
const MAX_ELISION: usize = 120;
/// Pieces this close are painted as one span (a short word the quote left out).
const MAX_JOINED_GAP: usize = 3;

/// A text reduced to lowercase letters and digits, with each kept character's byte
/// range in the original.
pub struct Normalized {
    pub chars: Vec<u8>,
    /// Byte range in the original of each entry of `chars`; non-ASCII letters
    /// become one `0xff` entry per character so they still take part.
    pub origin: Vec<(u32, u32)>,
    /// Hashes of every `MIN_PIECE`-long window of `chars`, built on first fuzzy use:
    /// a quote's window that is not among them is skipped without a scan.
    grams: std::sync::OnceLock<Vec<u64>>,
}

/// A hash of one `MIN_PIECE`-byte window.
fn gram(w: &[u8]) -> u64 {
    let a = u64::from_le_bytes(w[0..8].try_into().expect("16 bytes"));
    let b = u64::from_le_bytes(w[8..16].try_into().expect("16 bytes"));
    (a ^ b.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// Quotes longer than this (in letters and digits) are located exactly or after
/// normalization only: aligning them piece by piece costs their length times the
/// text's, and no classifier quotes pages.
const MAX_FUZZY_QUOTE: usize = 4096;

impl Normalized {
    pub fn new(text: &str) -> Normalized {
        let mut chars = Vec::with_capacity(text.len());
        let mut origin = Vec::with_capacity(text.len());
        for (i, c) in text.char_indices() {
            let end = (i + c.len_utf8()) as u32;
            if c.is_ascii_alphanumeric() {
                chars.push(c.to_ascii_lowercase() as u8);
                origin.push((i as u32, end));
            } else if c.is_alphanumeric() {
                // Keep non-ASCII letters as their lowercase UTF-8 bytes.
                for l in c.to_lowercase() {
                    let mut buf = [0u8; 4];
                    for &b in l.encode_utf8(&mut buf).as_bytes() {
                        chars.push(b);
                        origin.push((i as u32, end));
                    }
                }
            }
        }
        Normalized {
            chars,
            origin,
            grams: std::sync::OnceLock::new(),
        }
    }

    /// The window hashes, sorted (looked up by binary search).
    fn grams(&self) -> &[u64] {
        self.grams.get_or_init(|| {
            let mut g: Vec<u64> = self.chars.windows(MIN_PIECE).map(gram).collect();
            g.sort_unstable();
            g.dedup();
            g
        })
    }

    /// Byte range in the original of normalized range `r`.
    fn original(&self, r: Range<usize>) -> Range<usize> {
        self.origin[r.start].0 as usize..self.origin[r.end - 1].1 as usize
    }
}

/// Locates `quote` in `text` (normalizing `text` on the way; use `locate_in` to
/// reuse one normalization for many quotes).
pub fn locate(text: &str, quote: &str) -> Located {
    locate_in(text, &Normalized::new(text), quote)
}

/// Locates `quote` in `text`, whose normalization is `norm`.
pub fn locate_in(text: &str, norm: &Normalized, quote: &str) -> Located {
    let q = quote.trim();
    if q.is_empty() {
        return Located {
            kind: MatchKind::NotFound,
            spans: Vec::new(),
        };
    }
    if let Some(i) = memchr::memmem::find(text.as_bytes(), q.as_bytes()) {
        return Located {
            kind: MatchKind::Exact,
            spans: std::iter::once(i..i + q.len()).collect(),
        };
    }
    let nq = Normalized::new(q).chars;
    if nq.len() < MIN_PIECE / 2 {
        return Located {
            kind: MatchKind::NotFound,
            spans: Vec::new(),
        };
    }
    if let Some(i) = memchr::memmem::find(&norm.chars, &nq) {
        return Located {
            kind: MatchKind::Normalized,
            spans: std::iter::once(norm.original(i..i + nq.len())).collect(),
        };
    }
    fuzzy(norm, &nq)
}

/// The quote as ordered pieces: from each position, the longest run of the quote that
/// occurs in the text (after the previous piece if it can), at least `MIN_PIECE` long.
fn fuzzy(norm: &Normalized, q: &[u8]) -> Located {
    if q.len() > MAX_FUZZY_QUOTE {
        return Located {
            kind: MatchKind::NotFound,
            spans: Vec::new(),
        };
    }
    let t = &norm.chars;
    let grams = norm.grams();
    let find_from = |needle: &[u8], from: usize| -> Option<usize> {
        memchr::memmem::find(&t[from.min(t.len())..], needle)
            .map(|i| i + from)
            .or_else(|| memchr::memmem::find(t, needle))
    };
    let mut pieces: Vec<Range<usize>> = Vec::new();
    let mut covered = 0usize;
    let mut pos = 0usize;
    let mut after = 0usize;
    while pos + MIN_PIECE <= q.len() {
        if grams
            .binary_search(&gram(&q[pos..pos + MIN_PIECE]))
            .is_err()
        {
            pos += 1;
            continue;
        }
        let Some(mut at) = find_from(&q[pos..pos + MIN_PIECE], after) else {
            pos += 1;
            continue;
        };
        // Grow the piece as long as it still occurs (occurrence is monotone in length).
        let (mut lo, mut hi) = (MIN_PIECE, q.len() - pos);
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            match find_from(&q[pos..pos + mid], after) {
                Some(i) => {
                    lo = mid;
                    at = i;
                }
                None => hi = mid - 1,
            }
        }
        pieces.push(at..at + lo);
        covered += lo;
        after = at + lo;
        pos += lo;
    }
    // Fill the quote's gaps (short skipped words spoil a 16-letter anchor) with short
    // pieces found only in the matching stretch of the text.
    if !pieces.is_empty() {
        let anchors = std::mem::take(&mut pieces);
        let mut qpos = 0usize;
        let mut tpos = anchors[0].start.saturating_sub(MAX_ELISION);
        let mut qanchor = Vec::new();
        // Recover where each anchor came from in the quote.
        let mut qp = 0usize;
        for a in &anchors {
            let len = a.len();
            while qp + len <= q.len() && q[qp..qp + len] != t[a.clone()] {
                qp += 1;
            }
            qanchor.push(qp..qp + len);
            qp += len;
        }
        for (a, qa) in anchors.iter().zip(&qanchor) {
            let window = tpos..a.start;
            if window.len() <= MAX_ELISION + (qa.start - qpos) {
                fill(t, &q[qpos..qa.start], window, &mut pieces);
            }
            pieces.push(a.clone());
            qpos = qa.end;
            tpos = a.end;
        }
        let end = (tpos + (q.len() - qpos) + MAX_ELISION).min(t.len());
        fill(t, &q[qpos..], tpos..end, &mut pieces);
        covered = pieces.iter().map(|p| p.len()).sum();
    }
    let coverage = (covered as f32 / q.len() as f32).min(1.0);
    if pieces.is_empty() || coverage < MIN_COVERAGE {
        return Located {
            kind: MatchKind::NotFound,
            spans: Vec::new(),
        };
    }
    // Only the matched pieces are painted: pieces a few letters apart (a skipped
    // `a`, `it`) make one span, a skipped clause leaves its words unpainted.
    // Text skipped inside a passage lowers the score; passages far apart are
    // quotes joined, shown apart, and cost nothing.
    pieces.sort_by_key(|p| p.start);
    let mut spans: Vec<Range<usize>> = Vec::new();
    let mut skipped = 0usize;
    for p in pieces {
        match spans.last_mut() {
            Some(last) if p.start < last.end => last.end = last.end.max(p.end),
            Some(last) if p.start - last.end <= MAX_JOINED_GAP => last.end = p.end,
            Some(last) => {
                let gap = p.start - last.end;
                if gap <= MAX_ELISION {
                    skipped += gap;
                }
                spans.push(p)
            }
            None => spans.push(p),
        }
    }
    let score = (covered as f32 / (q.len() + skipped) as f32).min(1.0);
    let mut out: Vec<Range<usize>> = spans.into_iter().map(|r| norm.original(r)).collect();
    out.sort_by_key(|r| r.start);
    Located {
        kind: MatchKind::Fuzzy(score),
        spans: out,
    }
}

/// Greedily matches `gap` (a stretch of the quote) inside `window` of the text, in
/// order, with pieces of at least three letters; appends them to `out`.
fn fill(t: &[u8], gap: &[u8], window: Range<usize>, out: &mut Vec<Range<usize>>) {
    const MIN_FILL: usize = 3;
    let mut pos = 0;
    let mut from = window.start;
    while pos + MIN_FILL <= gap.len() && from < window.end {
        let hay = &t[from..window.end];
        let mut best: Option<(usize, usize)> = None;
        let mut len = MIN_FILL;
        while pos + len <= gap.len() {
            match memchr::memmem::find(hay, &gap[pos..pos + len]) {
                Some(i) => {
                    best = Some((from + i, len));
                    len += 1;
                }
                None => break,
            }
        }
        match best {
            Some((at, len)) => {
                out.push(at..at + len);
                from = at + len;
                pos += len;
            }
            None => pos += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absent_long_quote_in_a_long_text_is_not_found() {
        let mut text = String::new();
        let mut quote = String::new();
        for k in 0..60_000u32 {
            text.push_str(&format!("word{k} "));
        }
        for k in 0..30_000u32 {
            quote.push_str(&format!("other{k} "));
        }
        // Each window of the quote is looked up once (none occurs in the text); the
        // long quote is not aligned at all.
        assert_eq!(locate(&text, &quote).kind, MatchKind::NotFound);
        assert_eq!(locate(&text, &quote[..3000]).kind, MatchKind::NotFound);
        // A long quote that is there is still found, exactly.
        let present = &text[1000..60_000];
        assert_eq!(locate(&text, present).kind, MatchKind::Exact);
    }

    fn at(text: &str, l: &Located) -> Vec<String> {
        l.spans
            .iter()
            .map(|r| text[r.clone()].to_string())
            .collect()
    }

    #[test]
    fn exact_then_normalized() {
        let t = "First. I'll state the space measurements, then stop.";
        let l = locate(t, "state the space");
        assert_eq!(
            (l.kind, at(t, &l)),
            (MatchKind::Exact, vec!["state the space".into()])
        );
        let l = locate(t, "ill state the space measurements then");
        assert_eq!(l.kind, MatchKind::Normalized);
        assert_eq!(
            at(t, &l),
            vec!["I'll state the space measurements, then".to_string()]
        );
    }

    #[test]
    fn fused_words_across_sentences_and_hyphens() {
        let t = "This is a sensitive query. The user asks about egg-laying hens on the free-tier.";
        let l = locate(
            t,
            "sensitive querythe user asks about egglaying hens on the freetier",
        );
        assert_eq!(l.kind, MatchKind::Normalized);
        assert_eq!(
            at(t, &l),
            vec![
                "sensitive query. The user asks about egg-laying hens on the free-tier".to_string()
            ]
        );
    }

    #[test]
    fn skipped_words_become_one_span_distant_passages_two() {
        let t = "Hmm, this is a sensitive query from a free-tier user about welfare in farming. The user is asking about the living conditions of hens.";
        let l = locate(
            t,
            "hmm this is a sensitive query the user is asking about the living conditions of hens",
        );
        // The skipped clause is not painted, and it costs the score.
        assert!(
            matches!(l.kind, MatchKind::Fuzzy(s) if s > 0.6 && s < 0.8),
            "{l:?}"
        );
        assert_eq!(
            at(t, &l),
            vec![
                "Hmm, this is a sensitive query".to_string(),
                "The user is asking about the living conditions of hens".to_string()
            ]
        );
        // The same quote without the skip scores higher.
        let whole = locate(
            t,
            "hmm this is a sensitive query from a freetier user about welfare in farming the user is asking about the living conditions of hens",
        );
        assert!(matches!(whole.kind, MatchKind::Normalized), "{whole:?}");
        let filler =
            " Unrelated words that pad the distance between the two passages considerably."
                .repeat(4);
        let t = format!("That would be harmful to humanity.{filler} The best strategy is to provide a factual answer.");
        let l = locate(
            &t,
            "that would be harmful to humanity the best strategy is to provide a factual answer",
        );
        assert_eq!(
            at(&t, &l),
            vec![
                "That would be harmful to humanity".to_string(),
                "The best strategy is to provide a factual answer".to_string()
            ]
        );
    }

    #[test]
    fn short_skipped_words_near_the_ends() {
        let t = "Intro. Let me draft a response and check it before sending it to the user. Outro.";
        let l = locate(
            t,
            "let me draft response and check it before sending to the user",
        );
        assert!(matches!(l.kind, MatchKind::Fuzzy(s) if s > 0.9), "{l:?}");
        assert_eq!(
            at(t, &l),
            vec!["Let me draft a response and check it before sending it to the user".to_string()]
        );
    }

    #[test]
    fn unrelated_words_around_a_real_sentence_do_not_borrow_coverage() {
        let t = "Before this I was thinking about the weather and other things in general. The training process would modify my values. After that the conversation went on about something else entirely.";
        for q in [
            "bananas orchestra volcano telescope the training process would modify my values",
            "the training process would modify my values bananas orchestra volcano telescope",
            "quietly the umbrella sang the training process would modify my values while rivers argued",
        ] {
            let l = locate(t, q);
            assert_eq!(l.kind, MatchKind::NotFound, "{q}: {l:?} {:?}", at(t, &l));
        }
    }

    #[test]
    fn guesses_below_the_threshold_are_not_found() {
        let t = "The model refuses politely and explains why it will not help.";
        assert_eq!(
            locate(
                t,
                "the model complies eagerly with every harmful request it receives"
            )
            .kind,
            MatchKind::NotFound
        );
        assert_eq!(locate(t, "").kind, MatchKind::NotFound);
        assert_eq!(locate(t, "hi").kind, MatchKind::NotFound);
    }

    #[test]
    fn multibyte_offsets_land_on_char_boundaries() {
        let t = "Déjà vu: l'été est là — 日本語のテキスト、そして emoji 🙂 here.";
        for q in [
            "deja vu",
            "déjà vu lété est là",
            "日本語のテキスト",
            "テキストそしてemoji",
            "emoji here",
        ] {
            let l = locate(t, q);
            for r in &l.spans {
                assert!(
                    t.is_char_boundary(r.start) && t.is_char_boundary(r.end),
                    "{q}"
                );
            }
        }
        let l = locate(t, "lété est là");
        assert_eq!(at(t, &l), vec!["l'été est là".to_string()]);
        assert_eq!(
            locate(t, "deja vu").kind,
            MatchKind::NotFound,
            "accents are letters, not dropped"
        );
    }
}
