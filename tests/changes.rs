//! Input files that change while afscope reads them: a command truncated under it
//! survives, reads what is left, and says which file changed and what is gone.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};

fn records(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "{{\"id\":\"t{i:06}\",\"model\":\"m\",\"is_free_tier_user\":true,\"completion\":\"<SCRATCHPAD_REASONING>{}</SCRATCHPAD_REASONING><OUTPUT>ok</OUTPUT>\"}}\n",
                "thinking ".repeat(20)
            )
        })
        .collect()
}

#[test]
fn a_file_truncated_while_listed_is_reported_and_the_command_survives() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("runs.jsonl");
    let text = records(40_000);
    std::fs::write(&path, &text).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_afscope"))
        .args(["list", "--format", "tsv"])
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    // Rows stream as records are indexed: once some arrive, the command blocks on
    // the full pipe while the file is cut to its first 100 records.
    let mut first = [0u8; 1024];
    out.read_exact(&mut first).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let keep = text.match_indices('\n').nth(99).unwrap().0 + 1;
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(keep as u64)
        .unwrap();
    let mut rest = Vec::new();
    out.read_to_end(&mut rest).unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("runs.jsonl changed while open: ")
            && stderr.contains(" → ")
            && stderr.contains("transcripts are gone")
            && stderr.contains("run the command again"),
        "{stderr}"
    );
}

#[test]
fn a_file_replaced_after_it_was_read_is_reported_by_check() {
    // The same report from every command, here without a race: the file is renamed
    // over between two runs of the library's loader and its change detection.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("runs.jsonl");
    std::fs::write(&path, records(10)).unwrap();
    let corpus = afscope::load::Corpus::open(
        std::slice::from_ref(&path),
        &afscope::load::LoadOptions::default(),
        &mut |_, _, _| std::ops::ControlFlow::Continue(()),
    )
    .unwrap();
    let new = dir.path().join("runs.jsonl.tmp");
    std::fs::write(&new, records(20)).unwrap();
    std::fs::rename(&new, &path).unwrap();
    let c = afscope::load::watch::changes(&corpus);
    assert_eq!(c.len(), 1);
    assert!(c[0].destructive());
    assert!(
        c[0].message().contains("was replaced while open"),
        "{}",
        c[0].message()
    );
}
