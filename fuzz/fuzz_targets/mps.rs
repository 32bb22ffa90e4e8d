//! MPS text → read as free and as fixed format → solve (0.25 s limit).
#![no_main]

use fleetplan::ErrorKind;
use fleetplan::model::mps::{MpsFormat, read_mps};
use fleetplan::solver::{SolveOptions, solve};
use libfuzzer_sys::fuzz_target;
use std::time::Duration;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The first byte picks the format of the first reading; both run.
    let first = if data.first().is_some_and(|b| b % 2 == 0) {
        MpsFormat::Free
    } else {
        MpsFormat::Fixed
    };
    let second = if first == MpsFormat::Free {
        MpsFormat::Fixed
    } else {
        MpsFormat::Free
    };
    let mut solved = false;
    for format in [first, second] {
        let Ok(model) = read_mps(text, format) else {
            continue;
        };
        if solved {
            continue; // both readings run; one solve per input
        }
        solved = true;
        let opts = SolveOptions::default().with_time_limit(Some(Duration::from_millis(250)));
        if let Err(e) = solve(&model, &opts) {
            assert!(
                !matches!(e.kind(), ErrorKind::Internal),
                "the engine failed: {e}"
            );
        }
    }
});
