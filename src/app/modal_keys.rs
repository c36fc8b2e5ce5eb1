//! Keys of the typed and picked modes: the filter bar, the finder, the facet table,
//! the span list (naming and choosing saved filters are in `saved_keys`).

use super::update::Effect;
use super::{Action, App, Focus, Mode};
use crate::query::Query;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

impl App {
    /// Results of a finder search; stale ones are dropped.
    pub fn on_find_results(
        &mut self,
        generation: u64,
        pattern: String,
        hits: Vec<super::find::Hit>,
    ) {
        if generation != self.finder.generation {
            return;
        }
        self.finder.hits = hits;
        self.finder.shown = pattern;
        self.finder.cursor = 0;
        self.finder.progress = None;
    }

    /// The finder's search for `generation` has looked at `done` of `total`.
    pub fn on_find_progress(&mut self, generation: u64, done: usize, total: usize) {
        if generation == self.finder.generation {
            self.finder.progress = Some((done, total));
        }
    }

    pub(super) fn find_request(&mut self) -> Vec<Effect> {
        self.finder.generation += 1;
        self.finder.progress = None;
        let pattern = self.finder.input.text.trim().to_string();
        if pattern.is_empty() {
            let recent: Vec<u32> = self.finder.recent.iter().copied().collect();
            let (hits, n) = super::find::before_typing(&self.corpus, &recent, &self.rows);
            self.finder.hits = hits;
            self.finder.recent_shown = n;
            self.finder.cursor = 0;
            self.finder.shown.clear();
            return Vec::new();
        }
        vec![Effect::Find {
            pattern,
            generation: self.finder.generation,
        }]
    }

    pub(super) fn find_key(&mut self, ev: KeyEvent) -> Vec<Effect> {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let f = &mut self.finder;
        let before = f.input.text.clone();
        match ev.code {
            KeyCode::Esc => {
                self.mode = Mode::Normal;
                return Vec::new();
            }
            KeyCode::Char('c') if ctrl => {
                self.mode = Mode::Normal;
                return Vec::new();
            }
            KeyCode::Enter => {
                self.mode = Mode::Normal;
                let Some(hit) = f.hits.get(f.cursor) else {
                    return Vec::new();
                };
                let entry = hit.entry;
                return self.jump_to(entry);
            }
            KeyCode::Up => f.cursor = f.cursor.saturating_sub(1),
            KeyCode::Char('p') if ctrl => f.cursor = f.cursor.saturating_sub(1),
            KeyCode::Down => f.cursor = (f.cursor + 1).min(f.hits.len().saturating_sub(1)),
            KeyCode::Char('n') if ctrl => {
                f.cursor = (f.cursor + 1).min(f.hits.len().saturating_sub(1))
            }
            KeyCode::Char('w') if ctrl => f.input.delete_word(),
            KeyCode::Char('u') if ctrl => f.input = super::input::LineInput::default(),
            KeyCode::Char(c) if !ctrl => f.input.insert(c),
            KeyCode::Backspace => f.input.backspace(),
            KeyCode::Left => f.input.left(),
            KeyCode::Right => f.input.right(),
            _ => {}
        }
        if self.finder.input.text != before {
            return self.find_request();
        }
        Vec::new()
    }

    /// Selects `entry`, clearing the filter if it hides it.
    pub(super) fn jump_to(&mut self, entry: u32) -> Vec<Effect> {
        let mut fx = Vec::new();
        if !self.rows.contains(&entry) {
            self.input_error = None;
            self.queue = None;
            let all = (0..self.corpus.len() as u32).collect();
            fx = self.set_rows(None, all);
            self.message = Some("filter cleared to show the transcript".into());
        }
        let pos = self.rows.iter().position(|&r| r == entry).unwrap_or(0);
        self.focus = Focus::List;
        fx.extend(self.select_by(pos as i64 - self.selected as i64));
        fx
    }

    pub(super) fn facets_key(&mut self, ev: KeyEvent) -> Vec<Effect> {
        let Some(f) = self.facets.as_mut() else {
            self.mode = Mode::Normal;
            return Vec::new();
        };
        let action = self.keymap.action(&ev);
        match (ev.code, action) {
            (KeyCode::Enter, _) => {
                let cell = f.cell_query();
                self.facets = None;
                self.mode = Mode::Normal;
                if let Some(cell) = cell {
                    return self.narrow_filter(&cell, "facet filter");
                }
            }
            (KeyCode::Tab, _) => {
                let by = !f.by_condition;
                let (row, col) = (f.row, f.col);
                let mut fresh = super::facets::Facets::count(&self.corpus.view(), &self.rows, by);
                fresh.row = row.min(fresh.rows.len().saturating_sub(1));
                fresh.col = col;
                self.facets = Some(fresh);
            }
            (KeyCode::Left | KeyCode::Char('h') | KeyCode::BackTab, _) => f.move_by(0, -1),
            (KeyCode::Right | KeyCode::Char('l'), _) => f.move_by(0, 1),
            (_, Some(Action::Up)) => f.move_by(-1, 0),
            (_, Some(Action::Down)) => f.move_by(1, 0),
            (_, Some(Action::PageUp)) => f.move_by(-10, 0),
            (_, Some(Action::PageDown)) => f.move_by(10, 0),
            (_, Some(Action::Top)) => f.move_by(i64::MIN / 2, 0),
            (_, Some(Action::Bottom)) => f.move_by(i64::MAX / 2, 0),
            _ => {
                self.facets = None;
                self.mode = Mode::Normal;
            }
        }
        Vec::new()
    }

    pub(super) fn filter_key(&mut self, ev: KeyEvent) -> Vec<Effect> {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        match ev.code {
            KeyCode::Esc => {
                self.mode = Mode::Normal;
                self.input_error = None;
                self.relayout();
            }
            KeyCode::Up => self.recall_older(),
            KeyCode::Down => self.recall_newer(),
            KeyCode::Enter => {
                let text = self.input.text.clone();
                match Query::parse(&text) {
                    Ok(q) => {
                        self.mode = Mode::Normal;
                        self.input_error = None;
                        self.recall = None;
                        self.relayout();
                        let mut effects = self.remember_query(&text);
                        effects.extend(self.apply_filter(q));
                        return effects;
                    }
                    // The previous view stays; the error points at the bad token.
                    Err(e) => self.input_error = Some(e),
                }
            }
            KeyCode::Char('c') if ctrl => {
                self.mode = Mode::Normal;
                self.input_error = None;
                self.relayout();
            }
            KeyCode::Char('w') if ctrl => self.input.delete_word(),
            KeyCode::Char('u') if ctrl => self.input = super::input::LineInput::default(),
            KeyCode::Char('a') if ctrl => self.input.home(),
            KeyCode::Char('e') if ctrl => self.input.end(),
            KeyCode::Char(c) if !ctrl => self.input.insert(c),
            KeyCode::Backspace => self.input.backspace(),
            KeyCode::Delete => self.input.delete(),
            KeyCode::Left => self.input.left(),
            KeyCode::Right => self.input.right(),
            KeyCode::Home => self.input.home(),
            KeyCode::End => self.input.end(),
            _ => {}
        }
        Vec::new()
    }

    /// Narrows the current filter with a cell's query (`what` names the source in
    /// an error message).
    pub(crate) fn narrow_filter(&mut self, cell: &str, what: &str) -> Vec<Effect> {
        let text = match &self.filter {
            Some(q) => format!("({}) {cell}", q.text),
            None => cell.to_string(),
        };
        match Query::parse(&text) {
            Ok(q) => self.apply_filter(q),
            Err(e) => {
                self.message = Some(format!("{what}: {}", e.message));
                Vec::new()
            }
        }
    }

    pub(super) fn span_list_key(&mut self, ev: KeyEvent) -> Vec<Effect> {
        let n = self.reader.spans.len();
        match (ev.code, self.keymap.action(&ev)) {
            (KeyCode::Enter, _) => {
                self.mode = Mode::Normal;
                let k = self.reader.span_cursor;
                let Some(span) = self.reader.spans.get(k) else {
                    return Vec::new();
                };
                if span.ranges.is_empty() {
                    self.message = Some("this quote was not found in the transcript".into());
                    return Vec::new();
                }
                // Paint that span's verdict, then go to its line.
                let view = match self.reader.evidence {
                    super::evidence::Evidence::All => super::evidence::Evidence::All,
                    _ => super::evidence::Evidence::Verdict(span.verdict),
                };
                if view != self.reader.evidence {
                    self.reader.evidence = view;
                    self.reader.width = 0;
                    self.relayout();
                }
                if let Some(line) = super::evidence::highlight_index(&self.reader.spans, view, k)
                    .and_then(|h| self.reader.doc.span_lines.get(h).copied())
                {
                    self.focus = Focus::Reader;
                    self.scroll_to(line);
                }
            }
            (_, Some(Action::Down)) => {
                self.reader.span_cursor = (self.reader.span_cursor + 1).min(n.saturating_sub(1))
            }
            (_, Some(Action::Up)) => {
                self.reader.span_cursor = self.reader.span_cursor.saturating_sub(1)
            }
            (_, Some(Action::PageDown)) => {
                self.reader.span_cursor = (self.reader.span_cursor + 10).min(n.saturating_sub(1))
            }
            (_, Some(Action::PageUp)) => {
                self.reader.span_cursor = self.reader.span_cursor.saturating_sub(10)
            }
            _ => self.mode = Mode::Normal,
        }
        Vec::new()
    }
}
