//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod pty;
pub mod screen;

use afscope::load::{Corpus, LoadOptions};
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture by its path relative to the package root (where cargo runs tests), so
/// that nothing a test prints or snapshots depends on where the checkout is.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from("fixtures").join(name)
}

/// A file under `../shared/samples`, or `None` (with a printed reason) when the
/// samples are not beside the checkout. Under `CI=true` the samples are always
/// there, so a missing one fails the test: a run that skipped them never passes as
/// a full run.
pub fn sample(rel: &str) -> Option<PathBuf> {
    let p = root().join("../shared/samples").join(rel);
    if p.exists() {
        return Some(p);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{} is missing under CI=true: the real result files must be beside the checkout",
        p.display()
    );
    eprintln!(
        "skipped: {} is not present (../shared/samples is absent)",
        p.display()
    );
    None
}

pub fn open(files: &[PathBuf], opts: LoadOptions) -> Corpus {
    Corpus::open(files, &opts, &mut |_, _, _| {
        std::ops::ControlFlow::Continue(())
    })
    .expect("profile loads")
}

pub fn open_one(path: &Path) -> Corpus {
    open(&[path.to_path_buf()], LoadOptions::default())
}

/// Runs the real binary.
pub fn afscope(args: &[&str]) -> std::process::Output {
    afscope_in(&root(), args)
}

/// Runs the real binary in the folder `dir`.
pub fn afscope_in(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_afscope"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("binary runs")
}

/// Runs the real binary with `args`, expects success and parses its standard output as JSON.
pub fn afscope_json(args: &[&str]) -> serde_json::Value {
    let out = afscope(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the output is JSON")
}

/// (records read, records joined, transcripts joined, transcripts without) of a join.
pub fn join_counts(j: &afscope::load::corpus::JoinReport) -> (usize, usize, usize, usize) {
    (
        j.records,
        j.records_joined,
        j.transcripts_joined,
        j.transcripts_without,
    )
}

/// Copies a folder tree (files and folders only).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}
