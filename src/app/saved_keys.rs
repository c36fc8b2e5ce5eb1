//! Saved filters and typed queries from the keyboard: naming a filter (a name in use
//! is replaced only on a second Enter), the picker (`x` twice deletes), and ↑/↓ in
//! the filter bar through the queries typed before.

use super::input::LineInput;
use super::update::Effect;
use super::{Action, App, Mode};
use crate::query::Query;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

impl App {
    pub(super) fn name_key(&mut self, ev: KeyEvent) -> Vec<Effect> {
        match ev.code {
            KeyCode::Esc => {
                self.mode = Mode::Normal;
                if self.saved.confirm.take().is_some() {
                    self.message = Some("kept the saved filter as it was".into());
                }
            }
            KeyCode::Enter => {
                let name = self.name_input.text.trim().to_string();
                let Some(q) = self.filter.as_ref().map(|q| q.text.clone()) else {
                    self.mode = Mode::Normal;
                    return Vec::new();
                };
                if name.is_empty() {
                    self.mode = Mode::Normal;
                    return Vec::new();
                }
                let existing = self.saved.filters.get(&name).filter(|old| **old != q);
                if let (Some(old), false) = (existing, self.saved.confirm.as_ref() == Some(&name)) {
                    self.message = Some(format!(
                        "`{name}` is saved as `{old}`: Enter again replaces it, Esc keeps it"
                    ));
                    self.saved.confirm = Some(name);
                    return Vec::new();
                }
                self.mode = Mode::Normal;
                let replaced = self.saved.confirm.take().is_some();
                self.saved.filters.insert(name.clone(), q);
                self.message = Some(if replaced {
                    format!("replaced `{name}`")
                } else {
                    format!("saved as `{name}`")
                });
                return self.save_filters();
            }
            KeyCode::Char(c) if !ev.modifiers.contains(KeyModifiers::CONTROL) => {
                self.saved.confirm = None;
                self.name_input.insert(c)
            }
            KeyCode::Backspace => {
                self.saved.confirm = None;
                self.name_input.backspace()
            }
            KeyCode::Left => self.name_input.left(),
            KeyCode::Right => self.name_input.right(),
            _ => {}
        }
        Vec::new()
    }

    pub(super) fn saved_key(&mut self, ev: KeyEvent) -> Vec<Effect> {
        let n = self.saved.filters.len();
        let confirm = self.saved.confirm.take();
        match (ev.code, self.keymap.action(&ev)) {
            (KeyCode::Enter, _) => {
                self.mode = Mode::Normal;
                if let Some((_, q)) = self.saved.selected() {
                    let text = q.clone();
                    match Query::parse(&text) {
                        Ok(q) => return self.apply_filter(q),
                        Err(e) => {
                            self.message =
                                Some(format!("saved filter does not parse: {}", e.message))
                        }
                    }
                }
            }
            (KeyCode::Char('x') | KeyCode::Delete, _) => {
                let Some(name) = self.saved.selected().map(|(n, _)| n.clone()) else {
                    return Vec::new();
                };
                if confirm.as_ref() != Some(&name) {
                    self.message =
                        Some(format!("x again deletes `{name}`; any other key keeps it"));
                    self.saved.confirm = Some(name);
                    return Vec::new();
                }
                self.saved.filters.remove(&name);
                self.saved.cursor = self
                    .saved
                    .cursor
                    .min(self.saved.filters.len().saturating_sub(1));
                self.message = Some(format!("deleted `{name}`"));
                if self.saved.filters.is_empty() {
                    self.mode = Mode::Normal;
                }
                return self.save_filters();
            }
            (_, Some(Action::Down)) => {
                self.saved.cursor = (self.saved.cursor + 1).min(n.saturating_sub(1))
            }
            (_, Some(Action::Up)) => self.saved.cursor = self.saved.cursor.saturating_sub(1),
            _ => self.mode = Mode::Normal,
        }
        if confirm.is_some() {
            self.message = Some("kept the saved filter".into());
        }
        Vec::new()
    }

    pub(super) fn save_filters(&mut self) -> Vec<Effect> {
        match &self.filters_path {
            Some(path) => vec![Effect::SaveFilters {
                path: path.clone(),
                saved: self.saved.clone(),
            }],
            None => {
                self.message =
                    Some("filters are kept for this session only (no filters file)".into());
                Vec::new()
            }
        }
    }

    /// Keeps a query applied from the filter bar for ↑ later, in the filters file
    /// when there is one (said nowhere: it is not something the user asked to save).
    pub(super) fn remember_query(&mut self, text: &str) -> Vec<Effect> {
        match (&self.filters_path, self.saved.remember(text)) {
            (Some(path), true) => vec![Effect::SaveFilters {
                path: path.clone(),
                saved: self.saved.clone(),
            }],
            _ => Vec::new(),
        }
    }

    /// ↑ in the filter bar: the query typed before the one shown.
    pub(super) fn recall_older(&mut self) {
        let history = &self.saved.history;
        if history.is_empty() {
            self.message = Some("no earlier queries yet: each one applied is kept".into());
            return;
        }
        let at = match &self.recall {
            None => {
                self.recall = Some((history.len() - 1, self.input.text.clone()));
                history.len() - 1
            }
            Some((i, draft)) => {
                let i = i.saturating_sub(1);
                self.recall = Some((i, draft.clone()));
                i
            }
        };
        self.input = LineInput::new(&history[at]);
        self.input_error = None;
    }

    /// ↓ in the filter bar: the next newer query, then what was typed before ↑.
    pub(super) fn recall_newer(&mut self) {
        let Some((i, draft)) = self.recall.take() else {
            return;
        };
        if i + 1 < self.saved.history.len() {
            self.input = LineInput::new(&self.saved.history[i + 1]);
            self.recall = Some((i + 1, draft));
        } else {
            self.input = LineInput::new(&draft);
        }
        self.input_error = None;
    }

    /// The saved filters were written, or could not be.
    pub fn on_filters_saved(&mut self, result: Result<(), String>) {
        if let Err(e) = result {
            self.message = Some(format!("could not save filters: {e}"));
        }
    }
}
