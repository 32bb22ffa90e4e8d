//! The sweep-spec parser, then the spec's first value set into the
//! quickstart scenario (path resolution and re-reading; no planning).
#![no_main]

use fleetplan::scenario::Scenario;
use fleetplan::sweep::{MAX_POINTS, SweepSpec, with_value};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn quickstart() -> &'static Scenario {
    static S: OnceLock<Scenario> = OnceLock::new();
    S.get_or_init(|| {
        Scenario::from_toml_str(include_str!("../../examples/scenarios/quickstart.toml"))
            .expect("the example parses")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(spec) = text.parse::<SweepSpec>() else {
        return;
    };
    assert!(
        !spec.values.is_empty() && spec.values.len() <= MAX_POINTS,
        "{} values",
        spec.values.len()
    );
    assert!(spec.values.iter().all(|v| v.is_finite()));
    if let Ok(s) = with_value(quickstart(), &spec.path, spec.values[0]) {
        let _ = s.validate();
    }
});
