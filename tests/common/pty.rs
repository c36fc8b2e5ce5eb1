//! The real binary in a pseudo-terminal, its screen read back through a terminal
//! emulator.

use portable_pty::{native_pty_system, CommandBuilder, PtySize};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Pty {
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    bytes: Arc<Mutex<Vec<u8>>>,
    /// Set when the terminal's output has ended (the program and its children closed it).
    drained: Arc<std::sync::atomic::AtomicBool>,
    pub _master: Box<dyn portable_pty::MasterPty + Send>,
    size: (u16, u16),
}

impl Pty {
    pub fn start(args: &[&str]) -> Pty {
        Pty::start_sized(args, 24, 80, &[])
    }

    /// Starts the binary in a `rows`×`cols` pseudo-terminal with extra environment.
    pub fn start_sized(args: &[&str], rows: u16, cols: u16, env: &[(&str, &str)]) -> Pty {
        Pty::start_at(&super::root(), args, rows, cols, env)
    }

    /// As `start_sized`, in the folder `cwd`.
    pub fn start_at(
        cwd: &std::path::Path,
        args: &[&str],
        rows: u16,
        cols: u16,
        env: &[(&str, &str)],
    ) -> Pty {
        Pty::start_program(env!("CARGO_BIN_EXE_afscope"), cwd, args, (rows, cols), env)
    }

    /// Starts `program` (the binary, or a wrapper that runs it) with `args`.
    pub fn start_program(
        program: &str,
        cwd: &std::path::Path,
        args: &[&str],
        (rows, cols): (u16, u16),
        env: &[(&str, &str)],
    ) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("pty");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.cwd(cwd);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let sink = bytes.clone();
        let drained = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let done = drained.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
            done.store(true, std::sync::atomic::Ordering::SeqCst);
        });
        Pty {
            child,
            writer,
            bytes,
            drained,
            _master: pair.master,
            size: (rows, cols),
        }
    }

    /// The screen as of the last frame drawn whole: a frame still being written
    /// (its synchronized update begun and not ended) is left out.
    pub fn screen(&self) -> String {
        const BEGIN: &[u8] = b"\x1b[?2026h";
        const END: &[u8] = b"\x1b[?2026l";
        let bytes = self.bytes.lock().unwrap();
        let last = |m: &[u8]| bytes.windows(m.len()).rposition(|w| w == m);
        let whole = match (last(BEGIN), last(END)) {
            (Some(b), e) if e.is_none_or(|e| e < b) => &bytes[..b],
            _ => &bytes[..],
        };
        let mut p = vt100::Parser::new(nz(self.size.0), nz(self.size.1), 0);
        p.process(whole);
        p.screen().contents()
    }

    pub fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "timed out waiting for {text:?}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    pub fn keys(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(60));
    }

    /// Writes keys without waiting.
    pub fn write_now(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    pub fn raw(&self) -> Vec<u8> {
        self.bytes.lock().unwrap().clone()
    }

    pub fn signal(&self, sig: &str) {
        let pid = self.child.process_id().expect("pid").to_string();
        let ok = std::process::Command::new("kill")
            .args([format!("-{sig}"), pid])
            .status()
            .unwrap()
            .success();
        assert!(ok);
    }

    pub fn wait_exit(&mut self) -> u32 {
        let start = Instant::now();
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                // Everything the program wrote before it ended is read before anyone
                // looks at it.
                while !self.drained.load(std::sync::atomic::Ordering::SeqCst)
                    && start.elapsed() < Duration::from_secs(10)
                {
                    std::thread::sleep(Duration::from_millis(10));
                }
                return st.exit_code();
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "did not exit; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }
}

pub fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("non-zero size")
}

pub const ENTER_ALT: &[u8] = b"\x1b[?1049h";
pub const LEAVE_ALT: &[u8] = b"\x1b[?1049l";
pub const SHOW_CURSOR: &[u8] = b"\x1b[?25h";

/// The terminal was given back: the last screen switch leaves the alternate screen,
/// and the cursor is shown again after it.
pub fn assert_restored(raw: &[u8]) {
    let leave = raw
        .windows(LEAVE_ALT.len())
        .rposition(|w| w == LEAVE_ALT)
        .expect("left the alternate screen");
    let enter = raw
        .windows(ENTER_ALT.len())
        .rposition(|w| w == ENTER_ALT)
        .unwrap();
    assert!(
        leave > enter,
        "the last screen switch is back to the main screen"
    );
    assert!(
        raw[leave..]
            .windows(SHOW_CURSOR.len())
            .any(|w| w == SHOW_CURSOR),
        "cursor shown again"
    );
}
