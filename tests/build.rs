//! Generates the types, the validator and the client of every snapshot fixture into `OUT_DIR`, so that `fixture_code.rs` compiles them.
//!
//! A fixture `<name>.schema.json` may come with `<name>.operations.json`; without one, the
//! client is generated from a minimal operations description with one operation per
//! definition (`xtask::synthetic::operations_for`). Each fixture becomes a module with
//! `types`, `validator` and `client` inside, and the crate root of `fixture_code.rs` provides
//! the runtimes the generated code names (`crate::rt`, `crate::transport`, …), re-exported from
//! the validator and client crates, so the generated code is type-checked against the real
//! runtimes.
//!
//! The client links each body type to its schema by type (`<T as Validate>::KIND`), as the
//! real client does: the fixture's validator gets the `impl Validate` of every type of the
//! fixture (`emit_validator::typed_impls`), with the fixture's own `Kind` as the schema, and
//! the client names the fixture's `types` and `validator` modules (`emit_client::Paths`).
//!
//! Two things of the client runtime belong to the real spec, so a fixture's own operations
//! keep to what compiles against them: only 2xx answers (the runtime turns error bodies into
//! errors for the real spec's error types only), and rules that name error types of the real
//! spec (`RuleViolation` holds the real `ApiErrorType`).

use std::{env, fs, path::PathBuf};

use xtask::codegen::{self, emit_client, emit_types, emit_validator};

fn main() {
    // The run-time manifest directory, never one baked into a reused build (see
    // `xtask::project_root`).
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let fixtures = manifest_dir.join("fixtures");
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
        let stem = name.trim_end_matches(".schema.json");
        let module = stem.replace('-', "_");
        let schema_path = format!("tests/fixtures/{name}");
        let text = fs::read_to_string(&path).expect("readable fixture");
        let schema_only = codegen::lower_schema_text(&schema_path, &text)
            .unwrap_or_else(|err| panic!("fixture {name} does not lower:\n{err}"));
        let operations_name = format!("{stem}.operations.json");
        let operations_path = fixtures.join(&operations_name);
        let operations = if operations_path.exists() {
            fs::read_to_string(&operations_path).expect("readable fixture")
        } else {
            let names: Vec<&str> = schema_only
                .definitions
                .iter()
                .map(|it| it.name.as_str())
                .collect();
            xtask::synthetic::operations_for(&name, &names)
        };
        let api = codegen::lower_texts(
            &schema_path,
            &text,
            &format!("tests/fixtures/{operations_name}"),
            &operations,
        )
        .unwrap_or_else(|err| panic!("fixture {name} with its operations does not lower:\n{err}"));

        let types =
            emit_types::emit(&api).unwrap_or_else(|err| panic!("fixture {name}: no types: {err}"));
        let paths = emit_client::Paths {
            types: rust_path(&format!("crate::{module}::types")),
            validator: rust_path(&format!("crate::{module}::validator")),
        };
        let mut validator = emit_validator::emit(&api)
            .unwrap_or_else(|err| panic!("fixture {name}: no validator: {err}"));
        validator.extend(emit_validator::typed_impls(&api, &paths.types));
        let client = emit_client::emit_with(&api, &paths)
            .unwrap_or_else(|err| panic!("fixture {name}: no client: {err}"));
        let part = |tokens, what: &str| {
            codegen::format_tokens(tokens, &schema_path)
                .unwrap_or_else(|err| panic!("fixture {name}: the {what} is not Rust: {err}"))
        };
        out.push_str(&format!(
            "pub mod {module} {{\npub mod types {{\n{}}}\npub mod validator {{\n{}}}\npub mod client {{\n{}}}\n}}\n",
            part(types, "types"),
            part(validator, "validator"),
            part(client, "client"),
        ));
    }
    let dest =
        PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("fixture_code.rs");
    fs::write(dest, out).expect("writable OUT_DIR");
}

/// A Rust path, as tokens.
fn rust_path(text: &str) -> proc_macro2::TokenStream {
    text.parse().expect("a Rust path")
}
