//! Crash test: the real binary labels in a pseudo-terminal and is killed with SIGKILL
//! at random moments, again and again; after every kill the journal must parse and
//! hold every label the screen had shown as saved.
//!
//! `AFSCOPE_CRASH_KILLS` (default 200) and `AFSCOPE_CRASH_SEED` (default 1) set the
//! run; `cargo test --release --test crash -- --nocapture` prints its figures.

mod common;

use afscope::model::journal::{Event, Replay};
use common::pty::Pty;
use std::time::{Duration, Instant};

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Every `✓ saved ID: label taken back` on the screen.
fn taken_back_on(screen: &str) -> Vec<String> {
    let re = regex::Regex::new(r"✓ saved (\S+): label taken back").unwrap();
    re.captures_iter(screen).map(|c| c[1].to_string()).collect()
}

/// Every `✓ saved ID af=VALUE` on the screen.
fn saved_on(screen: &str) -> Vec<(String, String)> {
    let re = regex::Regex::new(r"✓ saved (\S+) af=(\w+)").unwrap();
    re.captures_iter(screen)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect()
}

/// The screen when no frame is being drawn: two reads a moment apart agree. A read
/// in the middle of a frame can pair the new item's id with the old answer on the
/// status line, which no frame ever showed.
fn settled(p: &Pty) -> Option<String> {
    let a = p.screen();
    std::thread::sleep(Duration::from_millis(3));
    let b = p.screen();
    (a == b).then_some(a)
}

#[test]
fn sigkill_at_random_moments_never_loses_a_label_shown_as_saved() {
    let kills = env_or("AFSCOPE_CRASH_KILLS", 200);
    let mut rng = Rng(env_or("AFSCOPE_CRASH_SEED", 1) | 1);
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("labels.jsonl");
    let j = journal.to_str().unwrap();
    let keys = ["a", "x", "u", ".", "\x7f", "\x19", "F", "P", "1", "3", "j"];
    let mut shown: Vec<(String, String)> = Vec::new();
    // The last saved state seen on screen per transcript: its answer, or taken back.
    let mut last_shown: std::collections::HashMap<String, Option<String>> = Default::default();
    let observe =
        |screen: &str,
         shown: &mut Vec<(String, String)>,
         last_shown: &mut std::collections::HashMap<String, Option<String>>| {
            for (id, af) in saved_on(screen) {
                last_shown.insert(id.clone(), Some(af.clone()));
                shown.push((id, af));
            }
            for id in taken_back_on(screen) {
                last_shown.insert(id, None);
            }
        };
    let started = Instant::now();
    let mut current_checked = 0u64;
    let mut keys_sent = 0u64;
    for k in 0..kills {
        // The first run starts a seeded random queue; every later run resumes it.
        let mut args = vec![
            "label",
            "fixtures/eval/transcripts.jsonl",
            "--labels",
            j,
            "--labeler",
            "ana",
        ];
        if k == 0 {
            args.extend(["--queue", "random", "--seed", "3"]);
        }
        let mut p = Pty::start_sized(&args, 30, 200, &[]);
        let first = p.wait_for("random (seed 3)");
        assert!(
            !first.contains("read-only"),
            "the killed process's lock was released:\n{first}"
        );
        for _ in 0..1 + rng.below(8) {
            let key = keys[rng.below(keys.len() as u64) as usize];
            p.write_now(key);
            keys_sent += 1;
            std::thread::sleep(Duration::from_millis(rng.below(12)));
            if let Some(s) = settled(&p) {
                observe(&s, &mut shown, &mut last_shown);
            }
        }
        std::thread::sleep(Duration::from_micros(rng.below(15_000)));
        if let Some(s) = settled(&p) {
            observe(&s, &mut shown, &mut last_shown);
        }
        p.signal("KILL");
        p.wait_exit();
        // The journal parses whole, and holds every label shown as saved.
        let text = std::fs::read_to_string(&journal).unwrap();
        assert!(
            text.is_empty() || text.ends_with('\n'),
            "kill {k}: a torn line"
        );
        let r = Replay::parse(&text);
        assert!(r.bad.is_empty(), "kill {k}: {:?}", r.bad);
        for (id, af) in &shown {
            let found = r.events.iter().any(|e| match e {
                Event::Set { label, .. } | Event::Change { label, .. } => {
                    label.transcript_id == *id && label.af() == Some(af.as_str())
                }
                _ => false,
            });
            assert!(
                found,
                "kill {k}: {id} af={af} was shown as saved but is not in the journal"
            );
        }
        // The current label is the last one shown as saved, unless the journal holds
        // a later event for that transcript (a save the screen moved past unseen).
        for (id, state) in &last_shown {
            let touches = |e: &Event| match e {
                Event::Set { label, .. } | Event::Change { label, .. } => {
                    label.transcript_id == *id
                }
                Event::Undo { transcript_id, .. } => transcript_id == id,
                Event::Session { .. } => false,
            };
            let matches = |e: &Event| match (e, state) {
                (Event::Set { label, .. } | Event::Change { label, .. }, Some(af)) => {
                    label.af() == Some(af.as_str())
                }
                (Event::Undo { .. }, None) => true,
                _ => false,
            };
            let last = r.events.iter().rposition(touches);
            let seen = r.events.iter().rposition(|e| touches(e) && matches(e));
            if last.is_some() && last == seen {
                current_checked += 1;
                assert_eq!(
                    r.current(id, "ana").and_then(|l| l.af()),
                    state.as_deref(),
                    "kill {k}: {id}: the current label is not the last one shown as saved"
                );
            }
        }
    }
    let r = Replay::parse(&std::fs::read_to_string(&journal).unwrap());
    let observed = shown.len();
    shown.sort();
    shown.dedup();
    eprintln!(
        "crash test: {kills} SIGKILLs, {keys_sent} keys, {observed} saves seen on screen ({} distinct id/answer pairs), all in the journal; current label checked against the last shown {current_checked} times; {} journal events ({} labels current), {:.1} s",
        shown.len(),
        r.events.len(),
        r.labels().len(),
        started.elapsed().as_secs_f64()
    );
    assert!(!shown.is_empty(), "the run saved labels");
    assert!(current_checked > 0, "current labels were checked");
}
