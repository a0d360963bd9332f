//! Optional phase timings for profiling builds: set `FANGPIAN_TIMINGS=1` and each phase's end is
//! printed to stderr with the time since the process started measuring, the CPU time the process has
//! used (user and system, all threads) and the resident memory.

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
