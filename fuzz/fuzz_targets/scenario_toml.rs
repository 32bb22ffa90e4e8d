//! Scenario TOML → parse → validate → plan (2 s budget; fractional when the
//! input's length is odd, whole devices otherwise).
#![no_main]

use fleetplan::scenario::Scenario;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(s) = Scenario::from_toml_str(text) {
        fleetplan_fuzz::exercise(&s, data.len() % 2 == 1);
    }
});
