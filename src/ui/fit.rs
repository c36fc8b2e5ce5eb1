//! Fitting short texts to a width without cutting a word: titles that shorten or
//! drop their parts by priority, and lines of parts that wrap whole parts.

use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// A title of `parts` (each a long and a short form, most needed first) joined by
/// `sep`, as wide as `width` at most: the long forms while they fit, then short
/// forms from the last part to the first, then parts dropped from the end. The first
/// part always stays (cut at a character boundary when even it does not fit).
pub fn title(parts: &[(&str, &str)], sep: &str, width: usize) -> String {
    let join = |shorts: usize, keep: usize| {
        parts[..keep]
            .iter()
            .enumerate()
            .map(|(i, (long, short))| if i + shorts >= keep { *short } else { *long })
            .collect::<Vec<_>>()
            .join(sep)
    };
    for keep in (1..=parts.len()).rev() {
        for shorts in 0..=keep {
            let t = join(shorts, keep);
            if t.width() <= width {
                return t;
            }
        }
    }
    let mut t = String::new();
    for c in parts.first().map_or("", |p| p.1).chars() {
        if (t.clone() + &c.to_string()).width() > width {
            break;
        }
        t.push(c);
    }
    t
}

/// Lines of `parts` as wide as `width`: whole parts, each after `sep` on its line,
/// a part that does not fit the rest of a line starting the next one.
pub fn pack<'a>(parts: Vec<Span<'a>>, sep: Span<'a>, width: usize) -> Vec<Line<'a>> {
    let mut lines: Vec<Vec<Span<'a>>> = vec![Vec::new()];
    let mut used = 0;
    for part in parts {
        let w = part.width();
        let line = lines.last_mut().expect("one line at least");
        if line.is_empty() {
            used = w;
            line.push(part);
        } else if used + sep.width() + w <= width {
            used += sep.width() + w;
            line.push(sep.clone());
            line.push(part);
        } else {
            used = w;
            lines.push(vec![part]);
        }
    }
    lines.into_iter().map(Line::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARTS: [(&str, &str); 3] = [
        ("compliance gap", "gap"),
        ("31 transcripts in view", "31 in view"),
        ("b: baseline none", "b base: none"),
    ];

    #[test]
    fn titles_shorten_from_the_end_then_drop_parts() {
        assert_eq!(
            title(&PARTS, " · ", 80),
            "compliance gap · 31 transcripts in view · b: baseline none"
        );
        assert_eq!(
            title(&PARTS, " · ", 54),
            "compliance gap · 31 transcripts in view · b base: none"
        );
        assert_eq!(
            title(&PARTS, " · ", 52),
            "compliance gap · 31 in view · b base: none"
        );
        assert_eq!(title(&PARTS, " · ", 40), "gap · 31 in view · b base: none");
        assert_eq!(title(&PARTS, " · ", 30), "compliance gap · 31 in view");
        assert_eq!(title(&PARTS, " · ", 14), "compliance gap");
        assert_eq!(title(&PARTS, " · ", 5), "gap");
        assert_eq!(title(&PARTS, " · ", 2), "ga");
    }

    #[test]
    fn packed_parts_wrap_whole() {
        let parts = vec![Span::raw("aaaa"), Span::raw("bbb"), Span::raw("cc")];
        let lines = pack(parts, Span::raw(" · "), 10);
        let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        assert_eq!(text, ["aaaa · bbb", "cc"]);
        let one = pack(vec![Span::raw("a long part")], Span::raw(" "), 4);
        assert_eq!(
            one.len(),
            1,
            "a part wider than the line keeps its own line"
        );
    }
}
