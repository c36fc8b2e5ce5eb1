//! An input file's bytes: memory-mapped read-only, or decompressed once for `.gz`,
//! and without a leading byte-order mark.

use crate::model::{Problem, ProblemKind};
use memmap2::Mmap;
use std::io::Read;
use std::path::Path;

/// A file mapped read-only, registered with the guard against shrinking.
pub struct Mapped {
    map: Mmap,
    slot: Option<super::guard::Slot>,
}

impl Mapped {
    fn new(map: Mmap) -> Mapped {
        let slot = super::guard::register(map.as_ptr(), map.len());
        Mapped { map, slot }
    }
}

/// The bytes of an input file.
pub enum Bytes {
    Mapped(Mapped),
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
            Bytes::Mapped(m) => &m.map,
            Bytes::Owned(v) => v,
            Bytes::Static(s) => s,
            Bytes::AfterBom(b) => &b[BOM.len()..],
        }
    }
}

/// The UTF-8 byte-order mark some editors and Windows tools write first.
const BOM: &[u8] = b"\xef\xbb\xbf";

impl Bytes {
    /// Whether these are the file's own bytes, mapped (not decompressed or read from a
    /// stream): offsets in them are offsets in the file, after any byte-order mark.
    pub fn is_mapped(&self) -> bool {
        match self {
            Bytes::Mapped(_) => true,
            Bytes::AfterBom(b) => b.is_mapped(),
            _ => false,
        }
    }

    /// Whether a read met the end of a file that shrank after it was mapped (the bytes
    /// past its new end read as zeros).
    pub fn lost(&self) -> bool {
        match self {
            Bytes::Mapped(m) => m.slot.as_ref().is_some_and(|s| s.lost()),
            Bytes::AfterBom(b) => b.lost(),
            _ => false,
        }
    }
}

/// The bytes after a leading byte-order mark, if there is one.
pub fn without_bom(b: Bytes) -> Bytes {
    if b.starts_with(BOM) {
        Bytes::AfterBom(Box::new(b))
    } else {
        b
    }
}

/// The most read from standard input, or from a file that reports no size (`/proc`).
pub const MAX_STREAM: u64 = 16 << 30;

/// A gzip file may expand to at most this many times its size (and `MAX_STREAM`):
/// past that it is a decompression bomb, not a corpus.
pub const MAX_GZIP_RATIO: u64 = 200;

/// Opens a file for reading only when it is a regular file: a FIFO is refused rather
/// than waited on, a device (`/dev/zero`) rather than read forever.
pub fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    open_regular_meta(path).map(|(f, _)| f)
}

/// `open_regular`, with the file's metadata as it was opened.
fn open_regular_meta(path: &Path) -> std::io::Result<(std::fs::File, std::fs::Metadata)> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC);
    }
    let file = opts.open(path)?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(std::io::Error::other("is a folder"));
    }
    if !meta.is_file() {
        return Err(std::io::Error::other(
            "not a regular file (a FIFO or device); pipe it to standard input and give `-`",
        ));
    }
    Ok((file, meta))
}

/// Reads a small file named by someone else (an id list, a study file): regular, and
/// at most `cap` bytes.
pub fn read_small(path: &Path, cap: u64) -> std::io::Result<String> {
    let file = open_regular(path)?;
    let mut text = String::new();
    file.take(cap + 1).read_to_string(&mut text)?;
    if text.len() as u64 > cap {
        return Err(std::io::Error::other(format!(
            "larger than {cap} bytes; refused"
        )));
    }
    Ok(text)
}

/// The first `n` bytes of a regular file (fewer when it is shorter; none when it
/// cannot be read).
pub fn head(path: &Path, n: u64) -> Vec<u8> {
    let mut out = Vec::new();
    if let Ok(f) = open_regular(path) {
        let _ = f.take(n).read_to_end(&mut out);
    }
    out
}

/// The name standard input goes by among the inputs.
pub fn is_stdin(path: &Path) -> bool {
    path == Path::new("-")
}

/// Reads a file: mapped read-only, or decompressed when it is gzip (by magic bytes);
/// `-` is standard input, read to its end (at most `MAX_STREAM`).
pub fn read(path: &Path) -> Result<Bytes, Problem> {
    read_with_damage(path).map(|(b, _)| b)
}

/// `read`, and for a damaged gzip file (an interrupted copy) what decompresses before
/// the damage, with the damage as a problem: where it is and what is lost.
pub fn read_with_damage(path: &Path) -> Result<(Bytes, Option<Problem>), Problem> {
    read_stamped(path).map(|(b, d, _)| (b, d))
}

/// `read_with_damage`, and the file as it was opened (for telling later whether it
/// changed); no stamp for standard input and the embedded demo.
pub fn read_stamped(
    path: &Path,
) -> Result<(Bytes, Option<Problem>, Option<crate::load::watch::Stamp>), Problem> {
    let (bytes, stamp) = read_as_stored(path)?;
    if !is_gzip(&bytes) {
        return Ok((without_bom(bytes), None, stamp));
    }
    let (bytes, damage) = gunzip(path, &bytes)?;
    Ok((without_bom(bytes), damage, stamp))
}

/// Whether bytes start as gzip does.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// A file's bytes as stored (mapped; read to its end when it reports no size), not
/// decompressed and byte-order mark and all, with how the file was when opened.
pub fn read_as_stored(path: &Path) -> Result<(Bytes, Option<crate::load::watch::Stamp>), Problem> {
    if let Some(b) = crate::demo::embedded(path) {
        return Ok((Bytes::Static(b), None));
    }
    let mut stamp = None;
    let io = |e: std::io::Error| Problem::new(path, ProblemKind::Io, e.to_string());
    let stream = |r: &mut dyn Read| -> Result<Bytes, Problem> {
        let mut out = Vec::new();
        r.take(MAX_STREAM + 1).read_to_end(&mut out).map_err(io)?;
        if out.len() as u64 > MAX_STREAM {
            return Err(io(std::io::Error::other(format!(
                "more than {} GiB; save it to a file first",
                MAX_STREAM >> 30
            ))));
        }
        Ok(Bytes::Owned(out))
    };
    let file;
    let bytes = if is_stdin(path) {
        stream(&mut std::io::stdin().lock())?
    } else {
        let meta;
        (file, meta) = open_regular_meta(path).map_err(io)?;
        stamp = Some(crate::load::watch::Stamp::of(&meta));
        let len = meta.len();
        if len == 0 {
            // Empty, or a file that reports no size (`/proc`): read what it gives.
            stream(&mut &file)?
        } else {
            // No page is entered at the map: each is entered as it is first read
            // (a fault maps several around it, and faults of one thread do not wait
            // on another's map). Entering a small file's pages at once held the
            // process's address-space lock while the other cores mapped their
            // files, which made a folder of many files slower.
            // SAFETY: the map is read-only; afscope never writes input files. A file
            // truncated by another process while mapped reads as zeros past its new
            // end (see `guard`) once the guard is installed.
            let map = unsafe { memmap2::MmapOptions::new().len(len as usize).map(&file) };
            Bytes::Mapped(Mapped::new(map.map_err(io)?))
        }
    };
    Ok((bytes, stamp))
}

/// A gzip file's bytes decompressed, and for a damaged one (an interrupted copy) what
/// decompresses before the damage, with the damage as a problem: where it is and what
/// is lost.
fn gunzip(path: &Path, bytes: &[u8]) -> Result<(Bytes, Option<Problem>), Problem> {
    let cap = (bytes.len() as u64)
        .saturating_mul(MAX_GZIP_RATIO)
        .clamp(1 << 20, MAX_STREAM);
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(4).min(cap as usize));
    let mut input = std::io::Cursor::new(bytes);
    let read = flate2::bufread::MultiGzDecoder::new(&mut input)
        .take(cap + 1)
        .read_to_end(&mut out);
    let damage = read.err().map(|e| {
        // The decoder reads ahead by at most its buffer: the damage is at or
        // before the compressed byte it had reached.
        let (at, len) = (input.position(), bytes.len() as u64);
        let why = if e.to_string().contains("checksum") {
            format!(
                "gzip checksum does not match ({e}): some of the {} bytes read are damaged; records that do not read are reported one by one",
                out.len()
            )
        } else if at >= len {
            format!(
                "gzip stream cut off at compressed byte {len} ({e}): the {} bytes before it are read",
                out.len()
            )
        } else {
            format!(
                "gzip damaged at or before compressed byte {at} of {len} ({e}): the {} bytes before it are read; the {} compressed bytes after it are lost",
                out.len(),
                len - at
            )
        };
        Problem::new(path, ProblemKind::Truncated, why)
    });
    if let (Some(d), true) = (&damage, out.is_empty()) {
        return Err(d.clone());
    }
    if out.len() as u64 > cap {
        return Err(Problem::new(
            path,
            ProblemKind::Io,
            format!(
                "gzip: expands past {} MB ({MAX_GZIP_RATIO}x its size); a decompression bomb, not read",
                cap >> 20
            ),
        ));
    }
    Ok((Bytes::Owned(out), damage))
}

/// A file mapped when it was sorted (`input::classify`), held for its open to take
/// rather than open and map it a second time. Taken once, and only by the open of
/// the same path; clones share it.
#[derive(Clone)]
pub struct Prefetched(std::sync::Arc<(std::path::PathBuf, std::sync::Mutex<Option<Early>>)>);

/// A file's bytes and how it was when they were read.
type Early = (Bytes, Option<crate::load::watch::Stamp>);

impl Prefetched {
    pub fn new(path: &Path, bytes: Bytes, stamp: Option<crate::load::watch::Stamp>) -> Prefetched {
        let early = std::sync::Mutex::new(Some((bytes, stamp)));
        Prefetched(std::sync::Arc::new((path.to_path_buf(), early)))
    }

    /// The bytes and stamp of `path`, the first time they are asked for; none when
    /// these are another file's (a list of files out of step with its mappings).
    pub fn take(&self, path: &Path) -> Option<Early> {
        let (own, early) = &*self.0;
        if own != path {
            return None;
        }
        early.lock().ok()?.take()
    }
}

impl std::fmt::Debug for Prefetched {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Prefetched")
    }
}

impl PartialEq for Prefetched {
    fn eq(&self, other: &Prefetched) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}
