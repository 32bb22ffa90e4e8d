//! MPS reading and writing: the shared suite (Netlib, MIPLIB, status and the
//! planner family) when `FLEETPLAN_LP_SUITE` is set, and self-contained cases
//! of every section, bound type, sign rule and error.

mod common;

use approx::assert_relative_eq;
use common::{lp_suite_dir, mps_files, read_reference};
use fleetplan::ErrorKind;
use fleetplan::model::mps::{MpsFormat, read_mps, read_mps_file, write_mps};
use fleetplan::model::{Model, Sense, VarType};
use std::path::Path;
use std::time::Instant;

const INF: f64 = f64::INFINITY;

fn read(text: &str) -> Model {
    read_mps(text, MpsFormat::Auto).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn write(m: &Model, f: MpsFormat) -> String {
    let mut out = Vec::new();
    write_mps(m, &mut out, f).unwrap_or_else(|e| panic!("write {f:?}: {e}"));
    String::from_utf8(out).expect("MPS output is UTF-8")
}

fn int_count(m: &Model) -> usize {
    m.var_types()
        .iter()
        .filter(|&&t| t == VarType::Integer)
        .count()
}

/// `*INTEGER:  33` in a MIPLIB file's comment header, if present.
fn header_integer_count(path: &Path) -> Option<usize> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines()
        .take_while(|l| l.starts_with('*') || l.trim().is_empty())
        .find_map(|l| l.strip_prefix("*INTEGER:"))
        .and_then(|v| v.trim().parse().ok())
}

// ---------------------------------------------------------------------------
// The shared suite
// ---------------------------------------------------------------------------

#[test]
fn every_suite_file_parses_with_the_reference_sizes() {
    let Some(suite) = lp_suite_dir() else { return };
    let refs = read_reference(&suite);
    let mut files = Vec::new();
    for folder in ["netlib", "miplib", "status"] {
        files.extend(mps_files(&suite.join(folder)));
    }
    files.push(suite.join("assign_8x12.mps"));
    files.push(suite.join("assign_100x100.mps"));
    assert_eq!(
        files.len(),
        38 + 21 + 10 + 2,
        "the suite's file count changed"
    );
    let mut checked_sizes = 0;
    let (mut seconds, mut netlib_seconds) = (0.0, 0.0);
    for path in &files {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let t = Instant::now();
        let m = read_mps_file(path, MpsFormat::Auto).unwrap_or_else(|e| panic!("{stem}: {e}"));
        let dt = t.elapsed().as_secs_f64();
        seconds += dt;
        if path.parent().is_some_and(|p| p.ends_with("netlib")) {
            netlib_seconds += dt;
        }
        // Every suite file is valid fixed MPS, and all but forplan valid free MPS;
        // each reading must give the same model.
        let fixed = read_mps_file(path, MpsFormat::Fixed).unwrap_or_else(|e| panic!("{stem}: {e}"));
        assert_eq!(fixed, m, "{stem}: fixed and auto readings differ");
        match read_mps_file(path, MpsFormat::Free) {
            Ok(free) => assert_eq!(free, m, "{stem}: free and auto readings differ"),
            Err(e) => assert_eq!(stem, "forplan", "{stem} fails in free format: {e}"),
        }
        assert!(m.num_cols() > 0 && m.num_rows() > 0, "{stem} is empty");
        if let Some(r) = refs.iter().find(|r| r.instance == stem) {
            assert_eq!(
                Some(m.num_rows()),
                r.rows.or(Some(m.num_rows())),
                "{stem} rows"
            );
            assert_eq!(
                Some(m.num_cols()),
                r.cols.or(Some(m.num_cols())),
                "{stem} cols"
            );
            assert_eq!(
                Some(m.matrix().nnz()),
                r.nonzeros.or(Some(m.matrix().nnz())),
                "{stem} nonzeros"
            );
            assert_eq!(m.is_mip(), r.kind == "MIP", "{stem} kind");
            if r.rows.is_some() {
                checked_sizes += 1;
            }
        }
    }
    // 38 Netlib + 21 MIPLIB lines give sizes (the status lines do not).
    assert_eq!(checked_sizes, 59);
    eprintln!(
        "read {} suite files in {seconds:.3} s, the 38 Netlib files in {netlib_seconds:.3} s",
        files.len()
    );
}

#[test]
fn reference_csv_is_read_with_its_notes() {
    let Some(suite) = lp_suite_dir() else { return };
    let refs = read_reference(&suite);
    assert_eq!(refs.len(), 69);
    let count = |f: &str| refs.iter().filter(|r| r.folder == f).count();
    assert_eq!(
        (count("netlib"), count("miplib"), count("status")),
        (38, 21, 10)
    );
    let get = |name: &str| {
        refs.iter()
            .find(|r| r.instance == name)
            .unwrap_or_else(|| panic!("{name} in REFERENCE.csv"))
    };
    // Rounded published values: compare with HiGHS's.
    for name in ["scagr7", "finnis", "etamacro", "forplan", "egout", "rgn"] {
        let r = get(name);
        assert!(r.published_value_rounded(), "{name}");
        assert_eq!(r.target_objective(), r.highs_objective, "{name}");
        assert!(r.target_objective() != r.reference_objective, "{name}");
    }
    let e226 = get("e226");
    assert!(!e226.published_value_rounded());
    assert_relative_eq!(e226.target_objective().unwrap_or(0.0), -11.638929066);
    assert!(get("markshare1").is_hard() && get("pk1").is_hard() && !get("p0033").is_hard());
    assert_eq!(get("gas11").expected_status.as_deref(), Some("unbounded"));
    assert_eq!(get("box1").expected_status.as_deref(), Some("infeasible"));
    assert_eq!(get("box1").target_objective(), None);
    assert_eq!(
        (get("afiro").rows, get("afiro").cols, get("afiro").nonzeros),
        (Some(27), Some(32), Some(83))
    );
    for r in &refs {
        assert!(r.path(&suite).is_file(), "{}", r.path(&suite).display());
    }
}

#[test]
fn planner_family_files_have_the_documented_sizes() {
    let Some(suite) = lp_suite_dir() else { return };
    for (file, rows, cols, nnz) in [
        ("assign_8x12.mps", 22, 56, 224),
        ("assign_100x100.mps", 202, 5_964, 23_856),
    ] {
        let m = read_mps_file(&suite.join(file), MpsFormat::Auto).expect(file);
        assert_eq!(
            (m.num_rows(), m.num_cols(), m.matrix().nnz()),
            (rows, cols, nnz),
            "{file}"
        );
        assert_eq!(m.sense(), Sense::Minimize);
        assert!(!m.is_mip());
    }
}

#[test]
fn miplib_integer_columns_match_the_file_headers() {
    let Some(suite) = lp_suite_dir() else { return };
    let mut with_header = 0;
    for path in mps_files(&suite.join("miplib")) {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_owned();
        let m = read_mps_file(&path, MpsFormat::Auto).expect("miplib file reads");
        let n = int_count(&m);
        assert!(n > 0 && n <= m.num_cols(), "{stem}: {n} integer columns");
        if let Some(expected) = header_integer_count(&path) {
            assert_eq!(
                n, expected,
                "{stem}: integer columns vs its *INTEGER header"
            );
            with_header += 1;
        }
        // Every integer column of MIPLIB 3 has finite bounds from BOUNDS.
        for j in 0..m.num_cols() {
            if m.var_types()[j] == VarType::Integer {
                assert!(
                    m.col_upper()[j].is_finite(),
                    "{stem}: integer column without upper bound"
                );
            }
        }
    }
    assert_eq!(with_header, 20, "markshare1 alone has no header");
    let p0033 = read_mps_file(&suite.join("miplib/p0033.mps"), MpsFormat::Auto).expect("p0033");
    assert_eq!(int_count(&p0033), 33);
    assert!(
        (0..33).all(|j| p0033.col_lower()[j] == 0.0 && p0033.col_upper()[j] == 1.0),
        "p0033 is a pure 0/1 program"
    );
    // pp08a and vpm2 declare their integers with BV bounds, not markers.
    let pp08a = read_mps_file(&suite.join("miplib/pp08a.mps"), MpsFormat::Auto).expect("pp08a");
    assert_eq!(int_count(&pp08a), 64);
}

#[test]
fn e226_has_objective_constant_plus_7_113() {
    let Some(suite) = lp_suite_dir() else { return };
    let m = read_mps_file(&suite.join("netlib/e226.mps"), MpsFormat::Auto).expect("e226");
    assert_relative_eq!(m.objective_constant(), 7.113, max_relative = 1e-15);
    // Every other Netlib instance has none.
    for path in mps_files(&suite.join("netlib")) {
        if !path.ends_with("e226.mps") {
            let m = read_mps_file(&path, MpsFormat::Auto).expect("netlib file reads");
            assert!(m.objective_constant().abs() < 1e-300, "{}", path.display());
        }
    }
}

#[test]
fn forplan_reads_in_fixed_and_auto_but_not_free() {
    let Some(suite) = lp_suite_dir() else { return };
    let path = suite.join("netlib/forplan.mps");
    let fixed = read_mps_file(&path, MpsFormat::Fixed).expect("forplan fixed");
    let auto = read_mps_file(&path, MpsFormat::Auto).expect("forplan auto");
    assert_eq!(fixed, auto);
    assert_eq!(
        (fixed.num_rows(), fixed.num_cols(), fixed.matrix().nnz()),
        (161, 421, 4563)
    );
    assert_eq!(fixed.name(), "FORPLAN  (FORPLAN1)");
    assert_eq!(fixed.objective_name(), "OB1PNW20");
    assert!(fixed.row_names().iter().any(|n| n == "DEDO3 1R"));
    assert!(fixed.row_names().iter().any(|n| n == "A$ 4-8 1"));
    let e = read_mps_file(&path, MpsFormat::Free).expect_err("free reading must fail");
    assert_eq!(e.kind(), ErrorKind::Parse);
    assert_eq!(e.line(), Some(5), "{e}");
    // The names survive a fixed-format round trip (they fit 8 characters).
    let text = write(&fixed, MpsFormat::Fixed);
    assert_eq!(read_mps(&text, MpsFormat::Fixed).expect("re-read"), fixed);
    assert_eq!(read_mps(&text, MpsFormat::Auto).expect("re-read"), fixed);
}

#[test]
fn every_suite_file_round_trips_through_the_writer() {
    let Some(suite) = lp_suite_dir() else { return };
    let mut files = Vec::new();
    for folder in ["netlib", "miplib", "status"] {
        files.extend(mps_files(&suite.join(folder)));
    }
    files.push(suite.join("assign_100x100.mps"));
    let mut fixed_ok = 0;
    for path in &files {
        let m = read_mps_file(path, MpsFormat::Auto).expect("suite file reads");
        let name = path.display();
        if !m
            .col_names()
            .iter()
            .chain(m.row_names())
            .any(|n| n.contains(' '))
        {
            let free = write(&m, MpsFormat::Free);
            assert_eq!(
                read_mps(&free, MpsFormat::Free).expect("free re-read"),
                m,
                "{name} free"
            );
        }
        let auto = write(&m, MpsFormat::Auto);
        assert_eq!(
            read_mps(&auto, MpsFormat::Auto).expect("auto re-read"),
            m,
            "{name} auto"
        );
        let mut out = Vec::new();
        match write_mps(&m, &mut out, MpsFormat::Fixed) {
            Ok(()) => {
                let text = String::from_utf8(out).expect("UTF-8");
                assert_eq!(
                    read_mps(&text, MpsFormat::Fixed).expect("fixed re-read"),
                    m,
                    "{name}"
                );
                fixed_ok += 1;
            }
            // Only a number needing more than 12 characters may stop it.
            Err(e) => assert!(e.to_string().contains("12"), "{name}: {e}"),
        }
    }
    assert!(
        fixed_ok > files.len() / 2,
        "only {fixed_ok} files could be written fixed"
    );
}

// ---------------------------------------------------------------------------
// Self-contained: sections and conventions
// ---------------------------------------------------------------------------

/// Builds a fixed-format data line from its fields.
fn fx(f: [&str; 6]) -> String {
    let s = format!(
        " {:<2} {:<8}  {:<8}  {:>12}   {:<8}  {:>12}",
        f[0], f[1], f[2], f[3], f[4], f[5]
    );
    s.trim_end().to_owned()
}

/// A model with rows `R1` (given type) over columns X, Y, Z, and the given
/// extra sections, in free format.
fn with_sections(row_types: &[(&str, &str)], extra: &str) -> String {
    let mut s = String::from("NAME T\nROWS\n N COST\n");
    for (t, n) in row_types {
        s.push_str(&format!(" {t} {n}\n"));
    }
    s.push_str("COLUMNS\n X COST 1\n Y COST 1\n Z COST 1\n");
    for (_, n) in row_types {
        s.push_str(&format!(" Z {n} 1\n"));
    }
    format!("{s}{extra}ENDATA\n")
}

#[test]
fn every_bound_type() {
    let m = read(&with_sections(
        &[],
        "BOUNDS\n UP B X 4\n LO B Y -2\n FX B Z 3.5\n",
    ));
    assert_eq!(m.col_lower(), &[0.0, -2.0, 3.5]);
    assert_eq!(m.col_upper(), &[4.0, INF, 3.5]);

    let m = read(&with_sections(&[], "BOUNDS\n FR B X\n MI B Y\n PL B Z\n"));
    assert_eq!(m.col_lower(), &[-INF, -INF, 0.0]);
    assert_eq!(m.col_upper(), &[INF, INF, INF]);

    // MI keeps an upper bound given before it; PL removes one.
    let m = read(&with_sections(
        &[],
        "BOUNDS\n UP B X 5\n MI B X\n UP B Y 5\n PL B Y\n",
    ));
    assert_eq!((m.col_lower()[0], m.col_upper()[0]), (-INF, 5.0));
    assert_eq!((m.col_lower()[1], m.col_upper()[1]), (0.0, INF));

    let m = read(&with_sections(
        &[],
        "BOUNDS\n BV B X\n LI B Y -3\n UI B Z 7\n",
    ));
    assert_eq!(m.var_types(), &[VarType::Integer; 3]);
    assert_eq!(m.col_lower(), &[0.0, -3.0, 0.0]);
    assert_eq!(m.col_upper(), &[1.0, INF, 7.0]);

    // BV with a value (some writers add 1), with and without a set name.
    let m = read(&with_sections(&[], "BOUNDS\n BV B X 1\n BV Y 1\n BV Z\n"));
    assert_eq!(m.col_upper(), &[1.0, 1.0, 1.0]);
    assert_eq!(int_count(&m), 3);

    // Free format without set names.
    let m = read(&with_sections(&[], "BOUNDS\n UP X 4\n FR Y\n"));
    assert_eq!((m.col_upper()[0], m.col_lower()[1]), (4.0, -INF));

    // Infinity spelled as a large number or as a word.
    let m = read(&with_sections(
        &[],
        "BOUNDS\n LO B X -1e30\n UP B Y 1e20\n LO B Z -Infinity\n",
    ));
    assert_eq!(m.col_lower(), &[-INF, 0.0, -INF]);
    assert_eq!(m.col_upper()[1], INF);
}

#[test]
fn negative_upper_bound_convention() {
    // UP < 0 on a column whose lower bound was not set: lower becomes -inf.
    let m = read(&with_sections(
        &[],
        "BOUNDS\n UP B X -4\n UI B Y -2\n UP B Z -0\n",
    ));
    assert_eq!(m.col_lower(), &[-INF, -INF, 0.0]);
    assert_eq!(m.col_upper(), &[-4.0, -2.0, 0.0]);
    // ... but not when a lower bound was set earlier: then it is inconsistent.
    let text = with_sections(&[], "BOUNDS\n LO B X 0\n UP B X -4\n");
    let e = read_mps(&text, MpsFormat::Auto).expect_err("inconsistent bounds");
    assert!(
        e.to_string().contains("lower bound 0 above upper bound -4"),
        "{e}"
    );
    assert_eq!(e.line(), Some(10));
    // A lower bound set after the UP keeps the UP.
    let m = read(&with_sections(&[], "BOUNDS\n UP B X -4\n LO B X -6\n"));
    assert_eq!((m.col_lower()[0], m.col_upper()[0]), (-6.0, -4.0));
}

#[test]
fn ranges_sign_rules() {
    let rows = [
        ("E", "EP"),
        ("E", "EN"),
        ("E", "EZ"),
        ("L", "LP"),
        ("L", "LN"),
        ("G", "GP"),
        ("G", "GN"),
        ("L", "NORHS"),
    ];
    let extra = "RHS\n RHS EP 10 EN 10\n RHS EZ 10 LP 10\n RHS LN 10 GP 10\n RHS GN 10\n\
                 RANGES\n RNG EP 4 EN -4\n RNG EZ 0 LP 4\n RNG LN -4 GP 4\n RNG GN -4 NORHS 3\n";
    let m = read(&with_sections(&rows, extra));
    let got: Vec<(f64, f64)> = m
        .row_lower()
        .iter()
        .copied()
        .zip(m.row_upper().iter().copied())
        .collect();
    assert_eq!(
        got,
        vec![
            (10.0, 14.0), // E, R > 0: [rhs, rhs + R]
            (6.0, 10.0),  // E, R < 0: [rhs + R, rhs]
            (10.0, 10.0), // E, R = 0
            (6.0, 10.0),  // L: [rhs - |R|, rhs]
            (6.0, 10.0),
            (10.0, 14.0), // G: [rhs, rhs + |R|]
            (10.0, 14.0),
            (-3.0, 0.0), // no RHS: rhs = 0
        ]
    );
    // Ranges given before the RHS section mean the same.
    let extra2 = "RANGES\n RNG EP 4\nRHS\n RHS EP 10\n";
    let m = read(&with_sections(&[("E", "EP")], extra2));
    assert_eq!((m.row_lower()[0], m.row_upper()[0]), (10.0, 14.0));
    // RANGES on the objective row are ignored.
    let m = read(&with_sections(&[("L", "R")], "RANGES\n RNG COST 5\n"));
    assert_eq!((m.row_lower()[0], m.row_upper()[0]), (-INF, 0.0));
}

#[test]
fn objective_constant_is_minus_the_objective_rhs() {
    let m = read(&with_sections(&[("L", "R")], "RHS\n RHS COST -7.113 R 2\n"));
    assert_relative_eq!(m.objective_constant(), 7.113);
    let m = read(&with_sections(&[("L", "R")], "RHS\n RHS COST 2.5\n"));
    assert_relative_eq!(m.objective_constant(), -2.5);
    // -0 is 0, not a negative number anywhere.
    let m = read(&with_sections(
        &[("E", "R")],
        "RHS\n RHS COST -0 R -0.0\nBOUNDS\n UP B X -0\n",
    ));
    assert!(m.objective_constant() == 0.0 && m.objective_constant().is_sign_positive());
    assert!(m.row_lower()[0] == 0.0 && m.row_lower()[0].is_sign_positive());
    assert_eq!((m.col_lower()[0], m.col_upper()[0]), (0.0, 0.0));
}

#[test]
fn objsense_forms() {
    let body = "ROWS\n N COST\nCOLUMNS\n X COST 1\nRHS\nENDATA\n";
    for (head, sense) in [
        ("NAME T\nOBJSENSE MAX\n", Sense::Maximize),
        ("NAME T\nOBJSENSE\n    MAX\n", Sense::Maximize),
        ("NAME T\nOBJSENSE\n    MAXIMIZE\n", Sense::Maximize),
        ("NAME T\nOBJSENSE\nMAXIMISE\n", Sense::Maximize),
        ("NAME T\nOBJSENSE    MIN\n", Sense::Minimize),
        ("NAME T\nOBJSENSE\n  MINIMIZE\n", Sense::Minimize),
        ("NAME T\nOBJSENSE maximize\n", Sense::Maximize),
        ("NAME T\n", Sense::Minimize),
    ] {
        let m = read(&format!("{head}{body}"));
        assert_eq!(m.sense(), sense, "{head}");
    }
    // After ROWS too.
    let m = read("NAME T\nROWS\n N COST\nOBJSENSE\n MAX\nCOLUMNS\n X COST 1\nENDATA\n");
    assert_eq!(m.sense(), Sense::Maximize);
}

#[test]
fn markers_make_integer_columns_with_default_bounds() {
    let text = [
        "NAME          INTS",
        "ROWS",
        " N  OBJ",
        " L  C1",
        "COLUMNS",
        &fx(["", "X", "OBJ", "1", "C1", "1"]),
        &fx(["", "MARKER", "'MARKER'", "", "'INTORG'", ""]),
        &fx(["", "Y", "OBJ", "2", "C1", "1"]),
        &fx(["", "W", "OBJ", "2", "C1", "1"]),
        &fx(["", "MARKER", "'MARKER'", "", "'INTEND'", ""]),
        &fx(["", "Z", "OBJ", "3", "C1", "1"]),
        " M1 'MARKER' 'INTORG'",
        " V OBJ 1",
        " M1 'MARKER' 'INTEND'",
        "BOUNDS",
        &fx(["UP", "BND", "W", "5", "", ""]),
        "ENDATA",
    ]
    .join("\n");
    let m = read_mps(&text, MpsFormat::Free).expect("free reading of markers");
    use VarType::{Continuous as C, Integer as I};
    assert_eq!(m.var_types(), &[C, I, I, C, I]);
    // An integer column without bounds is [0, +inf) (documented convention).
    assert_eq!((m.col_lower()[1], m.col_upper()[1]), (0.0, INF));
    assert_eq!((m.col_lower()[2], m.col_upper()[2]), (0.0, 5.0));
    // The writer states the infinite upper bound of an integer column.
    let out = write(&m, MpsFormat::Fixed);
    assert!(out.contains(" PL BND       Y"), "{out}");
    assert_eq!(read_mps(&out, MpsFormat::Fixed).expect("re-read"), m);
}

#[test]
fn crlf_tabs_comments_and_blank_lines() {
    let unix = "NAME T\nROWS\n N COST\n G R\nCOLUMNS\n X COST 1 R 2\nRHS\n RHS R 3\nENDATA\n";
    let m = read(unix);
    let dos = unix.replace('\n', "\r\n");
    assert_eq!(read(&dos), m);
    let tabs = "NAME\tT\nROWS\n\tN\tCOST\n\tG\tR\n*comment\n\nCOLUMNS\n\tX\tCOST\t1\tR\t2  \nRHS\n \tRHS\tR\t3\nENDATA\n";
    let t = read(tabs);
    assert_eq!((t.costs(), t.row_lower()), (m.costs(), m.row_lower()));
    // A byte-order mark before NAME is skipped.
    assert_eq!(read(&format!("\u{feff}{unix}")), m);
    // Lines after ENDATA are ignored.
    let m2 = read(&format!("{unix}garbage that is not MPS\n"));
    assert_eq!(m2, m);
    // The file reader gives the same as the string reader.
    let dir = std::env::temp_dir().join(format!("fleetplan-mps-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let p = dir.join("crlf.mps");
    std::fs::write(&p, &dos).expect("write temp");
    assert_eq!(read_mps_file(&p, MpsFormat::Auto).expect("file"), m);
    std::fs::remove_file(&p).ok();
}

#[test]
fn names_with_spaces_in_fixed_format() {
    let text = [
        "NAME          SPACES IN NAME",
        "ROWS",
        " N  COST",
        " L  LIM 1",
        " G  LIM 2",
        "COLUMNS",
        &fx(["", "X 1", "COST", "1", "LIM 1", "1"]),
        &fx(["", "X 1", "LIM 2", "1", "", ""]),
        &fx(["", "X2", "COST", "2", "LIM 2", "1"]),
        "RHS",
        &fx(["", "RHS 1", "LIM 1", "4", "LIM 2", "1"]),
        "BOUNDS",
        &fx(["UP", "BND 1", "X 1", "3", "", ""]),
        "ENDATA",
    ]
    .join("\r\n");
    let fixed = read_mps(&text, MpsFormat::Fixed).expect("fixed");
    assert_eq!(read_mps(&text, MpsFormat::Auto).expect("auto"), fixed);
    assert_eq!(fixed.name(), "SPACES IN NAME");
    assert_eq!(
        fixed.row_names().to_vec(),
        ["LIM 1".to_owned(), "LIM 2".to_owned()]
    );
    assert_eq!(
        fixed.col_names().to_vec(),
        ["X 1".to_owned(), "X2".to_owned()]
    );
    assert_eq!(fixed.col_upper()[0], 3.0);
    assert_eq!(fixed.row_upper()[0], 4.0);
    assert_eq!(fixed.row_lower()[1], 1.0);
    let e = read_mps(&text, MpsFormat::Free).expect_err("free cannot read spaces");
    assert_eq!(e.line(), Some(4));
    assert!(e.to_string().contains("ROWS line has 3 fields"), "{e}");
    // Writing: fixed keeps the spaces, free refuses them.
    assert_eq!(
        read_mps(&write(&fixed, MpsFormat::Fixed), MpsFormat::Fixed).ok(),
        Some(fixed.clone())
    );
    let e = write_mps(&fixed, &mut Vec::new(), MpsFormat::Free).expect_err("free refuses");
    assert_eq!(e.kind(), ErrorKind::Model);
    assert!(e.to_string().contains("'LIM 1'"), "{e}");
}

#[test]
fn further_n_rows_and_objname() {
    let text = "NAME T\nROWS\n N COST\n N OTHER\n L R\nCOLUMNS\n X COST 1 OTHER 5\n X R 1\nRHS\n RHS OTHER 3 R 2\nRANGES\n RNG OTHER 1\nENDATA\n";
    let m = read(text);
    assert_eq!(m.objective_name(), "COST");
    assert_eq!(m.num_rows(), 1);
    assert_eq!(m.costs(), &[1.0]);
    assert_eq!(m.objective_constant(), 0.0);
    let named = text.replace("NAME T\n", "NAME T\nOBJNAME OTHER\n");
    let m = read(&named);
    assert_eq!(m.objective_name(), "OTHER");
    assert_eq!(m.costs(), &[5.0]);
    assert_eq!(m.objective_constant(), -3.0);
}

#[test]
fn only_the_first_rhs_and_bound_sets_are_used() {
    let m = read(&with_sections(
        &[("L", "R")],
        "RHS\n RHS1 R 2\n RHS2 R 9\nBOUNDS\n UP B1 X 1\n UP B2 X 7\n UP B2 Y 7\n",
    ));
    assert_eq!(m.row_upper()[0], 2.0);
    assert_eq!(m.col_upper()[0], 1.0);
    assert_eq!(m.col_upper()[1], INF);
}

#[test]
fn zero_coefficients_and_empty_columns_and_fortran_exponents() {
    let m = read(
        "NAME\nROWS\n N C\n L R\nCOLUMNS\n X R 0\n Y C 1.5D+01 R 1d0\nRHS\n RHS R 2.5E-1\nENDATA\n",
    );
    assert_eq!(m.num_cols(), 2);
    assert_eq!(m.matrix().nnz(), 1);
    assert_eq!(m.costs(), &[0.0, 15.0]);
    assert_eq!(m.row_upper()[0], 0.25);
    assert_eq!(m.name(), "");
}

#[test]
fn fixed_format_numbers_may_fill_their_field() {
    let text = [
        "NAME",
        "ROWS",
        " N  COST",
        " E  R",
        "COLUMNS",
        "    X         COST      -1.234567E-1   R         123456789012",
        "RHS",
        "    RHS       R         -12345678901",
        "ENDATA",
    ]
    .join("\n");
    let m = read_mps(&text, MpsFormat::Fixed).expect("fixed");
    assert_eq!(m.costs(), &[-0.1234567]);
    assert_eq!(m.matrix().values(), &[123_456_789_012.0]);
    assert_eq!(m.row_lower(), &[-12_345_678_901.0]);
}

// ---------------------------------------------------------------------------
// Self-contained: errors name the line and the problem
// ---------------------------------------------------------------------------

fn expect_error(text: &str, format: MpsFormat, line: usize, needle: &str) {
    match read_mps(text, format) {
        Ok(_) => panic!("expected an error at line {line} ({needle}) for:\n{text}"),
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::Parse, "{e}");
            assert_eq!(e.line(), Some(line), "wrong line in: {e}");
            assert!(e.to_string().contains(needle), "'{needle}' not in: {e}");
        }
    }
}

const GOOD: &str = "NAME T\nROWS\n N COST\n L R1\n G R2\nCOLUMNS\n X COST 1 R1 1\n Y R2 1\nRHS\n RHS R1 4\nBOUNDS\n UP B X 3\nENDATA\n";

#[test]
fn the_template_of_the_error_cases_is_valid() {
    let m = read(GOOD);
    assert_eq!((m.num_rows(), m.num_cols()), (2, 2));
}

/// (text replaced in `GOOD`, replacement, line of the error, words of the message)
#[rustfmt::skip]
const MALFORMED: &[(&str, &str, usize, &str)] = &[
    ("RHS\n", "RHSX\n", 9, "unknown section 'RHSX'"),
    (" Y R2 1", " Y R09 1", 8, "COLUMNS entry references unknown row 'R09'"),
    (" Y R2 1", " Y R2 1.2.3", 8, "value '1.2.3' is not a number"),
    (" Y R2 1", " Y R2", 8, "COLUMNS line has 2 fields"),
    (" G R2", " G R1", 5, "duplicate row 'R1' (first defined on line 4)"),
    (" UP B X 3", " UP B W 3", 12, "BOUNDS entry references unknown column 'W'"),
    (" UP B X 3", " XX B X 3", 12, "unknown bound type 'XX'"),
    (" UP B X 3", " SC B X 3", 12, "semi-continuous"),
    (" UP B X 3", " UP B X", 12, "UP bound on column 'X' has no value"),
    (" G R2", " Q R2", 5, "unknown row type 'Q'"),
    (" Y R2 1", " Y R2 1\n X R2 1", 9, "column 'X' appears again"),
    (" X COST 1 R1 1", " X COST 1 R1 1\n X R1 2", 8, "second entry in row 'R1'"),
    ("ENDATA\n", "", 12, "ends without ENDATA"),
    (" RHS R1 4", " RHS R1 4 R1 5", 10, "second RHS entry"),
    (" RHS R1 4", " RHS R7 4", 10, "RHS entry references unknown row 'R7'"),
    (" Y R2 1", " Y R2 inf", 8, "infinite"),
    ("NAME T\n", "NAME T\n X COST 1\n", 2, "data line after NAME"),
    ("ROWS\n", "COLUMNS\n", 2, "before ROWS"),
    ("BOUNDS\n", "ROWS\n", 11, "appears twice"),
    ("NAME T\n", "NAME T\nOBJSENSE\n    SIDEWAYS\n", 3, "neither MAX nor MIN"),
    (" RHS R1 4", " RHS R1 -1e30", 10, "leaves the row infeasible"),
    ("COLUMNS\n", "COLUMNS\n M 'MARKER' 'INTXXX'\n", 7, "unknown MARKER"),
    ("NAME T\n", "NAME T\nQUADOBJ\n", 2, "not supported"),
    (" UP B X 3", " UP B X 3\n LO B X 5", 13, "lower bound 5 above upper bound 3"),
    (" UP B X 3", " FX B X 3\n UP B X 2", 13, "lower bound 3 above upper bound 2"),
];

#[test]
fn malformed_inputs_report_line_and_cause() {
    for &(from, to, line, needle) in MALFORMED {
        assert!(GOOD.contains(from), "{from}");
        expect_error(&GOOD.replacen(from, to, 1), MpsFormat::Auto, line, needle);
    }
}

#[test]
fn fixed_format_errors_point_at_the_column() {
    let text = [
        "NAME",
        "ROWS",
        " N  COST",
        " E  R",
        "COLUMNS",
        // the number runs into the separator columns 37-39
        "    X         COST      -1.2345678901   R                1",
        "ENDATA",
    ]
    .join("\n");
    expect_error(&text, MpsFormat::Fixed, 6, "column 37, which must be blank");
    // Auto: the free reading also fails (5 fields: "R" is no number), and both causes are given.
    let text2 = text.replace(
        "-1.2345678901   R                1",
        "-1.2345678901   R               1 x",
    );
    expect_error(&text2, MpsFormat::Auto, 6, "COLUMNS line has 6 fields");
    let tab = "NAME\nROWS\n N  COST\n E  R\nCOLUMNS\n    X\tCOST 1\nENDATA\n";
    expect_error(tab, MpsFormat::Fixed, 6, "tab");
}

#[test]
fn io_errors_name_the_file() {
    let e = read_mps_file(Path::new("/nonexistent/fleetplan/x.mps"), MpsFormat::Auto)
        .expect_err("missing file");
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(
        e.to_string().contains("/nonexistent/fleetplan/x.mps"),
        "{e}"
    );
}

// ---------------------------------------------------------------------------
// Self-contained: the writer
// ---------------------------------------------------------------------------

#[test]
fn writer_fixed_layout_is_exact() {
    let m = read(GOOD);
    let out = write(&m, MpsFormat::Fixed);
    let expected = "\
NAME          T
ROWS
 N  COST
 L  R1
 G  R2
COLUMNS
    X         COST                 1   R1                   1
    Y         R2                   1
RHS
    RHS       R1                   4
BOUNDS
 UP BND       X                    3
ENDATA
";
    assert_eq!(out, expected);
    assert_eq!(write(&m, MpsFormat::Auto), expected);
}

#[test]
fn writer_chooses_free_when_names_or_numbers_do_not_fit() {
    let mut m = read(GOOD);
    m.set_cost(fleetplan::model::ColId(0), 0.1 + 0.2)
        .expect("set cost");
    let e = write_mps(&m, &mut Vec::new(), MpsFormat::Fixed)
        .expect_err("0.30000000000000004 is 19 chars");
    assert!(e.to_string().contains("0.30000000000000004"), "{e}");
    let auto = write(&m, MpsFormat::Auto);
    assert!(auto.contains("0.30000000000000004"));
    assert_eq!(read_mps(&auto, MpsFormat::Free).expect("free"), m);
    let long = read(&GOOD.replace("R1", "A_VERY_LONG_ROW_NAME"));
    let e = write_mps(&long, &mut Vec::new(), MpsFormat::Fixed).expect_err("too long");
    assert!(e.to_string().contains("longer than 8"), "{e}");
    assert_eq!(read(&write(&long, MpsFormat::Auto)), long);
}

// ---------------------------------------------------------------------------
// Property: write -> read gives the same model
// ---------------------------------------------------------------------------

mod round_trip {
    use super::common::lpgen::{self, NameStyle, ValueStyle};
    use fleetplan::model::Model;
    use fleetplan::model::mps::{MpsFormat, read_mps, write_mps};
    use proptest::prelude::*;

    fn write(m: &Model, f: MpsFormat) -> Result<String, fleetplan::Error> {
        let mut out = Vec::new();
        write_mps(m, &mut out, f)?;
        Ok(String::from_utf8(out).expect("MPS output is UTF-8"))
    }

    /// Reads `text` back and returns it with the bounds of ranged rows that
    /// MPS cannot represent exactly (see `write_mps`: one bound exact, the
    /// other within 2 ulps of itself) replaced by the original's, so that
    /// `==` then compares everything else exactly.
    fn back_like(text: &str, f: MpsFormat, original: &Model) -> Model {
        let mut m = read_mps(text, f).unwrap_or_else(|e| panic!("{e}\n{text}"));
        if m.num_rows() != original.num_rows() {
            return m;
        }
        let ulps = |a: f64, b: f64| (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs();
        for i in 0..m.num_rows() {
            let (l, u) = (original.row_lower()[i], original.row_upper()[i]);
            let (l2, u2) = (m.row_lower()[i], m.row_upper()[i]);
            let (dl, du) = (ulps(l, l2), ulps(u, u2));
            if l.is_finite() && u.is_finite() && dl.min(du) == 0 && dl.max(du) <= 2 {
                let id = fleetplan::model::RowId(i as u32);
                m.set_row_bounds(id, Some(l), Some(u)).expect("same bounds");
            }
        }
        m
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn any_numbers_round_trip_in_free_and_auto(
            m in lpgen::any_model(7, 7, NameStyle::Short, ValueStyle::Any)
        ) {
            let free = write(&m, MpsFormat::Free).expect("free always works for these names");
            prop_assert_eq!(&back_like(&free, MpsFormat::Free, &m), &m);
            prop_assert_eq!(&back_like(&free, MpsFormat::Auto, &m), &m);
            let auto = write(&m, MpsFormat::Auto).expect("auto");
            prop_assert_eq!(&back_like(&auto, MpsFormat::Auto, &m), &m);
            match write(&m, MpsFormat::Fixed) {
                Ok(fixed) => prop_assert_eq!(&back_like(&fixed, MpsFormat::Fixed, &m), &m),
                Err(e) => prop_assert!(e.to_string().contains("field has 12"), "{}", e),
            }
        }

        #[test]
        fn short_numbers_round_trip_in_fixed(
            m in lpgen::any_model(7, 7, NameStyle::Short, ValueStyle::Short)
        ) {
            let fixed = write(&m, MpsFormat::Fixed).expect("everything fits");
            prop_assert_eq!(&back_like(&fixed, MpsFormat::Fixed, &m), &m);
            prop_assert_eq!(&back_like(&fixed, MpsFormat::Free, &m), &m);
            prop_assert_eq!(write(&m, MpsFormat::Auto).ok(), Some(fixed));
        }

        #[test]
        fn names_with_spaces_round_trip_in_fixed_and_auto(
            m in lpgen::any_model(6, 6, NameStyle::Spaced, ValueStyle::Short)
        ) {
            let fixed = write(&m, MpsFormat::Fixed).expect("fixed holds spaced names");
            prop_assert_eq!(&back_like(&fixed, MpsFormat::Fixed, &m), &m);
            prop_assert_eq!(&back_like(&fixed, MpsFormat::Auto, &m), &m);
            if m.num_cols() + m.num_rows() > 0 {
                prop_assert!(write(&m, MpsFormat::Free).is_err());
            }
        }

        #[test]
        fn long_names_round_trip_in_free(
            m in lpgen::any_model(6, 6, NameStyle::Long, ValueStyle::Any)
        ) {
            let text = write(&m, MpsFormat::Auto).expect("auto falls back to free");
            prop_assert_eq!(&back_like(&text, MpsFormat::Free, &m), &m);
            prop_assert_eq!(&back_like(&text, MpsFormat::Auto, &m), &m);
            if m.num_cols() + m.num_rows() > 0 {
                prop_assert!(write(&m, MpsFormat::Fixed).is_err());
            }
        }

        #[test]
        fn generated_lps_and_milps_round_trip(m in lpgen::mixed(6, 6, true)) {
            let text = write(&m, MpsFormat::Auto).expect("auto");
            prop_assert_eq!(&back_like(&text, MpsFormat::Auto, &m), &m);
        }
    }
}

// ---------------------------------------------------------------------------
// LP format (checked against HiGHS by hand; here: well-formedness)
// ---------------------------------------------------------------------------

/// Sections, constraint counts and identifiers of `write_lp` output.
fn check_lp_text(m: &Model, text: &str) {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || "!\"#$%&()/,.;?@_`'{}|~".contains(c);
    let mut section = "";
    let mut constraints = 0;
    let mut seen = Vec::new();
    for line in text.lines() {
        assert!(line.len() <= 255, "line too long: {line}");
        if line.starts_with('\\') {
            continue;
        }
        if !line.starts_with(' ') {
            section = line;
            seen.push(line.to_owned());
            continue;
        }
        if section == "Subject To" && !line.starts_with("   ") {
            constraints += 1;
        }
        for tok in line.split_whitespace() {
            let tok = tok.trim_end_matches(':');
            let is_number = tok.parse::<f64>().is_ok();
            let is_op = ["+", "-", "<=", ">=", "=", "free", "-inf"].contains(&tok);
            assert!(
                is_number || is_op || tok.chars().all(ok_char),
                "bad token '{tok}' in: {line}"
            );
            if !is_number && !is_op {
                let first = tok.chars().next().unwrap_or('0');
                assert!(!first.is_ascii_digit() && first != '.', "bad start '{tok}'");
            }
        }
    }
    let want: usize = (0..m.num_rows())
        .map(|i| {
            let (l, u) = (m.row_lower()[i], m.row_upper()[i]);
            match (l.is_finite(), u.is_finite()) {
                (false, false) => 0,
                (true, true) if l < u => 2,
                _ => 1,
            }
        })
        .sum();
    assert_eq!(constraints, want, "constraint lines");
    let order: Vec<&str> = seen.iter().map(String::as_str).collect();
    assert!(
        order
            .first()
            .is_some_and(|s| *s == "Minimize" || *s == "Maximize"),
        "{order:?}"
    );
    assert_eq!(order.get(1).copied(), Some("Subject To"));
    assert_eq!(order.get(2).copied(), Some("Bounds"));
    assert_eq!(order.last().copied(), Some("End"));
}

#[test]
fn lp_format_of_every_suite_file_is_well_formed() {
    let Some(suite) = lp_suite_dir() else { return };
    let mut files = Vec::new();
    for folder in ["netlib", "miplib", "status"] {
        files.extend(mps_files(&suite.join(folder)));
    }
    for path in files {
        let m = read_mps_file(&path, MpsFormat::Auto).expect("suite file reads");
        let mut out = Vec::new();
        fleetplan::model::lp_format::write_lp(&m, &mut out).expect("write_lp");
        let text = String::from_utf8(out).expect("UTF-8");
        check_lp_text(&m, &text);
    }
}

#[test]
fn lp_format_renames_planner_names() {
    let text = "NAME\nROWS\n N cost\n L cap[h800-owned]\n E 2nd.row\nCOLUMNS\n x[h800,pretrain] cost 2 cap[h800-owned] 1\n x[h800,pretrain] 2nd.row 1\nRHS\n RHS cap[h800-owned] 8\nENDATA\n";
    let m = read(text);
    let mut out = Vec::new();
    fleetplan::model::lp_format::write_lp(&m, &mut out).expect("write_lp");
    let lp = String::from_utf8(out).expect("UTF-8");
    check_lp_text(&m, &lp);
    assert!(
        lp.contains("\\ renamed: 'cap[h800-owned]' -> cap_h800_owned_"),
        "{lp}"
    );
    assert!(lp.contains("\\ renamed: '2nd.row' -> _2nd.row"), "{lp}");
    assert!(
        lp.contains(" cap_h800_owned_: x_h800,pretrain_ <= 8"),
        "{lp}"
    );
}

// ---------------------------------------------------------------------------
// Property: any input gives a valid model or an error, never a panic
// ---------------------------------------------------------------------------

mod robustness {
    use super::common::lpgen::{self, NameStyle, ValueStyle};
    use fleetplan::model::Model;
    use fleetplan::model::mps::{MpsFormat, read_mps, write_mps};
    use proptest::prelude::*;

    /// The invariants `ModelBuilder::build` guarantees (the reader builds
    /// the model directly, so they are checked here).
    fn assert_valid(m: &Model) {
        let a = m.matrix();
        assert_eq!(a.nrows(), m.num_rows());
        assert_eq!(a.ncols(), m.num_cols());
        assert_eq!(a.starts().len(), m.num_cols() + 1);
        for j in 0..m.num_cols() {
            let (idx, val) = a.col(j);
            assert!(
                idx.windows(2).all(|w| w[0] < w[1]),
                "rows sorted and unique"
            );
            assert!(idx.iter().all(|&i| (i as usize) < m.num_rows()));
            assert!(val.iter().all(|v| v.is_finite() && *v != 0.0));
            assert!(m.costs()[j].is_finite());
            let (l, u) = (m.col_lower()[j], m.col_upper()[j]);
            assert!(l <= u && l < f64::INFINITY && u > f64::NEG_INFINITY);
        }
        for i in 0..m.num_rows() {
            let (l, u) = (m.row_lower()[i], m.row_upper()[i]);
            assert!(l <= u && l < f64::INFINITY && u > f64::NEG_INFINITY);
        }
        assert!(m.objective_constant().is_finite());
        assert_eq!(m.row_names().len(), m.num_rows());
        assert_eq!(m.col_names().len(), m.num_cols());
    }

    fn read_all_formats(text: &str) {
        for f in [MpsFormat::Auto, MpsFormat::Fixed, MpsFormat::Free] {
            match read_mps(text, f) {
                Ok(m) => assert_valid(&m),
                Err(e) => assert!(e.line().is_some(), "{e}"),
            }
        }
    }

    const PIECES: &[&str] = &[
        " ", "\t", "\n", "\r\n", "*", "'", "-", ".", "e", "1", "1e30", "-0", "X", "RHS", "UP",
        "'MARKER'", "'INTORG'", "ROWS", "COLUMNS", "BOUNDS", "RANGES", "ENDATA", "N", "E", "FR",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn garbage(text in "\\PC{0,300}") {
            read_all_formats(&text);
        }

        #[test]
        fn mutated_files(
            m in lpgen::any_model(5, 5, NameStyle::Short, ValueStyle::Short),
            edits in proptest::collection::vec((any::<usize>(), 0u8..4, 0..PIECES.len()), 1..6),
        ) {
            let mut out = Vec::new();
            write_mps(&m, &mut out, MpsFormat::Fixed).expect("fits");
            let mut text = String::from_utf8(out).expect("UTF-8");
            for (pos, kind, piece) in edits {
                let mut at = pos % (text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                match kind {
                    0 => text.insert_str(at, PIECES[piece]),
                    1 => {
                        let end = (at + 3).min(text.len());
                        if text.is_char_boundary(end) {
                            text.replace_range(at..end, "");
                        }
                    }
                    2 => {
                        // duplicate the line holding `at`
                        let start = text[..at].rfind('\n').map_or(0, |k| k + 1);
                        let end = text[at..].find('\n').map_or(text.len(), |k| at + k + 1);
                        let line = text[start..end].to_owned();
                        text.insert_str(end, &line);
                    }
                    _ => {
                        // drop the line holding `at`
                        let start = text[..at].rfind('\n').map_or(0, |k| k + 1);
                        let end = text[at..].find('\n').map_or(text.len(), |k| at + k + 1);
                        text.replace_range(start..end, "");
                    }
                }
            }
            read_all_formats(&text);
        }
    }
}
