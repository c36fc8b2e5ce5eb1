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
    /// A small file read into a worker's buffer to be indexed, for a command that
    /// reads nothing but the index after (`read_buffered`); `release` hands the
    /// buffer back once the file is indexed.
    Read(Vec<u8>, Box<Again>),
    /// A file whose buffer was handed back: mapped again the first time its bytes
    /// are asked for (see `Again`).
    Released(Box<Again>),
}

/// A file let go of after it was indexed, mapped again if it is ever read: as it
/// was opened while it is the same file at least as long, else zeros the length it
/// had (as a file cut short reads past its new end) and `lost`.
pub struct Again {
    path: std::path::PathBuf,
    stamp: crate::load::watch::Stamp,
    mapped: std::sync::OnceLock<(Bytes, bool)>,
}

impl Again {
    fn bytes(&self) -> &(Bytes, bool) {
        self.mapped.get_or_init(|| {
            let len = self.stamp.len as usize;
            let same = |now: &crate::load::watch::Stamp| {
                (now.dev, now.ino) == (self.stamp.dev, self.stamp.ino) && now.len >= self.stamp.len
            };
            let map = open_regular_meta(&self.path).ok().and_then(|(file, meta)| {
                let now = crate::load::watch::Stamp::of(&meta);
                if !same(&now) || len == 0 {
                    return None;
                }
                // SAFETY: as in `read_as_stored`: read-only, and registered with
                // the guard against the file shrinking.
                let map = unsafe { memmap2::MmapOptions::new().len(len).map(&file) };
                map.ok().map(|m| Bytes::Mapped(Mapped::new(m)))
            });
            match map {
                Some(b) => (b, false),
                None => (Bytes::Owned(vec![0; len]), len > 0),
            }
        })
    }
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => &m.map,
            Bytes::Owned(v) => v,
            Bytes::Static(s) => s,
            Bytes::AfterBom(b) => &b[BOM.len()..],
            Bytes::Read(v, _) => v,
            Bytes::Released(again) => &again.bytes().0,
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
            Bytes::Mapped(_) | Bytes::Read(..) | Bytes::Released(_) => true,
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
            Bytes::Released(again) => again
                .mapped
                .get()
                .is_some_and(|(b, lost)| *lost || b.lost()),
            _ => false,
        }
    }

    /// Whether these are a released file's, not read since it was let go of.
    pub fn let_go(&self) -> bool {
        match self {
            Bytes::Released(again) => again.mapped.get().is_none(),
            Bytes::AfterBom(b) => b.let_go(),
            _ => false,
        }
    }

    /// The bytes as stored, with the byte-order mark `without_bom` skips.
    pub fn as_stored(&self) -> &[u8] {
        match self {
            Bytes::AfterBom(b) => b,
            b => b,
        }
    }

    /// How many bytes there are, without mapping a released file again.
    pub fn len(&self) -> usize {
        match self {
            Bytes::Released(again) => again.stamp.len as usize,
            Bytes::AfterBom(b) => b.len() - BOM.len(),
            b => b.as_ref().len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Lets go of the buffer of a file read with `read_buffered`, for this thread's
    /// next read to reuse: the file is mapped again from then on if it is ever read.
    /// Other bytes are left as they are.
    pub fn release(&mut self) {
        match self {
            Bytes::AfterBom(b) => b.release(),
            Bytes::Read(..) => {
                let Bytes::Read(v, again) = std::mem::replace(self, Bytes::Static(&[])) else {
                    unreachable!("matched above")
                };
                *self = Bytes::Released(again);
                BUFFER.with_borrow_mut(|b| {
                    if v.capacity() > b.capacity() {
                        *b = v;
                    }
                });
            }
            _ => {}
        }
    }
}

thread_local! {
    /// The buffer `read_buffered` reads into on this thread, while no file holds it.
    static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        self
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

/// Files up to this size are read into a worker's buffer by `read_buffered`.
pub const BUFFERED_MAX: u64 = 1 << 20;

/// `read_stamped` for a command that reads nothing but the index once a file is
/// indexed: a file of at most `BUFFERED_MAX` bytes is read into this thread's
/// buffer (`Bytes::release` hands it back once the file is indexed), which costs
/// less than mapping it for the life of the corpus (its pages entered a few at a
/// time, and unmapped when the process ends). Larger files, compressed ones and
/// standard input are read as `read_stamped` reads them.
pub fn read_buffered(
    path: &Path,
) -> Result<(Bytes, Option<Problem>, Option<crate::load::watch::Stamp>), Problem> {
    if is_stdin(path) || crate::demo::embedded(path).is_some() {
        return read_stamped(path);
    }
    BUFFER.with_borrow_mut(|buffer| read_into(path, buffer))
}

fn read_into(
    path: &Path,
    buffer: &mut Vec<u8>,
) -> Result<(Bytes, Option<Problem>, Option<crate::load::watch::Stamp>), Problem> {
    let io = |e: std::io::Error| Problem::new(path, ProblemKind::Io, e.to_string());
    let (file, meta) = open_regular_meta(path).map_err(io)?;
    let stamp = crate::load::watch::Stamp::of(&meta);
    if meta.len() == 0 || meta.len() > BUFFERED_MAX {
        drop(file);
        return read_stamped(path);
    }
    // The buffer keeps the bytes it was last given: growing it writes zeros only
    // past them (a fresh zeroed buffer per file would cost a pass over each).
    let mut v = std::mem::take(buffer);
    let len = meta.len() as usize;
    if v.len() < len {
        v.resize(len, 0);
    } else {
        v.truncate(len);
    }
    // The file as it was opened: what it grew by since is left for a later read.
    if let Err(e) = (&file).read_exact(&mut v) {
        *buffer = v;
        return match e.kind() {
            // Cut short while it was read: read it as `read_stamped` does.
            std::io::ErrorKind::UnexpectedEof => read_stamped(path),
            _ => Err(io(e)),
        };
    }
    if is_gzip(&v) {
        let out = gunzip(path, &v);
        *buffer = v;
        let (bytes, damage) = out?;
        return Ok((without_bom(bytes), damage, Some(stamp)));
    }
    let again = Again {
        path: path.to_path_buf(),
        stamp,
        mapped: std::sync::OnceLock::new(),
    };
    Ok((
        without_bom(Bytes::Read(v, Box::new(again))),
        None,
        Some(stamp),
    ))
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

/// A file's bytes, how it was when they were read, and what detection found in its
/// first record when it was sorted from them.
type Early = (
    Bytes,
    Option<crate::load::watch::Stamp>,
    Option<crate::load::profile::detect::Claims>,
);

impl Prefetched {
    pub fn new(
        path: &Path,
        bytes: Bytes,
        stamp: Option<crate::load::watch::Stamp>,
        claims: Option<crate::load::profile::detect::Claims>,
    ) -> Prefetched {
        let early = std::sync::Mutex::new(Some((bytes, stamp, claims)));
        Prefetched(std::sync::Arc::new((path.to_path_buf(), early)))
    }

    /// The bytes, stamp and claims of `path`, the first time they are asked for; none when
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A file read into the buffer and let go of reads again as it was opened while
    /// it is the same file, grown or not; replaced or removed, it reads as zeros the
    /// length it had, and says so (`lost`).
    #[test]
    fn a_released_file_reads_again_as_it_was_or_says_it_is_lost() {
        let dir = tempfile::tempdir().unwrap();
        let text = b"\xef\xbb\xbf{\"id\":\"a\"}\n{\"id\":\"b\"}\n";
        let read = |name: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            let (mut b, damage, stamp) = read_buffered(&path).unwrap();
            assert!(damage.is_none());
            assert_eq!(stamp.unwrap().len, text.len() as u64);
            assert_eq!(&b[..], &text[3..]);
            assert!(matches!(&b, Bytes::AfterBom(inner) if matches!(**inner, Bytes::Read(..))));
            b.release();
            assert!(b.let_go());
            assert_eq!(b.len(), text.len() - 3);
            assert!(b.let_go(), "its length is known without reading it");
            (path, b)
        };

        let (path, grown) = read("grown.jsonl");
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        std::io::Write::write_all(&mut f, b"{\"id\":\"c\"}\n").unwrap();
        assert_eq!(&grown[..], &text[3..]);
        assert!(!grown.let_go() && !grown.lost());

        let (path, replaced) = read("replaced.jsonl");
        let other = dir.path().join("other.jsonl");
        std::fs::write(&other, b"{\"id\":\"z\"}\n{\"id\":\"y\"}\n{\"id\":\"x\"}\n").unwrap();
        std::fs::rename(&other, &path).unwrap();
        assert_eq!(&replaced[..], &vec![0; text.len() - 3][..]);
        assert!(replaced.lost());

        let (path, removed) = read("removed.jsonl");
        std::fs::remove_file(&path).unwrap();
        assert_eq!(removed.len(), text.len() - 3);
        assert!(removed.iter().all(|&b| b == 0));
        assert!(removed.lost());

        let (path, shrunk) = read("shrunk.jsonl");
        std::fs::write(&path, b"{}").unwrap();
        assert!(shrunk.iter().all(|&b| b == 0) && shrunk.lost());
    }

    /// Past `BUFFERED_MAX`, and compressed, a file is read as `read_stamped` reads
    /// it; the buffer's next file reads whole whatever the last one left in it.
    #[test]
    fn the_buffer_holds_small_plain_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.jsonl");
        std::fs::write(&big, vec![b' '; BUFFERED_MAX as usize + 1]).unwrap();
        let (b, _, _) = read_buffered(&big).unwrap();
        assert!(matches!(b, Bytes::Mapped(_)));

        let packed = dir.path().join("p.jsonl");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, b"{\"a\":1}\n").unwrap();
        std::fs::write(&packed, gz.finish().unwrap()).unwrap();
        let (mut b, _, _) = read_buffered(&packed).unwrap();
        assert_eq!(&b[..], b"{\"a\":1}\n");
        b.release();
        assert!(matches!(b, Bytes::Owned(_)));

        for (name, len) in [("a", 5000), ("b", 10), ("c", 7000), ("d", 7000)] {
            let path = dir.path().join(name);
            let text: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            std::fs::write(&path, &text).unwrap();
            let (mut b, _, _) = read_buffered(&path).unwrap();
            assert_eq!(&b[..], &text[..], "{name}");
            b.release();
        }
    }
}
