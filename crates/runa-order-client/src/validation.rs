//! The seam to the validator crate: checks a request or response body against a definition of the spec.

use std::fmt;

use runa_order_validator::Kind;

/// One way a body breaks the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// JSON pointer into the body, `""` for the root.
    pub(crate) pointer: String,
    pub(crate) message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "(root)"
        } else {
            &self.pointer
        };
        write!(f, "{pointer}: {}", self.message)
    }
}

/// Checks a request body (JSON text) against the `$defs` entry `definition`.
pub(crate) fn check_request(definition: &str, body: &[u8]) -> Result<(), Vec<Problem>> {
    check(definition, body)
}

/// Checks a response body (JSON text) against the `$defs` entry `definition`.
pub(crate) fn check_response(definition: &str, body: &[u8]) -> Result<(), Vec<Problem>> {
    check(definition, body)
}

/// The validator's messages leave out personal values (e-mail addresses, references,
/// metadata) by default, so the problems can go into error messages.
fn check(definition: &str, body: &[u8]) -> Result<(), Vec<Problem>> {
    let Some(kind) = Kind::from_name(definition) else {
        return Err(vec![Problem {
            pointer: String::new(),
            message: format!("the spec has no definition `{definition}` (a generator bug)"),
        }]);
    };
    kind.validate_slice(body).map_err(|errors| {
        errors
            .iter()
            .map(|it| Problem {
                pointer: it.instance_location.clone(),
                message: it.message.clone(),
            })
            .collect()
    })
}
