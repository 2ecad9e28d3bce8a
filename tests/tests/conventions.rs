//! Conventions of the code that no compiler checks.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The device's and the server's SQLite connections plan each statement
/// without its bound values (SQLite's query planner stability guarantee;
/// see `steady_plans` in `client/src/store/mod.rs` and `db::open` in the
/// server). A `LIMIT ?` then plans as if the limit were unknown: the
/// journal's page query walked every note (a scroll jump took 109 ms at
/// 100,000 records instead of 14). A limit is written into the statement.
#[test]
fn no_statement_binds_its_limit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for crate_dir in ["client/src", "sync-server/src"] {
        rust_files(&root.join(crate_dir), &mut files);
    }
    assert!(files.len() > 10, "the sources were found ({})", files.len());
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        for (n, line) in text.lines().enumerate() {
            let upper = line.to_uppercase();
            if upper.contains("LIMIT ?") && !line.trim_start().starts_with("//") {
                found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "write the limit into the statement:\n{}",
        found.join("\n")
    );
}
