//! The runner's side of labeling: owns the open journal, opens it and builds a session
//! on a thread, carries out the labeling effects on the main thread (a label is on disk
//! before the next frame shows it as saved), and rescues unsaved labels when afscope
//! has to quit.

use super::work::Done;
use super::Msg;
use crate::app::session::SessionSetup;
use crate::app::session_start::SessionStart;
use crate::app::{App, Effect};
use crate::labeling::journal_file::{self, JournalFile};
use crate::labeling::queue::QueueSpec;
use crate::model::journal::Event;
use crate::model::schema::Schema;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Arc;

/// What the runner knows about labeling.
pub struct Labeling {
    /// Where the journal is, or why there is none.
    pub journal_path: Result<PathBuf, String>,
    pub labeler: String,
    pub schema: Arc<Schema>,
    /// The open journal, once a session started.
    pub journal: Option<JournalFile>,
    /// A session to start as soon as the corpus is loaded (`afscope label`).
    pub start: Option<SessionSetup>,
    /// Where unsaved labels were written when quitting.
    pub rescued: Option<PathBuf>,
    /// Why the rescue file could not be written, and the labels it would have held.
    pub rescue_failed: Option<(String, Vec<Event>)>,
    /// Labels (set or changed) written to the journal since the interface opened.
    pub saved: usize,
}

impl Labeling {
    /// No journal: the `label_session` key says why.
    pub fn none(why: &str) -> Labeling {
        Labeling {
            journal_path: Err(why.to_string()),
            labeler: crate::labeling::labeler_name(None),
            schema: Arc::new(Schema::default()),
            journal: None,
            start: None,
            rescued: None,
            rescue_failed: None,
            saved: 0,
        }
    }

    /// Opens the journal for a session with `spec`.
    pub fn open(&mut self, spec: QueueSpec, resumed: bool) -> Result<SessionSetup, String> {
        let (journal, setup) = self.opener().open(spec, resumed);
        self.journal = journal;
        setup
    }

    /// What opening the journal takes, to be done on another thread: the journal open
    /// now (if any) goes with it and comes back in the session built.
    pub fn opener(&mut self) -> JournalOpener {
        JournalOpener {
            path: self.journal_path.clone(),
            labeler: self.labeler.clone(),
            schema: self.schema.clone(),
            journal: self.journal.take(),
        }
    }

    /// A session built on a worker: the journal it opened is kept, the session taken in
    /// by the app.
    pub fn take_opened(&mut self, app: &mut App, opened: SessionOpened) -> Vec<Effect> {
        if let Some(j) = opened.journal {
            self.journal = Some(j);
        }
        match opened.start {
            Ok(start) => app.take_session(start),
            Err(e) => {
                app.session_starting = false;
                app.message = Some(format!("labeling: {e}"));
                Vec::new()
            }
        }
    }

    /// Carries out a labeling effect; gives back what is left for the caller to carry
    /// out (any other effect as it came, or the effects of a session just started).
    pub fn perform(&mut self, app: &mut App, effect: Effect) -> Vec<Effect> {
        match effect {
            Effect::OpenJournal(spec) => match self.open(spec, false) {
                Ok(setup) => app.start_session(setup),
                Err(e) => {
                    app.message = Some(format!("labeling: {e}"));
                    Vec::new()
                }
            },
            Effect::SaveLabel(event) => {
                let seq = event.seq();
                match self.append(&event) {
                    Ok(()) => {
                        if matches!(event, Event::Set { .. } | Event::Change { .. }) {
                            self.saved += 1;
                        }
                        app.on_label_saved(seq)
                    }
                    Err(e) => app.on_label_failed(seq, e),
                }
                Vec::new()
            }
            Effect::RecordSession(event) => {
                if let Err(e) = self.append(&event) {
                    app.message = Some(format!("the session could not be recorded: {e}"));
                }
                Vec::new()
            }
            Effect::Rescue(events) => {
                self.rescue(&events);
                app.quit = true;
                Vec::new()
            }
            other => vec![other],
        }
    }

    /// What quitting says of the session's labels: where they are and how many were
    /// written (nothing when no journal was opened).
    pub fn farewell(&self) -> Option<String> {
        self.journal.as_ref()?;
        let path = self.journal_path.as_ref().ok()?;
        let path = crate::model::sanitize::visible(&path.display().to_string(), false).into_owned();
        Some(match self.saved {
            0 => format!("no labels saved this session; the journal is {path}"),
            1 => format!("1 label saved this session to {path}"),
            n => format!("{n} labels saved this session to {path}"),
        })
    }

    fn append(&mut self, event: &Event) -> Result<(), String> {
        match self.journal.as_mut() {
            Some(j) => j.append(event),
            None => Err("no label journal is open".into()),
        }
    }

    /// Writes the session's unsaved events to a rescue file (remembered for the exit
    /// message).
    pub fn rescue(&mut self, events: &[Event]) {
        if events.is_empty() {
            return;
        }
        match journal_file::rescue(events) {
            Ok(p) => self.rescued = Some(p),
            // Said once the terminal is restored (here it would be lost in the
            // interface's screen), with the labels themselves.
            Err(e) => self.rescue_failed = Some((e, events.to_vec())),
        }
    }

    /// Unsaved events of a session about to end (signal, error).
    pub fn rescue_app(&mut self, app: &App) {
        if self.rescued.is_some() {
            return;
        }
        if let Some(s) = &app.session {
            let events: Vec<Event> = s.pending.iter().map(|(e, _)| e.clone()).collect();
            self.rescue(&events);
        }
    }
}

/// A journal opened for a session (kept whatever happened), and the session's setup
/// or why there is none.
type Opened = (Option<JournalFile>, Result<SessionSetup, String>);

/// The journal to open for a session, away from the runner.
pub struct JournalOpener {
    path: Result<PathBuf, String>,
    labeler: String,
    schema: Arc<Schema>,
    journal: Option<JournalFile>,
}

impl JournalOpener {
    /// Opens the journal (or replays the one already open, which another afscope may
    /// have written to since); the journal comes back whatever happened.
    pub fn open(self, spec: QueueSpec, resumed: bool) -> Opened {
        let path = match self.path {
            Ok(p) => p,
            Err(e) => return (self.journal, Err(e)),
        };
        let (journal, replay) = match self.journal {
            Some(j) => match j.replay() {
                Ok(replay) => (j, replay),
                Err(e) => return (Some(j), Err(e)),
            },
            None => match JournalFile::open(&path, &self.labeler) {
                Ok(opened) => opened,
                Err(e) => return (None, Err(e)),
            },
        };
        let setup = SessionSetup {
            spec,
            schema: self.schema,
            labeler: self.labeler,
            replay,
            read_only: journal.read_only.clone(),
            journal: path.display().to_string(),
            resumed,
        };
        (Some(journal), Ok(setup))
    }
}

/// A session opened and built on a worker, for the runner to take in.
pub struct SessionOpened {
    /// The journal opened (or the one that was open), kept by the runner.
    pub journal: Option<JournalFile>,
    pub start: Result<SessionStart, String>,
}

/// Where a session to start comes from.
pub enum SessionFrom {
    /// The journal is to be opened for this queue.
    Spec(crate::labeling::queue::QueueSpec),
    /// Opened already (`afscope label`).
    Setup(Box<crate::app::session::SessionSetup>),
}

/// Opens the journal and builds a session on a thread, from the view as it is now;
/// the app says it is starting until the session comes back as `Done::Session`.
pub(super) fn start_session(
    app: &mut App,
    labeling: &mut Labeling,
    from: SessionFrom,
    tx: &mpsc::Sender<Msg>,
) {
    let base = match &from {
        SessionFrom::Spec(spec) => app.session_base(spec),
        SessionFrom::Setup(setup) => app.session_base(&setup.spec),
    };
    // The journal to open (it goes with the thread), or the setup opened already.
    let setup: Box<dyn FnOnce() -> Opened + Send> = match from {
        SessionFrom::Spec(spec) => {
            let opener = labeling.opener();
            Box::new(move || opener.open(spec, false))
        }
        SessionFrom::Setup(setup) => Box::new(move || (None, Ok(*setup))),
    };
    let corpus = app.corpus.clone();
    app.on_session_starting();
    let tx = tx.clone();
    std::thread::spawn(move || {
        let (journal, setup) = setup();
        let start =
            setup.map(|setup| crate::app::session_start::build_session(corpus, base, setup));
        let opened = SessionOpened { journal, start };
        let _ = tx.send(Msg::Done(Done::Session(Box::new(opened))));
    });
}
