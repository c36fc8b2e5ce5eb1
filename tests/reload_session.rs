//! A labeling session across a reload: the files are rewritten under it (records
//! reordered, one removed, one added), and the session's queue, drafts, history and
//! undo follow their transcripts by id; a reload that would lose unsaved answers is set
//! aside.

mod common;

use afscope::app::{Action, App};
use afscope::load::{Corpus, LoadOptions};
use afscope::model::journal::Replay;
use afscope::tui::execute_sync_with;
use afscope::tui::label_runner::Labeling;
use common::open;
use common::screen::{press_with, screen, view_session};
use std::path::Path;
use std::sync::Arc;

fn record(i: usize) -> String {
    format!(
        "{{\"id\":\"run/t{i:02}\",\"model\":\"m\",\"tier\":\"{}\",\"completion\":\"<SCRATCHPAD_REASONING>step {i}</SCRATCHPAD_REASONING><OUTPUT>ok</OUTPUT>\"}}\n",
        if i.is_multiple_of(2) { "free" } else { "paid" }
    )
}

fn write(path: &Path, ids: impl Iterator<Item = usize>) {
    std::fs::write(path, ids.map(record).collect::<String>()).unwrap();
}

fn corpus(path: &Path) -> Arc<Corpus> {
    Arc::new(open(&[path.to_path_buf()], LoadOptions::default()))
}

/// An app labeling the whole of `data` (ten transcripts) into `journal`.
fn labeling(data: &Path, journal: &Path) -> (App, Labeling) {
    view_session(
        open(&[data.to_path_buf()], LoadOptions::default()),
        journal,
        "ana",
    )
}

fn current_id(app: &App) -> String {
    let s = app.session.as_ref().unwrap();
    s.id(app.current().unwrap()).to_string()
}

fn reload(app: &mut App, l: &mut Labeling, data: &Path) {
    let fx = app.update(Action::Reload);
    assert!(
        fx.iter().any(|e| matches!(e, afscope::app::Effect::Reload)),
        "a session reloads: {:?}",
        app.message
    );
    // As the interface does: the ids are found on the thread that read the files.
    let lookups = app.reload_lookups();
    let read = corpus(data);
    let found = lookups.find(read.clone());
    let fx = app.on_reloaded_found(Ok(read), Some(found));
    execute_sync_with(app, fx, l);
}

/// Two apps labeling the same ten transcripts into journals of their own, after the
/// same keys.
fn two_sessions(dir: &Path, keys: &str) -> (std::path::PathBuf, Vec<(App, Labeling)>) {
    let data = dir.join("runs.jsonl");
    write(&data, 0..10);
    let mut apps: Vec<(App, Labeling)> = ["a.jsonl", "b.jsonl"]
        .iter()
        .map(|j| labeling(&data, &dir.join(j)))
        .collect();
    for (app, l) in apps.iter_mut() {
        press_with(app, keys, l);
    }
    (data, apps)
}

#[test]
fn ids_found_while_reading_carry_a_session_as_finding_them_after_would() {
    let dir = tempfile::tempdir().unwrap();
    let (data, mut apps) = two_sessions(dir.path(), "aF");
    write(&data, (0..12).rev().filter(|&i| i != 3));
    let (a, la) = &mut apps[0];
    let fx = a.on_reloaded(Ok(corpus(&data)));
    execute_sync_with(a, fx, la);
    let (b, lb) = &mut apps[1];
    reload(b, lb, &data);
    let (a, b) = (&apps[0].0, &apps[1].0);
    let (sa, sb) = (a.session.as_ref().unwrap(), b.session.as_ref().unwrap());
    assert_eq!(sa.queue.items, sb.queue.items);
    assert_eq!(sa.ids, sb.ids);
    assert_eq!(
        sa.drafts.keys().collect::<Vec<_>>(),
        sb.drafts.keys().collect::<Vec<_>>()
    );
    assert_eq!(current_id(a), current_id(b));
    assert_eq!(a.rows, b.rows);
    assert_eq!(a.message, b.message);
    assert!(a
        .message
        .as_deref()
        .unwrap()
        .contains("1 no longer in the files"));
}

#[test]
fn a_session_follows_its_transcripts_to_their_new_places() {
    let dir = tempfile::tempdir().unwrap();
    let (data, journal) = (dir.path().join("runs.jsonl"), dir.path().join("j.jsonl"));
    write(&data, 0..10);
    let (mut app, mut l) = labeling(&data, &journal);
    // t00 labelled, t01 given a draft answer (compliance) and left there.
    press_with(&mut app, "a", &mut l);
    assert_eq!(current_id(&app), "run/t01");
    press_with(&mut app, "F", &mut l);
    assert!(app.session.as_ref().unwrap().drafts.len() == 1);

    // The pipeline rewrites its results: reversed, t05 dropped, t10 added.
    write(&data, (0..11).rev().filter(|&i| i != 5));
    reload(&mut app, &mut l, &data);
    let msg = app.message.clone().unwrap();
    assert!(
        msg.contains("labeling carried over: 9 items, 1 no longer in the files"),
        "{msg}"
    );
    let s = app.session.as_ref().unwrap();
    let view = app.corpus.view();
    let queued: Vec<String> = s
        .queue
        .items
        .iter()
        .map(|&e| view.id(e as usize).into_owned())
        .collect();
    let want: Vec<String> = (0..10)
        .filter(|&i| i != 5)
        .map(|i| format!("run/t{i:02}"))
        .collect();
    assert_eq!(queued, want, "the queue keeps its order, by id");
    for (&e, id) in s.ids.iter() {
        assert_eq!(view.id(e as usize), id.as_str(), "entry {e}");
    }
    assert_eq!(
        current_id(&app),
        "run/t01",
        "the selection stays on its transcript"
    );
    let (&drafted, _) = s.drafts.iter().next().unwrap();
    assert_eq!(
        view.id(drafted as usize),
        "run/t01",
        "the draft moved with it"
    );
    assert_eq!(s.labelled(), 1);
    let shown = screen(&app, "dark");
    assert!(shown.contains("run/t01"), "{shown}");

    // The draft saves with the primary answer, to t01; undo goes back to t01 too.
    press_with(&mut app, "x", &mut l);
    let book = Replay::parse(&std::fs::read_to_string(&journal).unwrap());
    let saved = book.current("run/t01", "ana").expect("t01 saved");
    assert_eq!(saved.values["compliance"], "full");
    assert!(book.current("run/t00", "ana").is_some());
    assert_eq!(current_id(&app), "run/t02");
    press_with(&mut app, "<BS>", &mut l);
    assert_eq!(current_id(&app), "run/t01");
    let book = Replay::parse(&std::fs::read_to_string(&journal).unwrap());
    assert!(book.current("run/t01", "ana").is_none(), "undone");
    assert!(
        book.current("run/t00", "ana").is_some(),
        "t00's label is kept"
    );
    // History lists t00 at its new place.
    let s = app.session.as_ref().unwrap();
    assert!(s
        .history
        .iter()
        .all(|h| s.id(h.entry) == h.label.transcript_id));
}

#[test]
fn a_reload_that_would_lose_unsaved_answers_is_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let (data, journal) = (dir.path().join("runs.jsonl"), dir.path().join("j.jsonl"));
    write(&data, 0..10);
    let (mut app, mut l) = labeling(&data, &journal);
    press_with(&mut app, "<Down><Down>F", &mut l);
    assert_eq!(current_id(&app), "run/t02");
    let before = app.corpus.clone();
    // t02, with its draft, is gone from the rewritten file.
    write(&data, (0..10).filter(|&i| i != 2));
    reload(&mut app, &mut l, &data);
    let msg = app.message.clone().unwrap();
    assert!(
        msg.starts_with(
            "reload set aside: 1 item with answers not yet saved is gone from the files"
        ),
        "{msg}"
    );
    assert!(Arc::ptr_eq(&before, &app.corpus), "the old corpus stays");
    assert_eq!(current_id(&app), "run/t02");
    assert_eq!(
        app.session.as_ref().unwrap().drafts.len(),
        1,
        "the draft is kept"
    );
    // Saved, the reload goes through; not while a note is being typed.
    press_with(&mut app, "a<Up>mhalf", &mut l);
    reload(&mut app, &mut l, &data);
    let msg = app.message.clone().unwrap();
    assert!(
        msg.contains("a note is being typed: Enter keeps it"),
        "{msg}"
    );
    assert!(Arc::ptr_eq(&before, &app.corpus));
    press_with(&mut app, "<Enter>", &mut l);
    reload(&mut app, &mut l, &data);
    let msg = app.message.clone().unwrap();
    assert!(
        msg.contains("labeling carried over: 9 items, 1 no longer in the files"),
        "{msg}"
    );
    let book = Replay::parse(&std::fs::read_to_string(&journal).unwrap());
    assert_eq!(
        book.current("run/t02", "ana").unwrap().values["compliance"],
        "full"
    );
}

#[test]
fn labels_made_while_the_files_are_read_are_carried_as_a_reload_after_them_would() {
    let dir = tempfile::tempdir().unwrap();
    let (data, mut apps) = two_sessions(dir.path(), "a");
    write(&data, (0..11).rev().filter(|&i| i != 5));
    // a: the reload's thread renumbers the queue while t01 is labelled and t02 given
    // a draft; b: the same keys, then a reload renumbered on the interface thread.
    let (a, la) = &mut apps[0];
    a.update(Action::Reload);
    let read = corpus(&data);
    let found = a.reload_lookups().find(read.clone());
    press_with(a, "aF", la);
    let fx = a.on_reloaded_found(Ok(read), Some(found));
    execute_sync_with(a, fx, la);
    let (b, lb) = &mut apps[1];
    press_with(b, "aF", lb);
    let fx = b.on_reloaded(Ok(corpus(&data)));
    execute_sync_with(b, fx, lb);

    let (a, b) = (&apps[0].0, &apps[1].0);
    let (sa, sb) = (a.session.as_ref().unwrap(), b.session.as_ref().unwrap());
    assert!(
        a.message
            .as_deref()
            .unwrap()
            .contains("labeling carried over: 9 items"),
        "{:?}",
        a.message
    );
    assert_eq!(sa.queue.items, sb.queue.items);
    assert_eq!(sa.ids, sb.ids);
    assert_eq!(sa.position_of, sb.position_of);
    assert_eq!(sa.shared_ids, sb.shared_ids);
    let entries = |s: &afscope::app::session::Session| {
        let mut d: Vec<u32> = s.drafts.keys().copied().collect();
        d.sort_unstable();
        let h: Vec<(u32, String)> = s
            .history
            .iter()
            .map(|h| (h.entry, h.label.transcript_id.clone()))
            .collect();
        let u: Vec<u32> = s.undo.iter().map(|x| x.entry).collect();
        (d, h, u)
    };
    assert_eq!(entries(sa), entries(sb));
    assert_eq!(sa.labelled(), 2, "t00 before the reload, t01 while it read");
    let mut counted = sa.clone();
    counted.recount();
    assert_eq!(counted.labelled(), sa.labelled());
    assert_eq!(sb.labelled(), 2);
    assert!(sa
        .history
        .iter()
        .all(|h| sa.id(h.entry) == h.label.transcript_id));
    let view = a.corpus.view();
    let (&drafted, _) = sa.drafts.iter().next().unwrap();
    assert_eq!(
        view.id(drafted as usize),
        "run/t02",
        "the draft moved with t02"
    );
    assert_eq!(current_id(a), "run/t02");
    assert_eq!(current_id(a), current_id(b));
    assert_eq!(a.rows, b.rows);
    assert_eq!(a.tier_counts, b.tier_counts);
    assert_eq!(a.message, b.message);
}
