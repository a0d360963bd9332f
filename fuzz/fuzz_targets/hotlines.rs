//! Fuzz target: any bytes as `hotlines.toml` give hotlines or diagnostics, never a panic.
#![no_main]

use std::path::Path;
use std::sync::Arc;

use fangpian::hotlines::Hotlines;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source: Arc<str> = Arc::from(text);
    let today = time::Date::from_calendar_date(2026, time::Month::November, 23).unwrap();
    match Hotlines::parse(Path::new("content/hotlines.toml"), &source, today, 180) {
        Ok((h, warnings)) => {
            for line in &h.list {
                assert!(line.tel.starts_with("tel:"));
            }
            for w in warnings {
                let _ = w.render();
            }
        }
        Err(errs) => {
            for e in errs {
                let _ = e.render();
            }
        }
    }
});
