//! The validators ours is compared with, each set up for one `$defs` entry of the spec with format assertions on.
//!
//! * `jsonschema` 0.61, the current runtime validator (the reference of the differential
//!   tests), renamed `jsonschema061` in `Cargo.toml`;
//! * `jsonschema` 0.60.2, the runtime that the `#[jsonschema::validator]` macro generates code
//!   for, and the macro itself;
//! * `boon` 0.6.
//!
//! Every peer reads `spec/order-api.schema.json` and selects the definition with a top-level
//! `$ref`, so all of them check exactly the schema our generated code was made from. Formats
//! (`email`, `date-time`) are asserted by all of them, as they are by ours.

use runa_order_validator::Kind;
use serde_json::{Value, json};

/// The spec, read at compile time so that a change to it rebuilds the benchmarks.
const SPEC: &str = include_str!("../../../../spec/order-api.schema.json");

/// The spec's `$id`: the base URI under which the macro and boon are given the spec.
const SPEC_ID: &str = "urn:runa:order-api:2024-02-05";

pub fn spec() -> Value {
    serde_json::from_str(SPEC).expect("the spec is JSON")
}

/// The spec with a top-level `$ref` to the definition `name`: a schema for that definition
/// alone, with every other definition still resolvable.
fn rooted_at(name: &str) -> Value {
    let mut root = spec();
    root["$ref"] = json!(format!("#/$defs/{name}"));
    root
}

/// Every peer, set up for one kind.
pub struct Peers {
    pub runtime061: jsonschema061::Validator,
    pub runtime060: jsonschema::Validator,
    pub macro060: Macro,
    pub boon: Boon,
}

impl Peers {
    pub fn new(kind: Kind) -> Peers {
        let root = rooted_at(kind.name());
        Peers {
            runtime061: jsonschema061::draft202012::options()
                .should_validate_formats(true)
                .build(&root)
                .expect("jsonschema 0.61 builds the spec"),
            runtime060: jsonschema::draft202012::options()
                .should_validate_formats(true)
                .build(&root)
                .expect("jsonschema 0.60.2 builds the spec"),
            macro060: Macro::new(kind),
            boon: Boon::new(kind),
        }
    }
}

/// The macro's validator for one kind: the methods it generates on its struct.
#[derive(Clone, Copy)]
pub struct Macro {
    pub is_valid: fn(&Value) -> bool,
    pub iter_errors: for<'i> fn(&'i Value) -> jsonschema::ErrorIterator<'i>,
}

// The macro compiles the schema when this crate is built. It is given a root schema that is
// only a `$ref` into the spec, and the spec itself as a resource under its `$id`; the path is
// relative to this crate's `Cargo.toml`.
#[jsonschema::validator(
    schema = r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": "urn:runa:order-api:2024-02-05#/$defs/NewOrderDetails"}"#,
    resources = { "urn:runa:order-api:2024-02-05" => { path = "../../spec/order-api.schema.json" } },
    validate_formats = true
)]
struct NewOrderDetailsMacro;

#[jsonschema::validator(
    schema = r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": "urn:runa:order-api:2024-02-05#/$defs/CompletedOrderWithFullDetails"}"#,
    resources = { "urn:runa:order-api:2024-02-05" => { path = "../../spec/order-api.schema.json" } },
    validate_formats = true
)]
struct CompletedOrderWithFullDetailsMacro;

impl Macro {
    fn new(kind: Kind) -> Macro {
        match kind {
            Kind::NewOrderDetails => Macro {
                is_valid: NewOrderDetailsMacro::is_valid,
                iter_errors: NewOrderDetailsMacro::iter_errors,
            },
            Kind::CompletedOrderWithFullDetails => Macro {
                is_valid: CompletedOrderWithFullDetailsMacro::is_valid,
                iter_errors: CompletedOrderWithFullDetailsMacro::iter_errors,
            },
            _ => panic!("no macro validator for {}: add one above", kind.name()),
        }
    }
}

/// boon's compiled schemas and the index of the one for a kind.
pub struct Boon {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Boon {
    fn new(kind: Kind) -> Boon {
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler.enable_format_assertions();
        compiler
            .add_resource(SPEC_ID, spec())
            .expect("boon takes the spec");
        let index = compiler
            .compile(&format!("{SPEC_ID}#/$defs/{}", kind.name()), &mut schemas)
            .expect("boon compiles the spec");
        Boon { schemas, index }
    }

    /// boon has one entry point: it collects every error into a tree, or returns `Ok`.
    #[allow(
        clippy::result_large_err,
        reason = "boon's own error type, returned as boon returns it"
    )]
    pub fn validate<'s, 'v>(
        &'s self,
        value: &'v Value,
    ) -> Result<(), boon::ValidationError<'s, 'v>> {
        self.schemas.validate(value, self.index)
    }
}
