//! What the status line says and how it fits: the counts and filter before it, a
//! message (wrapped onto more lines rather than cut) or the key hints for where the
//! user is, each dropped by priority rather than cut mid-word.

use super::{Action, App, Mode};
use crate::model::sanitize::visible;
use unicode_width::UnicodeWidthStr;

/// At most this many lines for a long message.
pub const MAX_LINES: usize = 4;

/// A piece of the status line and how it is drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Counts, tiers, the filter's text, separators.
    Plain(String),
    /// A state worth seeing (indexing, the queue in use).
    Key(String),
    /// A key in the hints.
    Hint(String),
    /// A message, a warning, or a file that changed (an error).
    Note(String),
    Changed(String),
}

impl Part {
    pub fn text(&self) -> &str {
        match self {
            Part::Plain(t) | Part::Key(t) | Part::Hint(t) | Part::Note(t) | Part::Changed(t) => t,
        }
    }
}

/// The status line's rows, each a run of parts that fits the width.
pub type Rows = Vec<Vec<Part>>;

impl App {
    /// The message the status line shows: a query error the filter bar has no room
    /// for, a start-up warning, then the last message, then a search in progress;
    /// sanitised.
    pub fn note(&self) -> Option<String> {
        self.query_error_below()
            .or_else(|| {
                self.warnings.first().map(|w| match self.warnings.len() {
                    1 => w.clone(),
                    n => format!("{w} ({} more: a key shows the next)", n - 1),
                })
            })
            .or_else(|| self.message.clone())
            .or_else(|| self.searching().then(|| "searching…".to_string()))
            .map(|n| visible(&n, false).into_owned())
    }

    /// Whether the query error fits in the filter bar after the query (`  ← ` and
    /// the message); when it does not, the status line says it, wrapped.
    pub fn query_error_fits_bar(&self) -> bool {
        self.input_error.as_ref().is_none_or(|e| {
            let typed = visible(&self.input.text, false).width();
            1 + typed.max(e.span.end) + 4 + visible(&e.message, false).width()
                <= usize::from(self.size.0)
        })
    }

    /// The query error, for the status line, when the filter bar has no room for it.
    fn query_error_below(&self) -> Option<String> {
        if self.query_error_fits_bar() {
            return None;
        }
        self.input_error.as_ref().map(|e| e.message.clone())
    }

    /// The status line at the terminal's width.
    pub fn status_rows(&self) -> Rows {
        let width = usize::from(self.size.0);
        let (prefix, tail) = self.status_parts();
        let width_of = |parts: &[Part]| parts.iter().map(|p| p.text().width()).sum::<usize>();
        let joined = |keep: usize| {
            let mut row: Vec<Part> = Vec::new();
            for group in &prefix[..keep] {
                row.extend(group.iter().cloned());
                row.push(Part::Plain(" │ ".into()));
            }
            if keep == 0 {
                row.push(Part::Plain(" ".into()));
            }
            row
        };
        let is_note = matches!(tail.first(), Some(Part::Note(_) | Part::Changed(_)));
        if !is_note {
            // Hints: the whole prefix that fits, then as many whole hints as fit.
            let keep = (0..=prefix.len())
                .rev()
                .find(|&k| width_of(&joined(k)) <= width)
                .unwrap_or(0);
            let mut row = joined(keep);
            let mut used = width_of(&row);
            for pair in tail.chunks(2) {
                let w = width_of(pair);
                if used + w > width {
                    break;
                }
                used += w;
                row.extend(pair.iter().cloned());
            }
            return vec![row];
        }
        // A message: the prefix's parts are dropped from the least needed (the
        // filter's text) to the most (the counts) until the message fits beside them.
        for keep in (0..=prefix.len()).rev() {
            let mut row = joined(keep);
            row.extend(tail.iter().cloned());
            if width_of(&row) <= width {
                return vec![row];
            }
        }
        // A message that does not fit a line alone wraps at words.
        let (text, changed) = match tail.first() {
            Some(Part::Changed(n)) => (n.as_str(), true),
            Some(p) => (p.text(), false),
            None => ("", false),
        };
        wrap_words(text, width.saturating_sub(1), MAX_LINES)
            .into_iter()
            .map(|l| {
                let l = format!(" {l}");
                vec![if changed {
                    Part::Changed(l)
                } else {
                    Part::Note(l)
                }]
            })
            .collect()
    }

    /// How many lines the status line needs.
    pub fn status_height(&self) -> u16 {
        self.status_rows().len().clamp(1, MAX_LINES) as u16
    }

    /// The prefix's groups, most needed first, and what follows them.
    fn status_parts(&self) -> (Vec<Vec<Part>>, Vec<Part>) {
        let [f, p, u] = self.tier_counts;
        let blind = self.session.as_ref().is_some_and(|s| s.spec.blind);
        let mut groups = vec![vec![Part::Plain(format!(
            " {}/{}",
            self.rows.len(),
            self.corpus.len()
        ))]];
        let mut tiers = vec![Part::Plain(if blind {
            "blind".to_string()
        } else {
            format!("free {f} paid {p}")
        })];
        if u > 0 && !blind {
            tiers.push(Part::Plain(format!(" ? {u}")));
        }
        groups.push(tiers);
        if let Some(pct) = self.indexing {
            groups.push(vec![Part::Key(format!("indexing {pct}%"))]);
        }
        if let Some((name, _)) = &self.queue {
            groups.push(vec![Part::Key(format!("queue {}", visible(name, false)))]);
        }
        // While a query is typed the bar shows it; the hints need the room.
        if let Some(q) = self.filter.as_ref().filter(|_| self.mode != Mode::Filter) {
            groups.push(vec![Part::Plain(visible(&q.text, false).into_owned())]);
        }
        let changed = self.changed.first().map(|first| {
            let more = match self.changed.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            // The key first: a long path must not cut it off.
            format!(
                "{} reloads · {first}{more}",
                self.keymap.hint(Action::Reload)
            )
        });
        let tail = match (self.note(), changed) {
            (Some(n), _) => vec![Part::Note(n)],
            (None, Some(c)) => vec![Part::Changed(visible(&c, false).into_owned())],
            (None, None) => self
                .hints()
                .into_iter()
                .flat_map(|(k, label)| {
                    [
                        Part::Hint(format!(" {k} ")),
                        Part::Plain(format!(" {label} ")),
                    ]
                })
                .collect(),
        };
        (groups, tail)
    }

    /// The keys the status line suggests where the user is: typing a filter,
    /// reading full screen, or in the panes; the most useful first.
    pub fn hints(&self) -> Vec<(String, &'static str)> {
        let k = |a: Action| self.keymap.hint(a);
        if self.mode == Mode::Filter {
            return vec![
                ("Enter".into(), "apply"),
                ("Esc".into(), "cancel"),
                ("↑↓".into(), "earlier queries"),
            ];
        }
        if self.fullscreen {
            return vec![
                (format!("{}/Esc", k(Action::Fullscreen)), "back"),
                (k(Action::Help), "help"),
                (k(Action::NextMatch), "match"),
                (k(Action::NextBlock), "next block"),
                (k(Action::Quit), "quit"),
            ];
        }
        vec![
            (k(Action::Help), "help"),
            (k(Action::Filter), "filter"),
            (k(Action::Fullscreen), "read"),
            (k(Action::NextMatch), "match"),
            (k(Action::Quit), "quit"),
        ]
    }
}

/// `text` in lines of at most `width` columns, broken at spaces (a word longer than
/// a line is broken inside it); past `max` lines the last ends with `…`.
pub fn wrap_words(text: &str, width: usize, max: usize) -> Vec<String> {
    let width = width.max(8);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word = word.to_string();
        loop {
            let need = if line.is_empty() {
                word.width()
            } else {
                line.width() + 1 + word.width()
            };
            if need <= width {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(&word);
                break;
            }
            if line.is_empty() {
                // A word wider than the line: as much as fits, the rest below.
                let mut cut = String::new();
                let mut rest = word.chars();
                for c in rest.by_ref() {
                    if (cut.clone() + &c.to_string()).width() > width {
                        let tail: String = std::iter::once(c).chain(rest).collect();
                        word = tail;
                        break;
                    }
                    cut.push(c);
                }
                lines.push(cut);
                continue;
            }
            lines.push(std::mem::take(&mut line));
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    if lines.len() > max {
        lines.truncate(max);
        let last = &mut lines[max - 1];
        while last.width() + 1 > width {
            last.pop();
        }
        last.push('…');
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap_words;

    #[test]
    fn words_wrap_whole_and_long_ones_break() {
        assert_eq!(
            wrap_words("no more scratchpad blocks below", 12, 3),
            ["no more", "scratchpad", "blocks below"]
        );
        assert_eq!(wrap_words("abcdefghijkl xy", 8, 3), ["abcdefgh", "ijkl xy"]);
        assert_eq!(
            wrap_words("one two three four five six", 9, 2),
            ["one two", "three…"]
        );
        assert_eq!(wrap_words("", 10, 3), [""]);
    }
}
