//! Generates the code of every snapshot fixture and of every JSON-Schema-Test-Suite group the generator accepts into `OUT_DIR`, for `lib.rs` to compile with warnings denied.
//!
//! Fixtures: a fixture `<name>.schema.json` may come with `<name>.operations.json`; without
//! one, the client is generated from a minimal operations description with one operation per
//! definition (`xtask::synthetic::operations_for`). Each fixture becomes a module with
//! `types`, `validator` and `client` inside, and the crate root of `lib.rs` provides the
//! runtimes the generated code names (`crate::rt`, `crate::transport`, …), re-exported from
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
//!
//! The suite: every group of `tests/vendor/json-schema-test-suite/draft2020-12` is tried on
//! its own (`xtask::suite`); the groups the generator accepts become the definitions of one
//! spec, whose types and validator are the module `suite`, with `round_trip`, which reads a
//! value into the Rust type of a definition and writes it back. The refusals, one line per
//! diagnostic, are `SUITE_REFUSALS` (the codegen tests hold them to a snapshot).

use std::{env, fmt::Write as _, fs, path::PathBuf};

use proc_macro2::TokenStream;
use quote::quote;
use xtask::{
    codegen::{self, emit_client, emit_types, emit_validator, ir::Api},
    suite,
};

fn main() {
    // The run-time manifest directory, never one baked into a reused build (see
    // `xtask::project_root`).
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest_dir
        .parent()
        .and_then(|it| it.parent())
        .expect("tests/compiled is two levels below the workspace root")
        .to_path_buf();
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut out = fixtures(&root);
    let (code, refusals) = suite_code(&root);
    out.push_str(&code);
    fs::write(out_dir.join("generated.rs"), out).expect("writable OUT_DIR");
    fs::write(out_dir.join("suite_refusals.txt"), refusals).expect("writable OUT_DIR");
}

fn fixtures(root: &std::path::Path) -> String {
    let fixtures = root.join("tests/fixtures");
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
        // Inner docs and attributes only: the generated code starts with its own.
        write!(
            out,
            "pub mod {module} {{\n//! The code generated for `tests/fixtures/{name}`.\n\
             pub mod types {{\n//! Its types.\n{}}}\n\
             pub mod validator {{\n//! Its validator.\n{}}}\n\
             pub mod client {{\n//! Its client.\n\
             // The real client's hand-written runtime calls each operation's crate-visible\n\
             // `request` and `decode`; a fixture's are called by the tests only.\n\
             #![allow(dead_code)]\n{}}}\n}}\n",
            part(types, "types"),
            part(validator, "validator"),
            part(client, "client"),
        )
        .expect("writing to a String");
    }
    out
}

/// The module `suite` (the types and validator of every accepted group, and `round_trip`),
/// and the refusals.
fn suite_code(root: &std::path::Path) -> (String, String) {
    let dir = root.join(suite::DIR);
    println!("cargo::rerun-if-changed={}", dir.display());
    let groups = suite::load(root).expect("the vendored suite reads");
    let mut accepted = Vec::new();
    let mut refusals = String::new();
    for group in &groups {
        match codegen::check_schema_text(suite::SCHEMA_FILE, &suite::document([group])) {
            Ok(_) => accepted.push(group),
            Err(diagnostics) => {
                for diagnostic in &diagnostics.0 {
                    writeln!(refusals, "{}", suite::refusal(group, diagnostic))
                        .expect("writing to a String");
                }
            }
        }
    }
    let text = suite::document(accepted.iter().copied());
    let api = codegen::lower_schema_text(suite::SCHEMA_FILE, &text)
        .unwrap_or_else(|err| panic!("the accepted suite groups do not lower together:\n{err}"));
    let types = emit_types::emit(&api)
        .unwrap_or_else(|err| panic!("the accepted suite groups have no types together: {err}"));
    let validator = emit_validator::emit(&api).unwrap_or_else(|err| {
        panic!("the accepted suite groups have no validator together: {err}")
    });
    let part = |tokens, what: &str| {
        codegen::format_tokens(tokens, suite::SCHEMA_FILE)
            .unwrap_or_else(|err| panic!("the suite's {what} is not Rust: {err}"))
    };
    let code = format!(
        "pub mod suite {{\n\
         //! The code generated for the JSON-Schema-Test-Suite groups the generator accepts.\n\
         pub mod types {{\n//! Their types.\n{}}}\n\
         pub mod validator {{\n//! Their validator.\n{}}}\n{}}}\n",
        part(types, "types"),
        part(validator, "validator"),
        part(round_trip(&api), "round trip"),
    );
    (code, refusals)
}

/// `round_trip(name, value)`: `value` read into the Rust type of the definition `name` and
/// written back, or the error of the reading; `None` for a name that is not a definition.
fn round_trip(api: &Api) -> TokenStream {
    let arms = api.definitions.iter().map(|def| {
        let name = &def.name;
        let ty = emit_types::definition_type(api, def, &quote!(types));
        quote! { #name => ::std::option::Option::Some(read_write::<#ty>(value)), }
    });
    quote! {
        /// `value` read into the Rust type of the definition `name` and written back (the
        /// error of the reading, or of the writing, as text); `None` for a name that is not
        /// a definition of the suite.
        pub fn round_trip(
            name: &str,
            value: &::serde_json::Value,
        ) -> ::std::option::Option<::std::result::Result<::serde_json::Value, ::std::string::String>> {
            match name {
                #(#arms)*
                _ => ::std::option::Option::None,
            }
        }

        fn read_write<T: ::serde::de::DeserializeOwned + ::serde::Serialize>(
            value: &::serde_json::Value,
        ) -> ::std::result::Result<::serde_json::Value, ::std::string::String> {
            let typed: T = ::serde_json::from_value(value.clone()).map_err(|it| it.to_string())?;
            ::serde_json::to_value(&typed).map_err(|it| it.to_string())
        }
    }
}

/// A Rust path, as tokens.
fn rust_path(text: &str) -> TokenStream {
    text.parse().expect("a Rust path")
}
