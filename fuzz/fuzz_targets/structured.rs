//! A scenario built from `arbitrary` data through the library's public
//! types (`fleetplan_fuzz::desc`) → validate → plan (2 s budget).
#![no_main]

use fleetplan_fuzz::desc::Desc;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|d: Desc| {
    let s = d.scenario();
    fleetplan_fuzz::exercise(&s, d.fractional);
});
