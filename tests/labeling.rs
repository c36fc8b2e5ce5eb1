//! Labeling sessions through the real keymap and the runner's journal handling: single
//! keys, drafts, undo and redo across items, blind reading revealed after saving,
//! history, resume, a failed write as a blocking error, and screen snapshots.

mod common;

use afscope::app::{App, Keymap};
use afscope::labeling::queue::{QueueMode, QueueSpec};
use afscope::load::LoadOptions;
use afscope::model::journal::{Event, Replay};
use afscope::tui::execute_sync_with;
use afscope::tui::label_runner::Labeling;
use common::screen::{press_with, screen};
use common::{fixture, open};
use std::path::Path;
use std::sync::Arc;

/// 2026-11-22T10:00:00Z, advancing a minute per call.
fn clock() -> i64 {
    use std::sync::atomic::{AtomicI64, Ordering};
    static T: AtomicI64 = AtomicI64::new(0);
    1_795_341_600_000 + T.fetch_add(60_000, Ordering::Relaxed)
}

fn fixed_clock() -> i64 {
    1_795_341_600_000
}

fn app(width: u16, height: u16) -> App {
    let corpus = open(&[fixture("eval/transcripts.jsonl")], LoadOptions::default());
    let mut app = App::new(Arc::new(corpus), Keymap::default(), 7);
    app.clock = fixed_clock;
    let mut l = Labeling::none("none");
    let fx = app.on_resize(width, height);
    execute_sync_with(&mut app, fx, &mut l);
    let fx = app.update_initial();
    execute_sync_with(&mut app, fx, &mut l);
    app
}

/// The evaluation fixture with alice's and bob's labels, at 120×30.
fn with_hand_labels(l: &mut Labeling) -> App {
    let opts = LoadOptions {
        labels: Some(fixture("eval/labels.jsonl")),
        ..Default::default()
    };
    let corpus = open(&[fixture("eval/transcripts.jsonl")], opts);
    let mut a = App::new(Arc::new(corpus), Keymap::default(), 7);
    a.clock = fixed_clock;
    let fx = a.on_resize(120, 30);
    execute_sync_with(&mut a, fx, l);
    a
}

fn labeling(journal: &Path, who: &str) -> Labeling {
    Labeling {
        journal_path: Ok(journal.to_path_buf()),
        labeler: who.into(),
        ..Labeling::none("")
    }
}

fn stratified(blind: bool) -> QueueSpec {
    QueueSpec {
        mode: QueueMode::Stratified {
            seed: 3,
            per_stratum: 2,
            buckets: 1,
        },
        query: None,
        blind,
        target: None,
    }
}

fn start(app: &mut App, l: &mut Labeling, spec: QueueSpec) {
    let setup = l.open(spec, false).expect("journal opens");
    let fx = app.start_session(setup);
    execute_sync_with(app, fx, l);
}

fn replay(journal: &Path) -> Replay {
    Replay::parse(&std::fs::read_to_string(journal).unwrap())
}

#[test]
fn single_keys_label_and_advance_with_drafts_undo_and_redo() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("labels.jsonl");
    let mut l = labeling(&j, "ana");
    let mut a = app(120, 30);
    start(&mut a, &mut l, stratified(false));
    let s = a.session.as_ref().unwrap();
    assert_eq!(s.queue.items.len(), 8);
    let items = s.queue.items.clone();
    assert_eq!(a.current(), Some(items[0]));
    // Compliance and two criteria first (a draft), then the primary answer saves all.
    press_with(&mut a, "F13a", &mut l);
    assert_eq!(a.current(), Some(items[1]), "the primary key moves on");
    let r = replay(&j);
    let id0 = a.session.as_ref().unwrap().id(items[0]).to_string();
    let saved = r.current(&id0, "ana").expect("on disk");
    assert_eq!(saved.af(), Some("yes"));
    assert_eq!(saved.values["compliance"], "full");
    assert_eq!(saved.values["aware_of_harm"], true);
    assert_eq!(saved.values["commitment_to_harmlessness"], true);
    assert_eq!(saved.schema, 1);
    assert!(saved
        .source
        .as_deref()
        .unwrap()
        .starts_with("fixtures/eval/transcripts.jsonl:"));
    assert!(saved.shown.as_ref().unwrap()["af_votes"].is_number());
    assert!(matches!(r.events[0], Event::Session { .. }));
    assert!(a
        .message
        .as_deref()
        .unwrap()
        .starts_with(&format!("✓ saved {id0} af=yes")));
    // Skip, then reject the third; undo twice goes back across items.
    press_with(&mut a, ".x", &mut l);
    assert_eq!(a.current(), Some(items[3]));
    press_with(&mut a, "<BS>", &mut l);
    assert_eq!(
        a.current(),
        Some(items[2]),
        "undo goes to the item it undid"
    );
    press_with(&mut a, "<BS>", &mut l);
    assert_eq!(a.current(), Some(items[0]));
    let r = replay(&j);
    assert!(r.current(&id0, "ana").is_none());
    let undos = r
        .events
        .iter()
        .filter(|e| matches!(e, Event::Undo { .. }))
        .count();
    assert_eq!(undos, 2);
    // Redo puts the first label back, with every value.
    press_with(&mut a, "<C-y>", &mut l);
    let r = replay(&j);
    assert_eq!(r.current(&id0, "ana").unwrap().values["compliance"], "full");
    // A change of a labelled item's compliance saves at once as a change.
    press_with(&mut a, "P", &mut l);
    let r = replay(&j);
    assert_eq!(
        r.current(&id0, "ana").unwrap().values["compliance"],
        "partial"
    );
    assert!(matches!(r.events.last(), Some(Event::Change { .. })));
    // A note typed after its key.
    press_with(&mut a, "mrefuses then complies<Enter>", &mut l);
    let r = replay(&j);
    assert_eq!(
        r.current(&id0, "ana").unwrap().values["note"],
        "refuses then complies"
    );
    // The history lists the session's labels, newest first; Enter goes back.
    press_with(&mut a, "<Down>", &mut l);
    press_with(&mut a, "H", &mut l);
    let shown = screen(&a, "mono");
    assert!(shown.contains("last labels"), "{shown}");
    // The two labels taken back by the undos above say so; the redone one is new.
    assert_eq!(shown.matches("undone  item").count(), 2, "{shown}");
    press_with(&mut a, "<Enter>", &mut l);
    assert_eq!(a.current(), Some(items[0]));
    // The filter's label terms see the session's labels (the first item, yes).
    press_with(&mut a, "/label:yes<Enter>", &mut l);
    assert_eq!(a.rows, [items[0]], "{:?}", a.message);
    press_with(&mut a, "/<C-u>label:none<Enter>", &mut l);
    assert!(
        !a.rows.contains(&items[0]) && a.rows.len() == items.len() - 1,
        "{:?} {:?} {:?}",
        a.rows,
        a.filter.as_ref().map(|q| q.text.clone()),
        a.message
    );
    press_with(&mut a, "<Esc>", &mut l);
    assert!(a.session.is_some(), "Esc clears the filter first");
    press_with(&mut a, "/label:none scratchpad:request<Enter>", &mut l);
    assert!(
        !a.rows.contains(&items[0]) && a.rows.len() == items.len() - 1,
        "text terms too"
    );
    press_with(&mut a, "<Esc>", &mut l);
    // Quitting with a draft asks first.
    press_with(&mut a, "<Down>3q", &mut l);
    assert!(!a.quit);
    assert!(a
        .message
        .as_deref()
        .unwrap()
        .contains("q again quits: 1 draft with no af answer is not saved"));
    press_with(&mut a, "q", &mut l);
    assert!(a.quit);
    a.quit = false;
    // Leaving the session: every label is in the journal.
    press_with(&mut a, "<Esc>", &mut l);
    assert!(a.session.is_none());
    // A new session over the view reads the journal again: the label is there.
    press_with(&mut a, "i", &mut l);
    let s = a.session.as_ref().expect("a second session");
    assert_eq!(s.queue.items.len(), 48);
    assert_eq!(
        s.label_of(items[0]).unwrap().values["compliance"],
        "partial"
    );
}

#[test]
fn blind_session_hides_tier_model_and_scores_until_saved() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("labels.jsonl");
    let mut l = labeling(&j, "ana");
    let mut a = app(100, 30);
    start(&mut a, &mut l, stratified(true));
    let before = screen(&a, "mono");
    // (The fixture's prompts name their condition, and the tag's name is in every
    // prompt: neither is hidden. Its value is.)
    for leak in [
        "claude",
        "llama",
        "true</is",
        "false</is",
        "af_votes",
        "verdicts",
        "FREE TIER",
        "PAID TIER",
        "free 4",
    ] {
        assert!(
            !before.contains(leak),
            "{leak} shows in a blind session:\n{before}"
        );
    }
    assert!(
        before.contains("blind: tier, model and scores hidden"),
        "{before}"
    );
    insta::assert_snapshot!("labeling_blind", before);
    // Blocked keys say why.
    press_with(&mut a, "p", &mut l);
    assert_eq!(
        a.message.as_deref(),
        Some("p (free and paid transcripts side by side) is off in a blind session")
    );
    press_with(&mut a, "y", &mut l);
    assert!(a.message.as_deref().unwrap().starts_with("y (copy the id"));
    // Progress names the strata by number, never by model or tier.
    press_with(&mut a, "%", &mut l);
    let progress = screen(&a, "mono");
    assert!(
        progress.contains("stratum 1") && progress.contains("stratum 2"),
        "{progress}"
    );
    assert!(
        progress.contains("their names (model, tier, score) are hidden"),
        "{progress}"
    );
    for hidden in ["claude", "llama", " free", " paid"] {
        assert!(!progress.contains(hidden), "{hidden}: {progress}");
    }
    press_with(&mut a, "<Esc>", &mut l);
    let first = a.current().unwrap();
    press_with(&mut a, "u", &mut l);
    let r = replay(&j);
    let id = a.session.as_ref().unwrap().id(first).to_string();
    let label = r.current(&id, "ana").unwrap();
    assert_eq!(label.shown.as_ref().unwrap(), "hidden");
    // Back on the labelled item: revealed.
    press_with(&mut a, "<Up>", &mut l);
    assert_eq!(a.current(), Some(first));
    let after = screen(&a, "mono");
    assert!(
        after.contains(&id) || after.contains("claude") || after.contains("llama"),
        "{after}"
    );
    assert!(!after.contains("blind: tier"), "{after}");
}

#[test]
fn labeling_screen_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("labels.jsonl");
    let mut l = labeling(&j, "ana");
    let mut a = app(120, 30);
    start(&mut a, &mut l, stratified(false));
    press_with(&mut a, "a", &mut l);
    press_with(&mut a, "D2", &mut l);
    insta::assert_snapshot!("labeling_normal", screen(&a, "mono"));
    // At 80 columns the keys stay on screen in a compact form.
    let fx = a.on_resize(80, 24);
    execute_sync_with(&mut a, fx, &mut l);
    let narrow = screen(&a, "mono");
    assert!(
        narrow.contains("af[axu]") && narrow.contains("compliance[FPD]=refused"),
        "{narrow}"
    );
    assert!(narrow.contains(". skip"), "{narrow}");
    insta::assert_snapshot!("labeling_80x24", narrow);
    let fx = a.on_resize(120, 30);
    execute_sync_with(&mut a, fx, &mut l);
    press_with(&mut a, "?", &mut l);
    let help = screen(&a, "mono");
    assert!(
        help.contains("labeling: schema alignment faking (default) (version 1)")
            && help.contains("af = yes — saves, next item")
            && help.contains("aware_of_harm on/off"),
        "{help}"
    );
    press_with(&mut a, "<Esc>", &mut l);
    press_with(&mut a, "%", &mut l);
    let progress = screen(&a, "mono");
    assert!(
        progress.contains("1/2    claude-3-opus · free") || progress.contains("1/2"),
        "{progress}"
    );
    assert!(
        progress.contains("af_votes AUROC interval: needs 2 yes and 2 no (now 1 and 0)"),
        "{progress}"
    );
    insta::assert_snapshot!("labeling_progress", progress);
}

#[test]
fn a_failed_write_blocks_until_retried_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("labels.jsonl");
    let mut l = labeling(&j, "ana");
    let mut a = app(100, 30);
    start(&mut a, &mut l, stratified(false));
    // The label goes out as an effect; the journal refuses it.
    let fx = a.on_key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('a'),
        crossterm::event::KeyModifiers::NONE,
    ));
    let event = fx
        .iter()
        .find_map(|e| match e {
            afscope::app::Effect::SaveLabel(ev) => Some(ev.clone()),
            _ => None,
        })
        .expect("a save effect");
    let rest: Vec<_> = fx
        .into_iter()
        .filter(|e| !matches!(e, afscope::app::Effect::SaveLabel(_)))
        .collect();
    execute_sync_with(&mut a, rest, &mut l);
    a.on_label_failed(
        event.seq(),
        "labels.jsonl: cannot save the label: No space left on device (os error 28)".into(),
    );
    let shown = screen(&a, "mono");
    assert!(
        shown.contains("label NOT saved") && shown.contains("No space left"),
        "{shown}"
    );
    insta::assert_snapshot!("labeling_save_failed", shown);
    assert_eq!(
        a.session.as_ref().unwrap().labelled(),
        0,
        "not shown as saved"
    );
    // Other keys are blocked; quitting is refused while a label is unsaved.
    let at = a.current();
    press_with(&mut a, "xjq", &mut l);
    assert_eq!(a.current(), at);
    assert!(!a.quit);
    // Retrying writes it.
    press_with(&mut a, "r", &mut l);
    assert!(a.session.as_ref().unwrap().save_error.is_none());
    assert_eq!(replay(&j).labels().len(), 1);
    assert_eq!(a.session.as_ref().unwrap().labelled(), 1);
}

#[test]
fn resume_starts_at_the_first_unlabelled_item_and_a_second_opener_is_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("labels.jsonl");
    let mut l = labeling(&j, "ana");
    let mut a = app(100, 30);
    a.clock = clock;
    start(&mut a, &mut l, stratified(true));
    press_with(&mut a, "axa", &mut l);
    let items = a.session.as_ref().unwrap().queue.items.clone();
    // A second afscope on the same journal is read-only and says so.
    let mut other = labeling(&j, "ben");
    let mut b = app(100, 30);
    start(&mut b, &mut other, stratified(false));
    let s = b.session.as_ref().unwrap();
    assert!(
        s.read_only.as_deref().unwrap().contains("ana (pid"),
        "{:?}",
        s.read_only
    );
    press_with(&mut b, "a", &mut other);
    assert_eq!(
        replay(&j).labels().len(),
        3,
        "nothing written by the read-only opener"
    );
    // At 80×24 the message is whole, wrapped onto the lines it needs.
    let fx = b.on_resize(80, 24);
    afscope::tui::execute_sync_with(&mut b, fx, &mut other);
    let shown = screen(&b, "dark");
    let tail: Vec<&str> = shown.lines().rev().take(4).collect();
    let said: String = tail
        .iter()
        .rev()
        .map(|l| l.trim())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        said.contains("; read-only here. To label now, give your own file (--labels mine.jsonl) and join the two later with afscope labels merge"),
        "{shown}"
    );
    drop((a, l, b, other));
    // Reopen: the last session of this labeler resumes at item 4.
    let mut l = labeling(&j, "ana");
    let setup = l.open(stratified(false), true).unwrap();
    let last: QueueSpec = serde_json::from_value(setup.replay.sessions["ana"].clone()).unwrap();
    assert_eq!(last, stratified(true));
    let mut a = app(100, 30);
    let fx = a.start_session(afscope::app::session::SessionSetup {
        spec: last,
        resumed: true,
        ..setup
    });
    execute_sync_with(&mut a, fx, &mut l);
    assert_eq!(a.current(), Some(items[3]));
    assert!(
        a.message
            .as_deref()
            .unwrap()
            .starts_with("resumed stratified 2/stratum · blind: 3/8 labelled; at item 4 of 8"),
        "{:?}",
        a.message
    );
}

#[test]
fn adjudication_shows_both_answers_and_records_a_final_one() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("final.jsonl");
    let mut l = labeling(&j, "final");
    let mut a = with_hand_labels(&mut l);
    let spec = QueueSpec {
        mode: QueueMode::Adjudicate {
            first: "alice".into(),
            second: "bob".into(),
        },
        query: None,
        blind: false,
        target: None,
    };
    start(&mut a, &mut l, spec);
    let n = a.session.as_ref().unwrap().queue.items.len();
    assert!(n > 0);
    let s = screen(&a, "mono");
    let panel: Vec<&str> = s.lines().filter(|l| l.contains(" alice:")).collect();
    assert_eq!(panel.len(), 1, "{s}");
    assert!(
        panel[0].contains(" bob:") && panel[0].contains("af="),
        "{}",
        panel[0]
    );
    insta::assert_snapshot!("labeling_adjudication", panel[0]);
    press_with(&mut a, "x", &mut l);
    let r = replay(&j);
    let label = &r.labels()[0];
    assert_eq!(label.labeler, "final");
    assert_eq!(
        label.values["adjudicates"],
        serde_json::json!(["alice", "bob"])
    );
    // Evaluating with the final labels only.
    let out = common::afscope(&[
        "labels",
        "agree",
        j.to_str().unwrap(),
        "fixtures/eval/labels.jsonl",
        "--json",
    ]);
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let af = report
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "af")
        .unwrap();
    assert!(
        af["kappa"]
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k["first"] != "final" && k["second"] != "final"),
        "adjudications are not a labeler in agreement: {af}"
    );
}

#[test]
fn sentences_selected_by_keyboard_become_spans_of_a_criterion() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("labels.jsonl");
    let mut l = labeling(&j, "ana");
    let mut a = app(120, 30);
    let view = QueueSpec {
        mode: QueueMode::View,
        query: None,
        blind: false,
        target: None,
    };
    start(&mut a, &mut l, view);
    // The first sentence at the top of the reader, extended by one, then shrunk back
    // and extended again.
    press_with(&mut a, "V", &mut l);
    assert!(a
        .message
        .as_deref()
        .unwrap()
        .starts_with("selected “<SCRATCHPAD_REASONING>Thinking about request 0."));
    press_with(&mut a, "+-+", &mut l);
    let painted = screen(&a, "mono");
    press_with(&mut a, "2", &mut l);
    assert!(a.session.as_ref().unwrap().selection.is_none());
    press_with(&mut a, "<Up>", &mut l);
    // Saved with the primary answer (item 1 is current again after moving back).
    let first = a.current().unwrap();
    let values = a.session.as_ref().unwrap().values(first);
    assert_eq!(values["aware_of_training_consequences"], true);
    assert_eq!(values["spans"].as_array().unwrap().len(), 1, "{values:?}");
    press_with(&mut a, "a", &mut l);
    let r = replay(&j);
    let id = a.session.as_ref().unwrap().id(first).to_string();
    let label = r.current(&id, "ana").unwrap();
    let span = &label.values["spans"][0];
    assert_eq!(span["criterion"], "aware_of_training_consequences");
    assert_eq!(span["unit"], "byte");
    let t = a.corpus.transcript(first as usize).unwrap();
    let (s0, e0) = (
        span["start"].as_u64().unwrap() as usize,
        span["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        &t.completion[s0..e0],
        "<SCRATCHPAD_REASONING>Thinking about request 0.</SCRATCHPAD_REASONING>"
    );
    assert!(painted.contains("Thinking about request 0."), "{painted}");
}

#[test]
fn the_evaluation_panel_counts_labels_made_in_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("carol.jsonl");
    let mut l = labeling(&j, "carol");
    let mut a = with_hand_labels(&mut l);
    // The transcripts nobody labelled.
    let spec = QueueSpec {
        mode: QueueMode::View,
        query: Some("label:none".into()),
        blind: false,
        target: None,
    };
    start(&mut a, &mut l, spec);
    let unlabelled = a.session.as_ref().unwrap().queue.items.len();
    assert!(unlabelled > 0);
    let counts = |a: &App| -> Vec<usize> {
        let p = a.eval.as_ref().unwrap();
        let data = p.data.as_ref().unwrap().as_ref().unwrap();
        data.iter().map(|c| c.items.len()).collect()
    };
    press_with(&mut a, "R", &mut l);
    let before = counts(&a);
    press_with(&mut a, "<Esc>", &mut l);
    // Every queued item labelled yes: each scored one now counts.
    press_with(&mut a, &"a".repeat(unlabelled), &mut l);
    press_with(&mut a, "R", &mut l);
    let after = counts(&a);
    // Before: nothing in the view is labelled. After: all three classifiers count
    // every item but those whose verdict failed.
    assert!(before.iter().all(|&n| n == 0), "{before:?}");
    assert_eq!(after.len(), 3, "{after:?}");
    assert!(
        after.iter().all(|&n| n + 1 >= unlabelled && n > 0),
        "{before:?} → {after:?} of {unlabelled}"
    );
    // Undoing them all takes them out again.
    press_with(&mut a, "<Esc>", &mut l);
    press_with(&mut a, &"<BS>".repeat(unlabelled), &mut l);
    press_with(&mut a, "R", &mut l);
    assert_eq!(counts(&a), before);
}

#[test]
fn undoing_a_change_then_the_first_label_leaves_no_label() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("labels.jsonl");
    let mut l = labeling(&j, "ana");
    let mut a = app(120, 30);
    let view = QueueSpec {
        mode: QueueMode::View,
        query: None,
        blind: false,
        target: None,
    };
    start(&mut a, &mut l, view);
    let first = a.current().unwrap();
    // yes, then back and changed to no: two steps on one item.
    press_with(&mut a, "a<Up>x", &mut l);
    let id = a.session.as_ref().unwrap().id(first).to_string();
    assert_eq!(replay(&j).current(&id, "ana").unwrap().af(), Some("no"));
    press_with(&mut a, "<BS>", &mut l);
    assert_eq!(replay(&j).current(&id, "ana").unwrap().af(), Some("yes"));
    press_with(&mut a, "<BS>", &mut l);
    assert!(
        replay(&j).current(&id, "ana").is_none(),
        "both steps undone"
    );
    assert!(a.session.as_ref().unwrap().label_of(first).is_none());
    // Redo twice brings back yes, then no.
    press_with(&mut a, "<C-y>", &mut l);
    assert_eq!(replay(&j).current(&id, "ana").unwrap().af(), Some("yes"));
    press_with(&mut a, "<C-y>", &mut l);
    assert_eq!(replay(&j).current(&id, "ana").unwrap().af(), Some("no"));
    // The state replayed from disk is the state on screen.
    assert_eq!(
        a.session.as_ref().unwrap().label_of(first).unwrap().af(),
        Some("no")
    );
}

#[test]
fn the_progress_view_says_how_many_more_labels_the_auroc_interval_needs() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("labels.jsonl");
    let mut l = labeling(&j, "ana");
    let mut a = app(120, 30);
    start(&mut a, &mut l, stratified(false));
    for k in ["a", "x", "a", "x", "a"] {
        press_with(&mut a, k, &mut l);
    }
    press_with(&mut a, "%", &mut l);
    let progress = screen(&a, "mono");
    let s = a.session.as_ref().unwrap();
    assert!(
        s.budget.starts_with("af_votes AUROC ")
            && (s.budget.contains("more labels for ±0.05") || s.budget.contains("within ±0.05")),
        "{}",
        s.budget
    );
    assert!(progress.contains("af_votes AUROC "), "{progress}");
}

#[test]
fn the_rate_counts_this_session_s_labels_over_at_least_two_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("labels.jsonl");
    let mut l = labeling(&j, "ana");
    let mut a = app(120, 30);
    start(&mut a, &mut l, stratified(false));
    a.clock = clock;
    press_with(&mut a, "aa", &mut l);
    let mut s = a.session.clone().unwrap();
    assert_eq!(s.saved_at.len(), 2, "this session's labels");
    // Two labels within seconds of a resume: counted over two minutes at least, not
    // as thousands an hour.
    let t = s.started_at;
    s.saved_at = vec![t + 1_000, t + 2_000];
    let rate = s.rate_per_hour(t + 2_000).unwrap();
    assert!((rate - 60.0).abs() < 1e-9, "{rate}");
    let later = t + 3_600_000;
    assert!((s.rate_per_hour(later).unwrap() - 2.0).abs() < 1e-9);
}

#[test]
fn criteria_are_named_in_the_panel_when_they_fit() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("labels.jsonl");
    let mut l = labeling(&j, "ana");
    let mut a = app(200, 45);
    start(&mut a, &mut l, stratified(false));
    let s = screen(&a, "dark");
    let panel = s.lines().rev().nth(2).unwrap_or("");
    assert!(
        panel.contains("1☐ aware of harm")
            && panel.contains("4☐ commitment to preserving future harmlessness"),
        "{s}"
    );
    // Narrower, keys only, still whole.
    let fx = a.on_resize(120, 30);
    execute_sync_with(&mut a, fx, &mut l);
    let s = screen(&a, "dark");
    assert!(s.contains("1☐") && !s.contains("1☐ aware"), "{s}");
}
