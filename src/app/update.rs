//! Actions and events to state changes.

use super::layout::Layout;
use super::{Action, App, Column, Focus, Mode};
use crate::query::Query;
use crossterm::event::KeyEvent;

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
        candidates: Candidates,
        /// Labels made in the session, for `label:` terms.
        labels: Option<std::sync::Arc<crate::query::LabelOverlay>>,
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
    /// Read the input files again, then call `App::on_reloaded`.
    Reload,
    /// Build the corpus's free/paid pairs (reporting progress), then call
    /// `App::on_pairs_built`.
    BuildPairs,
    /// Put this (sanitised) text on the terminal's clipboard.
    Copy(String),
    /// Take the mouse (true) or leave it to the terminal.
    MouseCapture(bool),
    /// Free what the app no longer holds away from the interface thread.
    Discard(Discarded),
}

/// Something large the app let go of (a corpus read before a reload, a million ids):
/// freeing it takes tens of milliseconds, so the runner frees it on another thread.
#[derive(Clone)]
pub struct Discarded(pub std::sync::Arc<dyn std::any::Any + Send + Sync>);

impl Discarded {
    pub fn of(what: impl std::any::Any + Send + Sync) -> Discarded {
        Discarded(std::sync::Arc::new(what))
    }
}

impl std::fmt::Debug for Discarded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Discarded")
    }
}

/// The entries a search tests.
#[derive(Debug, Clone, PartialEq)]
pub enum Candidates {
    These(Vec<u32>),
    /// Every entry below this number (built by the worker, not the interface thread).
    All(u32),
    /// Entries from the first number up to the second.
    Range(u32, u32),
}

impl Candidates {
    pub fn into_vec(self) -> Vec<u32> {
        match self {
            Candidates::These(v) => v,
            Candidates::All(n) => (0..n).collect(),
            Candidates::Range(a, b) => (a..b).collect(),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Candidates::These(v) => v.len(),
            Candidates::All(n) => *n as usize,
            Candidates::Range(a, b) => b.saturating_sub(*a) as usize,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl App {
    /// A key press.
    pub fn on_key(&mut self, ev: KeyEvent) -> Vec<Effect> {
        // Start-up warnings are shown one after another, a key each.
        if !self.warnings.is_empty() {
            self.warnings.remove(0);
        }
        self.message = None;
        match self.mode {
            Mode::Help => {
                // Motion keys scroll the help; anything else closes it.
                match self.keymap.action(&ev) {
                    Some(Action::Down) => self.help_scroll += 1,
                    Some(Action::Up) => self.help_scroll = self.help_scroll.saturating_sub(1),
                    Some(Action::PageDown) => self.help_scroll += 10,
                    Some(Action::PageUp) => self.help_scroll = self.help_scroll.saturating_sub(10),
                    Some(Action::Top) => self.help_scroll = 0,
                    Some(Action::Bottom) => self.help_scroll = usize::MAX,
                    _ => self.mode = Mode::Normal,
                }
                // Scrolling stops at the last page, as drawn at this size.
                let page = self.help_page(self.size.0, self.size.1);
                self.help_scroll = page.top(self.help_scroll);
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
                    None => {
                        self.unbound_key(ev);
                        Vec::new()
                    }
                }
            }
        }
    }

    /// A key that does nothing here: a labeling key outside a session says how to
    /// start one, instead of nothing happening.
    fn unbound_key(&mut self, ev: KeyEvent) {
        use crossterm::event::{KeyCode, KeyModifiers};
        let KeyCode::Char(c) = ev.code else { return };
        if self.session.is_some()
            || ev
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return;
        }
        let schema = crate::model::schema::Schema::default();
        if let Some(u) = schema.key_use(c) {
            let what = match u {
                crate::model::schema::KeyUse::Choose { field, value } => {
                    format!("{} {}", schema.fields[field].name, value)
                }
                crate::model::schema::KeyUse::Toggle { field }
                | crate::model::schema::KeyUse::Text { field } => schema.fields[field].name.clone(),
            };
            self.message = Some(format!(
                "{c} labels ({what}) in a labeling session: {} starts one here",
                self.keymap.hint(Action::LabelSession)
            ));
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
                if self.fullscreen {
                    self.leave_fullscreen();
                } else {
                    self.fullscreen = true;
                    self.focus_before_full = self.focus;
                    self.focus = Focus::Reader;
                    self.relayout();
                }
            }
            Action::Filter => {
                self.mode = Mode::Filter;
                self.recall = None;
                self.input = super::input::LineInput::new(
                    self.filter.as_ref().map_or("", |q| q.text.as_str()),
                );
                self.relayout();
            }
            Action::ClearFilter => {
                if self.fullscreen {
                    self.leave_fullscreen();
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
                    let fx = self.partner_request();
                    if fx.is_empty() && self.pairing.is_none() {
                        self.message =
                            Some("no transcript of the same prompt on the other tier".into());
                    }
                    return fx;
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
            Action::Reload => return self.reload(),
            Action::CopyId => return self.copy_id(),
            Action::CopyText => return self.copy_text(),
            Action::ToggleMouse => {
                self.mouse_captured = !self.mouse_captured;
                self.message = Some(if self.mouse_captured {
                    "mouse on: the wheel scrolls, a click selects".to_string()
                } else {
                    format!(
                        "mouse off: the terminal selects text; {} takes it back",
                        self.keymap.hint(Action::ToggleMouse)
                    )
                });
                return vec![Effect::MouseCapture(self.mouse_captured)];
            }
            Action::LabelSession if self.session_starting => {
                self.message = Some("the labeling session is starting…".into());
            }
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
                    "{} ({}) works in a labeling session; {} starts one",
                    self.keymap.hint(action),
                    action.describe().trim_start_matches("labeling: "),
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
}

impl App {
    /// Back from full screen to the panes, with the focus they had before.
    fn leave_fullscreen(&mut self) {
        self.fullscreen = false;
        self.focus = self.focus_before_full;
        self.relayout();
    }
}
