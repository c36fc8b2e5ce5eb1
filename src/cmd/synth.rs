//! `afscope synth`: a deterministic synthetic corpus for benchmarks.

use super::Status;
use afscope::synth::{write_file, Shape};
use std::path::Path;

pub fn run(
    out: &Path,
    size_mb: u64,
    seed: u64,
    scratchpad: usize,
    system: usize,
) -> Result<Status, String> {
    let shape = Shape {
        system,
        scratchpad,
        ..Default::default()
    };
    let n = write_file(out, size_mb * 1024 * 1024, seed, shape)
        .map_err(|e| format!("{}: {e}", out.display()))?;
    eprintln!("wrote {n} transcripts to {}", out.display());
    Ok(Status::SUCCESS)
}
