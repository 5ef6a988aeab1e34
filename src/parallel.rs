//! Work spread over the cores a run may use (`--jobs`). Results come back
//! in the order of the work list whatever thread did what, so the output
//! stays byte-identical to a run on one core.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Input below this many bytes is checked on one thread: starting threads
/// would cost more than the work they share.
pub const WORTH_THREADS: usize = 1 << 20;

/// The cores a run uses unless `--jobs` says otherwise.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `items.iter().map(work).collect()` on up to `jobs` threads: each thread
/// takes the next item when it is free, so one slow item does not hold up
/// the rest.
pub fn map_in_order<T: Sync, R: Send>(
    items: &[T],
    jobs: usize,
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    if jobs <= 1 || items.len() <= 1 {
        return items.iter().map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(items.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let result = work(item);
                if let Ok(mut slot) = results[i].lock() {
                    *slot = Some(result);
                }
            });
        }
    });
    results
        .into_iter()
        .filter_map(|slot| slot.into_inner().ok().flatten())
        .collect()
}

/// `(a(), b())`, side by side when `jobs` allows two threads.
pub fn join<A: Send, B: Send>(
    jobs: usize,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if jobs < 2 {
        return (a(), b());
    }
    std::thread::scope(|scope| {
        let other = scope.spawn(b);
        let first = a();
        match other.join() {
            Ok(second) => (first, second),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Frees `value` on a thread of its own: a million-record zone takes a
/// tenth of a second to free, and the report need not wait for it. When
/// the process ends first, the operating system takes the memory back.
pub fn drop_in_background<T: Send + 'static>(value: T) {
    // If no thread can be started, the closure (and the value) is dropped here.
    let _ = std::thread::Builder::new()
        .name("free".into())
        .spawn(move || drop(value));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_the_work() {
        let items: Vec<u64> = (0..200).collect();
        // Uneven work: later items finish first on other threads.
        let slow_first = |n: &u64| {
            if *n < 3 {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            n * 2
        };
        let expected: Vec<u64> = items.iter().map(|n| n * 2).collect();
        assert_eq!(map_in_order(&items, 4, slow_first), expected);
        assert_eq!(map_in_order(&items, 1, slow_first), expected);
        assert!(map_in_order(&Vec::<u64>::new(), 4, slow_first).is_empty());
    }
}
