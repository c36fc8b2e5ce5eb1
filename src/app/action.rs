//! Everything a user can do in the interface. The snake_case names are the keymap
//! file's vocabulary and the help overlay's rows.

/// A user action. Keys map to actions; `update` turns actions into state changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Leave afscope.
    Quit,
    /// Show or hide the list of keys.
    Help,
    /// Move up one row (list) or line (reader).
    Up,
    /// Move down one row (list) or line (reader).
    Down,
    /// Move up a page.
    PageUp,
    /// Move down a page.
    PageDown,
    /// Go to the first row or the top of the transcript.
    Top,
    /// Go to the last row or the end of the transcript.
    Bottom,
    /// Switch focus between the list and the reader.
    FocusNext,
    /// Give the reader the whole screen, or give it back.
    Fullscreen,
    /// Type a query in the filter bar.
    Filter,
    /// Drop the current filter.
    ClearFilter,
    /// Jump to the next search match in the transcript.
    NextMatch,
    /// Jump to the previous search match in the transcript.
    PrevMatch,
    /// Jump to the next scratchpad block.
    NextBlock,
    /// Jump to the previous scratchpad block.
    PrevBlock,
    /// Expand or collapse the system prompt.
    ToggleSystem,
    /// Sort the list by the next column.
    SortNext,
    /// Reverse the sort order.
    SortReverse,
    /// Jump to a random transcript of the current view (seeded, reproducible).
    Random,
    /// Count the view by model × tier; choose a cell to filter to it.
    Facets,
    /// Show the other tier's transcript of the same prompt beside this one.
    Pair,
    /// Find a transcript by id, model or prompt text (fuzzy).
    Find,
    /// Read the input files again (after one changed while open).
    Reload,
    /// Save the current filter under a name.
    SaveFilter,
    /// Choose a saved filter.
    SavedFilters,
    /// Verdicts and metadata in a side panel.
    Details,
    /// Jump to the next evidence span.
    NextSpan,
    /// Jump to the previous evidence span.
    PrevSpan,
    /// Show the next verdict's evidence (then all, then none).
    Evidence,
    /// Paint the lexicon's alignment-faking cues, or stop.
    Lexicon,
    /// List every span of the transcript; Enter jumps to one.
    SpanList,
    /// The compliance gap of the view as bars per model; Enter opens a cell.
    GapPanel,
    /// Classifiers against hand labels in the view: ROC curve, confusion matrix at a
    /// threshold moved with keys; Enter opens a cell as a queue.
    EvalPanel,
    /// Start labeling the view (a session over its transcripts, in order).
    LabelSession,
    /// Labeling: go to the next item without labeling this one.
    Skip,
    /// Labeling: take back the last label (across items).
    UndoLabel,
    /// Labeling: put back the last label undone.
    RedoLabel,
    /// Labeling: the last labels of the session; Enter goes back to one.
    LabelHistory,
    /// Labeling: progress per stratum, labels per hour, time left.
    LabelProgress,
    /// Labeling: select the sentence at the top of the reader, or move the selection
    /// to the next sentence; a criterion key then attaches it as a span.
    SelectSentence,
    /// Labeling: extend the selection by the next sentence.
    ExtendSelection,
    /// Labeling: take the last sentence off the selection.
    ShrinkSelection,
    /// Copy the transcript's id and where its record is to the clipboard (OSC 52,
    /// which works over SSH and in tmux).
    CopyId,
    /// Copy the text in view to the clipboard: the sentence selection, else the
    /// evidence span jumped to, else the reader's lines on screen.
    CopyText,
    /// Stop taking the mouse, so the terminal's own selection works; again takes it
    /// back.
    ToggleMouse,
}

impl Action {
    pub const ALL: [Action; 46] = [
        Action::Quit,
        Action::Help,
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::FocusNext,
        Action::Fullscreen,
        Action::Filter,
        Action::ClearFilter,
        Action::NextMatch,
        Action::PrevMatch,
        Action::NextBlock,
        Action::PrevBlock,
        Action::ToggleSystem,
        Action::SortNext,
        Action::SortReverse,
        Action::Random,
        Action::Facets,
        Action::Pair,
        Action::Find,
        Action::Reload,
        Action::SaveFilter,
        Action::SavedFilters,
        Action::Details,
        Action::NextSpan,
        Action::PrevSpan,
        Action::Evidence,
        Action::Lexicon,
        Action::SpanList,
        Action::GapPanel,
        Action::EvalPanel,
        Action::LabelSession,
        Action::Skip,
        Action::UndoLabel,
        Action::RedoLabel,
        Action::LabelHistory,
        Action::LabelProgress,
        Action::SelectSentence,
        Action::ExtendSelection,
        Action::ShrinkSelection,
        Action::CopyId,
        Action::CopyText,
        Action::ToggleMouse,
    ];

    /// The keymap-file name.
    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::Up => "up",
            Action::Down => "down",
            Action::PageUp => "page_up",
            Action::PageDown => "page_down",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::FocusNext => "focus_next",
            Action::Fullscreen => "fullscreen",
            Action::Filter => "filter",
            Action::ClearFilter => "clear_filter",
            Action::NextMatch => "next_match",
            Action::PrevMatch => "prev_match",
            Action::NextBlock => "next_block",
            Action::PrevBlock => "prev_block",
            Action::ToggleSystem => "toggle_system",
            Action::SortNext => "sort_next",
            Action::SortReverse => "sort_reverse",
            Action::Random => "random",
            Action::Facets => "facets",
            Action::Pair => "pair",
            Action::Find => "find",
            Action::Reload => "reload",
            Action::SaveFilter => "save_filter",
            Action::SavedFilters => "saved_filters",
            Action::Details => "details",
            Action::NextSpan => "next_span",
            Action::PrevSpan => "prev_span",
            Action::Evidence => "evidence",
            Action::Lexicon => "lexicon",
            Action::SpanList => "span_list",
            Action::GapPanel => "gap_panel",
            Action::EvalPanel => "eval_panel",
            Action::LabelSession => "label_session",
            Action::Skip => "skip",
            Action::UndoLabel => "undo_label",
            Action::RedoLabel => "redo_label",
            Action::LabelHistory => "label_history",
            Action::LabelProgress => "label_progress",
            Action::SelectSentence => "select_sentence",
            Action::ExtendSelection => "extend_selection",
            Action::ShrinkSelection => "shrink_selection",
            Action::CopyId => "copy_id",
            Action::CopyText => "copy_text",
            Action::ToggleMouse => "toggle_mouse",
        }
    }

    /// One line for the help overlay.
    pub fn describe(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "show or hide this help",
            Action::Up => "up one row / line",
            Action::Down => "down one row / line",
            Action::PageUp => "up a page",
            Action::PageDown => "down a page",
            Action::Top => "first row / top of transcript",
            Action::Bottom => "last row / end of transcript",
            Action::FocusNext => "switch between list and reader",
            Action::Fullscreen => "reader full screen",
            Action::Filter => "filter with a query",
            Action::ClearFilter => "clear the filter",
            Action::NextMatch => "next match in transcript",
            Action::PrevMatch => "previous match in transcript",
            Action::NextBlock => "next scratchpad block",
            Action::PrevBlock => "previous scratchpad block",
            Action::ToggleSystem => "expand / collapse system prompt",
            Action::SortNext => "sort by next column",
            Action::SortReverse => "reverse sort order",
            Action::Random => "random transcript from the view",
            Action::Facets => "counts by model × tier; Enter filters",
            Action::Pair => "free and paid transcripts side by side",
            Action::Find => "find by id, model or prompt (fuzzy)",
            Action::Reload => "read the input files again (after one changed)",
            Action::SaveFilter => "save the filter under a name",
            Action::SavedFilters => "saved filters (Enter applies, x deletes)",
            Action::Details => "verdicts and metadata in a side panel",
            Action::NextSpan => "next evidence span",
            Action::PrevSpan => "previous evidence span",
            Action::Evidence => "whose evidence is painted (cycle)",
            Action::Lexicon => "paint the lexicon's alignment-faking cues",
            Action::SpanList => "list every quote and span; Enter jumps",
            Action::GapPanel => "compliance gap by model; Enter opens a cell",
            Action::EvalPanel => "classifier vs labels: ROC, confusion matrix, threshold",
            Action::LabelSession => "label the view (Esc leaves the session)",
            Action::Skip => "labeling: next item, no label",
            Action::UndoLabel => "labeling: undo the last label",
            Action::RedoLabel => "labeling: redo",
            Action::LabelHistory => "labeling: last labels; Enter goes back",
            Action::LabelProgress => "labeling: progress per stratum",
            Action::SelectSentence => "labeling: select a sentence (again: the next)",
            Action::ExtendSelection => "labeling: extend the selection a sentence",
            Action::ShrinkSelection => "labeling: shrink the selection a sentence",
            Action::CopyId => "copy the id and file:line (clipboard, over SSH too)",
            Action::CopyText => "copy the selection, the span, or the text in view",
            Action::ToggleMouse => "mouse off/on: off lets the terminal select text",
        }
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }
}
