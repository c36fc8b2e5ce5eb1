//! Lists of millions of row numbers, made fast: their memory is asked of the kernel
//! in huge pages where it has them, and filled on every core.

use rayon::prelude::*;

/// Below this many rows a list is made the ordinary way.
const BIG: usize = 1 << 20;

/// `n` zeroed row numbers; a big list's memory is advised to be backed by huge pages
/// before it is first touched (a fault per 2 MiB instead of per 4 KiB).
pub fn zeroed(n: usize) -> Vec<u32> {
    let mut v = vec![0u32; n];
    if n >= BIG {
        advise_huge(&mut v);
    }
    v
}

/// The rows `0..n`, written in parallel.
pub fn all(n: u32) -> Vec<u32> {
    let mut v = zeroed(n as usize);
    v.par_chunks_mut(1 << 16).enumerate().for_each(|(c, part)| {
        let base = (c << 16) as u32;
        for (k, slot) in part.iter_mut().enumerate() {
            *slot = base + k as u32;
        }
    });
    v
}

/// `src` copied, written in parallel.
pub fn copied(src: &[u32]) -> Vec<u32> {
    let mut v = zeroed(src.len());
    v.par_chunks_mut(1 << 16)
        .zip(src.par_chunks(1 << 16))
        .for_each(|(to, from)| to.copy_from_slice(from));
    v
}

#[cfg(target_os = "linux")]
fn advise_huge(v: &mut [u32]) {
    const HUGE: usize = 2 << 20;
    let start = v.as_mut_ptr() as usize;
    let end = start + std::mem::size_of_val(v);
    let (from, to) = (start.next_multiple_of(HUGE), end / HUGE * HUGE);
    if to > from {
        // SAFETY: the range lies inside `v`'s allocation, which we hold mutably;
        // the advice changes how its pages are backed, never their contents.
        unsafe {
            libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge(_: &mut [u32]) {}

#[cfg(test)]
mod tests {
    #[test]
    fn lists_hold_what_they_are_made_of() {
        for n in [0u32, 1, 70_000, (1 << 20) + 3] {
            let all = super::all(n);
            assert_eq!(all.len(), n as usize);
            assert!(all.iter().enumerate().all(|(k, &v)| v == k as u32));
            assert_eq!(super::copied(&all), all);
            assert!(super::zeroed(n as usize).iter().all(|&v| v == 0));
        }
    }
}
