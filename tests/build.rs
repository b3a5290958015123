//! Generates the types of every snapshot fixture into `OUT_DIR`, so that `fixture_types.rs` proves they compile.

use std::{env, fs, path::Path};

fn main() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    println!("cargo::rerun-if-changed={}", fixtures.display());
    let mut paths: Vec<_> = fs::read_dir(&fixtures)
        .expect("tests/fixtures exists")
        .map(|it| it.expect("readable directory entry").path())
        .filter(|it| it.to_string_lossy().ends_with(".schema.json"))
        .collect();
    paths.sort();
    let mut out = String::new();
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = fs::read_to_string(&path).expect("readable fixture");
        let api = xtask::codegen::lower_schema_text(&name, &text)
            .unwrap_or_else(|err| panic!("fixture {name} does not lower:\n{err}"));
        let tokens = xtask::codegen::emit_types::emit(&api)
            .unwrap_or_else(|err| panic!("fixture {name} does not generate: {err}"));
        let code = xtask::codegen::format_tokens(tokens, &name)
            .unwrap_or_else(|err| panic!("fixture {name} emits invalid Rust: {err}"));
        let module = name.trim_end_matches(".schema.json").replace('-', "_");
        out.push_str(&format!("pub mod {module} {{\n{code}}}\n"));
    }
    let dest =
        Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("fixture_types.rs");
    fs::write(dest, out).expect("writable OUT_DIR");
}
