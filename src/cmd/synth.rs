//! `afscope synth`: a deterministic synthetic corpus for benchmarks.

use super::Status;
use crate::cli::{SynthArgs, SynthCompression, SynthLayout};
use afscope::synth::layouts::{self, FileLayout};
use afscope::synth::{pipeline, write_file, Shape};

pub fn run(args: &SynthArgs) -> Result<Status, String> {
    let bytes = args.size_mb * 1024 * 1024;
    let out = &args.out;
    let err = |e: std::io::Error| format!("{}: {e}", out.display());
    match args.layout {
        SynthLayout::Native => {
            let shape = Shape {
                system: args.system_chars,
                scratchpad: args.scratchpad_chars,
                ..Default::default()
            };
            let n = write_file(out, bytes, args.seed, shape).map_err(err)?;
            eprintln!("wrote {n} transcripts to {}", out.display());
        }
        SynthLayout::Fields | SynthLayout::Messages | SynthLayout::Wide | SynthLayout::Csv => {
            let layout = match args.layout {
                SynthLayout::Fields => FileLayout::Fields,
                SynthLayout::Messages => FileLayout::Messages,
                SynthLayout::Wide => FileLayout::Wide,
                _ => FileLayout::Csv,
            };
            let n = layouts::write_file(out, layout, bytes, args.seed).map_err(err)?;
            eprintln!("wrote {n} transcripts to {}", out.display());
        }
        SynthLayout::InspectEval => {
            use afscope::synth::inspect_log::{self, Compression};
            let c = match args.compression {
                SynthCompression::Zstd => Compression::Zstd,
                SynthCompression::Deflate => Compression::Deflate,
            };
            let n = inspect_log::write_file(out, bytes, args.seed, c).map_err(err)?;
            eprintln!("wrote an Inspect log of {n} samples to {}", out.display());
        }
        SynthLayout::PipelineTree => {
            let files = pipeline::write_tree(out, bytes, args.seed).map_err(err)?;
            eprintln!(
                "wrote {} result files of {} transcripts each under {}",
                files.len(),
                pipeline::RECORDS_PER_FILE,
                out.display()
            );
        }
    }
    Ok(Status::SUCCESS)
}
