//! The code `cargo xtask codegen` writes for every test fixture and every JSON-Schema-Test-Suite group it accepts, compiled with warnings denied.
//!
//! `build.rs` generates it into `OUT_DIR`: one module per fixture (`types`, `validator`,
//! `client`) and the module `suite`. The generated code names its runtime from the crate root,
//! so the root provides it here, re-exported from the real crates: the hand-written
//! `Timestamp`, `Decimal`, `amount` and `union` of the types crate, the validator's `rt`,
//! `stream`, `Schema` and `Validate`, and the client's `transport`, `decode`, `query`,
//! `operation`, `Error`, `QueryError`, `RuleViolation` and `ApiErrorType`.
//!
//! The crate is a library, as the real crates are, and denies every warning: a spec the
//! generator accepts must give code that compiles without one (the lint attributes the
//! generated code carries are its own, named in `ARCHITECTURE.md`), with every public item
//! documented. `cargo clippy --workspace --all-targets -- -D warnings` holds it to clippy's
//! lints too, and `cargo doc` and `cargo test --doc` read every generated doc comment.
#![deny(warnings, missing_docs)]

pub use runa_order_client::{
    ApiErrorType, Error, QueryError, RuleViolation, decode, operations as operation, query,
    transport,
};
pub use runa_order_types::{Decimal, Timestamp, amount, union};
pub use runa_order_validator::{Schema, Validate, rt, stream};

include!(concat!(env!("OUT_DIR"), "/generated.rs"));

#[cfg(test)]
mod behaviour;
#[cfg(test)]
mod suite_tests;

/// The suite groups the generator refuses, one line per diagnostic: the suite file, the
/// group's index and the place in its schema, the definition's name, and the message.
pub const SUITE_REFUSALS: &str = include_str!(concat!(env!("OUT_DIR"), "/suite_refusals.txt"));
