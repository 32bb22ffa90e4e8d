//! The planner at scale: writes the seeded fleet scenarios of
//! `tests/common/plangen.rs` (125×31, 500×125, 2,000×500 pools × phases)
//! as TOML under `target/compare/`, for `fleetplan plan` and
//! `fleetplan export --mps` (HiGHS gets the exported MILPs through
//! `benches/compare_highs.py`). See BENCHMARKS.md, "Whole-device plans at
//! scale".
//!
//! ```sh
//! cargo bench --bench plan_scale -- write [DIR]
//! ```

#[path = "../tests/common/plangen.rs"]
mod plangen;

use std::path::PathBuf;

/// Pools × phases of the scale family.
pub const SIZES: [(usize, usize); 3] = [(125, 31), (500, 125), (2000, 500)];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    if args.first().map(String::as_str) != Some("write") {
        eprintln!("usage: cargo bench --bench plan_scale -- write [DIR]");
        return;
    }
    let dir = args
        .get(1)
        .map_or_else(|| PathBuf::from("target/compare"), PathBuf::from);
    std::fs::create_dir_all(&dir).expect("creates the folder");
    for (k, p) in SIZES {
        let path = dir.join(format!("fleet_{k}x{p}.toml"));
        std::fs::write(&path, plangen::fleet_toml(k, p, 1)).expect("writes");
        println!("{}", path.display());
    }
}
