//! scratch: ranks of the optimal columns within their demand row by cost/eff
use fleetplan::model::mps::{MpsFormat, read_mps_file};
use fleetplan::solver::{solve, SolveOptions, Structure, BasisStatus};
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let m = read_mps_file(std::path::Path::new(&a[1]), MpsFormat::Auto).unwrap();
    let s = solve(&m, &SolveOptions::default().with_structure(Structure::Sifting)).unwrap();
    let mrows = m.num_rows();
    let mut byrow: Vec<Vec<(f64, usize)>> = vec![Vec::new(); mrows];
    for j in 0..m.num_cols() {
        let (idx, val) = m.matrix().col(j);
        for (&i, &v) in idx.iter().zip(val) {
            if m.row_names()[i as usize].starts_with("DEM") { byrow[i as usize].push((m.costs()[j] / v, j)); }
        }
    }
    let mut rank = vec![0usize; m.num_cols()];
    for r in &mut byrow { r.sort_by(|p, q| p.0.total_cmp(&q.0)); for (t, &(_, j)) in r.iter().enumerate() { rank[j] = t; } }
    let basis = s.basis.unwrap();
    let mut hist = [0usize; 8];
    let mut nb = 0;
    for j in 0..m.num_cols() { if basis.col_status[j] == BasisStatus::Basic { nb += 1; let r = rank[j]; let b = if r < 1 {0} else if r < 2 {1} else if r < 4 {2} else if r < 8 {3} else if r < 16 {4} else if r < 32 {5} else if r < 64 {6} else {7}; hist[b] += 1; } }
    let slack_basic = basis.row_status.iter().filter(|&&s| s == BasisStatus::Basic).count();
    println!("basic cols {nb}, basic logicals {slack_basic}; rank hist <1,<2,<4,<8,<16,<32,<64,>=64: {hist:?}");
    let rd: Vec<(f64,usize)> = (0..mrows).filter(|&i| s.row_dual[i].abs() > 1e-9).map(|i| (s.row_dual[i], i)).collect();
    println!("nonzero duals {}: budget {} domshare {}", rd.len(), s.row_dual[mrows-2], s.row_dual[mrows-1]);
}
