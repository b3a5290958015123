//! The seam to the validator crate: checks a request or response body against the schema of its type.

use std::fmt;

use runa_order_validator::{Schema, Validate};

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

/// Checks a body (JSON text) against the schema of its type `T` (`Validate::KIND`).
///
/// The validator's messages leave out personal values (e-mail addresses, references,
/// metadata) by default, so the problems can go into error messages.
pub(crate) fn check<T: Validate>(body: &[u8]) -> Result<(), Vec<Problem>> {
    T::KIND.validate_slice(body).map_err(|errors| {
        errors
            .iter()
            .map(|it| Problem {
                pointer: it.instance_location.clone(),
                message: it.message.clone(),
            })
            .collect()
    })
}
