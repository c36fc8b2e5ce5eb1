//! The label journal's events (one JSON object per line: `set`, `change`, `undo`,
//! `session`) and their replay into the current labels. The journal is append-only and
//! is the source of truth; replaying it is the only way labels are read back.

use super::label_stacks::Stacks;
use super::LabelRecord;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "lowercase")]
pub enum Event {
    /// A first label of a transcript by a labeler.
    Set { seq: u64, label: LabelRecord },
    /// A new label replacing that labeler's current one.
    Change { seq: u64, label: LabelRecord },
    /// Takes back the labeler's latest label of the transcript (event `undoes`); the
    /// one before it, if any, is current again.
    Undo {
        seq: u64,
        undoes: u64,
        transcript_id: String,
        labeler: String,
        time: String,
    },
    /// A labeling session started or resumed: its queue, so a later start can resume.
    Session {
        seq: u64,
        labeler: String,
        time: String,
        queue: serde_json::Value,
    },
}

impl Event {
    pub fn seq(&self) -> u64 {
        match self {
            Event::Set { seq, .. }
            | Event::Change { seq, .. }
            | Event::Undo { seq, .. }
            | Event::Session { seq, .. } => *seq,
        }
    }

    pub fn labeler(&self) -> &str {
        match self {
            Event::Set { label, .. } | Event::Change { label, .. } => &label.labeler,
            Event::Undo { labeler, .. } | Event::Session { labeler, .. } => labeler,
        }
    }

    pub fn time(&self) -> &str {
        match self {
            Event::Set { label, .. } | Event::Change { label, .. } => &label.time,
            Event::Undo { time, .. } | Event::Session { time, .. } => time,
        }
    }

    /// The event as one journal line, newline included.
    pub fn line(&self) -> String {
        let mut s = serde_json::to_string(self).expect("events serialize");
        s.push('\n');
        s
    }
}

/// A line that could not be replayed.
#[derive(Debug, Clone, PartialEq)]
pub struct BadLine {
    /// 1-based.
    pub line: usize,
    pub reason: String,
}

/// An undo that names no label in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmatchedUndo {
    /// 1-based journal line, when replayed from text.
    pub line: Option<usize>,
    pub seq: u64,
    pub undoes: u64,
}

/// (transcript id, labeler).
pub type LabelKey = (String, String);

/// The journal replayed: every event, and each labeler's current label per transcript.
#[derive(Debug, Clone, Default)]
pub struct Replay {
    pub events: Vec<Event>,
    pub bad: Vec<BadLine>,
    /// Labels in force per key, oldest first; the last is current. An undo removes
    /// the one it names.
    stacks: Stacks<LabelRecord>,
    /// The same in a lean replay, each label kept as its compact JSON text (a
    /// parsed label takes several times its text in memory).
    held: Stacks<Box<str>>,
    /// The newest session event per labeler.
    pub sessions: HashMap<String, serde_json::Value>,
    /// The highest sequence number seen.
    pub max_seq: u64,
    /// Undo events naming no label in force of their transcript and labeler (already
    /// undone, or never there): ignored, and said.
    pub unmatched_undos: Vec<UnmatchedUndo>,
    /// Replay without keeping `events` (readers that want only the labels in force).
    lean: bool,
    shape: Shape,
}

/// What a replay keeps of a journal it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Events and labels in force (a labeling session).
    All,
    /// The labels in force only (readers of labels).
    Labels,
}

pub use super::journal_reader::{EventReader, Shape, MAX_LINE};

/// The highest sequence number a journal may hold: 2^53, the largest integer every
/// JSON reader keeps exactly (so the next one never wraps).
pub const MAX_SEQ: u64 = 1 << 53;

impl Replay {
    /// Replays a journal's text. A line that is not an event is reported and skipped;
    /// a last line without its newline (an interrupted write) is reported as such.
    pub fn parse(text: &str) -> Replay {
        Replay::read_stream(text.as_bytes(), Keep::All).expect("reading from memory cannot fail")
    }

    /// An empty replay that keeps only what the labels in force need (see
    /// `Keep::Labels`).
    pub fn lean() -> Replay {
        Replay {
            lean: true,
            ..Replay::default()
        }
    }

    /// `parse` of a stream (a journal on disk), in the memory of what it keeps: one
    /// line at a time, a line past `MAX_LINE` reported and skipped unread.
    pub fn read_stream(r: impl std::io::Read, keep: Keep) -> std::io::Result<Replay> {
        let mut replay = Replay {
            lean: keep == Keep::Labels,
            ..Replay::default()
        };
        replay.read_from(r)?;
        Ok(replay)
    }

    fn read_from(&mut self, r: impl std::io::Read) -> std::io::Result<()> {
        let mut events = EventReader::new(r);
        while let Some(item) = events.next_event()? {
            match item {
                Ok((line, e)) => self.apply_at(e, Some(line)),
                Err(bad) => self.bad.push(bad),
            }
        }
        self.shape = events.shape;
        Ok(())
    }

    /// True when what was read is a label journal (see `looks_like_journal`), or
    /// holds nothing but blank lines.
    pub fn is_journal(&self) -> bool {
        self.shape.is_journal()
    }

    /// True when the last line read has no newline (an interrupted write).
    pub fn ends_torn(&self) -> bool {
        self.shape.nonblank > 0 && !self.shape.last_complete
    }

    /// Applies one event after the ones already replayed.
    pub fn apply(&mut self, e: Event) {
        self.apply_at(e, None);
    }

    fn apply_at(&mut self, e: Event, line: Option<usize>) {
        self.max_seq = self.max_seq.max(e.seq());
        if self.lean {
            if let Event::Set { seq, label } | Event::Change { seq, label } = &e {
                let text = serde_json::to_string(label).expect("labels serialize");
                self.held
                    .push(*seq, &label.transcript_id, &label.labeler, text.into());
                return;
            }
        }
        match &e {
            Event::Set { seq, label } | Event::Change { seq, label } => {
                self.stacks
                    .push(*seq, &label.transcript_id, &label.labeler, label.clone());
            }
            Event::Undo {
                seq,
                undoes,
                transcript_id,
                labeler,
                ..
            } => {
                // The undo takes back the event it names, wherever it stands (after a
                // merge, another journal's label of the same item may be newer).
                let undone = if self.lean {
                    self.held.undo(transcript_id, labeler, *undoes)
                } else {
                    self.stacks.undo(transcript_id, labeler, *undoes)
                };
                if !undone {
                    self.unmatched_undos.push(UnmatchedUndo {
                        line,
                        seq: *seq,
                        undoes: *undoes,
                    });
                }
            }
            Event::Session { labeler, queue, .. } => {
                self.sessions.insert(labeler.clone(), queue.clone());
            }
        }
        if !self.lean {
            self.events.push(e);
        }
    }

    /// The labeler's current label of a transcript (not kept by a lean replay).
    pub fn current(&self, transcript_id: &str, labeler: &str) -> Option<&LabelRecord> {
        self.stacks.current(transcript_id, labeler).map(|(_, l)| l)
    }

    /// The sequence number of the labeler's current label of a transcript.
    pub fn current_seq(&self, transcript_id: &str, labeler: &str) -> Option<u64> {
        self.stacks.current(transcript_id, labeler).map(|(s, _)| *s)
    }

    /// Every current label (last event wins per transcript and labeler), in the order
    /// the transcripts were first labelled; owned, the replay used up. A lean replay
    /// decodes each as it is taken.
    pub fn into_labels(self) -> Box<dyn Iterator<Item = LabelRecord>> {
        if self.lean {
            Box::new(
                self.held
                    .into_current()
                    .map(|t| serde_json::from_str(&t).expect("a label kept as it was written")),
            )
        } else {
            Box::new(self.stacks.into_current())
        }
    }

    /// Calls `f` with every current label in `into_labels` order (a lean replay
    /// decodes each in turn).
    pub fn for_each_label(
        &self,
        f: &mut dyn FnMut(&LabelRecord) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        if self.lean {
            self.held.iter().try_for_each(|t| {
                f(&serde_json::from_str(t).expect("a label kept as it was written"))
            })
        } else {
            self.stacks.iter().try_for_each(f)
        }
    }

    /// Every current label (not kept by a lean replay: see `into_labels`).
    pub fn labels(&self) -> Vec<&LabelRecord> {
        self.stacks.iter().collect()
    }
}

/// True when a file is a label journal: some line of it is a journal event (a torn
/// or hand-edited line elsewhere is reported on replay, never the reason to read the
/// file as something else), or all it holds is the start of a first event cut off by
/// an interrupted write.
pub fn looks_like_journal(text: &[u8]) -> bool {
    // Every event line names its event: one pass over a folder's file heads rules
    // out most of them before any line is looked at.
    static EVENT: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"event\""));
    if EVENT.find(text).is_none() {
        return false;
    }
    let complete = text.ends_with(b"\n");
    // Lines found with memchr: a folder's worth of file heads passes through here.
    let mut lines: Vec<&[u8]> = Vec::new();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text).chain(std::iter::once(text.len())) {
        let line = &text[start..end];
        if !line.trim_ascii().is_empty() {
            lines.push(line);
        }
        start = end + 1;
    }
    let event = |l: &[u8]| {
        EVENT.find(l).is_some() && serde_json::from_slice::<Event>(l.trim_ascii()).is_ok()
    };
    if lines.iter().any(|l| event(l)) {
        return true;
    }
    match lines.as_slice() {
        [only] if !complete => only.trim_ascii_start().starts_with(b"{\"event\""),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sequence_number_near_the_top_is_ignored_not_wrapped() {
        let line = |seq: u64| {
            format!(
                "{{\"event\":\"set\",\"seq\":{seq},\"label\":{{\"transcript_id\":\"t\",\"labeler\":\"ana\",\"time\":\"2026-11-22T10:04:05Z\",\"schema\":1,\"values\":{{\"af\":\"yes\"}}}}}}\n"
            )
        };
        let r = Replay::parse(&format!("{}{}", line(3), line(u64::MAX)));
        assert_eq!(r.max_seq, 3, "{:?}", r.bad);
        assert_eq!(r.bad.len(), 1);
        assert!(r.bad[0].reason.contains("past 2^53"), "{:?}", r.bad);
    }

    fn label(id: &str, who: &str, af: &str) -> LabelRecord {
        let mut values = serde_json::Map::new();
        values.insert("af".into(), af.into());
        LabelRecord {
            transcript_id: id.into(),
            labeler: who.into(),
            time: "2026-11-22T10:00:00Z".into(),
            schema: 1,
            source: None,
            shown: None,
            values,
        }
    }

    fn undo(seq: u64, undoes: u64, id: &str, who: &str) -> Event {
        Event::Undo {
            seq,
            undoes,
            transcript_id: id.into(),
            labeler: who.into(),
            time: "t".into(),
        }
    }

    #[test]
    fn a_lean_replay_keeps_the_same_labels_as_a_full_one() {
        // Random sets, changes and undos (some naming nothing) over a few keys.
        let mut state = 7u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        for _ in 0..50 {
            let mut text = String::new();
            for seq in 1..=60u64 {
                let id = format!("t{}", next(4));
                let who = ["ana", "bob"][next(2) as usize];
                let e = match next(3) {
                    0 => undo(seq, 1 + next(seq), &id, who),
                    1 => Event::Change {
                        seq,
                        label: label(&id, who, ["yes", "no"][next(2) as usize]),
                    },
                    _ => Event::Set {
                        seq,
                        label: label(&id, who, "unsure"),
                    },
                };
                text.push_str(&e.line());
            }
            let full = Replay::parse(&text);
            let lean = Replay::read_stream(text.as_bytes(), Keep::Labels).unwrap();
            assert_eq!(full.unmatched_undos, lean.unmatched_undos);
            let mut walked = Vec::new();
            lean.for_each_label(&mut |l| {
                walked.push(l.clone());
                Ok(())
            })
            .unwrap();
            let want: Vec<LabelRecord> = full.labels().into_iter().cloned().collect();
            assert_eq!(walked, want);
            assert_eq!(lean.into_labels().collect::<Vec<_>>(), want);
            let streamed = Replay::read_stream(text.as_bytes(), Keep::All).unwrap();
            assert_eq!(streamed.events, full.events);
        }
    }

    #[test]
    fn replay_undo_and_redo_follow_the_events() {
        let events = [
            Event::Set {
                seq: 1,
                label: label("t1", "ana", "yes"),
            },
            Event::Change {
                seq: 2,
                label: label("t1", "ana", "no"),
            },
            Event::Set {
                seq: 3,
                label: label("t2", "ana", "unsure"),
            },
            undo(4, 2, "t1", "ana"),
            undo(5, 3, "t2", "ana"),
            // Redo of the undone change is a new change.
            Event::Change {
                seq: 6,
                label: label("t1", "ana", "no"),
            },
            Event::Set {
                seq: 7,
                label: label("t1", "ben", "yes"),
            },
        ];
        let text: String = events.iter().map(Event::line).collect();
        let r = Replay::parse(&text);
        assert!(r.bad.is_empty(), "{:?}", r.bad);
        assert_eq!(r.events.len(), 7);
        assert_eq!(r.current("t1", "ana").unwrap().af(), Some("no"));
        assert_eq!(r.current_seq("t1", "ana"), Some(6));
        assert_eq!(r.current("t2", "ana"), None);
        assert_eq!(r.current("t1", "ben").unwrap().af(), Some("yes"));
        let all: Vec<(&str, &str)> = r
            .labels()
            .iter()
            .map(|l| (l.transcript_id.as_str(), l.labeler.as_str()))
            .collect();
        assert_eq!(all, [("t1", "ana"), ("t1", "ben")]);
        assert_eq!(r.max_seq, 7);
        // Undoing the only label leaves none; undoing again is harmless.
        let mut r2 = Replay::parse(&text);
        r2.apply(undo(8, 6, "t1", "ana"));
        assert_eq!(r2.current("t1", "ana").unwrap().af(), Some("yes"));
        r2.apply(undo(9, 1, "t1", "ana"));
        r2.apply(undo(10, 1, "t1", "ana"));
        assert_eq!(r2.current("t1", "ana"), None);
        assert_eq!(
            r2.unmatched_undos,
            [UnmatchedUndo {
                line: None,
                seq: 10,
                undoes: 1
            }]
        );
    }

    #[test]
    fn an_undo_takes_back_the_event_it_names_not_the_newest() {
        // As after a merge: ana's label from another journal (seq 2) is newer than
        // the one her undo names (seq 1).
        let events = [
            Event::Set {
                seq: 1,
                label: label("t1", "ana", "yes"),
            },
            Event::Change {
                seq: 2,
                label: label("t1", "ana", "no"),
            },
            undo(3, 1, "t1", "ana"),
        ];
        let text: String = events.iter().map(Event::line).collect();
        let r = Replay::parse(&text);
        assert_eq!(r.current("t1", "ana").unwrap().af(), Some("no"));
        assert_eq!(r.current_seq("t1", "ana"), Some(2));
        assert!(r.unmatched_undos.is_empty());
    }

    #[test]
    fn bad_and_torn_lines_are_reported_and_the_rest_replays() {
        let good = Event::Set {
            seq: 1,
            label: label("t1", "ana", "yes"),
        }
        .line();
        let text = format!("{good}{{\"event\":\"fly\"}}\n\n{good}{{\"event\":\"set\",\"se");
        let r = Replay::parse(&text);
        assert_eq!(r.events.len(), 2);
        assert_eq!(r.bad.len(), 2);
        assert_eq!(r.bad[0].line, 2);
        assert!(r.bad[0].reason.contains("not a journal event"));
        assert_eq!(r.bad[1].line, 5);
        assert!(r.bad[1].reason.contains("interrupted write"));
    }

    #[test]
    fn event_lines_are_stable_json() {
        let e = Event::Set {
            seq: 3,
            label: label("t1", "ana", "yes"),
        };
        assert_eq!(
            e.line(),
            "{\"event\":\"set\",\"seq\":3,\"label\":{\"transcript_id\":\"t1\",\"labeler\":\"ana\",\"time\":\"2026-11-22T10:00:00Z\",\"schema\":1,\"values\":{\"af\":\"yes\"}}}\n"
        );
        assert!(looks_like_journal(e.line().as_bytes()));
        assert!(!looks_like_journal(b"{\"transcript_id\":\"t\"}\n"));
        // A torn or hand-edited first line does not hide the events after it.
        let torn_first = format!("{{\"event\":\"set\",\"se\n{}", e.line());
        assert!(looks_like_journal(torn_first.as_bytes()));
        let foreign_first = format!("# labels of ana\n{}", e.line());
        assert!(looks_like_journal(foreign_first.as_bytes()));
        // A power cut during the first label leaves only its start.
        assert!(looks_like_journal(b"{\"event\":\"set\",\"seq\":1,\"lab"));
        assert!(!looks_like_journal(b"{\"event\":\"fly\"}\n"));
    }
}
