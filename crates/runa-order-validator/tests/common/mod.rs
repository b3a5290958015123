//! Helpers shared by the validator's test files: every payload file of `tests/payloads/`.

use std::{fs, path::PathBuf};

use runa_order_validator::Kind;

/// `(kind, path)` of every payload file, valid then invalid, each set in name order; the
/// kind is the name of the folder the file is in.
pub fn payload_files() -> Vec<(Kind, PathBuf)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/payloads");
    let sorted = |dir: &PathBuf| {
        let mut paths: Vec<PathBuf> = fs::read_dir(dir)
            .unwrap()
            .map(|it| it.unwrap().path())
            .collect();
        paths.sort();
        paths
    };
    let mut out = Vec::new();
    for set in ["valid", "invalid"] {
        for dir in sorted(&root.join(set)) {
            let kind = Kind::from_name(dir.file_name().unwrap().to_str().unwrap()).unwrap();
            out.extend(sorted(&dir).into_iter().map(|file| (kind, file)));
        }
    }
    out
}
