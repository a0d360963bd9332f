//! Optional phase timings for profiling builds: set `FANGPIAN_TIMINGS=1` and each phase's end is
//! printed to stderr with the time since the process started measuring, the CPU time the process has
//! used (user and system, all threads) and the resident memory. Steps that run once per page inside
//! a parallel phase are timed with [`step`]: their CPU time, summed over every thread, is printed
//! by [`steps`] at the end of the build.

use std::sync::OnceLock;
use std::time::Instant;

fn start() -> Option<&'static Instant> {
    static START: OnceLock<Option<Instant>> = OnceLock::new();
    START
        .get_or_init(|| std::env::var_os("FANGPIAN_TIMINGS").map(|_| Instant::now()))
        .as_ref()
}

/// Record the end of a phase (no-op unless `FANGPIAN_TIMINGS` is set).
pub fn mark(phase: &str) {
    if let Some(s) = start() {
        // Resident pages, from /proc on Linux (0 elsewhere).
        let rss_mib = std::fs::read_to_string("/proc/self/statm")
            .ok()
            .and_then(|t| t.split_whitespace().nth(1)?.parse::<u64>().ok())
            .map_or(0, |pages| pages * 4096 / (1 << 20));
        eprintln!(
            "[timing] {:>8.1} ms  cpu {:>8.1} ms {rss_mib:>5} MiB  {phase}",
            s.elapsed().as_secs_f64() * 1000.0,
            cpu_ms()
        );
    }
}

/// CPU time used by the process so far, in milliseconds.
fn cpu_ms() -> f64 {
    // SAFETY: `getrusage` only writes the struct it is given.
    let usage = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut u);
        u
    };
    let ms = |t: libc::timeval| t.tv_sec as f64 * 1000.0 + t.tv_usec as f64 / 1000.0;
    ms(usage.ru_utime) + ms(usage.ru_stime)
}

/// CPU nanoseconds spent so far in each named step over every thread, and the number of calls.
type Totals = std::sync::Mutex<std::collections::BTreeMap<&'static str, (u64, u64)>>;

fn totals() -> &'static Totals {
    static TOTALS: OnceLock<Totals> = OnceLock::new();
    TOTALS.get_or_init(Default::default)
}

/// CPU time of the calling thread, in nanoseconds.
fn thread_cpu_ns() -> u64 {
    // SAFETY: `clock_gettime` only writes the struct it is given.
    let t = unsafe {
        let mut t: libc::timespec = std::mem::zeroed();
        libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t);
        t
    };
    t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64
}

/// Run `f`, adding the CPU time it took on this thread to the step `what` (just `f()` unless
/// `FANGPIAN_TIMINGS` is set).
pub fn step<T>(what: &'static str, f: impl FnOnce() -> T) -> T {
    if start().is_none() {
        return f();
    }
    let t0 = thread_cpu_ns();
    let out = f();
    let spent = thread_cpu_ns().saturating_sub(t0);
    let mut totals = totals().lock().unwrap_or_else(|e| e.into_inner());
    let entry = totals.entry(what).or_default();
    entry.0 += spent;
    entry.1 += 1;
    out
}

/// Print the CPU time of every step timed with [`step`] (no-op unless `FANGPIAN_TIMINGS` is set).
pub fn steps() {
    if start().is_none() {
        return;
    }
    let totals = totals().lock().unwrap_or_else(|e| e.into_inner());
    for (what, (ns, calls)) in totals.iter() {
        eprintln!(
            "[timing] step {what}: cpu {:.1} ms in {calls} calls",
            *ns as f64 / 1e6
        );
    }
}
