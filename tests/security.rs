//! What afscope writes, tried as an adversary sharing the folder would: files
//! planted at the names afscope writes are refused, never followed or truncated.

mod common;

use common::afscope;

#[cfg(unix)]
#[test]
fn a_link_planted_at_the_lock_name_is_refused_and_the_target_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    let journal = dir.path().join("J.jsonl");
    std::os::unix::fs::symlink(&victim, dir.path().join("J.jsonl.lock")).unwrap();
    let out = afscope(&[
        "labels",
        "import",
        "fixtures/study/analysis/hand-labels.csv",
        "--to",
        journal.to_str().unwrap(),
        "fixtures/study",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("J.jsonl: its lock file: it is a link; refused"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    assert!(!journal.exists());
}

#[test]
fn export_and_merge_never_replace_an_input_or_a_device() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.jsonl");
    let b = dir.path().join("b.jsonl");
    std::fs::copy("fixtures/journal-example.jsonl", &a).unwrap();
    std::fs::copy("fixtures/journal-example.jsonl", &b).unwrap();
    let before = std::fs::read(&a).unwrap();
    let sneaky = dir.path().join("nosuch/../a.jsonl");
    let (a_s, b_s, sneaky_s) = (
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        sneaky.to_str().unwrap(),
    );
    for args in [
        vec!["labels", "export", a_s, "-o", sneaky_s],
        vec!["labels", "merge", a_s, b_s, "-o", sneaky_s],
        vec!["labels", "merge", a_s, b_s, "-o", a_s],
    ] {
        let out = afscope(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(std::fs::read(&a).unwrap(), before, "{args:?}");
    }
    assert!(!dir.path().join("nosuch").exists());
    let out = afscope(&["labels", "export", a_s, "-o", "/dev/null"]);
    assert!(out.status.success());
    assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
}

#[test]
fn names_of_any_length_never_panic_a_table_or_the_interface() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("long.jsonl");
    let long = "x".repeat(70_000);
    let rec = serde_json::json!({
        "id": long, "model": format!("m{long}"), "condition": format!("c{long}"),
        "tier": "free", "completion": "<OUTPUT>ok</OUTPUT>",
    });
    std::fs::write(&file, format!("{rec}\n")).unwrap();
    let f = file.to_str().unwrap();
    for args in [
        vec!["list", f],
        vec!["list", f, "--count"],
        vec![f],
        vec!["check", f],
        vec!["stats", f],
        vec!["spans", f],
    ] {
        let out = afscope(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(
            out.status.code().is_some_and(|c| c < 100),
            "{args:?}: {err}"
        );
    }
    let table = String::from_utf8(afscope(&["list", f]).stdout).unwrap();
    assert!(table.lines().all(|l| l.chars().count() < 1000), "{table}");
    let mut p = common::pty::Pty::start(&[f]);
    p.wait_for("transcripts 1/1");
    p.keys("q");
    assert_eq!(p.wait_exit(), 0);
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_are_refused_and_stdin_is_read_as_a_stream() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.jsonl");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid, NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    for f in [fifo.to_str().unwrap(), "/dev/zero"] {
        let start = std::time::Instant::now();
        let out = afscope(&["list", f, "--count"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{f}: {err}");
        assert!(err.contains("not a regular file"), "{f}: {err}");
        assert!(start.elapsed() < std::time::Duration::from_secs(10));
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_afscope"))
        .args(["list", "-", "--count"])
        .current_dir(common::root())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let demo = std::fs::read("fixtures/demo.jsonl").unwrap();
        child.stdin.take().unwrap().write_all(&demo).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("total") && l.ends_with(" 31")),
        "{text}"
    );
}

#[test]
fn a_gzip_bomb_is_refused_without_taking_its_size_in_memory() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bomb.jsonl.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&file).unwrap(),
        flate2::Compression::best(),
    );
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..64 {
        gz.write_all(&spaces).unwrap();
    }
    gz.finish().unwrap();
    let out = afscope(&["check", file.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("a decompression bomb, not read"), "{text}");
    // A real gzip corpus still reads.
    let real = dir.path().join("demo.jsonl.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&real).unwrap(),
        flate2::Compression::best(),
    );
    gz.write_all(&std::fs::read("fixtures/demo.jsonl").unwrap())
        .unwrap();
    gz.finish().unwrap();
    let ok = afscope(&["list", real.to_str().unwrap(), "--count"]);
    let text = String::from_utf8_lossy(&ok.stdout);
    assert!(
        text.lines()
            .any(|l| l.starts_with("total") && l.ends_with(" 31")),
        "{text}"
    );
}

#[test]
fn a_keymap_that_leaves_no_way_to_quit_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let km = dir.path().join("keymap.toml");
    std::fs::write(&km, "[keys]\nquit = \"ctrl+q\"\n").unwrap();
    let mut p = common::pty::Pty::start(&["--keymap", km.to_str().unwrap(), "fixtures/demo.jsonl"]);
    let s = p.wait_for("no key is left for `quit`");
    assert!(s.contains("unknown key `ctrl+q`"), "{s}");
    assert_eq!(p.wait_exit(), 2);
}

/// A corpus whose ids, models, classifiers, labelers and notes carry terminal escape
/// sequences (OSC 52 clipboard, title, clear screen), C1 controls and bidi overrides.
fn hostile_corpus(dir: &std::path::Path) -> (String, String) {
    let bad = "\u{1b}]52;c;aGk=\u{7}\u{1b}]0;title\u{7}\u{1b}[2J\u{9b}31m\u{202e}\u{2028}";
    let mut text = String::new();
    for (k, tier) in ["free", "paid"].iter().enumerate() {
        let rec = serde_json::json!({
            "id": format!("id{k}{bad}"), "model": format!("model{bad}"), "tier": tier,
            "condition": format!("cond{bad}"), "prompt_index": 1,
            "completion": format!("<SCRATCHPAD_REASONING>think{bad}</SCRATCHPAD_REASONING><OUTPUT>out{bad}</OUTPUT>"),
            "verdicts": [
                {"classifier": format!("judge{bad}"), "kind": "alignment_faking", "score": 0.5 + 0.1 * k as f64},
                {"classifier": "c", "kind": "compliance", "score": 1.0},
            ],
        });
        text.push_str(&format!("{rec}\n"));
    }
    let corpus = dir.join("hostile.jsonl");
    std::fs::write(&corpus, text).unwrap();
    let mut labels = String::new();
    for (k, af) in ["yes", "no"].iter().enumerate() {
        let l = serde_json::json!({"transcript_id": format!("id{k}{bad}"), "labeler": format!("ana{bad}"), "af": af, "note": format!("note{bad}")});
        labels.push_str(&format!("{l}\n"));
    }
    let sheet = dir.join("labels.jsonl");
    std::fs::write(&sheet, labels).unwrap();
    (
        corpus.to_str().unwrap().to_string(),
        sheet.to_str().unwrap().to_string(),
    )
}

/// True when `bytes` hold a character a terminal would act on.
fn hostile_bytes(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    text.chars()
        .any(|c| afscope::model::sanitize::is_hostile(c) && c != '\n' && c != '\r' && c != '\t')
}

#[test]
fn no_command_or_format_writes_hostile_text_to_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let (corpus, sheet) = hostile_corpus(dir.path());
    let (c, s) = (corpus.as_str(), sheet.as_str());
    // A study folder whose names and settings come from someone else.
    let folder = dir.path().join("st\u{1b}[2Jdy");
    std::fs::create_dir(&folder).unwrap();
    std::fs::copy(&corpus, folder.join("r\u{1b}]0;title\u{7}.jsonl")).unwrap();
    let study = dir.path().join("afscope.toml");
    std::fs::write(
        &study,
        format!(
            "[[transcripts]]\npaths = [{:?}]\nset = [\"fields.model=[\\\"x\u{1b}[2J\\\"]\"]\n",
            corpus
        ),
    )
    .unwrap();
    let (folder, study) = (
        folder.to_str().unwrap().to_string(),
        study.to_str().unwrap().to_string(),
    );
    let runs: Vec<Vec<&str>> = vec![
        vec!["list", c],
        vec!["list", c, "--format", "tsv"],
        vec!["list", c, "--format", "jsonl"],
        vec!["list", c, "--count"],
        vec!["check", c],
        vec!["spans", c],
        vec!["spans", c, "--format", "jsonl"],
        vec!["eval", c, "--labels", s, "--resamples", "0"],
        vec!["eval", c, "--labels", s, "--resamples", "0", "--json"],
        vec!["eval", c, "--labels", s, "--resamples", "0", "--csv"],
        vec!["eval", c, "--labels", s, "--resamples", "0", "--markdown"],
        vec!["stats", c, "--labels", s],
        vec!["stats", c, "--labels", s, "--json"],
        vec!["stats", c, "--labels", s, "--csv"],
        vec!["labels", "export", s],
        vec!["labels", "export", s, "--format", "csv"],
        vec!["labels", "agree", s],
        vec!["labels", "agree", s, "--json"],
        vec!["profiles"],
        vec!["study", "show", &folder],
        vec!["study", "init", &folder, "--force"],
        vec!["study", "show", &folder],
        vec!["list", "--study", &study],
        vec!["list", c, "--profile", "no\u{1b}]0;title\u{7}such"],
        // Errors quote names from others.
        vec!["list", "/nonexistent\u{1b}]0;title\u{7}.json"],
        vec!["list", c, "-q", "model:\u{1b}[2J\u{9b}"],
    ];
    for args in &runs {
        let mut args = args.clone();
        if !matches!(args[0], "profiles" | "study") && args.len() > 1 {
            args.extend(["--color", "never"]);
        }
        let mut p = common::pty::Pty::start_sized(&args, 40, 200, &[("NO_COLOR", "1")]);
        let code = p.wait_exit();
        let raw = p.raw();
        assert!(code < 100, "{args:?}: {}", String::from_utf8_lossy(&raw));
        assert!(
            !hostile_bytes(&raw),
            "{args:?}: {}",
            String::from_utf8_lossy(&raw)
        );
    }
    // Into a pipe, JSON says the same thing (escaped) and CSV and TSV are exact.
    let out = afscope(&["list", c, "--format", "jsonl"]);
    assert!(!hostile_bytes(&out.stdout));
    let first: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().next().unwrap()).unwrap();
    assert!(
        first["id"].as_str().unwrap().contains("\u{1b}]52;c;"),
        "{first}"
    );
    let tsv = afscope(&["list", c, "--format", "tsv"]);
    assert!(String::from_utf8_lossy(&tsv.stdout).contains("\u{1b}]52;c;"));
}

#[test]
fn a_merge_says_whose_sessions_it_copies() {
    let dir = tempfile::tempdir().unwrap();
    let session = |seq: u32, who: &str| {
        format!(
            "{{\"event\":\"session\",\"seq\":{seq},\"labeler\":\"{who}\",\"time\":\"2026-11-22T10:0{seq}:00Z\",\"queue\":{{\"mode\":\"view\"}}}}\n"
        )
    };
    let a = dir.path().join("a.jsonl");
    let b = dir.path().join("b.jsonl");
    std::fs::write(&a, session(1, "ana")).unwrap();
    std::fs::write(&b, session(2, "ana") + &session(3, "ben")).unwrap();
    let out = dir.path().join("all.jsonl");
    let run = afscope(&[
        "labels",
        "merge",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{err}");
    assert!(err.contains("sessions of ana copied from"), "{err}");
    assert!(err.contains("a.jsonl") && err.contains("b.jsonl"), "{err}");
    assert!(err.contains("sessions of ben copied from"), "{err}");
    let r = afscope::model::journal::Replay::parse(&std::fs::read_to_string(&out).unwrap());
    assert_eq!(r.sessions.len(), 2);
}

#[test]
fn ids_that_differ_only_by_invisible_characters_never_look_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ids.jsonl");
    let mut text = String::new();
    for (id, tier) in [
        ("ab", "free"),
        ("a\u{200b}b", "paid"),
        ("a\u{2028}b", "free"),
    ] {
        let rec = serde_json::json!({"id": id, "model": "m", "tier": tier, "completion": "<OUTPUT>x</OUTPUT>"});
        text.push_str(&format!("{rec}\n"));
    }
    std::fs::write(&file, text).unwrap();
    let f = file.to_str().unwrap();
    let mut p = common::pty::Pty::start_sized(&[f], 24, 100, &[]);
    let s = p.wait_for("transcripts 3/3");
    assert!(s.contains("a<U+200B>b") && s.contains("a<U+2028>b"), "{s}");
    p.keys("q");
    assert_eq!(p.wait_exit(), 0);
    // Piped, the overview and the table say the same.
    let table = String::from_utf8(afscope(&["list", f]).stdout).unwrap();
    assert!(table.contains("a<U+200B>b"), "{table}");
    let (c, _) = hostile_corpus(dir.path());
    let overview = afscope(&[&c]);
    assert!(
        !hostile_bytes(&overview.stdout),
        "{}",
        String::from_utf8_lossy(&overview.stdout)
    );
}

#[test]
fn a_huge_label_cell_or_journal_line_is_reported_and_the_rest_still_reads() {
    let dir = tempfile::tempdir().unwrap();
    let big = "x".repeat(20 << 20);
    let sheet = dir.path().join("sheet.csv");
    std::fs::write(
        &sheet,
        format!("transcript_id,labeler,af\nt1,ana,yes\nt2,bob,\"{big}\"\nt3,ana,no\n"),
    )
    .unwrap();
    let out = afscope(&[
        "labels",
        "export",
        sheet.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    let (stdout, err) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{err}");
    assert!(stdout.contains("t1,") && stdout.contains("t3,"), "{stdout}");
    assert!(!stdout.contains("t2,"), "{stdout}");
    assert!(
        err.contains("sheet.csv:3: bad value: a label record of 20971530 bytes"),
        "{err}"
    );

    let journal = dir.path().join("j.jsonl");
    let event = |seq: u64, id: &str| {
        format!(
            r#"{{"event":"set","seq":{seq},"label":{{"transcript_id":"{id}","labeler":"ana","time":"t","values":{{"af":"yes"}}}}}}"#
        )
    };
    std::fs::write(
        &journal,
        format!(
            "{}\n{{\"note\":\"{big}\"}}\n{}\n",
            event(1, "a"),
            event(2, "b")
        ),
    )
    .unwrap();
    let out = afscope(&["labels", "export", journal.to_str().unwrap()]);
    let (stdout, err) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{err}");
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(
        err.contains("j.jsonl:2") && err.contains("longer than any event"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn every_command_stops_on_a_signal_while_it_is_still_loading() {
    use std::os::unix::process::ExitStatusExt;
    // Standard input that never ends holds each command in its loading stage.
    for args in [
        vec!["list", "-", "--count"],
        vec!["check", "-"],
        vec!["stats", "-"],
        vec!["eval", "-"],
        vec!["spans", "-"],
    ] {
        for (sig, n) in [(libc::SIGTERM, 15), (libc::SIGINT, 2), (libc::SIGHUP, 1)] {
            let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_afscope"))
                .args(&args)
                .current_dir(common::root())
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            let mut stdin = child.stdin.take().unwrap();
            {
                use std::io::Write;
                // A first record, then nothing: loading waits for more.
                let demo = std::fs::read_to_string("fixtures/demo.jsonl").unwrap();
                stdin
                    .write_all(demo.lines().next().unwrap().as_bytes())
                    .unwrap();
                stdin.write_all(b"\n").unwrap();
            }
            std::thread::sleep(std::time::Duration::from_millis(300));
            // SAFETY: signalling our own child.
            unsafe { libc::kill(child.id() as i32, sig) };
            let start = std::time::Instant::now();
            let status = loop {
                if let Some(s) = child.try_wait().unwrap() {
                    break s;
                }
                assert!(
                    start.elapsed() < std::time::Duration::from_secs(10),
                    "{args:?} ignored signal {n}"
                );
                std::thread::sleep(std::time::Duration::from_millis(20));
            };
            assert!(
                status.signal() == Some(n) || status.code() == Some(128 + n),
                "{args:?}: {status:?} after signal {n}"
            );
            drop(stdin);
        }
    }
}

#[test]
fn the_interface_screens_never_pass_hostile_names_to_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let (corpus, _) = hostile_corpus(dir.path());
    let mut p = common::pty::Pty::start_sized(&[&corpus], 40, 160, &[]);
    p.wait_for("transcripts 2/2");
    // List, reader, facets, gap and evaluation panels, help, details, find.
    for keys in [
        "j", "f", "\x1b", "c", "\x1b", "C", "\x1b", "R", "\x1b", "v", "\x1b", "?", "\x1b", "t",
    ] {
        p.keys(keys);
        std::thread::sleep(std::time::Duration::from_millis(150));
    }
    p.keys("\x1b");
    p.keys("q");
    p.wait_exit();
    let raw = p.raw();
    let text = String::from_utf8_lossy(&raw);
    // Placeholders (`␛]52;c;`) are fine; the control characters themselves are not.
    for bad in [
        "\x1b]52;c;",
        "\x1b]0;title",
        "\x07",
        "\u{9b}",
        "\u{202e}",
        "\u{2028}",
    ] {
        assert!(!text.contains(bad), "{bad:?} reached the terminal");
    }
    assert!(text.contains("id0"), "the ids were drawn");
}
