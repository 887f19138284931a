//! Independent jobs of the end of a run (finishing the analysers, writing their files) on up
//! to the run's number of threads, their results in the jobs' order whatever the order they
//! end in.

use std::sync::Mutex;

/// One job: runs once, on whichever thread takes it.
pub(crate) type Job<'a, T> = Box<dyn FnOnce() -> T + Send + 'a>;

/// Runs `jobs` on `threads` threads (the calling one among them; 1 or fewer: one after the
/// other on the calling thread) and returns their results in the order of `jobs`. Jobs are
/// taken in order, each by the first thread free. A panicking job panics the caller once the
/// other threads are done.
pub(crate) fn run_all<'a, T: Send>(threads: usize, jobs: Vec<Job<'a, T>>) -> Vec<T> {
    let n = jobs.len();
    if threads <= 1 || n <= 1 {
        return jobs.into_iter().map(|job| job()).collect();
    }
    let queue = Mutex::new(jobs.into_iter().enumerate());
    let results: Mutex<Vec<Option<T>>> = Mutex::new((0..n).map(|_| None).collect());
    let work = || {
        loop {
            // The lock is released before the job runs.
            let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
            let Some((i, job)) = next else { break };
            let result = job();
            results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..threads.min(n) {
            scope.spawn(work);
        }
        work();
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.expect("every job ran: a panic in one would have ended the scope"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_the_jobs_order_on_any_number_of_threads() {
        for threads in [0, 1, 2, 3, 8] {
            let jobs: Vec<Job<'_, usize>> = (0..20usize)
                .map(|i| {
                    Box::new(move || {
                        // Later jobs end sooner.
                        std::thread::sleep(std::time::Duration::from_micros((20 - i as u64) * 50));
                        i * i
                    }) as Job<'_, usize>
                })
                .collect();
            let got = run_all(threads, jobs);
            assert_eq!(got, (0..20).map(|i| i * i).collect::<Vec<_>>(), "{threads}");
        }
    }

    #[test]
    fn jobs_borrow_from_the_caller() {
        let words = ["a".to_string(), "bb".to_string()];
        let jobs: Vec<Job<'_, usize>> = words
            .iter()
            .map(|w| Box::new(move || w.len()) as Job<'_, usize>)
            .collect();
        assert_eq!(run_all(2, jobs), [1, 2]);
    }
}
