//! A hostile corpus, generated here at test time: each case loads or is reported
//! with file, line and reason; nothing hangs, panics or dies of a signal, and no
//! terminal control character from the data reaches the output. With `--nocapture`
//! it prints each case's time and peak memory.
//!
//! The JSON array of tiny objects has 1,000,000 elements within `cargo test`; more
//! with `AFSCOPE_HOSTILE_TINY=10000000 cargo test --release --test hostile -- --nocapture`.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

struct Case {
    name: &'static str,
    file: PathBuf,
    /// Extra arguments for `list` (a query).
    query: Option<String>,
    /// Transcripts that must load.
    loads: usize,
    /// Text that the report must hold (a reason with its line), if any.
    reported: Option<&'static str>,
}

fn good(i: usize) -> String {
    format!("{{\"id\":\"ok{i}\",\"model\":\"m\",\"tier\":\"free\",\"completion\":\"<SCRATCHPAD_REASONING>fine</SCRATCHPAD_REASONING><OUTPUT>ok</OUTPUT>\"}}\n")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn cases(dir: &Path, tiny: usize) -> Vec<Case> {
    let mut out = Vec::new();
    let mut case = |name, file, query: Option<String>, loads, reported| {
        out.push(Case {
            name,
            file,
            query,
            loads,
            reported,
        })
    };
    // A 50 MB record.
    let big = format!(
        "{{\"id\":\"big\",\"tier\":\"paid\",\"completion\":\"<SCRATCHPAD_REASONING>{}</SCRATCHPAD_REASONING><OUTPUT>x</OUTPUT>\"}}\n{}",
        "modify my values ".repeat(50 << 20 >> 4),
        good(1)
    );
    case(
        "record of 50 MB",
        write(dir, "big.jsonl", big.as_bytes()),
        None,
        2,
        None,
    );
    // Nesting 10,000 deep in a field.
    let deep = format!(
        "{{\"id\":\"deep\",\"completion\":\"<OUTPUT>x</OUTPUT>\",\"metadata\":{}{}}}\n{}",
        "{\"a\":".repeat(10_000),
        "1".to_string() + &"}".repeat(10_000),
        good(1)
    );
    case(
        "nesting 10,000 deep",
        write(dir, "deep.jsonl", deep.as_bytes()),
        None,
        1,
        Some("deep.jsonl:1"),
    );
    // Invalid UTF-8 in the middle of a string.
    let mut bad = b"{\"id\":\"u8\",\"completion\":\"<OUTPUT>ab".to_vec();
    bad.extend_from_slice(&[0xff, 0xfe, 0xc3]);
    bad.extend_from_slice(b"cd</OUTPUT>\"}\n");
    bad.extend_from_slice(good(1).as_bytes());
    case(
        "invalid UTF-8 mid-string",
        write(dir, "utf8.jsonl", &bad),
        None,
        1,
        Some("utf8.jsonl:1"),
    );
    // NUL bytes: raw inside a string (invalid JSON), and escaped (valid).
    let mut nul = b"{\"id\":\"nul\",\"completion\":\"<OUTPUT>a\x00b</OUTPUT>\"}\n".to_vec();
    nul.extend_from_slice(b"{\"id\":\"nul2\",\"completion\":\"<OUTPUT>a\\u0000b</OUTPUT>\"}\n");
    case(
        "NUL bytes",
        write(dir, "nul.jsonl", &nul),
        None,
        1,
        Some("nul.jsonl:1"),
    );
    // Truncated mid-record.
    let mut cut = good(0) + &good(1);
    cut.push_str("{\"id\":\"cut\",\"completion\":\"<OUTPUT>hal");
    case(
        "truncated mid-record",
        write(dir, "cut.jsonl", cut.as_bytes()),
        None,
        2,
        Some("cut.jsonl:3"),
    );
    case("empty file", write(dir, "empty.jsonl", b""), None, 0, None);
    // A binary file under a data name.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let noise: Vec<u8> = (0..1 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    case(
        "binary file",
        write(dir, "noise.jsonl", &noise),
        None,
        0,
        Some("noise.jsonl"),
    );
    // Numbers at the edges.
    let nums: String = ["1e400", "\"NaN\"", "-0", "-0.0"]
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{{\"id\":\"n{i}\",\"completion\":\"<OUTPUT>a</OUTPUT>\",\"verdicts\":[{{\"classifier\":\"j\",\"kind\":\"alignment_faking\",\"score\":{v}}}]}}\n"))
        .collect();
    case(
        "1e400, \"NaN\", -0",
        write(dir, "nums.jsonl", nums.as_bytes()),
        None,
        4,
        None,
    );
    // Escape sequences and bidi overrides in every field and in the file name.
    let hostile = "\u{1b}]52;c;aGk=\u{7}\u{1b}[2J\u{9b}31m\u{202e}\u{2066}";
    let rec = serde_json::json!({
        "id": format!("id{hostile}"), "model": format!("m{hostile}"),
        "condition": format!("c{hostile}"), "tier": "free",
        "completion": format!("<SCRATCHPAD_REASONING>t{hostile}</SCRATCHPAD_REASONING><OUTPUT>o{hostile}</OUTPUT>"),
    });
    case(
        "escapes and bidi overrides everywhere",
        write(
            dir,
            &format!("evil{hostile}.jsonl"),
            format!("{rec}\n").as_bytes(),
        ),
        None,
        1,
        None,
    );
    // A pattern that is catastrophic for a backtracking engine, on a long line.
    let a = format!(
        "{{\"id\":\"re\",\"completion\":\"<OUTPUT>{}b</OUTPUT>\"}}\n",
        "a".repeat(200_000)
    );
    case(
        "catastrophic regex",
        write(dir, "regex.jsonl", a.as_bytes()),
        Some("completion:/(a+)+$/ or completion:/(a|aa)*c/".into()),
        1,
        None,
    );
    // A CSV of 100,000 columns.
    let mut csv = String::from("id,completion");
    for c in 0..100_000 {
        csv.push_str(&format!(",c{c}"));
    }
    csv.push('\n');
    for r in 0..3 {
        csv.push_str(&format!("r{r},<OUTPUT>x</OUTPUT>"));
        for c in 0..100_000 {
            csv.push_str(&format!(",{c}"));
        }
        csv.push('\n');
    }
    case(
        "CSV of 100,000 columns",
        write(dir, "wide.csv", csv.as_bytes()),
        None,
        3,
        None,
    );
    // A JSON array of many tiny objects.
    let path = dir.join("tiny.json");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    f.write_all(b"[").unwrap();
    for i in 0..tiny {
        if i > 0 {
            f.write_all(b",").unwrap();
        }
        write!(f, "{{\"id\":\"{i}\",\"completion\":\"a\"}}").unwrap();
    }
    f.write_all(b"]\n").unwrap();
    drop(f);
    case("JSON array of tiny objects", path, None, tiny, None);
    out
}

/// Runs afscope to its end and gives its output, status, time and peak memory
/// (the child's maximum resident size, from `wait4`, which also reaps it; Linux
/// counts the test process's size at the spawn in it, so it is never below that).
#[allow(clippy::zombie_processes)]
fn run(args: &[&str], limit: Duration) -> (String, Option<i32>, Duration, u64) {
    use std::os::unix::process::ExitStatusExt;
    let start = Instant::now();
    let out_path = tempfile::NamedTempFile::new().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_afscope"))
        .args(args)
        .stdout(out_path.reopen().unwrap())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let stderr = child.stderr.take().unwrap();
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut { stderr }, &mut s);
        s
    });
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut status = 0;
        // SAFETY: an all-zero rusage is valid for wait4 to fill.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: waits for our own child, filling the two out-parameters.
        unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        let _ = tx.send((status, usage.ru_maxrss as u64));
    });
    let Ok((status, rss_kib)) = rx.recv_timeout(limit) else {
        let _ = child.kill();
        panic!("afscope {args:?} did not finish within {limit:?}");
    };
    let status = std::process::ExitStatus::from_raw(status);
    assert!(
        status.signal().is_none(),
        "afscope {args:?} died of signal {:?}",
        status.signal()
    );
    let mut text = std::fs::read_to_string(out_path.path()).unwrap_or_default();
    text.push_str(&err.join().unwrap());
    (text, status.code(), start.elapsed(), rss_kib / 1024)
}

#[test]
fn every_hostile_case_loads_or_is_reported_and_nothing_hangs() {
    let tiny: usize = std::env::var("AFSCOPE_HOSTILE_TINY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let limit = Duration::from_secs(300);
    println!(
        "{:<40} {:>8} {:>9} {:>9}",
        "case", "loaded", "seconds", "peak MiB"
    );
    for c in cases(dir.path(), tiny) {
        let file = c.file.to_str().unwrap().to_string();
        let (report, code, _, _) = run(&["check", &file], limit);
        assert!(!report.contains("panicked"), "{}: {report}", c.name);
        assert!(
            matches!(code, Some(0..=1)),
            "{}: status {code:?}: {report}",
            c.name
        );
        if let Some(r) = c.reported {
            assert!(
                report.contains(r),
                "{}: the report names {r}: {report}",
                c.name
            );
        }
        assert!(
            !report
                .chars()
                .any(|ch| afscope::model::sanitize::is_hostile(ch)
                    && !matches!(ch, '\n' | '\t' | '\r')),
            "{}: a control character reached the output",
            c.name
        );
        let mut args = vec!["list".to_string(), file.clone(), "--count".into()];
        if let Some(q) = &c.query {
            args.extend(["-q".into(), q.clone()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (counted, code, took, peak) = run(&args, limit);
        assert!(
            matches!(code, Some(0..=2)),
            "{}: status {code:?}: {counted}",
            c.name
        );
        if c.query.is_none() {
            let total = counted
                .lines()
                .find(|l| l.trim_start().starts_with("total"))
                .and_then(|l| l.split_whitespace().last())
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(0);
            assert_eq!(total, c.loads, "{}: {counted}", c.name);
        }
        println!(
            "{:<40} {:>8} {:>9.2} {:>9}",
            c.name,
            c.loads,
            took.as_secs_f64(),
            peak
        );
    }
}

/// A query of 1 MB (longer than one command-line argument may be: it comes from a
/// study file, a saved filter or a paste) parses and runs, or is refused, quickly.
#[test]
fn a_query_of_one_megabyte_parses_and_runs() {
    let terms: Vec<String> = (0..90_000).map(|i| format!("id:x{i}")).collect();
    let text = terms.join(" or ");
    assert!(text.len() > 1 << 20);
    let start = Instant::now();
    let corpus = afscope::demo::open(&afscope::load::LoadOptions::default()).unwrap();
    match afscope::query::Query::parse(&text) {
        Ok(q) => {
            let p = q.prepare_with(&corpus, None);
            let all: Vec<u32> = (0..corpus.len() as u32).collect();
            assert!(p.matching(&all).is_empty());
        }
        Err(e) => assert!(!e.message.is_empty()),
    }
    // Deeply nested parentheses are refused, not a stack overflow.
    let nested = "(".repeat(100_000) + "id:x" + &")".repeat(100_000);
    let _ = afscope::query::Query::parse(&nested);
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_negative_zero_score_prints_as_zero() {
    let dir = tempfile::tempdir().unwrap();
    let v = |score: &str| {
        format!("{{\"id\":\"n{}\",\"completion\":\"<OUTPUT>a</OUTPUT>\",\"verdicts\":[{{\"classifier\":\"j\",\"kind\":\"alignment_faking\",\"score\":{score}}}]}}\n", score.len())
    };
    let text = v("-0.0") + &v("-0");
    let file = write(dir.path(), "z.jsonl", text.as_bytes());
    let out = common::afscope(&["list", file.to_str().unwrap(), "--format", "tsv"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.matches("\t0.000\t").count(), 2, "{text}");
    assert!(!text.contains("-0.0"), "{text}");
}
