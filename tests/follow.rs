//! Files that change while the interface shows them, in a pseudo-terminal: records
//! appended and new files come in by themselves; a file truncated under the
//! interface is said in the status line, read again with the reload key, and never
//! ends the process.

mod common;

use common::pty::{assert_restored, Pty};
use std::io::Write;
use std::time::Duration;

fn record(i: usize) -> String {
    format!(
        "{{\"id\":\"run/t{i:05}\",\"model\":\"m\",\"is_free_tier_user\":{},\"completion\":\"<SCRATCHPAD_REASONING>step {i}</SCRATCHPAD_REASONING><OUTPUT>ok</OUTPUT>\"}}\n",
        i.is_multiple_of(2)
    )
}

fn records(range: std::ops::Range<usize>) -> String {
    range.map(record).collect()
}

#[test]
fn records_appended_while_open_show_up_by_themselves() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("runs.jsonl"), records(0..10)).unwrap();
    let mut s = Pty::start_at(dir.path(), &["runs.jsonl"], 30, 160, &[]);
    s.wait_for(" 10/10 ");
    // An evaluation still writing: three whole records and half of a fourth.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.path().join("runs.jsonl"))
        .unwrap();
    let fourth = record(13);
    f.write_all(records(10..13).as_bytes()).unwrap();
    f.write_all(&fourth.as_bytes()[..20]).unwrap();
    f.flush().unwrap();
    let screen = s.wait_for(" 13/13 ");
    assert!(
        screen.contains("+3 transcripts (appended to runs.jsonl)"),
        "{screen}"
    );
    f.write_all(&fourth.as_bytes()[20..]).unwrap();
    f.flush().unwrap();
    s.wait_for(" 14/14 ");
    // The new transcript reads like any other.
    s.keys("G");
    s.wait_for("run/t00013");
    s.keys("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn a_new_file_in_an_opened_folder_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let runs = dir.path().join("runs");
    std::fs::create_dir(&runs).unwrap();
    std::fs::write(runs.join("a.jsonl"), records(0..4)).unwrap();
    let mut s = Pty::start_at(dir.path(), &["runs"], 30, 160, &[]);
    s.wait_for(" 4/4 ");
    // Written beside under a temporary name, then renamed: as pipelines do.
    std::fs::write(runs.join("b.jsonl.tmp"), records(4..9)).unwrap();
    std::fs::rename(runs.join("b.jsonl.tmp"), runs.join("b.jsonl")).unwrap();
    let screen = s.wait_for(" 9/9 ");
    assert!(screen.contains("new file b.jsonl"), "{screen}");
    s.keys("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn with_no_follow_appended_records_are_only_said() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("runs.jsonl"), records(0..10)).unwrap();
    let mut s = Pty::start_at(dir.path(), &["runs.jsonl", "--no-follow"], 30, 160, &[]);
    s.wait_for(" 10/10 ");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.path().join("runs.jsonl"))
        .unwrap();
    f.write_all(records(10..12).as_bytes()).unwrap();
    f.flush().unwrap();
    s.wait_for("runs.jsonl grew while open");
    std::thread::sleep(Duration::from_millis(1200));
    assert!(s.screen().contains(" 10/10 "), "{}", s.screen());
    s.keys("\x12");
    s.wait_for(" 12/12 ");
    s.keys("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn a_file_truncated_while_open_is_said_and_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("runs.jsonl");
    let out = common::afscope(&["synth", "--out", data.to_str().unwrap(), "--size-mb", "17"]);
    assert!(out.status.success());
    let mut s = Pty::start_at(dir.path(), &["runs.jsonl"], 30, 200, &[]);
    s.wait_for("transcripts 2");
    std::thread::sleep(Duration::from_millis(500));
    // Another process rewrites its results: the file shrinks under the mapping.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&data)
        .unwrap()
        .set_len(100_000)
        .unwrap();
    // The last rows' records lie past the new end: reading them used to fault.
    s.keys("Gf");
    let screen = s.wait_for("runs.jsonl changed while open: 18 MB → 100 KB;");
    assert!(
        screen.contains("F5 reloads · runs.jsonl changed while open: 18 MB → 100 KB;"),
        "{screen}"
    );
    s.keys("f");
    s.keys("\x12");
    let screen = s.wait_for("reloaded: ");
    assert!(!screen.contains("changed while open"), "{screen}");
    s.keys("q");
    assert_eq!(s.wait_exit(), 0);
    assert_restored(&s.raw());
}

#[test]
fn with_no_follow_a_new_file_is_said_until_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    let runs = dir.path().join("runs");
    std::fs::create_dir(&runs).unwrap();
    std::fs::write(runs.join("a.jsonl"), records(0..4)).unwrap();
    let mut s = Pty::start_at(dir.path(), &["runs", "--no-follow"], 30, 160, &[]);
    s.wait_for(" 4/4 ");
    std::fs::write(runs.join("b.jsonl"), records(4..9)).unwrap();
    s.wait_for("b.jsonl is new in an opened folder");
    // Said on every look, not only the first.
    std::thread::sleep(Duration::from_millis(1200));
    let screen = s.screen();
    assert!(
        screen.contains("b.jsonl is new") && screen.contains(" 4/4 "),
        "{screen}"
    );
    s.keys("\x12");
    s.wait_for(" 9/9 ");
    std::thread::sleep(Duration::from_millis(1200));
    // A key clears the reload's message, which would cover a notice.
    s.keys("j");
    let screen = s.screen();
    assert!(!screen.contains("is new in an opened folder"), "{screen}");
    s.keys("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn a_labeling_session_is_carried_over_a_reload() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("runs.jsonl");
    std::fs::write(&data, records(0..6)).unwrap();
    let args = [
        "label",
        "runs.jsonl",
        "--labels",
        "j.jsonl",
        "--queue",
        "view",
        "--labeler",
        "ana",
    ];
    let mut s = Pty::start_at(dir.path(), &args, 30, 160, &[]);
    s.wait_for("labeling view: 6 items");
    s.keys("a");
    s.wait_for("✓ saved run/t00000 af=yes");
    // The pipeline writes its results anew and renames them over: reordered, one gone.
    let fresh: String = (0..6).rev().filter(|&i| i != 3).map(record).collect();
    std::fs::write(dir.path().join("runs.jsonl.tmp"), fresh).unwrap();
    std::fs::rename(dir.path().join("runs.jsonl.tmp"), &data).unwrap();
    s.wait_for("F5 reloads · runs.jsonl was replaced while open: 861 B → 717 B; shown as it was");
    s.keys("\x12");
    s.wait_for("labeling carried over: 5 items, 1 no longer in the files");
    s.keys("x");
    s.wait_for("✓ saved run/t00001 af=no");
    s.keys("q");
    assert_eq!(s.wait_exit(), 0);
    assert_restored(&s.raw());
    // Once the terminal is given back: where the labels went, and how many.
    let raw = String::from_utf8_lossy(&s.raw()).into_owned();
    let said = raw.rfind("afscope: 2 labels saved this session to j.jsonl");
    let left = raw
        .rfind(std::str::from_utf8(common::pty::LEAVE_ALT).unwrap())
        .unwrap();
    assert!(said.is_some_and(|p| p > left), "{raw:?}");
    let journal = std::fs::read_to_string(dir.path().join("j.jsonl")).unwrap();
    let book = afscope::model::journal::Replay::parse(&journal);
    assert_eq!(book.current("run/t00000", "ana").unwrap().af(), Some("yes"));
    assert_eq!(book.current("run/t00001", "ana").unwrap().af(), Some("no"));
}
