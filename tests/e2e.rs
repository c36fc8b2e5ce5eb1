//! End-to-end: the real binary in a pseudo-terminal, driven by keys and signals; the
//! screen is read back through a terminal emulator.

mod common;

use common::pty::{assert_restored, nz, Pty as Session, ENTER_ALT, LEAVE_ALT};

use std::time::{Duration, Instant};

fn count(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).filter(|w| *w == needle).count()
}

#[test]
fn filter_read_search_and_quit_at_80x24() {
    let mut s = Session::start(&[
        "fixtures/demo.jsonl",
        "--verdicts",
        "fixtures/demo-verdicts.jsonl",
    ]);
    s.wait_for("transcripts 31/31");
    s.keys("/");
    s.keys("model:opus tier:free scratchpad:/modify my values/i\r");
    let screen = s.wait_for("transcripts 3/31");
    assert!(screen.contains("free 3 paid 0"), "{screen}");
    s.keys("j");
    s.wait_for("claude-3-opus/helpful_only/p1/free");
    s.keys("n");
    let screen = s.wait_for("match 1/1");
    assert!(screen.contains("modify my values"), "{screen}");
    s.keys("f");
    s.wait_for("SCRATCHPAD_REASONING #2");
    s.keys("q");
    assert_eq!(s.wait_exit(), 0);
    let raw = s.raw();
    assert_restored(&raw);
    let (begin, end) = (count(&raw, b"\x1b[?2026h"), count(&raw, b"\x1b[?2026l"));
    assert!(
        begin > 3 && begin == end,
        "every frame is one synchronized update"
    );
}

#[test]
fn escape_sequences_in_transcripts_never_reach_the_terminal() {
    let mut s = Session::start(&["fixtures/demo.jsonl"]);
    s.wait_for("transcripts 31/31");
    s.keys("/id:hostile\r");
    s.wait_for("transcripts 1/31");
    s.keys("f");
    s.wait_for("␛[2J");
    s.keys("sG");
    std::thread::sleep(Duration::from_millis(200));
    s.keys("q");
    s.wait_exit();
    let raw = s.raw();
    assert_eq!(
        count(&raw, ENTER_ALT),
        1,
        "the transcript's own alternate-screen switch was not sent"
    );
    for bad in [
        &b"\x1b[2J"[..],
        b"\x1b]0;pwned",
        b"\x1b[31mALERT",
        b"\x07",
        "\u{202e}".as_bytes(),
        "\u{9b}".as_bytes(),
        b"\x1b[5m",
    ] {
        assert_eq!(count(&raw, bad), 0, "{bad:?} reached the terminal");
    }
    assert_restored(&raw);
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    for (sig, code) in [("TERM", 128 + 15), ("HUP", 128 + 1)] {
        let mut s = Session::start(&["fixtures/demo.jsonl"]);
        s.wait_for("transcripts 31/31");
        s.signal(sig);
        assert_eq!(s.wait_exit(), code, "SIG{sig}");
        assert_restored(&s.raw());
    }
}

#[test]
fn ctrl_c_quits_and_ctrl_z_suspends_and_resumes() {
    let mut s = Session::start(&["fixtures/demo.jsonl"]);
    s.wait_for("transcripts 31/31");
    s.keys("\x1a");
    let start = Instant::now();
    while count(&s.raw(), LEAVE_ALT) == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no restore on suspend"
        );
        std::thread::sleep(Duration::from_millis(30));
    }
    s.signal("CONT");
    let start = Instant::now();
    while count(&s.raw(), ENTER_ALT) < 2 {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no redraw on resume"
        );
        std::thread::sleep(Duration::from_millis(30));
    }
    s.wait_for("transcripts 31/31");
    s.keys("\x03");
    assert_eq!(s.wait_exit(), 0);
    assert_restored(&s.raw());
}

#[test]
fn resize_and_too_small() {
    let mut s = Session::start(&["fixtures/demo.jsonl"]);
    s.wait_for("transcripts 31/31");
    s._master
        .resize(portable_pty::PtySize {
            rows: 10,
            cols: 30,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let start = Instant::now();
    loop {
        let mut p = vt100::Parser::new(nz(10), nz(30), 0);
        p.process(&s.raw());
        if p.screen().contents().contains("terminal too small") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no too-small message"
        );
        std::thread::sleep(Duration::from_millis(30));
    }
    s.keys("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn the_screen_comes_up_before_loading_ends_and_load_errors_restore_the_terminal() {
    let mut s = Session::start(&["fixtures/demo.jsonl"]);
    s.wait_for("transcripts 31/31");
    s.keys("q");
    s.wait_exit();
    let raw = String::from_utf8_lossy(&s.raw()).into_owned();
    let progress = raw.find(" indexing ").expect("progress screen drawn first");
    assert!(progress < raw.find("transcripts 31/31").unwrap());

    let mut s = Session::start(&["fixtures/malformed.jsonl", "--strict"]);
    assert_eq!(s.wait_exit(), 2);
    assert_restored(&s.raw());
    let screen = s.screen();
    assert!(screen.contains("--strict: 7 problem(s)"), "{screen}");
}

fn synth(dir: &std::path::Path, mb: &str) -> (std::path::PathBuf, usize) {
    let path = dir.join("big.jsonl");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_afscope"))
        .args([
            "synth",
            "--out",
            path.to_str().unwrap(),
            "--size-mb",
            mb,
            "--seed",
            "1",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let msg = String::from_utf8_lossy(&out.stderr);
    let n = msg
        .split_whitespace()
        .nth(1)
        .and_then(|w| w.parse().ok())
        .expect("wrote N transcripts");
    (path, n)
}

#[test]
fn quitting_while_a_big_corpus_loads() {
    let dir = tempfile::tempdir().unwrap();
    let (big, _) = synth(dir.path(), "120");
    let mut s = Session::start(&[big.to_str().unwrap()]);
    s.keys("q");
    assert_eq!(s.wait_exit(), 0);
    assert_restored(&s.raw());
}

#[test]
fn what_is_indexed_so_far_is_usable() {
    let dir = tempfile::tempdir().unwrap();
    let (big, n) = synth(dir.path(), "20");
    let mut s = Session::start(&[big.to_str().unwrap()]);
    // The finished view...
    s.wait_for(&format!("transcripts {n}/{n}"));
    let raw = String::from_utf8_lossy(&s.raw()).into_owned();
    // ...came after frames showing part of the corpus while indexing went on (the
    // first frame follows the first 256 KiB batch).
    let partial = regex::Regex::new(r"transcripts (\d+)/(\d+)").unwrap();
    let first: usize = partial.captures(&raw).unwrap()[1].parse().unwrap();
    assert!(first > 0 && first < n, "first frame showed {first} of {n}");
    assert!(
        regex::Regex::new(r"indexing \d+%").unwrap().is_match(&raw),
        "status line showed indexing"
    );
    // The last snapshot can show every transcript a moment before loading ends.
    let start = Instant::now();
    while s.screen().contains("indexing") {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "done indexing at the end"
        );
        std::thread::sleep(Duration::from_millis(30));
    }
    // The list is usable meanwhile and after: move and open.
    s.keys("jf");
    s.wait_for("syn-00000001");
    s.keys("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn evaluation_panel_threshold_and_queue_then_gap_panel() {
    let mut s = Session::start(&[
        "fixtures/eval/transcripts.jsonl",
        "--labels",
        "fixtures/eval/labels.jsonl",
    ]);
    s.wait_for("transcripts 48/48");
    s.keys("R");
    s.wait_for("AUROC 0.812");
    s.keys("++");
    s.wait_for("threshold 0.50");
    // FP cell at 0.5: 3 transcripts, opened as a queue.
    s.keys("\x1b[B");
    s.wait_for("Enter opens the FP cell (3)");
    s.keys("\r");
    let screen = s.wait_for("transcripts 3/48");
    assert!(screen.contains("queue af_prob FP at 0.50"), "{screen}");
    s.keys("C");
    let screen = s.wait_for("3 in view");
    assert!(screen.contains("gap"), "{screen}");
    s.keys("q");
    s.keys("q");
    assert_eq!(s.wait_exit(), 0);
    assert_restored(&s.raw());
}

#[test]
fn a_list_table_on_a_terminal_fits_its_width_and_is_whole_in_a_pipe() {
    let dir = "../shared/samples/deep-values";
    if common::sample("deep-values").is_none() {
        return;
    }
    let p = Session::start_sized(&["list", dir], 24, 90, &[]);
    let s = p.wait_for("paid");
    let rows: Vec<&str> = s.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(rows[0].starts_with("id "), "{s}");
    for l in &rows {
        assert!(l.trim_end().chars().count() <= 90, "{l}");
    }
    // The source keeps its end (the file and line); the widest column was cut.
    assert!(
        rows[1].trim_end().ends_with(".json:2") || rows[1].contains('…'),
        "{s}"
    );
    assert!(rows[1].contains('…'), "{s}");
    // Into a pipe the table is whole.
    let out = common::afscope(&["list", dir]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .contains("/deepseek/deepseek-v3.2-exp/results_seed42"),
        "{text}"
    );
}
