//! Interface state: what is shown, selected and typed. Keys become `Action`s, `update`
//! changes the state and returns `Effect`s for the runner; nothing here touches the
//! terminal or files.

pub mod action;
mod changes;
pub mod columns;
mod copy;
pub mod document;
pub mod eval_panel;
pub mod evidence;
pub mod facets;
mod filtering;
pub mod find;
pub mod gap_panel;
pub mod help_text;
pub mod input;
pub mod keymap;
mod label_keys;
mod label_save;
mod label_spans;
pub mod layout;
mod modal_keys;
mod panels;
mod reader_nav;
pub mod role;
pub mod saved;
mod saved_keys;
pub mod session;
mod session_carry;
pub mod session_start;
pub mod status_line;
mod update;
mod view;
pub use changes::{FoundIds, ReloadLookups};
pub use view::{prepare, Prepared};
pub mod wrap;

pub use action::Action;
pub use keymap::Keymap;
pub use update::{Candidates, Discarded, Effect};

use crate::load::Corpus;
use crate::model::{Problem, Tier, Transcript};
use crate::query::{Query, QueryError, TextMatch};
use document::Document;
use input::LineInput;
use std::sync::Arc;

/// What keys do right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing a query in the filter bar.
    Filter,
    Help,
    /// The facet table is open.
    Facets,
    /// The finder is open.
    Find,
    /// Typing a name for the current filter.
    NameFilter,
    /// The saved-filter picker is open.
    Saved,
    /// The span list is open.
    SpanList,
    /// The compliance-gap panel is open.
    Gap,
    /// The evaluation panel is open.
    Eval,
}

/// Which panel moves with the motion keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    List,
    Reader,
}

/// List columns, in sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// The order of the files.
    Order,
    Id,
    Model,
    Tier,
    Condition,
    Compliance,
    Af,
    Label,
    /// Evidence: quotes located / quotes given.
    Spans,
}

impl Column {
    pub const CYCLE: [Column; 9] = [
        Column::Order,
        Column::Id,
        Column::Model,
        Column::Tier,
        Column::Condition,
        Column::Compliance,
        Column::Af,
        Column::Label,
        Column::Spans,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Column::Order => "file order",
            Column::Id => "id",
            Column::Model => "model",
            Column::Tier => "tier",
            Column::Condition => "condition",
            Column::Compliance => "compliance",
            Column::Af => "af",
            Column::Label => "label",
            Column::Spans => "evidence",
        }
    }
}

/// The transcript in the reader.
#[derive(Debug, Default)]
pub struct Reader {
    /// Corpus entry shown.
    pub entry: Option<u32>,
    pub transcript: Option<Result<Transcript, Problem>>,
    pub doc: Document,
    /// First document line on screen.
    pub scroll: usize,
    pub show_system: bool,
    pub matches: Vec<TextMatch>,
    pub current_match: Option<usize>,
    /// Width the document was laid out for.
    pub width: usize,
    /// Showing the other tier's transcript beside this one.
    pub paired: bool,
    /// The other tier's transcript of the same prompt, when paired.
    pub partner: Option<(u32, Result<Transcript, Problem>)>,
    pub partner_doc: Document,
    /// Verdicts and metadata in a side panel instead of at the end.
    pub details: bool,
    pub details_doc: Document,
    /// Every verdict span of the transcript (quotes located, offsets converted).
    pub spans: Vec<crate::model::spans::VerdictSpan>,
    /// Whose evidence is painted.
    pub evidence: evidence::Evidence,
    /// The span last jumped to, by position in the painted highlights.
    pub current_span: Option<usize>,
    /// The lexicon cues painted (cue index, range) and where their highlights start
    /// in the document's, for `}` to stop at.
    pub cues: Vec<(usize, std::ops::Range<usize>)>,
    pub cues_from: usize,
    /// Paint the lexicon's cues.
    pub lexicon_on: bool,
    /// Spans people marked in their labels of this transcript.
    pub human: Vec<crate::model::spans::HumanSpan>,
    /// Cursor in the span list (an index into `spans`).
    pub span_cursor: usize,
}

/// The whole interface state.
pub struct App {
    pub corpus: Arc<Corpus>,
    pub keymap: Keymap,
    pub mode: Mode,
    pub focus: Focus,
    pub fullscreen: bool,
    /// The pane that had focus before full screen, given back when it ends.
    pub focus_before_full: Focus,
    /// Corpus entries in view, in display order.
    pub rows: Vec<u32>,
    /// What the rows in view hold, for the list's columns.
    pub columns: columns::ListColumns,
    /// Transcripts per tier in `rows`: free, paid, unknown.
    pub tier_counts: [usize; 3],
    /// Position in `rows`.
    pub selected: usize,
    /// First row on screen.
    pub list_top: usize,
    pub sort: Column,
    pub descending: bool,
    /// The applied filter.
    pub filter: Option<Query>,
    /// The filter bar's text while typing.
    pub input: LineInput,
    pub input_error: Option<QueryError>,
    /// Filters over more transcripts than this run in the background (the interface
    /// stays within a frame); smaller ones at once.
    pub filter_in_background_over: usize,
    /// The running search: candidates tested, of how many, matches so far.
    pub search_progress: Option<(usize, usize, usize)>,
    /// Indexing still going on: share of the current file done, 0–100.
    pub indexing: Option<u8>,
    pub reader: Reader,
    /// The facet table, while open.
    pub facets: Option<facets::Facets>,
    /// First line of the help overlay on screen.
    pub help_scroll: usize,
    /// The finder's state (kept between openings).
    pub finder: find::Finder,
    /// Saved filters.
    pub saved: saved::Saved,
    /// The name being typed for a filter.
    pub name_input: LineInput,
    /// In the filter bar: which typed query ↑/↓ shows, and the text typed before
    /// the first ↑.
    pub recall: Option<(usize, String)>,
    /// Where saved filters are written.
    pub filters_path: Option<std::path::PathBuf>,
    /// Cues the lexicon overlay paints.
    pub lexicon: std::sync::Arc<crate::model::lexicon::Lexicon>,
    /// Evidence per entry: quotes located in the text, and quotes given (for the list).
    pub span_counts: std::collections::HashMap<u32, (u16, u16)>,
    /// Entries whose counts were asked for and have not arrived.
    pub counting: std::collections::HashSet<u32>,
    /// The compliance-gap panel, while open.
    pub gap: Option<gap_panel::GapPanel>,
    /// The condition the gap panel compares every other with (`b` in the panel,
    /// `--baseline`).
    pub gap_baseline: Option<String>,
    /// The evaluation panel, while open.
    pub eval: Option<eval_panel::EvalPanel>,
    /// The evaluation threshold, kept between openings of the panel.
    pub eval_threshold: f64,
    /// A fixed set of transcripts the list is limited to (a confusion-matrix cell),
    /// with its name; filters apply within it until the filter is cleared.
    pub queue: Option<(String, std::sync::Arc<Vec<u32>>)>,
    /// The labeling session, while one runs.
    pub session: Option<session::Session>,
    /// A session is being built on a worker.
    pub session_starting: bool,
    /// The query a worker is searching for, while one is (its result is taken only if
    /// it is still this one).
    pub search_for: Option<crate::query::Query>,
    /// Corpus entries the filter's rows account for (a snapshot taken in while loading
    /// is filtered from here on).
    pub filter_covers: usize,
    /// A snapshot came while a search was under way: its new entries are filtered
    /// once the search is done.
    pub grown_while_searching: bool,
    /// Free/paid pairs are being built on a worker: transcripts keyed, of how many.
    pub pairing: Option<(usize, usize)>,
    /// Milliseconds since 1970, for label times and rates (fixed in tests).
    pub clock: fn() -> i64,
    pub size: (u16, u16),
    pub message: Option<String>,
    /// Start-up warnings (keymap, theme), shown one per key until all were seen.
    pub warnings: Vec<String>,
    /// Input files that changed while open in a way only a reload shows (truncated,
    /// replaced...), said in the status line until then.
    pub changed: Vec<String>,
    /// Records appended and new files are indexed as they come (not `--no-follow`).
    pub follow: bool,
    /// A reload is under way.
    pub reloading: bool,
    rng: u64,
    pub quit: bool,
    /// The interface takes the mouse (off: the terminal's own selection works).
    pub mouse_captured: bool,
}

impl App {
    pub fn new(corpus: Arc<Corpus>, keymap: Keymap, seed: u64) -> App {
        let rows: Vec<u32> = (0..corpus.len() as u32).collect();
        let covered = rows.len();
        let columns = columns::ListColumns::of(&corpus.view(), &rows);
        let mut app = App {
            corpus,
            keymap,
            mode: Mode::Normal,
            focus: Focus::List,
            fullscreen: false,
            focus_before_full: Focus::List,
            columns,
            rows,
            tier_counts: [0; 3],
            selected: 0,
            list_top: 0,
            sort: Column::Order,
            descending: false,
            filter: None,
            input: LineInput::default(),
            input_error: None,
            filter_in_background_over: 100_000,
            search_progress: None,
            indexing: None,
            mouse_captured: true,
            reader: Reader::default(),
            facets: None,
            help_scroll: 0,
            finder: find::Finder::default(),
            saved: saved::Saved::default(),
            name_input: LineInput::default(),
            recall: None,
            filters_path: None,
            lexicon: std::sync::Arc::new(crate::model::lexicon::Lexicon::builtin()),
            span_counts: Default::default(),
            counting: Default::default(),
            gap: None,
            gap_baseline: None,
            eval: None,
            eval_threshold: 0.4,
            queue: None,
            session: None,
            session_starting: false,
            search_for: None,
            filter_covers: covered,
            grown_while_searching: false,
            pairing: None,
            clock: || {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis() as i64)
            },

            size: (80, 24),
            message: None,
            warnings: Vec::new(),
            changed: Vec::new(),
            follow: true,
            reloading: false,
            rng: seed ^ 0x9e37_79b9_7f4a_7c15,
            quit: false,
        };
        app.count_tiers();
        app
    }

    /// Width of the verdicts panel when it is open and the reader is wide enough.
    pub fn details_width(&self) -> Option<usize> {
        match self.layout() {
            layout::Layout::Main { reader, .. }
                if self.reader.details && reader.inner().width >= 80 =>
            {
                Some(38)
            }
            _ => None,
        }
    }

    pub fn layout(&self) -> layout::Layout {
        let bar =
            matches!(self.mode, Mode::Filter | Mode::NameFilter) || self.input_error.is_some();
        layout::compute(
            self.size.0,
            self.size.1,
            self.fullscreen,
            bar,
            self.session.as_ref().map_or(0, |s| s.panel_lines()),
            self.status_height(),
        )
    }

    /// The entry under the cursor.
    pub fn current(&self) -> Option<u32> {
        self.rows.get(self.selected).copied()
    }

    fn count_tiers(&mut self) {
        self.tier_counts = tier_counts(&self.corpus, &self.rows);
    }

    fn next_random(&mut self) -> u64 {
        // xorshift64*: reproducible from the seed.
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Transcripts per tier among `rows`: free, paid, unknown (in parallel; for every
/// row, the corpus's own count).
pub fn tier_counts(corpus: &Corpus, rows: &[u32]) -> [usize; 3] {
    use rayon::prelude::*;
    if rows.len() == corpus.len() && rows.first() == Some(&0) && rows.is_sorted() {
        return corpus.tier_totals();
    }
    let entries = &corpus.index.entries;
    rows.par_iter()
        .with_min_len(8192)
        .fold(
            || [0usize; 3],
            |mut c, &i| {
                c[match entries.group(i as usize).tier() {
                    Tier::Free => 0,
                    Tier::Paid => 1,
                    Tier::Unknown => 2,
                }] += 1;
                c
            },
        )
        .reduce(|| [0; 3], |a, b| [a[0] + b[0], a[1] + b[1], a[2] + b[2]])
}
