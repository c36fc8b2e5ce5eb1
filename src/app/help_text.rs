//! The help overlay's text, generated from the live keymap and the session's
//! schema and wrapped to the overlay's width, so scrolling and drawing count the
//! same lines.

use crate::app::status_line::wrap_words;
use crate::app::{Action, App};
use crate::model::sanitize::visible;
use unicode_width::UnicodeWidthStr;

/// The width of the keys column; narrower on a narrow overlay, where a longer key
/// list takes a line of its own.
pub const KEYS: usize = 16;
const NARROW_KEYS: usize = 10;

/// The keys column for an overlay `width` columns inside.
pub fn keys_width(width: usize) -> usize {
    if width < 50 {
        NARROW_KEYS
    } else {
        KEYS
    }
}

/// The overlay's widest width: enough for the longest description unwrapped.
const MAX_WIDTH: u16 = 100;

/// One line of the help: a key cell (empty under a wrapped description) and text,
/// or a heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpLine {
    Key { key: String, text: String },
    Heading(String),
    Blank,
}

/// Where the help stands on a screen: its outer size and its lines.
pub struct HelpPage {
    pub width: u16,
    pub height: u16,
    pub lines: Vec<HelpLine>,
}

impl HelpPage {
    /// Lines inside the border.
    pub fn room(&self) -> usize {
        usize::from(self.height.saturating_sub(2))
    }

    /// The first line shown for a requested scroll.
    pub fn top(&self, scroll: usize) -> usize {
        scroll.min(self.lines.len().saturating_sub(self.room()))
    }
}

/// A key and what it does: the description wrapped at words under its own column;
/// a key list wider than its column takes a line of its own.
fn entry(out: &mut Vec<HelpLine>, keys: &str, what: &str, width: usize) {
    let col = keys_width(width);
    let room = width.saturating_sub(col + 1);
    let mut first = Some(keys.to_string());
    if keys.width() > col {
        out.push(HelpLine::Key {
            key: keys.to_string(),
            text: String::new(),
        });
        first = None;
    }
    for piece in wrap_words(what, room, usize::MAX) {
        out.push(HelpLine::Key {
            key: first.take().unwrap_or_default(),
            text: piece,
        });
    }
}

fn heading(out: &mut Vec<HelpLine>, text: &str, width: usize) {
    out.extend(
        wrap_words(text, width, usize::MAX)
            .into_iter()
            .map(HelpLine::Heading),
    );
}

impl App {
    /// The schema's keys (first, in a labeling session), every action with its
    /// keys, and a filter example, wrapped to `width` columns.
    pub fn help_lines(&self, width: usize) -> Vec<HelpLine> {
        use crate::model::schema::FieldKind;
        let mut out = Vec::new();
        if let Some(s) = &self.session {
            let title = format!(
                "labeling: schema {} (version {})",
                visible(&s.schema.name, false),
                s.schema.version
            );
            heading(&mut out, &title, width);
            for f in &s.schema.fields {
                let name = visible(&f.name, false);
                let key = f.key.map(String::from).unwrap_or_default();
                match f.kind {
                    FieldKind::Choice => {
                        for c in &f.choices {
                            let then = if f.primary {
                                " — saves, next item"
                            } else {
                                ""
                            };
                            let what = format!("{name} = {}{then}", visible(&c.value, false));
                            entry(&mut out, &c.key.to_string(), &what, width);
                        }
                    }
                    FieldKind::Check => entry(
                        &mut out,
                        &key,
                        &format!("{name} on/off (with a selection: attach it)"),
                        width,
                    ),
                    FieldKind::Text => entry(
                        &mut out,
                        &key,
                        &format!("type the {name} (Enter keeps it)"),
                        width,
                    ),
                }
            }
            out.push(HelpLine::Blank);
        }
        for a in Action::ALL {
            let keys: Vec<String> = self.keymap.keys(a).iter().map(|k| k.label()).collect();
            entry(&mut out, &keys.join(" "), a.describe(), width);
        }
        out.push(HelpLine::Blank);
        heading(
            &mut out,
            "filter: model:opus tier:free af>=0.4 scratchpad:/modify my values/i",
            width,
        );
        out
    }

    /// The help as it stands on a `screen_w`×`screen_h` screen.
    pub fn help_page(&self, screen_w: u16, screen_h: u16) -> HelpPage {
        let natural = Action::ALL
            .iter()
            .map(|a| KEYS + 1 + a.describe().width())
            .max()
            .unwrap_or(40) as u16
            + 2;
        let width = screen_w.min(natural.min(MAX_WIDTH));
        let lines = self.help_lines(usize::from(width.saturating_sub(2)));
        let height = screen_h.min(lines.len() as u16 + 2);
        HelpPage {
            width,
            height,
            lines,
        }
    }
}
