//! Keys to actions: the defaults, a user's overrides by action name, and key names.

use super::action::Action;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;

/// A key with its modifiers (shift is folded into the character for letters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCodeOrd,
    pub ctrl: bool,
    pub alt: bool,
}

/// `KeyCode` subset with an order, for stable help listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCodeOrd {
    Char(char),
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Tab,
    BackTab,
    Enter,
    Esc,
    Backspace,
    Delete,
    F(u8),
}

impl Key {
    pub fn from_event(ev: &KeyEvent) -> Option<Key> {
        let code = match ev.code {
            KeyCode::Char(c) => KeyCodeOrd::Char(c),
            KeyCode::Up => KeyCodeOrd::Up,
            KeyCode::Down => KeyCodeOrd::Down,
            KeyCode::Left => KeyCodeOrd::Left,
            KeyCode::Right => KeyCodeOrd::Right,
            KeyCode::PageUp => KeyCodeOrd::PageUp,
            KeyCode::PageDown => KeyCodeOrd::PageDown,
            KeyCode::Home => KeyCodeOrd::Home,
            KeyCode::End => KeyCodeOrd::End,
            KeyCode::Tab => KeyCodeOrd::Tab,
            KeyCode::BackTab => KeyCodeOrd::BackTab,
            KeyCode::Enter => KeyCodeOrd::Enter,
            KeyCode::Esc => KeyCodeOrd::Esc,
            KeyCode::Backspace => KeyCodeOrd::Backspace,
            KeyCode::Delete => KeyCodeOrd::Delete,
            KeyCode::F(n) => KeyCodeOrd::F(n),
            _ => return None,
        };
        Some(Key {
            code,
            ctrl: ev.modifiers.contains(KeyModifiers::CONTROL),
            alt: ev.modifiers.contains(KeyModifiers::ALT),
        })
    }

    /// Reads `j`, `G`, `?`, `ctrl-d`, `alt-x`, `pgdn`, `space`, `f1`, `shift-tab`.
    pub fn parse(s: &str) -> Option<Key> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = s;
        loop {
            let low = rest.to_ascii_lowercase();
            if low.starts_with("ctrl-") && rest.len() > 5 {
                ctrl = true;
                rest = &rest[5..];
            } else if low.starts_with("alt-") && rest.len() > 4 {
                alt = true;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let code = if rest.chars().count() == 1 {
            KeyCodeOrd::Char(rest.chars().next()?)
        } else {
            match rest.to_ascii_lowercase().as_str() {
                "up" => KeyCodeOrd::Up,
                "down" => KeyCodeOrd::Down,
                "left" => KeyCodeOrd::Left,
                "right" => KeyCodeOrd::Right,
                "pgup" | "pageup" => KeyCodeOrd::PageUp,
                "pgdn" | "pagedown" => KeyCodeOrd::PageDown,
                "home" => KeyCodeOrd::Home,
                "end" => KeyCodeOrd::End,
                "tab" => KeyCodeOrd::Tab,
                "shift-tab" | "backtab" => KeyCodeOrd::BackTab,
                "enter" | "return" => KeyCodeOrd::Enter,
                "esc" | "escape" => KeyCodeOrd::Esc,
                "space" => KeyCodeOrd::Char(' '),
                "backspace" => KeyCodeOrd::Backspace,
                "delete" | "del" => KeyCodeOrd::Delete,
                f if f.starts_with('f') => KeyCodeOrd::F(f[1..].parse().ok()?),
                _ => return None,
            }
        };
        Some(Key { code, ctrl, alt })
    }

    /// The name shown in help and hints.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCodeOrd::Char(' ') => "space".to_string(),
            KeyCodeOrd::Char(c) => c.to_string(),
            KeyCodeOrd::Up => "↑".into(),
            KeyCodeOrd::Down => "↓".into(),
            KeyCodeOrd::Left => "←".into(),
            KeyCodeOrd::Right => "→".into(),
            KeyCodeOrd::PageUp => "PgUp".into(),
            KeyCodeOrd::PageDown => "PgDn".into(),
            KeyCodeOrd::Home => "Home".into(),
            KeyCodeOrd::End => "End".into(),
            KeyCodeOrd::Tab => "Tab".into(),
            KeyCodeOrd::BackTab => "S-Tab".into(),
            KeyCodeOrd::Enter => "Enter".into(),
            KeyCodeOrd::Esc => "Esc".into(),
            KeyCodeOrd::Backspace => "Bksp".into(),
            KeyCodeOrd::Delete => "Del".into(),
            KeyCodeOrd::F(n) => format!("F{n}"),
        };
        match (self.ctrl, self.alt) {
            (true, _) => format!("C-{base}"),
            (_, true) => format!("M-{base}"),
            _ => base,
        }
    }
}

/// Keys to actions.
#[derive(Debug, Clone)]
pub struct Keymap {
    map: BTreeMap<Key, Action>,
}

const DEFAULTS: &[(Action, &[&str])] = &[
    (Action::Quit, &["q", "ctrl-c"]),
    (Action::Help, &["?", "f1"]),
    (Action::Up, &["k", "up"]),
    (Action::Down, &["j", "down"]),
    (Action::PageUp, &["pgup", "ctrl-u", "ctrl-b"]),
    (Action::PageDown, &["pgdn", "ctrl-d", "ctrl-f", "space"]),
    (Action::Top, &["g", "home"]),
    (Action::Bottom, &["G", "end"]),
    (Action::FocusNext, &["tab", "shift-tab", "l", "h"]),
    (Action::Fullscreen, &["f", "enter"]),
    (Action::Filter, &["/"]),
    (Action::ClearFilter, &["ctrl-l", "esc"]),
    (Action::NextMatch, &["n"]),
    (Action::PrevMatch, &["N"]),
    (Action::NextBlock, &["]"]),
    (Action::PrevBlock, &["["]),
    (Action::ToggleSystem, &["s"]),
    (Action::SortNext, &["o"]),
    (Action::SortReverse, &["O"]),
    (Action::Random, &["r"]),
    (Action::Facets, &["c"]),
    (Action::Pair, &["p"]),
    (Action::Find, &["t", "ctrl-p"]),
    (Action::Reload, &["ctrl-r", "f5"]),
    (Action::SaveFilter, &["S"]),
    (Action::SavedFilters, &["'"]),
    (Action::Details, &["v"]),
    (Action::NextSpan, &["}"]),
    (Action::PrevSpan, &["{"]),
    (Action::Evidence, &["e"]),
    (Action::Lexicon, &["L"]),
    (Action::SpanList, &["E"]),
    (Action::GapPanel, &["C"]),
    (Action::EvalPanel, &["R"]),
    (Action::LabelSession, &["i"]),
    (Action::Skip, &["."]),
    (Action::UndoLabel, &["backspace"]),
    (Action::RedoLabel, &["ctrl-y"]),
    (Action::LabelHistory, &["H"]),
    (Action::LabelProgress, &["%"]),
    (Action::SelectSentence, &["V"]),
    (Action::ExtendSelection, &["+"]),
    (Action::ShrinkSelection, &["-"]),
    (Action::CopyId, &["y"]),
    (Action::CopyText, &["Y"]),
    (Action::ToggleMouse, &["f2"]),
];

impl Default for Keymap {
    fn default() -> Self {
        let mut map = BTreeMap::new();
        for (action, keys) in DEFAULTS {
            for k in *keys {
                map.insert(Key::parse(k).expect("default keys parse"), *action);
            }
        }
        Keymap { map }
    }
}

impl Keymap {
    /// Whether some key is bound to `action`.
    pub fn binds(&self, action: Action) -> bool {
        self.map.values().any(|a| *a == action)
    }

    pub fn action(&self, ev: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(ev)?;
        self.map.get(&key).copied()
    }

    /// The keys bound to `action`, in a stable order.
    pub fn keys(&self, action: Action) -> Vec<Key> {
        let mut keys: Vec<Key> = self
            .map
            .iter()
            .filter(|(_, a)| **a == action)
            .map(|(k, _)| *k)
            .collect();
        // Plain single keys first, then named keys, then chords.
        keys.sort_by_key(|k| (k.ctrl || k.alt, k.label().chars().count() > 1, k.label()));
        keys
    }

    /// The key shown in hints for `action`.
    pub fn hint(&self, action: Action) -> String {
        self.keys(action)
            .first()
            .map_or_else(|| "-".into(), Key::label)
    }

    /// Applies a user keymap (TOML `[keys] action = ["key", ...]`): each named action
    /// gets exactly the listed keys. Returns what could not be applied.
    pub fn apply_toml(&mut self, text: &str) -> Vec<String> {
        let mut warnings = Vec::new();
        let table: toml::Table = match text.parse() {
            Ok(t) => t,
            Err(e) => return vec![format!("keymap: {e}")],
        };
        let Some(keys) = table.get("keys").and_then(|k| k.as_table()) else {
            return vec!["keymap: expected a [keys] table".into()];
        };
        for (name, value) in keys {
            let Some(action) = Action::from_name(name) else {
                warnings.push(format!("keymap: unknown action `{name}`"));
                continue;
            };
            let list: Vec<&str> = match value {
                toml::Value::String(s) => vec![s.as_str()],
                toml::Value::Array(a) => a.iter().filter_map(|v| v.as_str()).collect(),
                _ => {
                    warnings.push(format!("keymap: `{name}` takes a key or a list of keys"));
                    continue;
                }
            };
            let parsed: Vec<Key> = list
                .iter()
                .filter_map(|k| {
                    let key = Key::parse(k);
                    if key.is_none() {
                        warnings.push(format!("keymap: `{name}`: unknown key `{k}`"));
                    }
                    key
                })
                .collect();
            self.map.retain(|_, a| *a != action);
            for k in parsed {
                if let Some(prev) = self.map.insert(k, action) {
                    if prev != action {
                        warnings.push(format!(
                            "keymap: `{}` moved from {} to {}",
                            k.label(),
                            prev.name(),
                            action.name()
                        ));
                    }
                }
            }
        }
        warnings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn defaults_cover_every_action() {
        let k = Keymap::default();
        for a in Action::ALL {
            assert!(!k.keys(a).is_empty(), "{a:?} has no key");
            assert_eq!(Action::from_name(a.name()), Some(a));
        }
        assert_eq!(
            k.action(&ev(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::Down)
        );
        assert_eq!(
            k.action(&ev(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            k.action(&ev(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
    }

    #[test]
    fn user_keymap_overrides_by_name_and_reports_unknowns() {
        let mut k = Keymap::default();
        let w =
            k.apply_toml("[keys]\ndown = [\"ctrl-n\", \"x\"]\nfly = \"z\"\nup = \"hyperspace\"\n");
        assert_eq!(
            k.action(&ev(KeyCode::Char('n'), KeyModifiers::CONTROL)),
            Some(Action::Down)
        );
        assert_eq!(
            k.action(&ev(KeyCode::Char('j'), KeyModifiers::NONE)),
            None,
            "replaced, not added"
        );
        assert_eq!(
            w,
            vec![
                "keymap: unknown action `fly`".to_string(),
                "keymap: `up`: unknown key `hyperspace`".to_string()
            ]
        );
    }
}
