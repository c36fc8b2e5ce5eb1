//! The interface's small promises, kept through the real keymap: the filter bar's
//! history (↑/↓, kept in the filters file), a saved filter replaced or deleted only
//! when asked twice, `]` at the end saying so, labeling keys outside a session
//! saying how to start one, full screen giving focus back, start-up warnings one
//! at a time, and status hints for where the user is.

mod common;

use afscope::app::{App, Focus, Mode};
use afscope::load::LoadOptions;
use common::fixture;
use common::screen::{app_at, press, screen};

fn app(width: u16, height: u16) -> App {
    app_at(
        &[fixture("demo.jsonl")],
        LoadOptions::default(),
        width,
        height,
    )
}

fn status(a: &App) -> String {
    screen(a, "dark").lines().last().unwrap_or("").to_string()
}

#[test]
fn up_and_down_in_the_filter_bar_recall_earlier_queries_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("filters.toml");
    let mut a = app(80, 24);
    a.filters_path = Some(path.clone());
    press(&mut a, "/<Up>");
    assert_eq!(
        a.message.as_deref(),
        Some("no earlier queries yet: each one applied is kept")
    );
    press(&mut a, "tier:free<Enter>/<C-u>model:gpt<Enter>");
    // A query that does not parse is not kept.
    press(&mut a, "/<C-u>modle:x<Enter><Esc>");
    press(&mut a, "/<C-u>draft");
    assert!(status(&a).contains("earlier queries"), "{}", status(&a));
    press(&mut a, "<Up>");
    assert_eq!(a.input.text, "model:gpt");
    press(&mut a, "<Up><Up>");
    assert_eq!(a.input.text, "tier:free", "the oldest stays at the top");
    press(&mut a, "<Down>");
    assert_eq!(a.input.text, "model:gpt");
    press(&mut a, "<Down>");
    assert_eq!(a.input.text, "draft", "what was typed before ↑ comes back");
    press(&mut a, "<Esc>");

    // Another run with the same filters file has them.
    let written = std::fs::read_to_string(&path).unwrap();
    let saved = afscope::app::saved::Saved::parse(&written).unwrap();
    assert_eq!(saved.history, ["tier:free", "model:gpt"], "{written}");
    let mut b = app(80, 24);
    b.saved = saved;
    press(&mut b, "/<Up>");
    assert_eq!(b.input.text, "model:gpt");
}

#[test]
fn a_saved_name_in_use_is_replaced_only_on_a_second_enter() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("filters.toml");
    let mut a = app(80, 24);
    a.filters_path = Some(path.clone());
    press(&mut a, "/tier:free<Enter>Smine<Enter>");
    assert_eq!(a.message.as_deref(), Some("saved as `mine`"));
    press(&mut a, "/<C-u>tier:paid<Enter>Smine<Enter>");
    assert_eq!(
        a.message.as_deref(),
        Some("`mine` is saved as `tier:free`: Enter again replaces it, Esc keeps it")
    );
    assert_eq!(a.mode, Mode::NameFilter);
    press(&mut a, "<Esc>");
    assert_eq!(
        a.message.as_deref(),
        Some("kept the saved filter as it was")
    );
    let file = || {
        afscope::app::saved::Saved::parse(&std::fs::read_to_string(&path).unwrap())
            .unwrap()
            .filters
    };
    assert_eq!(file()["mine"], "tier:free");
    press(&mut a, "Smine<Enter><Enter>");
    assert_eq!(a.message.as_deref(), Some("replaced `mine`"));
    assert_eq!(file()["mine"], "tier:paid");
    // Deleting asks once more; another key keeps the filter.
    press(&mut a, "'x");
    assert_eq!(
        a.message.as_deref(),
        Some("x again deletes `mine`; any other key keeps it")
    );
    press(&mut a, "k");
    assert_eq!(a.message.as_deref(), Some("kept the saved filter"));
    assert!(file().contains_key("mine"));
    press(&mut a, "xx");
    assert_eq!(a.message.as_deref(), Some("deleted `mine`"));
    assert!(file().is_empty());
}

#[test]
fn the_block_keys_say_when_there_is_no_block_to_go_to() {
    let mut a = app(80, 24);
    press(&mut a, "f");
    for _ in 0..30 {
        press(&mut a, "]");
    }
    let said = a.message.clone().unwrap_or_default();
    assert!(
        said == "no more scratchpad blocks below"
            || said == "the last scratchpad blocks are in view: the text ends here",
        "{said}"
    );
    press(&mut a, "gg");
    for _ in 0..30 {
        press(&mut a, "[");
    }
    assert_eq!(
        a.message.as_deref(),
        Some("no more scratchpad blocks above")
    );
}

#[test]
fn a_labeling_key_outside_a_session_says_how_to_start_one() {
    let mut a = app(80, 24);
    press(&mut a, "a");
    let said = a.message.clone().unwrap_or_default();
    assert!(
        said.starts_with("a labels (")
            && said.ends_with("in a labeling session: i starts one here"),
        "{said}"
    );
    assert!(
        status(&a).contains("i starts one here"),
        "whole at 80 columns: {}",
        status(&a)
    );
}

#[test]
fn leaving_full_screen_gives_focus_back_to_the_pane_that_had_it() {
    let mut a = app(130, 30);
    press(&mut a, "<Tab>");
    let before = a.focus;
    press(&mut a, "f");
    assert!(a.fullscreen);
    let line = status(&a);
    assert!(line.contains("back") && !line.contains(" read "), "{line}");
    press(&mut a, "<Esc>");
    assert!(!a.fullscreen);
    assert_eq!(a.focus, before);
    // From the list, full screen and back leaves the list focused.
    let mut b = app(130, 30);
    assert_eq!(b.focus, Focus::List);
    press(&mut b, "f<Esc>");
    assert_eq!(b.focus, Focus::List);
    assert!(status(&b).contains(" read "), "{}", status(&b));
}

#[test]
fn start_up_warnings_are_shown_one_per_key_until_all_were_seen() {
    let mut a = app(120, 24);
    a.warnings = vec![
        "keymap line 3: unknown action `jump`".into(),
        "keymap line 9: unknown key `Ctrl-`".into(),
    ];
    assert!(
        status(&a).contains("unknown action `jump` (1 more: a key shows the next)"),
        "{}",
        status(&a)
    );
    press(&mut a, "j");
    let line = status(&a);
    assert!(
        line.contains("unknown key `Ctrl-`") && !line.contains("more:"),
        "{line}"
    );
    press(&mut a, "k");
    assert!(!status(&a).contains("keymap"), "{}", status(&a));
}

#[test]
fn a_match_in_the_collapsed_system_prompt_opens_it() {
    let mut a = app(80, 24);
    press(&mut a, "/contractors<Enter>");
    assert!(!a.reader.show_system);
    press(&mut a, "n");
    let said = a.message.clone().unwrap_or_default();
    assert!(
        said.ends_with("is in the system prompt, opened for it (s collapses it)"),
        "{said}"
    );
    assert!(a.reader.show_system);
    let s = screen(&a, "dark");
    assert!(
        !s.contains("▸ system prompt") && s.contains("rated by contractors"),
        "the prompt is open at the match: {s}"
    );
}
