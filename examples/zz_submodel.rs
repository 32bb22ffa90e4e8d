//! scratch: write the sub-model of the K columns with the smallest reduced cost
use fleetplan::model::mps::{MpsFormat, read_mps_file, write_mps};
use fleetplan::model::{ModelBuilder, VarType};
use fleetplan::solver::{solve, SolveOptions, Structure};
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let m = read_mps_file(std::path::Path::new(&a[1]), MpsFormat::Auto).unwrap();
    let k: usize = a[2].parse().unwrap();
    let s = solve(&m, &SolveOptions::default().with_structure(Structure::Sifting)).unwrap();
    let mut order: Vec<usize> = (0..m.num_cols()).collect();
    order.sort_by(|&p, &q| s.reduced_cost[p].total_cmp(&s.reduced_cost[q]));
    order.truncate(k);
    order.sort();
    let mut b = ModelBuilder::new("sub");
    let rows: Vec<_> = (0..m.num_rows()).map(|i| {
        let f = |v: f64| if v.is_finite() { Some(v) } else { None };
        b.add_row(m.row_names()[i].clone(), f(m.row_lower()[i]), f(m.row_upper()[i]))
    }).collect();
    for &j in &order {
        let c = b.add_col(m.col_names()[j].clone(), m.costs()[j], Some(0.0), None, VarType::Continuous);
        let (idx, val) = m.matrix().col(j);
        for (&i, &v) in idx.iter().zip(val) { b.set_coef(rows[i as usize], c, v); }
    }
    let sub = b.build().unwrap();
    let mut f = std::io::BufWriter::new(std::fs::File::create(&a[3]).unwrap());
    write_mps(&sub, &mut f, MpsFormat::Free).unwrap();
    eprintln!("full objective {:?}", s.objective);
}
