//! Faults around the data and the journal, as a user meets them: one unreadable file
//! among many, a journal folder that is read-only, the disk filling up mid-session,
//! SIGHUP while a label is written, and a terminal resized to 1×1 and back.

mod common;

use afscope::model::journal::Replay;
use common::pty::Pty;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// How to run afscope so that file permissions apply: as is for a normal user; as
/// `nobody` through `setpriv` when the tests run as root (root reads any file).
/// `None` when neither can be done.
fn unprivileged() -> Option<Vec<String>> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Some(Vec::new());
    }
    let prefix = [
        "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "--",
    ];
    // The binary must be reachable for that user too (a checkout under /root is not).
    let ok = Command::new(prefix[0])
        .args(&prefix[1..])
        .args([env!("CARGO_BIN_EXE_afscope"), "--version"])
        .current_dir("/")
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then(|| prefix.map(String::from).to_vec())
}

fn open_to_all(p: &Path) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn demo_copy(dir: &Path, name: &str) {
    std::fs::copy(common::root().join("fixtures/demo.jsonl"), dir.join(name)).unwrap();
}

/// `afscope label` of the evaluation fixture's view by ana, into journal `j`.
fn label_args(j: &str) -> [&str; 8] {
    [
        "label",
        "fixtures/eval/transcripts.jsonl",
        "--labels",
        j,
        "--queue",
        "view",
        "--labeler",
        "ana",
    ]
}

#[test]
fn one_unreadable_file_among_many_is_reported_and_the_rest_opens() {
    let Some(prefix) = unprivileged() else {
        eprintln!("skipped: running as root without setpriv");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    open_to_all(dir.path());
    for name in ["a.jsonl", "b.jsonl", "c.jsonl"] {
        demo_copy(dir.path(), name);
    }
    let locked = dir.path().join("b.jsonl");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let run = |args: &[&str]| {
        let mut all: Vec<String> = prefix.clone();
        all.push(env!("CARGO_BIN_EXE_afscope").into());
        all.extend(args.iter().map(|s| s.to_string()));
        Command::new(&all[0]).args(&all[1..]).output().unwrap()
    };
    let d = dir.path().to_str().unwrap();
    let out = run(&["check", d]);
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("b.jsonl") && text.contains("ermission denied"),
        "{text}"
    );
    let out = run(&["list", d, "--count"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("62"),
        "the two readable files' 31 each: {text}"
    );
}

#[test]
fn a_read_only_journal_folder_is_said_with_what_to_do() {
    let Some(prefix) = unprivileged() else {
        eprintln!("skipped: running as root without setpriv");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    demo_copy(dir.path(), "runs.jsonl");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let bin = env!("CARGO_BIN_EXE_afscope");
    let (program, mut args): (&str, Vec<&str>) = match prefix.split_first() {
        Some((p, rest)) => (p, rest.iter().map(|s| s.as_str()).collect()),
        None => (bin, Vec::new()),
    };
    if !prefix.is_empty() {
        args.push(bin);
    }
    args.push("runs.jsonl");
    let mut p = Pty::start_program(program, dir.path(), &args, (30, 200), &[]);
    p.wait_for("transcripts 31/31");
    p.keys("i");
    let s = p.wait_for("labeling:");
    assert!(s.contains("runs.labels.jsonl"), "names the journal: {s}");
    assert!(s.contains("--labels"), "says how to label elsewhere: {s}");
    p.keys("q");
    assert_eq!(p.wait_exit(), 0);
    assert!(!dir.path().join("runs.labels.jsonl").exists());
}

/// A small filesystem of its own (tmpfs), so that it can be filled; `None` where
/// mounting is not allowed.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(kib: u32) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(dir.path())
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then_some(SmallDisk { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills what is left with a file; gives its path.
    fn fill(&self) -> std::path::PathBuf {
        use std::io::Write;
        let filler = self.path().join("filler");
        let mut f = std::fs::File::create(&filler).unwrap();
        let block = vec![0u8; 4096];
        while f.write_all(&block).is_ok() {}
        let _ = f.write_all(&[0]);
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

#[test]
fn the_disk_filling_mid_session_blocks_the_label_until_space_is_back() {
    let Some(disk) = SmallDisk::mount(256) else {
        eprintln!("skipped: cannot mount a tmpfs here");
        return;
    };
    let journal = disk.path().join("j.jsonl");
    let j = journal.to_str().unwrap();
    let args = label_args(j);
    let mut p = Pty::start_sized(&args, 30, 140, &[]);
    p.wait_for("labeling view: 48 items");
    p.keys("a");
    p.wait_for("✓ saved claude-3-opus/helpful_only/p0/free af=yes");
    let size = std::fs::metadata(&journal).unwrap().len();
    let filler = disk.fill();
    // Lines still fit in the journal's last page for a while; label on until a write
    // needs a new one.
    let mut labelled = 1;
    let s = loop {
        p.keys("x");
        std::thread::sleep(Duration::from_millis(100));
        let s = p.screen();
        if s.contains("label NOT saved") {
            break s;
        }
        labelled += 1;
        assert!(labelled < 48, "the disk never filled: {s}");
    };
    assert!(s.contains("No space left on"), "{s}");
    let on_disk = std::fs::metadata(&journal).unwrap().len();
    assert!(on_disk >= size);
    let r = Replay::parse(&std::fs::read_to_string(&journal).unwrap());
    assert!(
        r.bad.is_empty(),
        "no part of the failed line stays: {:?}",
        r.bad
    );
    assert_eq!(r.labels().len(), labelled);
    std::fs::remove_file(filler).unwrap();
    p.keys("r");
    let s = p.wait_for("✓ saved");
    assert!(!s.contains("NOT saved"), "{s}");
    p.keys("q");
    assert_eq!(p.wait_exit(), 0);
    let r = Replay::parse(&std::fs::read_to_string(&journal).unwrap());
    assert!(r.bad.is_empty(), "{:?}", r.bad);
    assert_eq!(r.labels().len(), labelled + 1, "the retried label is kept");
}

#[test]
fn sighup_while_a_label_is_written_never_loses_a_label_shown_saved() {
    for delay in [0u64, 2, 5, 10, 20] {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("j.jsonl");
        let j = journal.to_str().unwrap();
        let args = label_args(j);
        let mut p = Pty::start_sized(&args, 30, 140, &[]);
        p.wait_for("labeling view: 48 items");
        p.write_now("a");
        std::thread::sleep(Duration::from_millis(delay));
        p.signal("HUP");
        let code = p.wait_exit();
        assert_eq!(code, 128 + 1, "ends with SIGHUP's status");
        let raw = String::from_utf8_lossy(&p.raw()).into_owned();
        let text = std::fs::read_to_string(&journal).unwrap_or_default();
        let r = Replay::parse(&text);
        assert!(r.bad.is_empty(), "the journal is whole: {:?}", r.bad);
        let saved = r.current("claude-3-opus/helpful_only/p0/free", "ana");
        let rescued = raw.contains("labels that could not be saved to the journal are in");
        if raw.contains("✓ saved claude-3-opus/helpful_only/p0/free") {
            assert!(saved.is_some() || rescued, "shown saved, so on disk: {raw}");
        }
    }
}

#[test]
fn a_terminal_resized_to_one_cell_and_back_draws_again() {
    let mut s = Pty::start(&["fixtures/demo.jsonl"]);
    s.wait_for("transcripts 31/31");
    let resize = |s: &Pty, rows, cols| {
        s._master
            .resize(portable_pty::PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
    };
    resize(&s, 1, 1);
    std::thread::sleep(Duration::from_millis(300));
    s.keys("jjk");
    resize(&s, 24, 80);
    std::thread::sleep(Duration::from_millis(100));
    // A key after the resize draws a full frame at the new size.
    s.keys("j");
    s.wait_for("transcripts 31/31");
    s.keys("q");
    assert_eq!(s.wait_exit(), 0);
    common::pty::assert_restored(&s.raw());
}
