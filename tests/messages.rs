//! Every message and badge a user reads is whole at 80×24: the span jump, a query
//! error, the narrow reader, the drafts warning, the gap panel's tests and title,
//! the blind badge, the labeling keys and the status hints; with snapshots of the
//! list, reader, labeling panel and gap panel at 80×24 and 160×45.

mod common;

use afscope::app::App;
use afscope::labeling::queue::{QueueMode, QueueSpec};
use afscope::load::LoadOptions;
use afscope::tui::label_runner::Labeling;
use common::fixture;
use common::screen::{app_at, press, press_with, screen, session_at};

/// The demo with its verdicts, as a user opens it.
fn demo(width: u16, height: u16) -> App {
    let opts = LoadOptions {
        verdicts: vec![fixture("demo-verdicts.jsonl")],
        ..Default::default()
    };
    app_at(&[fixture("demo.jsonl")], opts, width, height)
}

/// A labeling session over the evaluation fixture at `width`×`height`.
fn session(dir: &std::path::Path, blind: bool, width: u16, height: u16) -> (App, Labeling) {
    let corpus = common::open(&[fixture("eval/transcripts.jsonl")], LoadOptions::default());
    let spec = QueueSpec {
        mode: QueueMode::Stratified {
            seed: 3,
            per_stratum: 2,
            buckets: 1,
        },
        query: None,
        blind,
        target: None,
    };
    session_at(
        corpus,
        &dir.join("labels.jsonl"),
        "ana",
        spec,
        (width, height),
    )
}

/// The screen's text with box drawing and runs of spaces made single spaces, so a
/// message wrapped over lines reads as one.
fn flat(s: &str) -> String {
    s.chars()
        .map(|c| {
            if ('\u{2500}'..='\u{259f}').contains(&c) {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The last `n` lines of the screen, flattened.
fn bottom(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.lines().collect();
    flat(&lines[lines.len().saturating_sub(n)..].join("\n"))
}

fn assert_whole(screen: &str, message: &str) {
    assert!(
        bottom(screen, 4).contains(&flat(message)),
        "not whole at the bottom: {message}\n{screen}"
    );
}

#[test]
fn the_span_jump_message_is_whole() {
    let mut a = demo(80, 24);
    press(&mut a, "f}}");
    let said = a.message.clone().expect("a jump says where it is");
    assert!(said.starts_with("span 2/"), "{said}");
    assert_whole(&screen(&a, "dark"), &said);
}

#[test]
fn a_query_error_too_long_for_the_bar_is_said_whole_below_it() {
    let mut a = demo(80, 24);
    press(&mut a, "/modle:x tier:free and af>0.5<Enter>");
    let s = screen(&a, "dark");
    let e = a.input_error.clone().expect("the query does not parse");
    assert!(e.message.starts_with("unknown field `modle`"));
    assert!(
        s.contains("/modle:x tier:free and af>0.5  ← see below"),
        "{s}"
    );
    assert_whole(&s, &e.message);
    assert!(
        bottom(&s, 4).ends_with("completion, scratchpad, output"),
        "{s}"
    );
    insta::assert_snapshot!("query_error_80x24", s);
    // A short one stays in the bar.
    let mut b = demo(80, 24);
    press(&mut b, "/af><Enter>");
    let s = screen(&b, "dark");
    let e = b.input_error.clone().unwrap();
    assert!(s.contains(&format!("← {}", e.message)), "{s}");
}

#[test]
fn the_narrow_reader_message_is_whole() {
    let mut a = demo(80, 24);
    press(&mut a, "v");
    assert_eq!(
        a.message.as_deref(),
        Some("the reader is too narrow for the panel: verdicts stay at the end (G)")
    );
    assert_whole(&screen(&a, "dark"), a.message.as_deref().unwrap());
}

#[test]
fn the_drafts_warning_is_whole_and_says_how_to_quit() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut l) = session(dir.path(), false, 80, 24);
    press_with(&mut a, "Fq", &mut l);
    let said = a.message.clone().unwrap();
    assert_eq!(
        said,
        "q again quits: 1 draft with no af answer is not saved"
    );
    assert_whole(&screen(&a, "dark"), &said);
}

#[test]
fn the_blind_badge_and_the_labeling_keys_are_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _l) = session(dir.path(), true, 80, 24);
    let s = screen(&a, "dark");
    assert!(s.contains("── user ──"), "{s}");
    assert!(s.contains("[tier hidden]"), "{s}");
    // The panel's second line: the keys that fit, each whole.
    let keys = s
        .lines()
        .find(|l| l.contains("not labelled"))
        .expect("the panel's state line");
    let hints = keys.rsplit('│').next().unwrap().trim();
    for hint in hints.split(" · ") {
        assert!(
            ["Bksp undo", "H history", "% progress", "Esc leaves"].contains(&hint),
            "{hint:?} in {keys:?}"
        );
    }
    insta::assert_snapshot!("labeling_blind_80x24", s);
}

#[test]
fn the_gap_panel_says_each_test_and_its_title_whole() {
    let mut a = demo(80, 24);
    // While the table is computed the panel says so.
    let fx = a.on_key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('C'),
        crossterm::event::KeyModifiers::SHIFT,
    ));
    let s = screen(&a, "dark");
    assert!(s.contains("computing the gap over 31 transcripts"), "{s}");
    afscope::tui::execute_sync(&mut a, fx);
    let s = screen(&a, "dark");
    let report = a.gap.as_ref().unwrap().report.clone().unwrap();
    let shown = flat(&s);
    let mut seen = 0;
    for row in &report.rows {
        if let Some(p) = row.paired {
            let test = format!(
                "McNemar p {} ({} {})",
                afscope::stats::gap_render::p_value(p.p_value),
                p.pairs,
                if p.pairs == 1 { "pair" } else { "pairs" }
            );
            // Rows below the panel's page are not drawn; those drawn are whole.
            if shown.contains(&format!(
                "{} {}",
                row.model,
                if row.condition.is_some() { "/" } else { "·" }
            )) && shown.contains(&test)
            {
                seen += 1;
            }
        }
    }
    assert!(seen >= 3, "{s}");
    let first = s.lines().nth(1).unwrap();
    assert!(
        first.contains("compliance gap · 31 in view · b base: none"),
        "{first}"
    );
    for line in s.lines() {
        assert!(
            !line.contains("McNemar p │"),
            "a test cut before its value: {line}"
        );
    }
    insta::assert_snapshot!("gap_80x24", s);
    let mut wide = demo(160, 45);
    press(&mut wide, "C");
    let s = screen(&wide, "dark");
    assert!(
        s.contains("compliance gap · 31 transcripts in view · b: baseline none"),
        "{s}"
    );
    insta::assert_snapshot!("gap_160x45", s);
}

#[test]
fn status_hints_are_whole_at_80_columns() {
    for keys in ["", "f", "/"] {
        let mut a = demo(80, 24);
        press(&mut a, keys);
        let s = screen(&a, "dark");
        let last = s.lines().last().unwrap();
        let labels = [
            "help",
            "filter",
            "read",
            "match",
            "quit",
            "back",
            "next block",
            "apply",
            "cancel",
            "earlier queries",
        ];
        assert!(
            labels.iter().any(|l| last.ends_with(l)),
            "hints end with a whole label after {keys:?}: {last:?}"
        );
    }
}

#[test]
fn the_reader_and_the_labeling_panel_at_80x24_and_160x45() {
    for (w, h) in [(80, 24), (160, 45)] {
        let mut a = demo(w, h);
        press(&mut a, "f");
        insta::assert_snapshot!(format!("reader_{w}x{h}"), screen(&a, "dark"));
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut l) = session(dir.path(), false, w, h);
        press_with(&mut a, "F", &mut l);
        let s = screen(&a, "dark");
        assert!(s.contains("draft (not saved)"), "{s}");
        insta::assert_snapshot!(format!("labeling_{w}x{h}"), s);
    }
}
