//! Lowers the parsed spec into the IR, collecting every problem instead of stopping at the first.
//!
//! Spec-level rules are checked here, once, so that the emitters (and typify behind
//! `emit_types`) only ever see input they support. Two lowerers share the readers of
//! `read`: `schema` lowers the schema file (with `consistency`, the checks of a schema's
//! keywords against each other, and `discriminators`, which finds tagged `oneOf`s), and
//! `operations` lowers `operations.json` (with `client_names`, the checks of what the
//! client emitter turns into code).

mod client_names;
mod consistency;
mod discriminators;
mod operations;
mod read;
mod schema;

use std::collections::BTreeSet;

use super::{
    diagnostic::Diagnostic,
    graph,
    ir::{Api, Http},
    load::{SourceFile, Sources},
};

/// The `$schema` the spec must declare.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The most names one `required` may list: the generated validator tracks the required
/// members of an object schema in a 64-bit mask. Fixed.
pub const MAX_REQUIRED: usize = 64;

/// Lowers both spec files.
pub fn lower(sources: &Sources) -> (Api, Vec<Diagnostic>) {
    let (mut api, mut diagnostics) = lower_schema(&sources.schema);
    let mut cx = operations::OperationsLowerer::new(&sources.operations);
    let defined: BTreeSet<String> = api.definitions.iter().map(|it| it.name.clone()).collect();
    api.http = cx.http(&defined, &api);
    api.operations_file = Some(sources.operations.path.clone());
    diagnostics.extend(cx.r.diagnostics);
    (api, diagnostics)
}

/// Lowers a schema file alone (used for the snapshot fixtures, which have no operations).
pub fn lower_schema(file: &SourceFile) -> (Api, Vec<Diagnostic>) {
    let mut cx = schema::SchemaLowerer::new(file);
    let mut api = Api {
        schema_file: file.path.clone(),
        operations_file: None,
        title: None,
        definitions: Vec::new(),
        http: Http::default(),
    };
    if let Some(root) = cx.r.object(&file.value, "#", "the schema document") {
        cx.document(root, &mut api);
    }
    discriminators::resolve_discriminators(&mut api.definitions);
    let mut diagnostics = cx.r.diagnostics;
    diagnostics.extend(graph::check(&api, file));
    (api, diagnostics)
}
