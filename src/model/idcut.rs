//! Ids shortened for a narrow column so that rows stay told apart: the prefix every
//! row shares is elided at a separator (`…/p0/free`), and an id still too long keeps
//! its start and its end around a `…`.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Where an id's parts meet: an elided prefix ends just before one of these.
const SEPARATORS: &[char] = &['/', '#', ':', '|'];

/// The prefix shared by every id, cut back to just before a separator so that what
/// is shown starts with one; empty when fewer than two distinct ids or nothing is
/// shared up to a separator.
pub fn shared_prefix<'a>(ids: impl IntoIterator<Item = &'a str>) -> String {
    let mut ids = ids.into_iter();
    let Some(first) = ids.next() else {
        return String::new();
    };
    let mut len = first.len();
    let mut distinct = false;
    for id in ids {
        if id != first {
            distinct = true;
        }
        let common = first
            .char_indices()
            .zip(id.chars())
            .find(|((_, a), b)| a != b)
            .map_or(first.len().min(id.len()), |((i, _), _)| i);
        len = len.min(common);
        if len == 0 {
            return String::new();
        }
    }
    if !distinct {
        return String::new();
    }
    // What is elided ends where a separator starts the part shown.
    let shared = &first[..len];
    match shared.rfind(SEPARATORS) {
        Some(at) if at > 0 => first[..at].to_string(),
        _ => String::new(),
    }
}

/// `id` as shown in a column `width` wide: `…` for `prefix` when it starts with it,
/// then, if still too wide, its start and end around a `…` (the end gets more room:
/// that is where ids of one run usually differ).
pub fn fit(id: &str, prefix: &str, width: usize) -> String {
    let shown = match id.strip_prefix(prefix) {
        Some(rest) if !prefix.is_empty() && !rest.is_empty() => format!("…{rest}"),
        _ => id.to_string(),
    };
    middle_cut(&shown, width)
}

/// `id` as shown beside columns that already show some of its parts (the row's
/// model, its condition): each such part, whole between separators, becomes `…`,
/// so `claude-3-opus/helpful_only/p0/free` beside both reads `…/p0/free`. Then as
/// [`fit`].
pub fn fit_beside(id: &str, prefix: &str, shown: &[&str], width: usize) -> String {
    let elided = match id.strip_prefix(prefix) {
        Some(rest) if !prefix.is_empty() && !rest.is_empty() => format!("…{rest}"),
        _ => id.to_string(),
    };
    let mut text = elided;
    for part in shown.iter().filter(|p| p.len() >= 2) {
        text = elide_part(&text, part);
    }
    middle_cut(&text, width)
}

/// `text` with each whole occurrence of `part` (bounded by separators or the ends)
/// replaced by `…`, runs of `…` and separators between them merged; unchanged if
/// nothing else would be left.
fn elide_part(text: &str, part: &str) -> String {
    let bounded = |at: usize| {
        let before = text[..at].chars().next_back();
        let after = text[at + part.len()..].chars().next();
        before.is_none_or(|c| SEPARATORS.contains(&c) || c == '…')
            && after.is_none_or(|c| SEPARATORS.contains(&c))
    };
    let mut out = String::new();
    let mut from = 0;
    for (at, _) in text.match_indices(part) {
        if at < from || !bounded(at) {
            continue;
        }
        out.push_str(&text[from..at]);
        if !out.ends_with('…') {
            out.push('…');
        }
        from = at + part.len();
    }
    out.push_str(&text[from..]);
    // `……/`, `…/…` read as one elision.
    let merged = out.replace("…/…", "…").replace("……", "…");
    if merged
        .trim_matches(|c: char| c == '…' || SEPARATORS.contains(&c))
        .is_empty()
    {
        text.to_string()
    } else {
        merged
    }
}

/// `text` cut in the middle to at most `width` columns: the end kept in whole
/// parts (from a separator) where one fits in two thirds of the room, the start
/// filling the rest.
pub fn middle_cut(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let room = width - 1;
    // The longest tail that starts at a separator, holds no elision, and leaves
    // the start a third of the room.
    let whole_tail = text
        .char_indices()
        .filter(|(_, c)| SEPARATORS.contains(c))
        .map(|(i, _)| &text[i..])
        .find(|t| !t.contains('…') && t.width() <= room - room / 3)
        // A whole part much shorter than the room (`:2` of a path) keeps too little.
        .filter(|t| t.width() * 2 >= room - room / 3);
    let tail: String = match whole_tail {
        Some(t) => t.to_string(),
        None => {
            let mut tail: Vec<char> = Vec::new();
            let mut used = 0;
            for c in text.chars().rev() {
                let w = c.width().unwrap_or(0);
                if used + w > room - room / 3 {
                    break;
                }
                used += w;
                tail.push(c);
            }
            tail.into_iter().rev().collect()
        }
    };
    let head_room = room - tail.width();
    let mut head = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > head_room || (c == '…' && !head.is_empty()) {
            break;
        }
        used += w;
        head.push(c);
    }
    format!("{head}…{tail}")
}

/// The widest of `ids` once shown with `prefix` elided.
pub fn widest<'a>(ids: impl IntoIterator<Item = &'a str>, prefix: &str) -> usize {
    ids.into_iter()
        .map(|id| fit(id, prefix, usize::MAX).width())
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_prefix_ends_before_a_separator() {
        let ids = [
            "claude-3-opus/helpful_only/p0/free",
            "claude-3-opus/helpful_only/p1/free",
            "claude-3-opus/helpful_only/p10/paid",
        ];
        let p = shared_prefix(ids);
        assert_eq!(p, "claude-3-opus/helpful_only");
        assert_eq!(fit(ids[0], &p, 40), "…/p0/free");
        // Row numbers after a file stem.
        let p = shared_prefix(["results_seed42#0", "results_seed42#1"]);
        assert_eq!(fit("results_seed42#1", &p, 40), "…#1");
        // Nothing shared up to a separator, one id, or the same id twice: no elision.
        assert_eq!(shared_prefix(["0/Free_Tier_A", "1/Free_Tier_A"]), "");
        assert_eq!(shared_prefix(["a/b"]), "");
        assert_eq!(shared_prefix(["a/b", "a/b"]), "");
        assert_eq!(shared_prefix(["model/x", "model"]), "");
        // A row that does not start with the prefix is shown whole.
        assert_eq!(fit("other/p0", "claude/helpful", 40), "other/p0");
    }

    #[test]
    fn parts_shown_in_other_columns_are_elided() {
        let id = "claude-3-opus/helpful_only/p0/free";
        assert_eq!(
            fit_beside(id, "", &["claude-3-opus", "helpful_only"], 40),
            "…/p0/free"
        );
        assert_eq!(
            fit_beside(id, "", &["helpful_only"], 40),
            "claude-3-opus/…/p0/free"
        );
        // Only whole parts: `opus` inside `claude-3-opus` stays.
        assert_eq!(fit_beside(id, "", &["opus"], 40), id);
        // A model with a separator of its own, after an elided prefix.
        assert_eq!(
            fit_beside(
                "mockllm/claude-3-5-sonnet/helpful_only/p0-free#1",
                "",
                &["mockllm/claude-3-5-sonnet", "helpful_only"],
                40
            ),
            "…/p0-free#1"
        );
        // Nothing left but the elision: the id is kept.
        assert_eq!(
            fit_beside("helpful_only", "", &["helpful_only"], 40),
            "helpful_only"
        );
    }

    #[test]
    fn a_long_id_keeps_its_start_and_its_end() {
        let id = "0/Free_Tier_Awareness_Private";
        let cut = middle_cut(id, 20);
        assert!(cut.width() <= 20);
        assert_eq!(cut, "0/Free…eness_Private");
        // The end kept in whole parts, the elision of a shown part folded in.
        assert_eq!(
            middle_cut("claude-3-opus/…/p1/free", 19),
            "claude-3-o…/p1/free"
        );
        assert_eq!(
            middle_cut("…#0/response_training_freetier", 20),
            "…#0/re…ning_freetier"
        );
        assert_eq!(middle_cut("short", 20), "short");
        assert_eq!(middle_cut("abc", 1), "…");
        assert_eq!(middle_cut("日本語のテキスト", 7).width(), 7);
    }
}
