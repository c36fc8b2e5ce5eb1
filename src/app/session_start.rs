//! Starting a labeling session: the queue, the ids of its items and what the journal
//! holds for them are built off the interface thread from the view as it was when the
//! session was asked for, then taken in by the app in one step.

use super::session::{Session, SessionSetup};
use super::update::Effect;
use super::{App, Mode};
use crate::labeling::queue;
use crate::load::Corpus;
use crate::model::journal::Event;
use serde_json::Value;
use std::sync::Arc;

/// The view a session is asked over, as it was when asked.
#[derive(Debug, Clone)]
pub struct SessionBase {
    /// The view's rows, when the session's queue is drawn from them (its query is the
    /// view's filter, or it has none); otherwise the query is run over the corpus.
    rows: Option<Vec<u32>>,
    /// When it was asked (milliseconds since 1970).
    now: i64,
}

/// A session built and ready to be taken in, or why it cannot start.
pub struct SessionStart {
    /// The corpus it was built over (its entry numbers are of this corpus).
    pub corpus: Arc<Corpus>,
    pub result: Result<Box<Session>, String>,
    /// The session event that records it in the journal (none when read-only).
    event: Option<Event>,
    /// The queue's items as the list's fixed set, as its rows, and their tier counts
    /// (copied here rather than on the interface thread).
    items: Arc<Vec<u32>>,
    rows: Vec<u32>,
    tiers: [usize; 3],
}

impl App {
    /// What a session with `spec` is built from: the view as it is now.
    pub fn session_base(&self, spec: &queue::QueueSpec) -> SessionBase {
        let same_filter = self.filter.as_ref().map(|q| &q.text) == spec.query.as_ref();
        SessionBase {
            rows: (spec.query.is_none() || same_filter).then(|| self.rows.clone()),
            now: (self.clock)(),
        }
    }

    /// Starts a session over the current view with the queue the setup names, built
    /// on this thread (for tests and scripts; the interface builds it on a worker).
    pub fn start_session(&mut self, setup: SessionSetup) -> Vec<Effect> {
        let base = self.session_base(&setup.spec);
        let start = build_session(self.corpus.clone(), base, setup);
        self.take_session(start)
    }

    /// A session is being built: said in the status line until it is taken in.
    pub fn on_session_starting(&mut self) {
        self.session_starting = true;
        self.message = Some("starting the labeling session: building its queue…".into());
    }

    /// A session built on a worker. Its entries are renumbered by id when the corpus
    /// changed meanwhile (a reload or records appended).
    pub fn take_session(&mut self, start: SessionStart) -> Vec<Effect> {
        self.session_starting = false;
        let mut s = match start.result {
            Ok(s) => *s,
            Err(e) => {
                self.message = Some(e);
                return Vec::new();
            }
        };
        let (mut items, mut rows, mut tiers) = (start.items, start.rows, Some(start.tiers));
        if !Arc::ptr_eq(&start.corpus, &self.corpus) {
            match s.carried_over(&self.corpus) {
                Ok((carried, _)) => s = carried,
                Err(e) => {
                    self.message = Some(format!("labeling: {e}"));
                    return Vec::new();
                }
            }
            if s.queue.items.is_empty() {
                self.message = Some(format!(
                    "labeling: the {} queue is empty",
                    s.spec.describe()
                ));
                return Vec::new();
            }
            items = Arc::new(s.queue.items.clone());
            rows = s.queue.items.clone();
            tiers = None;
        }
        let start_at = s.next_unlabelled(0);
        let labelled = s.labelled();
        let target = s.target();
        let mut msg = if s.resumed || labelled > 0 {
            match start_at {
                Some(p) => format!(
                    "resumed {}: {labelled}/{target} labelled; at item {} of {}",
                    s.spec.describe(),
                    p + 1,
                    items.len()
                ),
                None => format!("resumed {}: every item is labelled", s.spec.describe()),
            }
        } else {
            format!("labeling {}: {} items", s.spec.describe(), items.len())
        };
        if s.queue.unknown_ids > 0 {
            msg.push_str(&format!(" ({} ids not in the data)", s.queue.unknown_ids));
        }
        if let Some(ro) = &s.read_only {
            msg = ro.clone();
        }
        let blind = s.spec.blind;
        self.session = Some(s);
        self.mode = Mode::Normal;
        self.queue = Some(("labeling".into(), items.clone()));
        self.sort = super::Column::Order;
        self.descending = false;
        self.input_error = None;
        if blind {
            self.reader.details = false;
            self.reader.paired = false;
        }
        let mut fx = self.set_rows_counted(None, rows, tiers);
        fx.extend(self.select_position(start_at.unwrap_or(0)));
        self.reader.width = 0;
        self.relayout();
        self.message = Some(msg);
        fx.extend(start.event.map(Effect::RecordSession));
        fx
    }
}

/// Builds a session over `corpus` from the view in `base`: runs its query when it has
/// its own (on every core), draws the queue, finds each item's id and the other
/// transcripts that share it, and counts what the journal already labels.
pub fn build_session(corpus: Arc<Corpus>, base: SessionBase, setup: SessionSetup) -> SessionStart {
    let (result, event) = match build(&corpus, base, setup) {
        Ok((s, event)) => (Ok(Box::new(s)), event),
        Err(e) => (Err(e), None),
    };
    let rows = result
        .as_ref()
        .map_or_else(|_| Vec::new(), |s| s.queue.items.clone());
    let tiers = super::tier_counts(&corpus, &rows);
    SessionStart {
        corpus,
        result,
        event,
        items: Arc::new(rows.clone()),
        rows,
        tiers,
    }
}

fn build(
    corpus: &Corpus,
    base: SessionBase,
    setup: SessionSetup,
) -> Result<(Session, Option<Event>), String> {
    let primary = setup.schema.fields[setup.schema.primary()].name.clone();
    let mut rows: Vec<u32> = match (base.rows, &setup.spec.query) {
        (Some(rows), _) => rows,
        (None, Some(text)) => {
            let q = crate::query::Query::parse(text)
                .map_err(|e| format!("labeling: query: {}", e.message))?;
            let p = q.prepare(corpus);
            // A text query reads the records it cannot decide from the index.
            use rayon::prelude::*;
            (0..corpus.len())
                .into_par_iter()
                .filter(|&i| p.fields(i).unwrap_or_else(|| p.matches(i)))
                .map(|i| i as u32)
                .collect()
        }
        (None, None) => (0..corpus.len() as u32).collect(),
    };
    rows.sort_unstable();
    let q = queue::build(corpus, &rows, &setup.spec.mode, &primary)
        .map_err(|e| format!("labeling: {e}"))?;
    if q.items.is_empty() {
        return Err(format!(
            "labeling: the {} queue is empty",
            setup.spec.describe()
        ));
    }
    let mut s = Session::new(setup, q, base.now);
    let view = corpus.view();
    s.ids = Arc::new(
        s.queue
            .items
            .iter()
            .map(|&e| (e, view.id(e as usize).into_owned()))
            .collect(),
    );
    s.shared_ids = super::session::shared_ids(corpus, &s.ids);
    s.recount();
    let event = s.read_only.is_none().then(|| {
        let event = Event::Session {
            seq: s.next_seq,
            labeler: s.labeler.clone(),
            time: crate::labeling::rfc3339(base.now),
            queue: serde_json::to_value(&s.spec).unwrap_or(Value::Null),
        };
        s.next_seq += 1;
        event
    });
    Ok((s, event))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Keymap;
    use crate::labeling::queue::{QueueMode, QueueSpec};
    use crate::load::LoadOptions;

    fn setup(query: Option<&str>) -> SessionSetup {
        SessionSetup {
            spec: QueueSpec {
                mode: QueueMode::View,
                query: query.map(str::to_string),
                blind: false,
                target: None,
            },
            schema: Arc::new(crate::model::schema::Schema::default()),
            labeler: "ana".into(),
            replay: Default::default(),
            read_only: None,
            journal: "j.jsonl".into(),
            resumed: false,
        }
    }

    fn open(text: &str) -> Arc<Corpus> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.jsonl");
        std::fs::write(&p, text).unwrap();
        let c = Corpus::open(&[p], &LoadOptions::default(), &mut |_, _, _| {
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
        Arc::new(c)
    }

    fn line(id: &str, tier: &str) -> String {
        format!("{{\"id\":\"{id}\",\"model\":\"m\",\"tier\":\"{tier}\",\"completion\":\"<OUTPUT>ok</OUTPUT>\"}}\n")
    }

    #[test]
    fn a_session_built_over_a_corpus_since_replaced_follows_its_ids() {
        let before = open(&(line("a", "free") + &line("b", "paid") + &line("c", "free")));
        let mut app = App::new(before.clone(), Keymap::default(), 0);
        let base = app.session_base(&setup(Some("tier:free")).spec);
        let start = build_session(before, base, setup(Some("tier:free")));
        // Meanwhile the files were read again: the order changed and a record came.
        let after = open(
            &(line("z", "free") + &line("c", "free") + &line("b", "paid") + &line("a", "free")),
        );
        let _ = app.replace_corpus(after, None);
        let fx = app.take_session(start);
        let s = app.session.as_ref().unwrap();
        let ids: Vec<String> = s.queue.items.iter().map(|&e| s.ids[&e].clone()).collect();
        assert_eq!(ids, ["a", "c"], "the query's answer when asked, by id");
        assert_eq!(s.queue.items, [3, 1]);
        assert_eq!(app.rows, [3, 1]);
        assert!(fx.iter().any(|e| matches!(e, Effect::RecordSession(_))));
    }

    #[test]
    fn a_query_that_does_not_parse_or_matches_nothing_says_so() {
        let c = open(&line("a", "free"));
        let mut app = App::new(c.clone(), Keymap::default(), 0);
        for (q, said) in [
            ("tier:(", "labeling: query: "),
            ("tier:paid", "labeling: the "),
        ] {
            let base = app.session_base(&setup(Some(q)).spec);
            let start = build_session(c.clone(), base, setup(Some(q)));
            assert!(app.take_session(start).is_empty());
            assert!(app.session.is_none());
            assert!(
                app.message.as_deref().unwrap().starts_with(said),
                "{:?}",
                app.message
            );
        }
    }
}
