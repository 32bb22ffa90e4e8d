//! Pins the library's public surface: every `pub` declaration in `src/`
//! (outside the binary and the test modules) is listed, one per line, in
//! `tests/public_api.txt`. A `pub` item added, removed or changed makes this
//! test fail with the difference, so that a change of the API is a visible,
//! reviewed change of that file (and a CHANGELOG entry).
//!
//! The listing is cheap and works on stable Rust: it reads the source, not
//! rustdoc JSON. It is an over-approximation of the surface (a `pub` item in
//! a private module that is not re-exported is listed too) and records each
//! declaration's first line (so a one-line signature's types are pinned, a
//! multi-line one's name). To accept a change, run
//! `FLEETPLAN_BLESS_API=1 cargo test --test public_surface` and commit the
//! file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "bin") {
                continue;
            }
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `file: declaration` for every `pub` declaration of the library.
fn listing() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("readable source");
        let rel = f
            .strip_prefix(root)
            .expect("under the crate")
            .to_string_lossy()
            .replace('\\', "/");
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            // unit tests sit at the end of a file, behind `#[cfg(test)]`
            if line.starts_with("#[cfg(test)]") {
                break;
            }
            let t = line.trim();
            if !t.starts_with("pub ") {
                continue;
            }
            let mut decl = t.to_owned();
            // a `pub use` may span lines: keep it whole
            if decl.starts_with("pub use ") {
                while !decl.ends_with(';') {
                    match lines.next() {
                        Some(l) => {
                            decl.push(' ');
                            decl.push_str(l.trim());
                        }
                        None => break,
                    }
                }
                decl = decl.replace("{ ", "{").replace(", }", "}");
            }
            let decl = decl.trim_end_matches(['{', ',', ' ']).to_owned();
            out.push(format!("{rel}: {decl}"));
        }
    }
    out
}

#[test]
fn public_surface_is_pinned() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/public_api.txt");
    let now = listing();
    let text = now.join("\n") + "\n";
    if std::env::var_os("FLEETPLAN_BLESS_API").is_some() {
        std::fs::write(&path, &text).expect("write tests/public_api.txt");
        return;
    }
    let pinned = std::fs::read_to_string(&path).unwrap_or_default();
    if pinned == text {
        return;
    }
    let was: BTreeSet<&str> = pinned.lines().collect();
    let is: BTreeSet<&str> = now.iter().map(String::as_str).collect();
    let added: Vec<&&str> = is.difference(&was).collect();
    let removed: Vec<&&str> = was.difference(&is).collect();
    panic!(
        "the public surface changed (tests/public_api.txt).\nadded:\n  {}\nremoved:\n  {}\n\
         If intended, run `FLEETPLAN_BLESS_API=1 cargo test --test public_surface`, \
         commit tests/public_api.txt and note the change in CHANGELOG.md.",
        added
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join("\n  "),
        removed
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join("\n  ")
    );
}

/// Implementation details stay out of the surface.
#[test]
fn implementation_details_are_not_public() {
    let now = listing();
    for detail in [
        "src/sweep/mod.rs: pub const CHUNK",
        "src/plan/compile/mod.rs: pub fn kind_name",
        "src/error.rs: pub fn internal",
        "src/error.rs: pub fn numerical",
    ] {
        assert!(
            !now.iter().any(|l| l.starts_with(detail)),
            "{detail} is public"
        );
    }
    // and the listing does see what is public
    assert!(
        now.iter()
            .any(|l| l == "src/plan/session.rs: pub struct Planner")
    );
    assert!(
        now.iter()
            .any(|l| l.starts_with("src/sweep/mod.rs: pub fn sweep("))
    );
}
