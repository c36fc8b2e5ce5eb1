//! An input file's bytes: memory-mapped read-only, or decompressed once for `.gz`,
//! and without a leading byte-order mark.

use crate::model::{Problem, ProblemKind};
use memmap2::Mmap;
use std::io::Read;
use std::path::Path;

/// The bytes of an input file.
pub enum Bytes {
    Mapped(Mmap),
    Owned(Vec<u8>),
    /// Built into the binary (the demo corpus).
    Static(&'static [u8]),
    /// The file after a byte-order mark.
    AfterBom(Box<Bytes>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
            Bytes::Static(s) => s,
            Bytes::AfterBom(b) => &b[BOM.len()..],
        }
    }
}

/// The UTF-8 byte-order mark some editors and Windows tools write first.
const BOM: &[u8] = b"\xef\xbb\xbf";

fn without_bom(b: Bytes) -> Bytes {
    if b.starts_with(BOM) {
        Bytes::AfterBom(Box::new(b))
    } else {
        b
    }
}

/// Reads a file: mapped read-only, or decompressed when it is gzip (by magic bytes).
pub fn read(path: &Path) -> Result<Bytes, Problem> {
    if let Some(b) = crate::demo::embedded(path) {
        return Ok(Bytes::Static(b));
    }
    let io = |e: std::io::Error| Problem::new(path, ProblemKind::Io, e.to_string());
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let bytes = if len == 0 {
        Bytes::Owned(Vec::new())
    } else {
        // SAFETY: the map is read-only; afscope never writes input files. A file
        // truncated by another process while mapped is outside what we can guard.
        Bytes::Mapped(unsafe { Mmap::map(&file) }.map_err(io)?)
    };
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(bytes.len() * 4);
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .read_to_end(&mut out)
            .map_err(|e| Problem::new(path, ProblemKind::Io, format!("gzip: {e}")))?;
        return Ok(without_bom(Bytes::Owned(out)));
    }
    Ok(without_bom(bytes))
}
