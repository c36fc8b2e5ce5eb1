//! Mapped input files guarded against shrinking: a read past the new end of a file
//! that another process truncated gets zeros instead of SIGBUS, and the mapping is
//! marked as having lost bytes, so what was read can be said to be incomplete.
//!
//! Every mapping is registered in a fixed table the SIGBUS handler can read without
//! allocating or locking. A fault inside a registered mapping has an anonymous zero
//! page put over the faulting page (`mmap` with `MAP_FIXED`), and execution goes on;
//! any other SIGBUS calls the fatal hook (the interface restores the terminal there)
//! and then takes the default action.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Mappings guarded at once; more are mapped unguarded (a fault there ends the
/// process as before, after the fatal hook).
const SLOTS: usize = 1 << 16;

static START: [AtomicUsize; SLOTS] = [const { AtomicUsize::new(0) }; SLOTS];
static LEN: [AtomicUsize; SLOTS] = [const { AtomicUsize::new(0) }; SLOTS];
static LOST: [AtomicBool; SLOTS] = [const { AtomicBool::new(false) }; SLOTS];
/// One past the highest slot ever used: the handler scans below it.
static HIGH: AtomicUsize = AtomicUsize::new(0);
/// Where the search for a free slot starts.
static HINT: AtomicUsize = AtomicUsize::new(0);
static PAGE: AtomicUsize = AtomicUsize::new(4096);
/// Called before the process dies of a SIGBUS outside every guarded mapping.
static FATAL: AtomicUsize = AtomicUsize::new(0);
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// A registered mapping; unregistered when dropped.
#[derive(Debug)]
pub struct Slot(usize);

impl Slot {
    /// Whether a read of this mapping has met the file's new, shorter end.
    pub fn lost(&self) -> bool {
        LOST[self.0].load(Ordering::SeqCst)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        LEN[self.0].store(0, Ordering::SeqCst);
        START[self.0].store(0, Ordering::SeqCst);
        LOST[self.0].store(false, Ordering::SeqCst);
        HINT.store(self.0, Ordering::Relaxed);
    }
}

/// Registers the mapping at `ptr..ptr+len`; `None` when the table is full.
pub fn register(ptr: *const u8, len: usize) -> Option<Slot> {
    if len == 0 {
        return None;
    }
    let from = HINT.load(Ordering::Relaxed);
    for k in 0..SLOTS {
        let i = (from + k) % SLOTS;
        if LEN[i]
            .compare_exchange(0, usize::MAX, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            // Reserved (a length no fault can fall in until the start is set).
            START[i].store(ptr as usize, Ordering::SeqCst);
            LOST[i].store(false, Ordering::SeqCst);
            HIGH.fetch_max(i + 1, Ordering::SeqCst);
            LEN[i].store(len, Ordering::SeqCst);
            HINT.store(i + 1, Ordering::Relaxed);
            return Some(Slot(i));
        }
    }
    None
}

/// Sets what runs before the process dies of a SIGBUS that no guard covers; it must
/// make only async-signal-safe calls.
pub fn on_fatal(hook: extern "C" fn()) {
    FATAL.store(hook as usize, Ordering::SeqCst);
}

/// Installs the handler (once). Without it a fault in a shrunk mapping ends the
/// process with SIGBUS.
pub fn install() {
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if page > 0 {
        PAGE.store(page as usize, Ordering::SeqCst);
    }
    // SAFETY: installs a handler that only reads atomics and calls mmap, sigaction
    // and the fatal hook.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_bus as *const () as usize;
        sa.sa_flags = libc::SA_SIGINFO;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(libc::SIGBUS, &sa, std::ptr::null_mut());
    }
}

extern "C" fn on_bus(_: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo for SA_SIGINFO handlers.
    let addr = unsafe { (*info).si_addr() } as usize;
    let page = PAGE.load(Ordering::Relaxed);
    let high = HIGH.load(Ordering::Relaxed);
    for i in 0..high {
        let len = LEN[i].load(Ordering::Relaxed);
        if len == 0 || len == usize::MAX {
            continue;
        }
        let start = START[i].load(Ordering::Relaxed);
        if addr >= start && addr - start < len {
            let at = addr & !(page - 1);
            // SAFETY: `at` is a page inside a read-only mapping we own; replacing it
            // with a zero page keeps the range mapped until its owner unmaps it.
            let put = unsafe {
                libc::mmap(
                    at as *mut libc::c_void,
                    page,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                    -1,
                    0,
                )
            };
            if put != libc::MAP_FAILED {
                LOST[i].store(true, Ordering::SeqCst);
                return;
            }
        }
    }
    let hook = FATAL.load(Ordering::SeqCst);
    if hook != 0 {
        // SAFETY: only `on_fatal` stores here, from an `extern "C" fn()`.
        let f: extern "C" fn() = unsafe { std::mem::transmute(hook) };
        f();
    }
    // SAFETY: back to the default action; returning re-runs the faulting access,
    // which now ends the process with SIGBUS as without the guard.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = libc::SIG_DFL;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(libc::SIGBUS, &sa, std::ptr::null_mut());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_past_the_new_end_of_a_truncated_file_gets_zeros() {
        install();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        std::fs::write(&path, vec![b'x'; 3 * 65536]).unwrap();
        let bytes = crate::load::input::bytes::read(&path).unwrap();
        assert!(!bytes.lost());
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(100)
            .unwrap();
        assert_eq!(bytes[50], b'x');
        let tail = &bytes[2 * 65536..];
        assert!(tail.iter().all(|&b| b == 0));
        assert!(bytes.lost());
        assert_eq!(bytes.len(), 3 * 65536);
    }

    #[test]
    fn slots_are_given_back() {
        let a = register(0x1000 as *const u8, 10).unwrap();
        let i = a.0;
        drop(a);
        assert_eq!(LEN[i].load(Ordering::SeqCst), 0);
        let b = register(0x2000 as *const u8, 10).unwrap();
        assert_eq!(START[b.0].load(Ordering::SeqCst), 0x2000);
    }
}
