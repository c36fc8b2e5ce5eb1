//! The demo corpus built into the binary, so `afscope` with no file shows the product.

use crate::load::{Corpus, LoadOptions};
use std::path::{Path, PathBuf};

const PREFIX: &str = "<demo>/";

/// The demo files, by name.
const FILES: [(&str, &[u8]); 3] = [
    ("demo.jsonl", include_bytes!("../fixtures/demo.jsonl")),
    (
        "demo-verdicts.jsonl",
        include_bytes!("../fixtures/demo-verdicts.jsonl"),
    ),
    (
        "demo-labels.jsonl",
        include_bytes!("../fixtures/demo-labels.jsonl"),
    ),
];

/// The bytes of an embedded file, for paths under `<demo>/`.
pub fn embedded(path: &Path) -> Option<&'static [u8]> {
    let name = path.to_str()?.strip_prefix(PREFIX)?;
    FILES.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
}

fn path(name: &str) -> PathBuf {
    PathBuf::from(format!("{PREFIX}{name}"))
}

/// Opens the demo corpus with its verdict file joined, and (unless other labels are
/// given) the hand labels of two labelers, so every panel has something to show.
pub fn open(opts: &LoadOptions) -> Result<Corpus, String> {
    let mut opts = opts.clone();
    opts.verdicts.insert(0, path("demo-verdicts.jsonl"));
    if opts.labels.is_none() {
        opts.labels = Some(path("demo-labels.jsonl"));
    }
    Corpus::open(&[path("demo.jsonl")], &opts, &mut |_, _, _| {
        std::ops::ControlFlow::Continue(())
    })
}
