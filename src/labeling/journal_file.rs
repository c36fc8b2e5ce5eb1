//! The label journal on disk: opened with an exclusive lock (a second afscope on the
//! same journal gets it read-only, with who holds it), replayed on open, and appended
//! one event at a time, each written and fsync'd before it counts as saved.

use crate::model::journal::{Event, Keep, Replay};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// An open journal.
#[derive(Debug)]
pub struct JournalFile {
    path: PathBuf,
    /// Open for appending; `None` when read-only.
    file: Option<File>,
    /// Held for as long as the journal is open for writing (released by the system
    /// when the process ends, however it ends).
    _lock: Option<File>,
    /// Why the journal is read-only, when it is.
    pub read_only: Option<String>,
    /// The last line on disk lacks its newline (an interrupted write): the next
    /// append starts a new line first.
    torn: bool,
    next_seq: u64,
    /// Fault injection for tests: the next append writes this many bytes and fails.
    pub(crate) fail_after: Option<usize>,
}

/// Opens (creating it) a journal's lock file, never through a link, and only when it
/// is a regular file: a link or device planted at its name is refused, never
/// truncated or written.
fn open_lock(path: &Path) -> std::io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC);
    }
    let file = opts.open(path).map_err(|e| {
        #[cfg(unix)]
        let link = e.raw_os_error() == Some(libc::ELOOP);
        #[cfg(not(unix))]
        let link = false;
        if link {
            std::io::Error::other("it is a link; refused (remove it, or choose another journal)")
        } else {
            e
        }
    })?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other(
            "it is not a regular file; refused (remove it, or choose another journal)",
        ));
    }
    Ok(file)
}

/// Where the lock of a journal lives.
pub fn lock_path(journal: &Path) -> PathBuf {
    let mut s = journal.as_os_str().to_owned();
    s.push(".lock");
    PathBuf::from(s)
}

impl JournalFile {
    /// Opens (creating it if missing) and replays a journal. When another afscope
    /// holds its lock, the journal opens read-only and `read_only` says who holds it.
    pub fn open(path: &Path, who: &str) -> Result<(JournalFile, Replay), String> {
        let err = |what: &str, e: std::io::Error| {
            format!(
                "{}: {what}: {e} (choose another journal with --labels FILE)",
                path.display()
            )
        };
        if let Ok(m) = std::fs::metadata(path) {
            if !m.is_file() {
                return Err(format!("{}: not a regular file", path.display()));
            }
        }
        let lock_file = open_lock(&lock_path(path)).map_err(|e| err("its lock file", e))?;
        let (lock, read_only) = match lock_file.try_lock() {
            Ok(()) => {
                let mut l = lock_file;
                let holder = format!(
                    "{who} (pid {}) since {}\n",
                    std::process::id(),
                    crate::labeling::now_rfc3339()
                );
                // The holder's name is a courtesy for the message below; failing to
                // write it does not stop labeling.
                let _ = l.set_len(0).and_then(|_| l.write_all(holder.as_bytes()));
                (Some(l), None)
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = (&lock_file).take(4096).read_to_string(&mut holder);
                let holder = crate::model::sanitize::visible(holder.trim(), false).into_owned();
                let holder = holder.as_str();
                (
                    None,
                    Some(format!(
                        "{} is open for labeling by {}; read-only here. To label now, give your own file (--labels mine.jsonl) and join the two later with afscope labels merge",
                        path.display(),
                        if holder.is_empty() { "another afscope" } else { holder }
                    )),
                )
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(err("cannot lock", e)),
        };
        let read = |f: &File| Replay::read_stream(f, Keep::All).map_err(|e| err("cannot read", e));
        let (file, replay) = if read_only.is_none() {
            let mut f = OpenOptions::new()
                .read(true)
                .append(true)
                .create(true)
                .open(path)
                .map_err(|e| err("cannot open for appending", e))?;
            f.seek(SeekFrom::Start(0))
                .map_err(|e| err("cannot read", e))?;
            let replay = read(&f)?;
            (Some(f), replay)
        } else {
            match File::open(path) {
                Ok(f) => (None, read(&f)?),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => (None, Replay::default()),
                Err(e) => return Err(err("cannot read", e)),
            }
        };
        if !replay.is_journal() {
            return Err(format!(
                "{}: not a label journal (labels in another layout are read with --label-set or `afscope labels import`); give a new file with --labels",
                path.display()
            ));
        }
        let j = JournalFile {
            path: path.to_path_buf(),
            file,
            _lock: lock,
            read_only,
            torn: replay.ends_torn(),
            next_seq: replay.max_seq + 1,
            fail_after: None,
        };
        Ok((j, replay))
    }

    /// The journal as it is on disk now (another afscope may have written to it).
    pub fn replay(&self) -> Result<Replay, String> {
        match File::open(&self.path) {
            Ok(f) => Replay::read_stream(f, Keep::All)
                .map_err(|e| format!("{}: cannot read: {e}", self.path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && self.file.is_none() => {
                Ok(Replay::default())
            }
            Err(e) => Err(format!("{}: cannot read: {e}", self.path.display())),
        }
    }

    /// The sequence number the next event takes.
    pub fn next_seq(&mut self) -> u64 {
        let s = self.next_seq;
        self.next_seq += 1;
        s
    }

    /// Writes one event and waits until it is on disk. An error leaves the event
    /// unsaved; the caller keeps it and may try again.
    pub fn append(&mut self, event: &Event) -> Result<(), String> {
        let Some(file) = self.file.as_mut() else {
            return Err(self
                .read_only
                .clone()
                .unwrap_or_else(|| "the journal is read-only".into()));
        };
        let mut line = event.line();
        if self.torn {
            line.insert(0, '\n');
        }
        let path = &self.path;
        let err = |e: std::io::Error| format!("{}: cannot save the label: {e}", path.display());
        same_file(path, file)?;
        let before = file.metadata().map_err(err)?.len();
        // One write call per event: a process killed mid-way leaves either the whole
        // line or none of it (the replay also tolerates a torn last line).
        let written = write_line(file, line.as_bytes(), self.fail_after.take())
            .and_then(|_| file.sync_data());
        if let Err(e) = written {
            // Whatever part of the line reached the file is taken back (the lock is
            // ours), so a retry never follows a torn line; if even that fails, the
            // next event starts on a line of its own.
            let restored = file.set_len(before).and_then(|_| file.sync_data());
            if restored.is_err() {
                self.torn = true;
            }
            return Err(err(e));
        }
        self.torn = false;
        Ok(())
    }
}

/// Writes a journal line. `fail_after` (tests only) writes that many bytes of it and
/// then fails, as a full disk or a file-size limit does mid-line.
fn write_line(file: &mut File, line: &[u8], fail_after: Option<usize>) -> std::io::Result<()> {
    match fail_after {
        Some(n) => {
            file.write_all(&line[..n.min(line.len())])?;
            Err(std::io::Error::other("injected failure mid-line"))
        }
        None => file.write_all(line),
    }
}

/// The open file must still be the file at `path`: a journal moved or deleted while
/// open would take labels nobody will find.
#[cfg(unix)]
fn same_file(path: &Path, file: &File) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let open = file
        .metadata()
        .map_err(|e| format!("{}: cannot save the label: {e}", path.display()))?;
    match std::fs::metadata(path) {
        Ok(m) if (m.dev(), m.ino()) == (open.dev(), open.ino()) => Ok(()),
        Ok(_) => Err(format!(
            "{}: cannot save the label: the journal was replaced while open",
            path.display()
        )),
        Err(e) => Err(format!(
            "{}: cannot save the label: the journal was moved or deleted while open ({e})",
            path.display()
        )),
    }
}

#[cfg(not(unix))]
fn same_file(_: &Path, _: &File) -> Result<(), String> {
    Ok(())
}

/// Writes events that could not be saved to a new file in the temporary directory and
/// returns its path, so that quitting never drops a label.
pub fn rescue(events: &[Event]) -> Result<PathBuf, String> {
    rescue_in(&std::env::temp_dir(), events)
}

/// `rescue` into `dir`: a new file only (readable by its owner alone), so a link or
/// file another user planted at the name in a shared folder is never followed.
pub fn rescue_in(dir: &Path, events: &[Event]) -> Result<PathBuf, String> {
    let stamp = crate::labeling::now_rfc3339().replace(':', "");
    let mut opened = None;
    for k in 0..16u32 {
        let path = dir.join(format!(
            "afscope-unsaved-labels-{}-{stamp}-{k}.jsonl",
            std::process::id()
        ));
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        match opts.open(&path) {
            Ok(f) => {
                opened = Some((f, path));
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
    }
    let (mut f, path) =
        opened.ok_or_else(|| format!("{}: no free name for the rescue file", dir.display()))?;
    for e in events {
        f.write_all(e.line().as_bytes())
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    f.sync_all()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_rescue_never_follows_a_planted_name() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let stamp = crate::labeling::now_rfc3339().replace(':', "");
        for k in 0..3 {
            let planted = dir.path().join(format!(
                "afscope-unsaved-labels-{}-{stamp}-{k}.jsonl",
                std::process::id()
            ));
            std::os::unix::fs::symlink(&victim, planted).unwrap();
        }
        let ev = Event::Undo {
            seq: 1,
            time: "2026-11-22T10:04:05Z".into(),
            transcript_id: "t".into(),
            labeler: "ana".into(),
            undoes: 0,
        };
        // The stamp may have moved on a second: then the first name is free anyway.
        let p = rescue_in(dir.path(), std::slice::from_ref(&ev)).unwrap();
        assert!(std::fs::read_to_string(&p).unwrap().contains("\"undo\""));
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_or_fifo_at_the_lock_name_is_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "precious\n").unwrap();
        let journal = dir.path().join("j.jsonl");
        std::os::unix::fs::symlink(&victim, lock_path(&journal)).unwrap();
        let Err(err) = JournalFile::open(&journal, "ana") else {
            panic!("refused")
        };
        assert!(
            err.contains("its lock file: it is a link; refused"),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
        // A FIFO neither hangs the open nor is taken as the lock.
        let journal = dir.path().join("k.jsonl");
        let fifo = std::ffi::CString::new(lock_path(&journal).to_str().unwrap()).unwrap();
        // SAFETY: a valid, NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        let Err(err) = JournalFile::open(&journal, "ana") else {
            panic!("refused")
        };
        assert!(err.contains("not a regular file; refused"), "{err}");
    }
    use crate::model::LabelRecord;

    fn set(seq: u64, id: &str) -> Event {
        let mut values = serde_json::Map::new();
        values.insert("af".into(), "yes".into());
        Event::Set {
            seq,
            label: LabelRecord {
                transcript_id: id.into(),
                labeler: "ana".into(),
                time: "t".into(),
                schema: 1,
                source: None,
                shown: None,
                values,
            },
        }
    }

    #[test]
    fn appends_replay_and_a_second_opener_is_read_only() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("labels.jsonl");
        let (mut j, r) = JournalFile::open(&p, "ana").unwrap();
        assert!(r.events.is_empty() && j.read_only.is_none());
        let s = j.next_seq();
        j.append(&set(s, "t1")).unwrap();
        let (mut second, r2) = JournalFile::open(&p, "ben").unwrap();
        let why = second.read_only.clone().expect("locked");
        assert!(why.contains("ana (pid"), "{why}");
        assert_eq!(
            r2.events.len(),
            1,
            "the read-only opener still sees the labels"
        );
        assert!(second.append(&set(9, "t2")).is_err());
        drop(j);
        drop(second);
        let (mut j, r) = JournalFile::open(&p, "ben").unwrap();
        assert!(j.read_only.is_none(), "the lock goes with the first opener");
        assert_eq!(r.current("t1", "ana").unwrap().af(), Some("yes"));
        assert_eq!(j.next_seq(), 2);
    }

    #[test]
    fn a_torn_last_line_is_closed_before_the_next_event() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("labels.jsonl");
        let good = set(1, "t1").line();
        std::fs::write(&p, format!("{good}{{\"event\":\"set\",\"se")).unwrap();
        let (mut j, r) = JournalFile::open(&p, "ana").unwrap();
        assert_eq!(r.bad.len(), 1);
        j.append(&set(2, "t2")).unwrap();
        drop(j);
        let r = Replay::parse(&std::fs::read_to_string(&p).unwrap());
        assert_eq!(r.events.len(), 2);
        assert_eq!(r.bad.len(), 1, "only the torn line stays bad");
        assert!(r.current("t2", "ana").is_some());
    }

    #[test]
    fn a_write_that_fails_mid_line_leaves_no_torn_line_and_the_retry_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("labels.jsonl");
        let (mut j, _) = JournalFile::open(&p, "ana").unwrap();
        j.append(&set(1, "t1")).unwrap();
        for cut in [1, 17, set(2, "t2").line().len() - 1] {
            j.fail_after = Some(cut);
            assert!(j.append(&set(2, "t2")).is_err(), "{cut}");
            let r = Replay::parse(&std::fs::read_to_string(&p).unwrap());
            assert!(r.bad.is_empty(), "{cut}: {:?}", r.bad);
            assert_eq!(r.events.len(), 1, "{cut}");
        }
        // The retry, as the interface's `r` makes it.
        j.append(&set(2, "t2")).unwrap();
        j.append(&set(3, "t3")).unwrap();
        drop(j);
        let r = Replay::parse(&std::fs::read_to_string(&p).unwrap());
        assert!(r.bad.is_empty(), "{:?}", r.bad);
        assert_eq!(r.events.len(), 3);
        assert!(r.current("t2", "ana").is_some());
        assert!(r.current("t3", "ana").is_some());
    }

    #[test]
    fn a_journal_with_a_torn_first_line_opens_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("labels.jsonl");
        // A power cut during the first label, then a second session's labels.
        std::fs::write(
            &p,
            format!(
                "{{\"event\":\"set\",\"seq\":1,\"la\n{}",
                set(2, "t2").line()
            ),
        )
        .unwrap();
        let (mut j, r) = JournalFile::open(&p, "ana").unwrap();
        assert_eq!(r.bad.len(), 1);
        assert!(r.current("t2", "ana").is_some());
        j.append(&set(3, "t3")).unwrap();
        // Only the start of the first label on disk: still a journal.
        let q = dir.path().join("cut.jsonl");
        std::fs::write(&q, "{\"event\":\"set\",\"seq\":1,\"la").unwrap();
        let (mut j, r) = JournalFile::open(&q, "ana").unwrap();
        assert!(r.events.is_empty());
        j.append(&set(1, "t1")).unwrap();
        drop(j);
        let r = Replay::parse(&std::fs::read_to_string(&q).unwrap());
        assert!(r.current("t1", "ana").is_some());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_failed_write_is_an_error_naming_the_file() {
        let mut j = JournalFile {
            path: PathBuf::from("/dev/full"),
            file: Some(OpenOptions::new().append(true).open("/dev/full").unwrap()),
            _lock: None,
            read_only: None,
            torn: false,
            next_seq: 1,
            fail_after: None,
        };
        let e = j.append(&set(1, "t1")).unwrap_err();
        assert!(e.starts_with("/dev/full: cannot save the label"), "{e}");
    }

    #[test]
    fn a_journal_moved_or_deleted_while_open_refuses_labels() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("labels.jsonl");
        let (mut j, _) = JournalFile::open(&p, "ana").unwrap();
        j.append(&set(1, "t1")).unwrap();
        std::fs::rename(&p, dir.path().join("moved.jsonl")).unwrap();
        let e = j.append(&set(2, "t2")).unwrap_err();
        assert!(e.contains("moved or deleted"), "{e}");
        std::fs::write(&p, "").unwrap();
        let e = j.append(&set(2, "t2")).unwrap_err();
        assert!(e.contains("replaced"), "{e}");
        assert!(JournalFile::open(Path::new("/dev/null"), "ana")
            .unwrap_err()
            .contains("not a regular file"));
    }

    #[test]
    fn rescue_writes_every_unsaved_event() {
        let p = rescue(&[set(1, "t1"), set(2, "t2")]).unwrap();
        let r = Replay::parse(&std::fs::read_to_string(&p).unwrap());
        assert_eq!(r.labels().len(), 2);
        std::fs::remove_file(p).unwrap();
    }
}
