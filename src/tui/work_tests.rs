//! Tests of the effects carried out: background searches and their progress, and a
//! labeling session built on a thread.

use super::*;
use crate::app::Keymap;
use crate::load::LoadOptions;

/// `execute` as the runner calls it first: no search or find under way.
fn execute_first(app: &mut App, fx: Vec<Effect>, tx: &mpsc::Sender<Msg>, labeling: &mut Labeling) {
    let (mut generation, latest, latest_find) = (0, Arc::default(), Arc::default());
    execute(
        app,
        fx,
        tx,
        &mut generation,
        &latest,
        &latest_find,
        labeling,
    );
}

fn demo_app() -> App {
    let corpus = crate::demo::open(&LoadOptions::default()).unwrap();
    App::new(Arc::new(corpus), Keymap::default(), 0)
}

/// Runs a search for `scratchpad:values` over `repeat` copies of its candidates as
/// generation 7 while `latest` is current, and returns what it reported.
fn background(app: &mut App, repeat: usize, latest: u64) -> Vec<Done> {
    let Effect::Search {
        query,
        certain,
        candidates,
        labels,
    } = app
        .apply_filter(Query::parse("scratchpad:values").unwrap())
        .remove(0)
    else {
        panic!("a text query needs a search")
    };
    let n = candidates.len() * repeat;
    let candidates: Vec<u32> = candidates.into_vec().into_iter().cycle().take(n).collect();
    let (tx, rx) = mpsc::channel();
    search_in_background(
        &app.corpus.clone(),
        Effect::Search {
            query,
            certain,
            candidates: crate::app::Candidates::These(candidates),
            labels,
        },
        7,
        &AtomicU64::new(latest),
        &tx,
    );
    drop(tx);
    rx.into_iter()
        .filter_map(|m| if let Msg::Done(d) = m { Some(d) } else { None })
        .collect()
}

#[test]
fn background_search_reports_progress_then_the_result() {
    let mut app = demo_app();
    let msgs = background(&mut app, 1000, 7);
    let progress: Vec<(usize, usize, usize)> = msgs
        .iter()
        .filter_map(|d| {
            if let Done::SearchProgress {
                done, total, found, ..
            } = d
            {
                Some((*done, *total, *found))
            } else {
                None
            }
        })
        .collect();
    assert!(progress.len() >= 3, "{progress:?}");
    assert!(progress
        .windows(2)
        .all(|w| w[0].0 < w[1].0 && w[0].2 <= w[1].2));
    assert!(matches!(
        msgs.last(),
        Some(Done::Search { generation: 7, .. })
    ));
    let (done, total, found) = progress[0];
    app.on_search_progress(done, total, found);
    assert!(
        app.message.as_deref().unwrap().starts_with("searching "),
        "{:?}",
        app.message
    );
}

#[test]
fn a_newer_search_stops_the_older_one() {
    let mut app = demo_app();
    assert!(
        background(&mut app, 1, 8).is_empty(),
        "superseded: nothing reported"
    );
}

#[test]
fn a_session_is_built_on_a_thread_while_the_interface_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut labeling = Labeling {
        journal_path: Ok(dir.path().join("j.jsonl")),
        labeler: "ana".into(),
        ..Labeling::none("")
    };
    let mut app = demo_app();
    let fx = app.apply_filter(Query::parse("tier:free").unwrap());
    execute_sync(&mut app, fx);
    let view = app.rows.clone();
    let (tx, rx) = mpsc::channel();
    let fx = app.on_key(crossterm::event::KeyEvent::from(
        crossterm::event::KeyCode::Char('i'),
    ));
    assert!(matches!(fx.as_slice(), [Effect::OpenJournal(_)]), "{fx:?}");
    execute_first(&mut app, fx, &tx, &mut labeling);
    // Nothing is started on this thread: the journal went with the worker.
    assert!(app.session.is_none() && app.session_starting);
    assert!(labeling.journal.is_none());
    assert!(app
        .message
        .as_deref()
        .unwrap()
        .starts_with("starting the labeling session"));
    // A second start while the first is built is refused.
    let again = app.on_key(crossterm::event::KeyEvent::from(
        crossterm::event::KeyCode::Char('i'),
    ));
    assert!(again.is_empty());
    assert_eq!(
        app.message.as_deref(),
        Some("the labeling session is starting…")
    );
    let Ok(Msg::Done(done)) = rx.recv_timeout(Duration::from_secs(30)) else {
        panic!("no session came back")
    };
    let fx = apply(&mut app, done, 0, &mut labeling);
    assert!(!app.session_starting);
    assert!(labeling.journal.is_some(), "the journal opened is kept");
    let s = app.session.as_ref().expect("session taken in");
    assert_eq!(s.queue.items, view, "the view as it was when asked");
    assert!(fx.iter().any(|e| matches!(e, Effect::RecordSession(_))));
    assert!(
        app.message
            .as_deref()
            .unwrap()
            .starts_with("labeling view: "),
        "{:?}",
        app.message
    );
}

#[test]
fn what_the_app_discards_is_freed_on_another_thread() {
    /// Says on which thread it was freed.
    struct Freed(mpsc::Sender<std::thread::ThreadId>);
    impl Drop for Freed {
        fn drop(&mut self) {
            let _ = self.0.send(std::thread::current().id());
        }
    }
    let (freed_tx, freed_rx) = mpsc::channel();
    let mut app = demo_app();
    let mut labeling = Labeling::none("");
    let (tx, _rx) = mpsc::channel();
    let fx = vec![Effect::Discard(crate::app::Discarded::of(
        std::sync::Mutex::new(Freed(freed_tx)),
    ))];
    execute_first(&mut app, fx, &tx, &mut labeling);
    let on = freed_rx
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("freed");
    assert_ne!(on, std::thread::current().id());
}
