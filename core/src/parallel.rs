//! Pure work on many records at once, on every core.
//!
//! Merging a sync's worth of records is mostly Automerge's decoding,
//! applying and reading of each document, and each record's work is
//! independent of the others'. [`for_each_in_order`] runs such work on
//! scoped threads and hands each result back on the calling thread, in
//! order, which is where the caller does its I/O (the device's and the
//! server's SQLite writes). No thread outlives the call.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// How many threads `items` inputs deserve: one per core, at most 8, and
/// at least `min_per_thread` inputs each (below that, thread start-up
/// costs more than it saves). 1 means the calling thread alone.
pub fn threads_for(items: usize, min_per_thread: usize) -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(items / min_per_thread.max(1))
        .clamp(1, 8)
}

/// Run `work` on each input on `threads` threads (the calling thread alone
/// when 1), handing each output to `consume` on the calling thread, in
/// the inputs' order, as soon as it and those before it are ready: the
/// caller's writing overlaps the work on later inputs. When `consume`
/// fails, the workers stop taking inputs and its error is returned. A
/// panic in `work` is raised again here.
pub fn for_each_in_order<I, O, E>(
    inputs: Vec<I>,
    threads: usize,
    work: impl Fn(usize, I) -> O + Sync,
    mut consume: impl FnMut(usize, O) -> Result<(), E>,
) -> Result<(), E>
where
    I: Send,
    O: Send,
{
    if threads <= 1 || inputs.len() < 2 {
        for (k, input) in inputs.into_iter().enumerate() {
            consume(k, work(k, input))?;
        }
        return Ok(());
    }
    let count = inputs.len();
    let inputs: Vec<Mutex<Option<I>>> = inputs.into_iter().map(|i| Mutex::new(Some(i))).collect();
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::channel::<(usize, O)>();
        let mut workers = Vec::with_capacity(threads);
        for _ in 0..threads.min(count) {
            let send = send.clone();
            let (inputs, next, stop, work) = (&inputs, &next, &stop, &work);
            workers.push(scope.spawn(move || loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= count || stop.load(Ordering::Relaxed) {
                    return;
                }
                let input = inputs[k].lock().unwrap_or_else(|p| p.into_inner()).take();
                if let Some(input) = input {
                    if send.send((k, work(k, input))).is_err() {
                        return;
                    }
                }
            }));
        }
        drop(send);
        let mut ready = BTreeMap::new();
        let mut due = 0;
        let mut outcome = Ok(());
        // A worker that panics drops its sender: the loop ends early.
        'received: for (k, output) in receive.iter() {
            ready.insert(k, output);
            while let Some(output) = ready.remove(&due) {
                if let Err(e) = consume(due, output) {
                    stop.store(true, Ordering::Relaxed);
                    outcome = Err(e);
                    break 'received;
                }
                due += 1;
            }
        }
        drop(receive);
        // The panic of a worker is raised again here, as it was.
        for worker in workers {
            if let Err(panic) = worker.join() {
                std::panic::resume_unwind(panic);
            }
        }
        outcome
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_come_back_in_order_whatever_the_threads() {
        for threads in [1, 2, 3, 8] {
            let inputs: Vec<u64> = (0..500).collect();
            let mut seen = Vec::new();
            for_each_in_order(
                inputs,
                threads,
                |k, x| {
                    // Uneven work, so later inputs often finish first.
                    if k % 7 == 0 {
                        std::thread::sleep(std::time::Duration::from_micros(200));
                    }
                    x * x
                },
                |k, y| {
                    seen.push((k, y));
                    Ok::<_, ()>(())
                },
            )
            .expect("no consume fails");
            let expected: Vec<(usize, u64)> = (0..500u64).map(|x| (x as usize, x * x)).collect();
            assert_eq!(seen, expected, "{threads} threads");
        }
    }

    #[test]
    fn a_failed_consume_stops_the_work_and_is_returned() {
        let done = AtomicUsize::new(0);
        let result = for_each_in_order(
            (0..10_000).collect::<Vec<u32>>(),
            2,
            |_, x| {
                done.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(std::time::Duration::from_micros(20));
                x
            },
            |k, _| if k == 10 { Err(k) } else { Ok(()) },
        );
        assert_eq!(result, Err(10));
        assert!(
            done.load(Ordering::Relaxed) < 10_000,
            "the workers stopped early"
        );
    }

    #[test]
    #[should_panic(expected = "boom")]
    fn a_panic_in_the_work_reaches_the_caller() {
        let _ = for_each_in_order(
            (0..100).collect::<Vec<u32>>(),
            2,
            |k, x| {
                assert!(k != 50, "boom");
                x
            },
            |_, _| Ok::<_, ()>(()),
        );
    }

    #[test]
    fn few_inputs_stay_on_one_thread() {
        assert_eq!(threads_for(3, 8), 1);
        assert!(threads_for(10_000, 8) >= 1);
        assert!(threads_for(10_000, 8) <= 8);
    }
}
