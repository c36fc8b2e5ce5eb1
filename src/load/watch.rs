//! Input files that changed since they were opened (grown, shrunk, replaced,
//! rewritten, removed), found the same way by every command and the interface.

use crate::load::Corpus;
use crate::model::sanitize::visible;
use std::path::PathBuf;

/// A file as it was when opened: its size, identity and modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub len: u64,
    pub dev: u64,
    pub ino: u64,
    /// Nanoseconds since 1970.
    pub modified: i128,
}

impl Stamp {
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Stamp {
                len: meta.len(),
                dev: meta.dev(),
                ino: meta.ino(),
                modified: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
            }
        }
        #[cfg(not(unix))]
        {
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as i128);
            Stamp {
                len: meta.len(),
                dev: 0,
                ino: 0,
                modified,
            }
        }
    }
}

/// How a file changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum How {
    /// Longer, the same file: records appended.
    Grew,
    /// Shorter, the same file: truncated.
    Shrank,
    /// Another file under the same name (written beside and renamed over it).
    Replaced,
    /// The same size and file, written since.
    Rewritten,
    Removed,
    /// It can no longer be looked at (permissions, a lost mount).
    Unreadable(String),
}

/// A file that is no longer as it was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub path: PathBuf,
    pub how: How,
    /// Its size when opened, and now.
    pub from: u64,
    pub to: u64,
    /// Transcripts whose records lay past the new end of a shrunk file, when its
    /// records are at file offsets (not decompressed).
    pub gone: Option<usize>,
    /// Appended records can be indexed as they come: a plain JSONL file that grew.
    pub followable: bool,
}

impl Change {
    /// What happened, in one line.
    pub fn message(&self) -> String {
        let p = visible(&self.path.display().to_string(), false).into_owned();
        let (from, to) = (size(self.from), size(self.to));
        match &self.how {
            How::Grew => format!("{p} grew while open: {from} → {to}"),
            How::Shrank => match self.gone {
                Some(n) => format!(
                    "{p} changed while open: {from} → {to}; {} transcript{} gone",
                    thousands(n),
                    if n == 1 { " is" } else { "s are" }
                ),
                None => format!(
                    "{p} changed while open: {from} → {to}; what lay past its new end is gone"
                ),
            },
            How::Replaced => format!("{p} was replaced while open: {from} → {to}; shown as it was"),
            How::Rewritten => {
                format!("{p} was rewritten while open ({to}); reads may differ from the index")
            }
            How::Removed => format!("{p} was removed while open; shown as it was read"),
            How::Unreadable(why) => format!(
                "{p} can no longer be read ({}); shown as it was read",
                visible(why, false)
            ),
        }
    }

    /// Whether what was indexed is no longer what the file holds (anything but
    /// records appended).
    pub fn destructive(&self) -> bool {
        self.how != How::Grew
    }
}

/// Each opened file that is no longer as it was opened (the newest source of each
/// path is compared: records appended and indexed since count as seen).
pub fn changes(corpus: &Corpus) -> Vec<Change> {
    let mut out = Vec::new();
    // Sources by path, in the order paths first appear (a log opened in parts, and
    // records appended since, are sources of the same path).
    // Keyed by the path as spelled (hashed as bytes, not component by component: a
    // tree of thousands of files): its sources are opened from the same spelling.
    let mut order: Vec<&std::path::Path> = Vec::new();
    let mut of: std::collections::HashMap<&std::ffi::OsStr, Vec<u16>, foldhash::fast::RandomState> =
        Default::default();
    for (k, s) in corpus.sources.iter().enumerate() {
        of.entry(s.path.as_os_str())
            .or_insert_with(|| {
                order.push(s.path.as_path());
                Vec::new()
            })
            .push(k as u16);
    }
    // Each file is looked at again on the pool: a tree of thousands of files costs
    // a stat each.
    let newest = |path: &std::path::Path| {
        let ids = &of[path.as_os_str()];
        &corpus.sources[usize::from(ids[ids.len() - 1])]
    };
    let looked: Vec<Option<std::io::Result<std::fs::Metadata>>> = {
        use rayon::prelude::*;
        order
            .par_iter()
            .map(|p| newest(p).stamp.map(|_| std::fs::metadata(p)))
            .collect()
    };
    for (path, looked) in order.into_iter().zip(looked) {
        let ids = &of[path.as_os_str()];
        let src = newest(path);
        let (Some(stamp), Some(looked)) = (src.stamp, looked) else {
            continue;
        };
        let lost = ids
            .iter()
            .any(|&k| corpus.sources[usize::from(k)].bytes.lost());
        let now = match looked {
            Ok(m) => Stamp::of(&m),
            Err(e) => {
                let how = if e.kind() == std::io::ErrorKind::NotFound {
                    How::Removed
                } else {
                    How::Unreadable(e.to_string())
                };
                out.push(Change {
                    path: path.to_path_buf(),
                    how,
                    from: stamp.len,
                    to: 0,
                    gone: None,
                    followable: false,
                });
                continue;
            }
        };
        let how = if (now.dev, now.ino) != (stamp.dev, stamp.ino) {
            How::Replaced
        } else if now.len < stamp.len {
            How::Shrank
        } else if now.len > stamp.len && !lost {
            How::Grew
        } else if now.modified != stamp.modified || lost {
            How::Rewritten
        } else {
            continue;
        };
        let plain = src.bytes.is_mapped() && src.members.is_none();
        let gone = (how == How::Shrank && plain).then(|| {
            corpus
                .index
                .entries
                .iter()
                .filter(|e| ids.contains(&e.source) && e.offset + u64::from(e.len) > now.len)
                .count()
        });
        let followable = how == How::Grew && plain && src.format == crate::load::Format::Jsonl;
        out.push(Change {
            path: path.to_path_buf(),
            how,
            from: stamp.len,
            to: now.len,
            gone,
            followable,
        });
    }
    out
}

/// A size for people: `523 B`, `100 KB`, `1.2 GB` (powers of 1000).
pub fn size(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1000.0 && u + 1 < UNITS.len() {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else if v < 10.0 {
        format!("{v:.1} {}", UNITS[u])
    } else {
        format!("{v:.0} {}", UNITS[u])
    }
}

/// `165000` as `165,000`.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(path: &std::path::Path) -> Corpus {
        Corpus::open(
            &[path.to_path_buf()],
            &crate::load::LoadOptions::default(),
            &mut |_, _, _| std::ops::ControlFlow::Continue(()),
        )
        .unwrap()
    }

    fn lines(n: usize) -> String {
        (0..n)
            .map(|i| format!("{{\"id\":\"t{i}\",\"completion\":\"<OUTPUT>ok</OUTPUT>\"}}\n"))
            .collect()
    }

    #[test]
    fn each_kind_of_change_is_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        std::fs::write(&path, lines(10)).unwrap();
        let corpus = open(&path);
        assert_eq!(corpus.len(), 10);
        assert!(changes(&corpus).is_empty());

        std::fs::write(&path, lines(12)).unwrap();
        let c = changes(&corpus);
        assert_eq!((c[0].how.clone(), c[0].followable), (How::Grew, true));
        assert!(!c[0].destructive());

        let text = lines(10);
        let cut = text.match_indices('\n').nth(3).unwrap().0 + 1;
        std::fs::write(&path, &text[..cut]).unwrap();
        let c = changes(&corpus);
        assert_eq!(c[0].how, How::Shrank);
        assert_eq!(c[0].gone, Some(6));
        assert!(
            c[0].message().contains("6 transcripts are gone"),
            "{}",
            c[0].message()
        );

        let other = dir.path().join("b.jsonl");
        std::fs::write(&other, lines(10)).unwrap();
        std::fs::rename(&other, &path).unwrap();
        assert_eq!(changes(&corpus)[0].how, How::Replaced);

        std::fs::remove_file(&path).unwrap();
        assert_eq!(changes(&corpus)[0].how, How::Removed);
    }

    #[test]
    fn sizes_and_counts_read_as_people_write_them() {
        assert_eq!(size(523), "523 B");
        assert_eq!(size(100_000), "100 KB");
        assert_eq!(size(1_200_000_000), "1.2 GB");
        assert_eq!(thousands(165_000), "165,000");
        assert_eq!(thousands(12), "12");
    }
}
