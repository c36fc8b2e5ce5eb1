//! The label journal's events (one JSON object per line: `set`, `change`, `undo`,
//! `session`) and their replay into the current labels. The journal is append-only and
//! is the source of truth; replaying it is the only way labels are read back.

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
    /// By labeler, then transcript id (looked up without building a key).
    stacks: HashMap<String, HashMap<String, Vec<(u64, LabelRecord)>>>,
    /// Keys in the order they were first labelled.
    order: Vec<LabelKey>,
    /// The newest session event per labeler.
    pub sessions: HashMap<String, serde_json::Value>,
    /// The highest sequence number seen.
    pub max_seq: u64,
    /// Undo events naming no label in force of their transcript and labeler (already
    /// undone, or never there): ignored, and said.
    pub unmatched_undos: Vec<UnmatchedUndo>,
    /// Replay without keeping `events` (readers that want only the labels in force).
    lean: bool,
    /// Keep the events only, not the labels in force (a merge reads its inputs so).
    events_only: bool,
}

/// The highest sequence number a journal may hold: 2^53, the largest integer every
/// JSON reader keeps exactly (so the next one never wraps).
pub const MAX_SEQ: u64 = 1 << 53;

impl Replay {
    /// Replays a journal's text. A line that is not an event is reported and skipped;
    /// a last line without its newline (an interrupted write) is reported as such.
    pub fn parse(text: &str) -> Replay {
        Replay::parse_with(text, false)
    }

    /// An empty replay that keeps only what the labels in force need (see
    /// `parse_labels`).
    pub fn lean() -> Replay {
        Replay {
            lean: true,
            ..Replay::default()
        }
    }

    /// `parse`, keeping only what the labels in force need (`events` stays empty):
    /// a million-event journal is read in the memory of its labels.
    pub fn parse_labels(text: &str) -> Replay {
        Replay::parse_with(text, true)
    }

    /// `parse`, keeping the events only (`labels`, `current` and undo matching are
    /// left empty): what a merge needs of its inputs.
    pub fn parse_events(text: &str) -> Replay {
        let mut r = Replay {
            events_only: true,
            ..Replay::default()
        };
        r.read(text);
        r
    }

    fn parse_with(text: &str, lean: bool) -> Replay {
        let mut r = Replay {
            lean,
            ..Replay::default()
        };
        r.read(text);
        r
    }

    fn read(&mut self, text: &str) {
        let r = self;
        let complete = text.ends_with('\n');
        let count = text.split_terminator('\n').count();
        for (i, line) in text.split_terminator('\n').enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Event>(line) {
                Ok(e) if e.seq() > MAX_SEQ => r.bad.push(BadLine {
                    line: i + 1,
                    reason: format!(
                        "sequence number {} is past 2^53 (no journal afscope writes gets there); ignored",
                        e.seq()
                    ),
                }),
                Ok(e) => r.apply_at(e, Some(i + 1)),
                Err(e) => r.bad.push(BadLine {
                    line: i + 1,
                    reason: if i + 1 == count && !complete {
                        "incomplete last line (an interrupted write); ignored".into()
                    } else {
                        format!("not a journal event: {e}")
                    },
                }),
            }
        }
    }

    /// Applies one event after the ones already replayed.
    pub fn apply(&mut self, e: Event) {
        self.apply_at(e, None);
    }

    fn apply_at(&mut self, e: Event, line: Option<usize>) {
        self.max_seq = self.max_seq.max(e.seq());
        if self.events_only {
            if let Event::Session { labeler, queue, .. } = &e {
                self.sessions.insert(labeler.clone(), queue.clone());
            }
            self.events.push(e);
            return;
        }
        if self.lean {
            if let Event::Set { seq, label } | Event::Change { seq, label } = e {
                self.push_label(seq, label);
                return;
            }
        }
        match &e {
            Event::Set { seq, label } | Event::Change { seq, label } => {
                self.push_label(*seq, label.clone());
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
                let stack = self.stack_mut(transcript_id, labeler);
                match stack.and_then(|s| s.iter().rposition(|(q, _)| q == undoes).map(|i| (s, i))) {
                    Some((stack, i)) => {
                        stack.remove(i);
                    }
                    None => self.unmatched_undos.push(UnmatchedUndo {
                        line,
                        seq: *seq,
                        undoes: *undoes,
                    }),
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

    fn push_label(&mut self, seq: u64, label: LabelRecord) {
        let by = self.stacks.entry(label.labeler.clone()).or_default();
        if !by.contains_key(&label.transcript_id) {
            self.order
                .push((label.transcript_id.clone(), label.labeler.clone()));
        }
        by.entry(label.transcript_id.clone())
            .or_default()
            .push((seq, label));
    }

    fn stack(&self, transcript_id: &str, labeler: &str) -> Option<&Vec<(u64, LabelRecord)>> {
        self.stacks.get(labeler)?.get(transcript_id)
    }

    fn stack_mut(
        &mut self,
        transcript_id: &str,
        labeler: &str,
    ) -> Option<&mut Vec<(u64, LabelRecord)>> {
        self.stacks.get_mut(labeler)?.get_mut(transcript_id)
    }

    /// The labeler's current label of a transcript.
    pub fn current(&self, transcript_id: &str, labeler: &str) -> Option<&LabelRecord> {
        self.stack(transcript_id, labeler)?.last().map(|(_, l)| l)
    }

    /// The sequence number of the labeler's current label of a transcript.
    pub fn current_seq(&self, transcript_id: &str, labeler: &str) -> Option<u64> {
        self.stack(transcript_id, labeler)?.last().map(|(s, _)| *s)
    }

    /// Every current label (last event wins per transcript and labeler), in the order
    /// the transcripts were first labelled.
    /// `labels`, owned: the replay is used up.
    pub fn into_labels(mut self) -> Vec<LabelRecord> {
        let order = std::mem::take(&mut self.order);
        order
            .into_iter()
            .filter_map(|(t, who)| {
                let stack = self.stacks.get_mut(&who)?.get_mut(&t)?;
                stack.pop().map(|(_, l)| l)
            })
            .collect()
    }

    pub fn labels(&self) -> Vec<&LabelRecord> {
        self.order
            .iter()
            .filter_map(|(t, who)| self.current(t, who))
            .collect()
    }
}

/// True when a file is a label journal: some line of it is a journal event (a torn
/// or hand-edited line elsewhere is reported on replay, never the reason to read the
/// file as something else), or all it holds is the start of a first event cut off by
/// an interrupted write.
pub fn looks_like_journal(text: &[u8]) -> bool {
    let complete = text.ends_with(b"\n");
    let lines: Vec<&[u8]> = text
        .split(|&b| b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .collect();
    let event = |l: &[u8]| {
        memchr::memmem::find(l, b"\"event\"").is_some()
            && serde_json::from_slice::<Event>(l.trim_ascii()).is_ok()
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
