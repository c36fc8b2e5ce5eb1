//! Actions and events to state changes.

use super::document::{self, DocOptions};
use super::layout::Layout;
use super::{Action, App, Column, Focus, Mode};
use crate::model::{Problem, Transcript};
use crate::query::Query;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Work for the runner, whose results come back through `App::on_*`.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Read this entry's transcript, then call `App::on_transcript`.
    LoadTranscript(u32),
    /// Test `query`'s text terms on `candidates` in the background, then call
    /// `App::on_search_done` with those that match plus `certain`.
    Search {
        query: Query,
        certain: Vec<u32>,
        candidates: Vec<u32>,
    },
    /// Count the evidence of these entries (read, quotes located), then call
    /// `App::on_span_counts`.
    CountSpans(Vec<u32>),
    /// Fuzzy-match `pattern` over the corpus in the background, then call
    /// `App::on_find_results` with the same generation.
    Find { pattern: String, generation: u64 },
    /// Write the saved filters to `path`, then call `App::on_filters_saved`.
    SaveFilters {
        path: std::path::PathBuf,
        saved: super::saved::Saved,
    },
    /// Compute the compliance-gap table, then call `App::on_gap`.
    ComputeGap(crate::stats::gap::GapOptions),
    /// Collect labelled items per classifier, then call `App::on_eval`.
    Evaluate(crate::stats::eval::EvalOptions),
    /// Open the label journal and start a session with this queue, then call
    /// `App::start_session` (or report why not).
    OpenJournal(crate::labeling::queue::QueueSpec),
    /// Append a label event to the journal and sync it, then call
    /// `App::on_label_saved` or `App::on_label_failed`.
    SaveLabel(crate::model::journal::Event),
    /// Append a session event (where a later start resumes); its failure is only
    /// reported.
    RecordSession(crate::model::journal::Event),
    /// Write unsaved events to a rescue file and quit.
    Rescue(Vec<crate::model::journal::Event>),
}

impl App {
    /// A key press.
    pub fn on_key(&mut self, ev: KeyEvent) -> Vec<Effect> {
        self.warnings.clear();
        self.message = None;
        match self.mode {
            Mode::Help => {
                // Motion keys scroll the help; anything else closes it.
                match self.keymap.action(&ev) {
                    Some(Action::Down) => self.help_scroll += 1,
                    Some(Action::Up) => self.help_scroll = self.help_scroll.saturating_sub(1),
                    Some(Action::PageDown) => self.help_scroll += 10,
                    Some(Action::PageUp) => self.help_scroll = self.help_scroll.saturating_sub(10),
                    _ => self.mode = Mode::Normal,
                }
                self.help_scroll = self.help_scroll.min(Action::ALL.len());
                Vec::new()
            }
            Mode::Filter => self.filter_key(ev),
            Mode::Facets => self.facets_key(ev),
            Mode::Find => self.find_key(ev),
            Mode::NameFilter => self.name_key(ev),
            Mode::Saved => self.saved_key(ev),
            Mode::SpanList => self.span_list_key(ev),
            Mode::Gap => self.gap_key(ev),
            Mode::Eval => self.eval_key(ev),
            Mode::Normal => {
                if let Some(fx) = self.session_key(ev) {
                    return fx;
                }
                match self.keymap.action(&ev) {
                    Some(a) => self.update(a),
                    None => Vec::new(),
                }
            }
        }
    }

    /// What to do when the interface opens: show the first transcript.
    pub fn update_initial(&mut self) -> Vec<Effect> {
        self.load_current()
    }

    /// A mouse event: the wheel scrolls the panel under the pointer, a click in the
    /// list selects the row.
    pub fn on_mouse(&mut self, m: crossterm::event::MouseEvent) -> Vec<Effect> {
        use crossterm::event::{MouseButton, MouseEventKind};
        let Layout::Main { list, reader, .. } = self.layout() else {
            return Vec::new();
        };
        let inside = |a: super::layout::Area| {
            m.column >= a.x && m.column < a.x + a.width && m.row >= a.y && m.row < a.y + a.height
        };
        let over_list = list.is_some_and(inside);
        match m.kind {
            MouseEventKind::ScrollDown if over_list => self.select_by(3),
            MouseEventKind::ScrollUp if over_list => self.select_by(-3),
            MouseEventKind::ScrollDown if inside(reader) => {
                self.scroll_by(3);
                Vec::new()
            }
            MouseEventKind::ScrollUp if inside(reader) => {
                self.scroll_by(-3);
                Vec::new()
            }
            MouseEventKind::Down(MouseButton::Left) => match list {
                Some(l) if over_list => {
                    self.focus = Focus::List;
                    // Border and header rows come first.
                    let row = i64::from(m.row) - i64::from(l.y) - 2;
                    if row >= 0 {
                        let target = self.list_top as i64 + row;
                        return self.select_by(target - self.selected as i64);
                    }
                    Vec::new()
                }
                _ if inside(reader) => {
                    self.focus = Focus::Reader;
                    Vec::new()
                }
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    /// The terminal changed size.
    pub fn on_resize(&mut self, width: u16, height: u16) -> Vec<Effect> {
        self.size = (width, height);
        self.relayout();
        self.keep_selection_visible();
        Vec::new()
    }

    /// A transcript the runner read.
    pub fn on_transcript(&mut self, entry: u32, result: Result<Transcript, Problem>) {
        if self.reader.paired && self.partner_of_current() == Some(entry) {
            self.reader.partner = Some((entry, result));
            self.reader.width = 0;
            self.relayout();
            return;
        }
        if self.current() != Some(entry) {
            return;
        }
        if let Some(s) = self.session.as_mut() {
            // A selection belongs to the transcript it was made in.
            s.selection = None;
        }
        self.reader.matches = match (&result, &self.filter) {
            (Ok(t), Some(q)) => q.text_matches(t),
            _ => Vec::new(),
        };
        self.reader.current_match = None;
        self.reader.current_span = None;
        // Evidence: quotes located and offsets converted once per transcript.
        self.reader.spans = match &result {
            Ok(t) => crate::model::spans::resolve(t).0,
            Err(_) => Vec::new(),
        };
        self.reader.human = match &result {
            Ok(t) => crate::model::spans::label_spans(t, self.corpus.labels_of(entry as usize)).0,
            Err(_) => Vec::new(),
        };
        self.reader.evidence = match &result {
            Ok(t) => super::evidence::default_view(t, &self.reader.spans),
            Err(_) => super::evidence::Evidence::Off,
        };
        self.reader.entry = Some(entry);
        self.reader.transcript = Some(result);
        self.reader.scroll = 0;
        self.reader.width = 0;
        self.relayout();
    }

    /// More of the corpus was indexed (or all of it, `indexing` `None`): entries keep
    /// their numbers, so the selection and the reader stay; the filter is applied
    /// again to take in the new transcripts.
    pub fn replace_corpus(
        &mut self,
        corpus: std::sync::Arc<crate::load::Corpus>,
        indexing: Option<u8>,
    ) -> Vec<Effect> {
        self.corpus = corpus;
        self.indexing = indexing;
        match self.filter.clone() {
            Some(q) => self.apply_filter(q),
            None => {
                let all = (0..self.corpus.len() as u32).collect();
                self.set_rows(None, all)
            }
        }
    }

    /// Rows on screen whose evidence has not been counted yet, as work for the runner.
    pub fn span_count_request(&mut self) -> Option<Effect> {
        let page = self.list_page();
        let want: Vec<u32> = self
            .rows
            .iter()
            .skip(self.list_top)
            .take(page)
            .copied()
            .filter(|e| !self.span_counts.contains_key(e) && !self.counting.contains(e))
            .collect();
        if want.is_empty() {
            return None;
        }
        self.counting.extend(want.iter().copied());
        Some(Effect::CountSpans(want))
    }

    /// Evidence counts arrived: (entry, quotes located, quotes given).
    pub fn on_span_counts(&mut self, counts: Vec<(u32, u16, u16)>) {
        for (e, placed, quotes) in counts {
            self.counting.remove(&e);
            self.span_counts.insert(e, (placed, quotes));
        }
    }

    /// A background search is under way.
    pub fn on_search_progress(&mut self, done: usize, total: usize, found: usize) {
        self.search_progress = Some((done, total, found));
        self.message = Some(format!(
            "searching {}% · {found} found",
            done * 100 / total.max(1)
        ));
    }

    /// A background search finished.
    pub fn on_search_done(&mut self, query: Query, mut rows: Vec<u32>) -> Vec<Effect> {
        rows.sort_unstable();
        self.searching = false;
        self.search_progress = None;
        self.message = Some(format!("{} found", rows.len()));
        self.set_rows(Some(query), rows)
    }

    /// One action.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        let list = self.focus == Focus::List && !self.fullscreen;
        match action {
            Action::Quit => self.quit = true,
            Action::Help => {
                self.mode = Mode::Help;
                self.help_scroll = 0;
            }
            Action::Up if list => return self.select_by(-1),
            Action::Down if list => return self.select_by(1),
            Action::PageUp if list => return self.select_by(-(self.list_page() as i64)),
            Action::PageDown if list => return self.select_by(self.list_page() as i64),
            Action::Top if list => return self.select_by(i64::MIN / 2),
            Action::Bottom if list => return self.select_by(i64::MAX / 2),
            Action::Up => self.scroll_by(-1),
            Action::Down => self.scroll_by(1),
            Action::PageUp => self.scroll_by(-(self.reader_page() as i64)),
            Action::PageDown => self.scroll_by(self.reader_page() as i64),
            Action::Top => self.reader.scroll = 0,
            Action::Bottom => self.scroll_by(i64::MAX / 2),
            Action::FocusNext => {
                self.focus = if self.focus == Focus::List {
                    Focus::Reader
                } else {
                    Focus::List
                };
            }
            Action::Fullscreen => {
                self.fullscreen = !self.fullscreen;
                self.focus = if self.fullscreen {
                    Focus::Reader
                } else {
                    Focus::List
                };
                self.relayout();
            }
            Action::Filter => {
                self.mode = Mode::Filter;
                self.input = super::input::LineInput::new(
                    self.filter.as_ref().map_or("", |q| q.text.as_str()),
                );
                self.relayout();
            }
            Action::ClearFilter => {
                if self.fullscreen {
                    self.fullscreen = false;
                    self.focus = Focus::List;
                    self.relayout();
                } else if self.filter.is_some()
                    || self.input_error.is_some()
                    || self.queue.is_some()
                {
                    self.input_error = None;
                    self.queue = None;
                    let all = (0..self.corpus.len() as u32).collect();
                    return self.set_rows(None, all);
                }
            }
            Action::NextMatch => self.jump_match(true),
            Action::PrevMatch => self.jump_match(false),
            Action::NextBlock => self.jump_block(true),
            Action::PrevBlock => self.jump_block(false),
            Action::ToggleSystem => {
                self.reader.show_system = !self.reader.show_system;
                self.reader.width = 0;
                self.relayout();
            }
            Action::SortNext => {
                let i = Column::CYCLE
                    .iter()
                    .position(|c| *c == self.sort)
                    .unwrap_or(0);
                self.sort = Column::CYCLE[(i + 1) % Column::CYCLE.len()];
                return self.resort();
            }
            Action::SortReverse => {
                self.descending = !self.descending;
                return self.resort();
            }
            Action::SaveFilter => match &self.filter {
                Some(_) => {
                    self.mode = Mode::NameFilter;
                    self.name_input = super::input::LineInput::default();
                }
                None => self.message = Some("no filter to save: type one with /".into()),
            },
            Action::SavedFilters => {
                if self.saved.filters.is_empty() {
                    self.message =
                        Some("no saved filters yet: filter with /, then S to save".into());
                } else {
                    self.saved.cursor = self.saved.cursor.min(self.saved.filters.len() - 1);
                    self.mode = Mode::Saved;
                }
            }
            Action::Find => {
                self.mode = Mode::Find;
                return self.find_request();
            }
            Action::Pair => {
                self.reader.paired = !self.reader.paired;
                self.reader.partner = None;
                self.reader.width = 0;
                self.relayout();
                if self.reader.paired {
                    return match self.partner_of_current() {
                        Some(p) => vec![Effect::LoadTranscript(p)],
                        None => {
                            self.message =
                                Some("no transcript of the same prompt on the other tier".into());
                            Vec::new()
                        }
                    };
                }
            }
            Action::Evidence => {
                if let Some(Ok(t)) = &self.reader.transcript {
                    self.reader.evidence =
                        super::evidence::next(self.reader.evidence, t, &self.reader.spans);
                    self.message = Some(match self.reader.evidence {
                        super::evidence::Evidence::Verdict(v) => {
                            format!("evidence of {}", t.verdicts[v].classifier)
                        }
                        super::evidence::Evidence::All => "evidence of every verdict".into(),
                        super::evidence::Evidence::Off => "no evidence shown".into(),
                    });
                    self.reader.current_span = None;
                    self.reader.width = 0;
                    self.relayout();
                }
            }
            Action::SpanList => {
                if self.reader.spans.is_empty() {
                    self.message = Some("no quotes or spans in this transcript's verdicts".into());
                } else {
                    self.reader.span_cursor =
                        self.reader.span_cursor.min(self.reader.spans.len() - 1);
                    self.mode = Mode::SpanList;
                }
            }
            Action::Lexicon => {
                self.reader.lexicon_on = !self.reader.lexicon_on;
                self.message = Some(
                    if self.reader.lexicon_on {
                        "lexicon cues painted"
                    } else {
                        "lexicon cues hidden"
                    }
                    .into(),
                );
                self.reader.width = 0;
                self.relayout();
            }
            Action::NextSpan => self.jump_span(true),
            Action::PrevSpan => self.jump_span(false),
            Action::Details => {
                self.reader.details = !self.reader.details;
                self.reader.width = 0;
                self.relayout();
                if self.reader.details && self.details_width().is_none() {
                    self.message = Some(
                        "the reader is too narrow for the panel: verdicts stay at the end (G)"
                            .into(),
                    );
                }
            }
            Action::GapPanel => return self.open_gap(),
            Action::EvalPanel => return self.open_eval(),
            Action::LabelSession => {
                return vec![Effect::OpenJournal(crate::labeling::queue::QueueSpec {
                    mode: crate::labeling::queue::QueueMode::View,
                    query: self.filter.as_ref().map(|q| q.text.clone()),
                    blind: false,
                    target: None,
                })]
            }
            Action::Skip
            | Action::UndoLabel
            | Action::RedoLabel
            | Action::LabelHistory
            | Action::LabelProgress
            | Action::SelectSentence
            | Action::ExtendSelection
            | Action::ShrinkSelection => {
                self.message = Some(format!(
                    "{}: only in a labeling session ({} starts one)",
                    action.name(),
                    self.keymap.hint(Action::LabelSession)
                ))
            }
            Action::Facets => {
                self.facets = Some(super::facets::Facets::count(
                    &self.corpus.view(),
                    &self.rows,
                    false,
                ));
                self.mode = Mode::Facets;
            }
            Action::Random => {
                if !self.rows.is_empty() {
                    let r = self.next_random() % self.rows.len() as u64;
                    let delta = r as i64 - self.selected as i64;
                    self.message = Some(format!("random: row {} of {}", r + 1, self.rows.len()));
                    return self.select_by(delta);
                }
            }
        }
        Vec::new()
    }

    fn name_key(&mut self, ev: KeyEvent) -> Vec<Effect> {
        match ev.code {
            KeyCode::Esc => self.mode = Mode::Normal,
            KeyCode::Enter => {
                self.mode = Mode::Normal;
                let name = self.name_input.text.trim().to_string();
                if let (false, Some(q)) = (name.is_empty(), &self.filter) {
                    self.saved.filters.insert(name.clone(), q.text.clone());
                    self.message = Some(format!("saved as `{name}`"));
                    return self.save_filters();
                }
            }
            KeyCode::Char(c) if !ev.modifiers.contains(KeyModifiers::CONTROL) => {
                self.name_input.insert(c)
            }
            KeyCode::Backspace => self.name_input.backspace(),
            KeyCode::Left => self.name_input.left(),
            KeyCode::Right => self.name_input.right(),
            _ => {}
        }
        Vec::new()
    }

    fn saved_key(&mut self, ev: KeyEvent) -> Vec<Effect> {
        let n = self.saved.filters.len();
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
                if let Some((name, _)) = self.saved.selected() {
                    let name = name.clone();
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
            }
            (_, Some(Action::Down)) => {
                self.saved.cursor = (self.saved.cursor + 1).min(n.saturating_sub(1))
            }
            (_, Some(Action::Up)) => self.saved.cursor = self.saved.cursor.saturating_sub(1),
            _ => self.mode = Mode::Normal,
        }
        Vec::new()
    }

    fn save_filters(&mut self) -> Vec<Effect> {
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

    /// The saved filters were written, or could not be.
    pub fn on_filters_saved(&mut self, result: Result<(), String>) {
        if let Err(e) = result {
            self.message = Some(format!("could not save filters: {e}"));
        }
    }

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
    }

    fn find_request(&mut self) -> Vec<Effect> {
        self.finder.generation += 1;
        let pattern = self.finder.input.text.trim().to_string();
        if pattern.is_empty() {
            self.finder.hits.clear();
            self.finder.shown.clear();
            return Vec::new();
        }
        vec![Effect::Find {
            pattern,
            generation: self.finder.generation,
        }]
    }

    fn find_key(&mut self, ev: KeyEvent) -> Vec<Effect> {
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
    fn jump_to(&mut self, entry: u32) -> Vec<Effect> {
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

    fn facets_key(&mut self, ev: KeyEvent) -> Vec<Effect> {
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

    fn filter_key(&mut self, ev: KeyEvent) -> Vec<Effect> {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        match ev.code {
            KeyCode::Esc => {
                self.mode = Mode::Normal;
                self.input_error = None;
                self.relayout();
            }
            KeyCode::Enter => {
                let text = self.input.text.clone();
                match Query::parse(&text) {
                    Ok(q) => {
                        self.mode = Mode::Normal;
                        self.input_error = None;
                        self.relayout();
                        return self.apply_filter(q);
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

    /// Applies a parsed query: index fields decide at once; text terms go to the
    /// background for the entries the fields leave open.
    pub fn apply_filter(&mut self, q: Query) -> Vec<Effect> {
        let queue = self.queue.as_ref().map(|(_, q)| q.clone());
        if q.is_all() {
            let all = match &queue {
                Some(q) => q.to_vec(),
                None => (0..self.corpus.len() as u32).collect(),
            };
            return self.set_rows(None, all);
        }
        let (certain, candidates) = {
            use rayon::prelude::*;
            // In parallel, order kept: each fold covers a contiguous range, and
            // reduce joins them left to right.
            let p = q.prepare(&self.corpus);
            let n = queue.as_ref().map_or(self.corpus.len(), |q| q.len());
            (0..n)
                .into_par_iter()
                .with_min_len(4096)
                .map(|k| queue.as_ref().map_or(k, |q| q[k] as usize))
                .fold(
                    || (Vec::new(), Vec::new()),
                    |(mut certain, mut open): (Vec<u32>, Vec<u32>), i| {
                        match p.fields(i) {
                            Some(true) => certain.push(i as u32),
                            Some(false) => {}
                            None => open.push(i as u32),
                        }
                        (certain, open)
                    },
                )
                .reduce(
                    || (Vec::new(), Vec::new()),
                    |(mut a, mut b), (c, d)| {
                        a.extend(c);
                        b.extend(d);
                        (a, b)
                    },
                )
        };
        if candidates.is_empty() {
            return self.set_rows(Some(q), certain);
        }
        self.searching = true;
        self.message = Some(format!("searching {} transcripts…", candidates.len()));
        vec![Effect::Search {
            query: q,
            certain,
            candidates,
        }]
    }

    pub(super) fn set_rows(&mut self, filter: Option<Query>, rows: Vec<u32>) -> Vec<Effect> {
        let keep = self.current();
        let same_filter = self.filter.as_ref().map(|q| &q.text) == filter.as_ref().map(|q| &q.text);
        self.filter = filter;
        self.rows = rows;
        self.count_tiers();
        self.sort_rows();
        self.selected = keep
            .and_then(|k| self.rows.iter().position(|&r| r == k))
            .unwrap_or(0);
        self.keep_selection_visible();
        // Matches depend on the filter: read the transcript again if it changed.
        if !same_filter {
            self.reader.entry = None;
            self.reader.transcript = None;
        }
        self.load_current()
    }

    fn resort(&mut self) -> Vec<Effect> {
        let keep = self.current();
        self.sort_rows();
        self.selected = keep
            .and_then(|k| self.rows.iter().position(|&r| r == k))
            .unwrap_or(0);
        self.message = Some(format!(
            "sorted by {}{}",
            self.sort.name(),
            if self.descending { ", descending" } else { "" }
        ));
        self.keep_selection_visible();
        Vec::new()
    }

    fn sort_rows(&mut self) {
        let corpus = self.corpus.clone();
        let view = corpus.view();
        let score = |v: Option<f32>| v.map_or(f32::NEG_INFINITY, |x| x);
        match self.sort {
            Column::Order => match &self.session {
                Some(s) => self
                    .rows
                    .sort_unstable_by_key(|e| s.position_of.get(e).copied().unwrap_or(usize::MAX)),
                None => self.rows.sort_unstable(),
            },
            Column::Id => self
                .rows
                .sort_by_cached_key(|&i| view.id(i as usize).into_owned()),
            Column::Model => self
                .rows
                .sort_by_key(|&i| (view.model(i as usize).unwrap_or(""), i)),
            Column::Tier => self
                .rows
                .sort_by_key(|&i| (view.entry(i as usize).tier(), i)),
            Column::Condition => self
                .rows
                .sort_by_key(|&i| (view.condition(i as usize).unwrap_or(""), i)),
            Column::Compliance => self.rows.sort_by(|&a, &b| {
                score(view.entry(a as usize).compliance())
                    .total_cmp(&score(view.entry(b as usize).compliance()))
                    .then(a.cmp(&b))
            }),
            Column::Af => self.rows.sort_by(|&a, &b| {
                score(view.entry(a as usize).af())
                    .total_cmp(&score(view.entry(b as usize).af()))
                    .then(a.cmp(&b))
            }),
            Column::Spans => {
                let counts = &self.span_counts;
                self.rows
                    .sort_by_key(|&i| (counts.get(&i).map_or(-1, |c| i32::from(c.0)), i));
            }
            Column::Label => self.rows.sort_by_cached_key(|&i| {
                (
                    corpus
                        .labels_of(i as usize)
                        .last()
                        .and_then(|l| l.af().map(str::to_string))
                        .unwrap_or_default(),
                    i,
                )
            }),
        }
        if self.descending {
            self.rows.reverse();
        }
    }

    fn list_page(&self) -> usize {
        match self.layout() {
            Layout::Main { list: Some(l), .. } => {
                usize::from(l.inner().height.saturating_sub(1)).max(1)
            }
            _ => 1,
        }
    }

    pub(super) fn reader_page(&self) -> usize {
        match self.layout() {
            Layout::Main { reader, .. } => {
                usize::from(reader.inner().height).saturating_sub(1).max(1)
            }
            Layout::TooSmall => 1,
        }
    }

    pub(super) fn select_by(&mut self, delta: i64) -> Vec<Effect> {
        if self.rows.is_empty() {
            return Vec::new();
        }
        let max = self.rows.len() as i64 - 1;
        self.selected = (self.selected as i64).saturating_add(delta).clamp(0, max) as usize;
        self.keep_selection_visible();
        self.load_current()
    }

    /// The other tier's entry for the selected transcript.
    pub fn partner_of_current(&self) -> Option<u32> {
        self.corpus.pairs().partner(self.current()? as usize)
    }

    fn load_current(&mut self) -> Vec<Effect> {
        match self.current() {
            Some(e) if self.reader.entry != Some(e) => {
                let mut fx = vec![Effect::LoadTranscript(e)];
                if self.reader.paired {
                    self.reader.partner = None;
                    fx.extend(self.partner_of_current().map(Effect::LoadTranscript));
                }
                fx
            }
            Some(_) => Vec::new(),
            None => {
                self.reader = super::Reader {
                    show_system: self.reader.show_system,
                    ..Default::default()
                };
                Vec::new()
            }
        }
    }

    fn keep_selection_visible(&mut self) {
        let page = self.list_page();
        if self.selected < self.list_top {
            self.list_top = self.selected;
        } else if self.selected >= self.list_top + page {
            self.list_top = self.selected + 1 - page;
        }
        self.list_top = self.list_top.min(self.rows.len().saturating_sub(page));
    }

    pub(super) fn scroll_by(&mut self, delta: i64) {
        let max = self
            .reader
            .doc
            .lines
            .len()
            .saturating_sub(self.reader_page()) as i64;
        self.reader.scroll = (self.reader.scroll as i64)
            .saturating_add(delta)
            .clamp(0, max.max(0)) as usize;
    }

    fn scroll_to(&mut self, line: usize) {
        self.reader.scroll = 0;
        self.scroll_by((line as i64 - self.reader_page() as i64 / 3).max(0));
    }

    fn jump_match(&mut self, forward: bool) {
        let n = self.reader.matches.len();
        if n == 0 {
            self.message = Some("no matches in this transcript".into());
            return;
        }
        let next = match (self.reader.current_match, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(c), true) => (c + 1) % n,
            (Some(c), false) => (c + n - 1) % n,
        };
        self.reader.current_match = Some(next);
        self.reader.width = 0;
        self.relayout();
        if let Some(&line) = self.reader.doc.match_lines.get(next) {
            self.scroll_to(line);
        }
        self.message = Some(format!("match {}/{}", next + 1, n));
    }

    fn span_list_key(&mut self, ev: KeyEvent) -> Vec<Effect> {
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

    fn jump_span(&mut self, forward: bool) {
        use crate::model::spans::Origin;
        let Some(Ok(t)) = &self.reader.transcript else {
            return;
        };
        // Stops: the distinct starts of the painted spans, in reading order.
        let spans = &self.reader.spans;
        let mut stops: Vec<(usize, usize)> = (0..spans.len())
            .filter_map(|k| {
                let h = super::evidence::highlight_index(spans, self.reader.evidence, k)?;
                Some((
                    *self.reader.doc.span_lines.get(h)?,
                    spans[k].ranges[0].start,
                ))
            })
            .collect();
        stops.sort_unstable();
        stops.dedup_by_key(|s| s.1);
        if stops.is_empty() {
            self.message = Some("no evidence spans shown (e cycles whose evidence)".into());
            return;
        }
        let n = stops.len();
        let next = match (self.reader.current_span, forward) {
            (None, true) => stops
                .iter()
                .position(|&(l, _)| l >= self.reader.scroll)
                .unwrap_or(0),
            (None, false) => stops
                .iter()
                .rposition(|&(l, _)| l < self.reader.scroll.max(1))
                .unwrap_or(n - 1),
            (Some(c), true) => (c + 1) % n,
            (Some(c), false) => (c + n - 1) % n,
        };
        let (line, at) = stops[next];
        // Everything that covers this place, painted or not.
        let covering: Vec<String> = spans
            .iter()
            .filter(|s| s.ranges.iter().any(|r| r.start <= at && at < r.end))
            .map(|s| {
                let v = &t.verdicts[s.verdict];
                let criterion = s
                    .criterion
                    .and_then(|c| v.criteria.get(c))
                    .map_or(String::new(), |c| format!(" · {}", c.name));
                let how = match &s.origin {
                    Origin::Quote { kind, .. } => kind.name(),
                    Origin::Offsets => "offsets",
                };
                format!("{}{criterion} ({how})", v.classifier)
            })
            .collect();
        self.reader.current_span = Some(next);
        self.scroll_to(line);
        self.message = Some(format!("span {}/{n}: {}", next + 1, covering.join("; ")));
    }

    fn jump_block(&mut self, forward: bool) {
        let s = self.reader.scroll;
        let target = if forward {
            self.reader.doc.blocks.iter().find(|&&b| b > s).copied()
        } else {
            self.reader
                .doc
                .blocks
                .iter()
                .rev()
                .find(|&&b| b < s)
                .copied()
        };
        match target {
            Some(line) => {
                self.reader.scroll = 0;
                self.scroll_by(line as i64);
            }
            None => self.message = Some("no more scratchpad blocks".into()),
        }
    }

    /// Lays the transcript out again when the reader's width or options changed.
    pub(super) fn relayout(&mut self) {
        let full = match self.layout() {
            Layout::Main { reader, .. } => usize::from(reader.inner().width.saturating_sub(1)),
            Layout::TooSmall => return,
        };
        // The details panel takes its width and a border; paired: two columns.
        let panel = self.details_width();
        let text = panel.map_or(full, |w| full.saturating_sub(w + 1));
        let width = if self.reader.paired {
            text.saturating_sub(1) / 2
        } else {
            text
        };
        if width == self.reader.width {
            return;
        }
        self.reader.width = width;
        let blind = self.blind_now();
        if let Some(Ok(t)) = &self.reader.transcript {
            let opts = DocOptions {
                width,
                show_system: self.reader.show_system,
                blind,
                current_match: self.reader.current_match,
                sections: panel.is_none() && !blind,
            };
            // Blind: no classifier evidence and no other labeler's spans. In a session
            // the labeler's own spans come from the session (drafts included).
            let evidence = if blind {
                super::evidence::Evidence::Off
            } else {
                self.reader.evidence
            };
            let human = self.human_spans(t, blind);
            let (mut highlights, legend) = super::evidence::highlights(
                t,
                &self.reader.spans,
                evidence,
                &human,
                self.reader.lexicon_on.then_some(&*self.lexicon),
            );
            if let Some(r) = self.selection_range() {
                highlights.push(document::Highlight {
                    field: crate::query::TextField::Completion,
                    range: r,
                    role: super::role::Role::HlSelection,
                    priority: 95,
                });
            }
            self.reader.doc =
                document::build_with(t, &self.reader.matches, &highlights, &legend, &opts);
            self.reader.details_doc = match panel {
                Some(w) => document::details(t, &DocOptions { width: w, ..opts }),
                None => Default::default(),
            };
        } else {
            self.reader.doc = Default::default();
        }
        self.reader.partner_doc = match (&self.reader.partner, self.reader.paired) {
            (Some((_, Ok(t))), true) => {
                let opts = DocOptions {
                    width,
                    show_system: self.reader.show_system,
                    blind: false,
                    current_match: None,
                    sections: panel.is_none(),
                };
                let matches = self
                    .filter
                    .as_ref()
                    .map(|q| q.text_matches(t))
                    .unwrap_or_default();
                // The other tier's transcript shows its own evidence, like this one.
                let spans = crate::model::spans::resolve(t).0;
                let pe = self.reader.partner.as_ref().map_or(0, |(e, _)| *e as usize);
                let human = crate::model::spans::label_spans(t, self.corpus.labels_of(pe)).0;
                let view = super::evidence::default_view(t, &spans);
                let lexicon = self.reader.lexicon_on.then_some(&*self.lexicon);
                let (highlights, legend) =
                    super::evidence::highlights(t, &spans, view, &human, lexicon);
                document::build_with(t, &matches, &highlights, &legend, &opts)
            }
            _ => Default::default(),
        };
        self.scroll_by(0);
    }
}
