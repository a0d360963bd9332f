//! Optional phase timings for profiling builds: set `FANGPIAN_TIMINGS=1` and each phase's end is
//! printed to stderr with the time since the process started measuring.

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
        eprintln!(
            "[timing] {:>8.1} ms  {phase}",
            s.elapsed().as_secs_f64() * 1000.0
        );
    }
}
