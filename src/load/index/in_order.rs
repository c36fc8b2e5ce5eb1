//! Work spread over every core of the pool and taken back in order: a file's chunks
//! indexed in parallel and added to the index one after another, as each next one is
//! ready.

use std::ops::ControlFlow;

/// Runs `work` on `0..n` on every core of the pool, each core taking the next number
/// as it finishes one, and hands the results to `take` on this thread in order, as
/// each next one is ready (`more`: the one after it is ready too). Stops handing out
/// work when `take` breaks. Called from a thread outside the pool.
pub(super) fn in_order<T: Send>(
    n: usize,
    work: impl Fn(usize) -> T + Sync,
    mut take: impl FnMut(usize, T, bool) -> ControlFlow<()>,
) -> ControlFlow<()> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    // On a core of the pool already (files opened in parallel), work here in order:
    // waiting here for the pool could wait for this very core.
    if rayon::current_thread_index().is_some() {
        for k in 0..n {
            take(k, work(k), false)?;
        }
        return ControlFlow::Continue(());
    }
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, T)>();
    let mut flow = ControlFlow::Continue(());
    std::thread::scope(|scope| {
        let (next, stop, work) = (&next, &stop, &work);
        scope.spawn(move || {
            rayon::scope(|pool| {
                for _ in 0..rayon::current_num_threads().max(1) {
                    let tx = tx.clone();
                    pool.spawn(move |_| loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        if k >= n || stop.load(Ordering::Relaxed) {
                            break;
                        }
                        if tx.send((k, work(k))).is_err() {
                            break;
                        }
                    });
                }
            });
        });
        let mut ready = std::collections::BTreeMap::new();
        let mut want = 0;
        for (k, t) in rx.iter() {
            ready.insert(k, t);
            while let Some(t) = ready.remove(&want) {
                want += 1;
                if flow.is_continue() {
                    flow = take(want - 1, t, ready.contains_key(&want));
                    if flow.is_break() {
                        stop.store(true, Ordering::Relaxed);
                    }
                }
            }
        }
    });
    flow
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Results come back in order whatever order they finish in, with `more` saying
    /// when the next one is ready too; a `take` that breaks stops the work handed out.
    #[test]
    fn results_are_taken_in_order_and_a_break_stops_the_work() {
        let work = |k: usize| {
            // Later items finish sooner, so they are ready out of order.
            std::thread::sleep(std::time::Duration::from_micros(
                ((40 - k % 40) * 50) as u64,
            ));
            k * 3
        };
        let mut seen = Vec::new();
        let flow = in_order(200, work, |k, v, more| {
            assert_eq!(v, k * 3);
            seen.push((k, more));
            ControlFlow::Continue(())
        });
        assert!(flow.is_continue());
        assert_eq!(
            seen.iter().map(|s| s.0).collect::<Vec<_>>(),
            (0..200).collect::<Vec<_>>()
        );
        assert!(!seen.last().unwrap().1, "nothing is ready after the last");
        let done = std::sync::atomic::AtomicUsize::new(0);
        let mut taken = 0;
        let flow = in_order(
            10_000,
            |k| {
                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                std::thread::sleep(std::time::Duration::from_micros(100));
                k
            },
            |k, _, _| {
                taken += 1;
                if k == 5 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
        );
        assert!(flow.is_break());
        assert_eq!(taken, 6);
        assert!(done.into_inner() < 1_000, "work stops being handed out");
        assert!(in_order(0, |k| k, |_, _, _| ControlFlow::Break(())).is_continue());
    }
}
