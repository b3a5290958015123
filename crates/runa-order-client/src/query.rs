//! Query strings: the pairs of a query string, and [`QueryError`], the error of the generated `Query::parse` and `Query::check`.

use std::{borrow::Cow, fmt};

/// How many characters of a bad value a [`QueryError`] keeps.
const MAX_VALUE_CHARS: usize = 40;

/// Why query parameters are not what the operation allows.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum QueryError {
    /// An integer parameter whose value is not an integer (or is beyond `i64`).
    NotAnInteger {
        /// The parameter's name.
        parameter: &'static str,
        /// The value as received, percent-decoded and cut at 40 characters.
        value: String,
    },
    /// A value below the documented minimum.
    BelowMinimum {
        /// The parameter's name.
        parameter: &'static str,
        /// The value.
        value: i64,
        /// The documented minimum.
        minimum: i64,
    },
    /// A value above the documented maximum.
    AboveMaximum {
        /// The parameter's name.
        parameter: &'static str,
        /// The value.
        value: i64,
        /// The documented maximum.
        maximum: i64,
    },
}

impl QueryError {
    /// The name of the parameter at fault.
    pub fn parameter(&self) -> &'static str {
        match self {
            QueryError::NotAnInteger { parameter, .. }
            | QueryError::BelowMinimum { parameter, .. }
            | QueryError::AboveMaximum { parameter, .. } => parameter,
        }
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "query parameter `{}` is ", self.parameter())?;
        match self {
            QueryError::NotAnInteger { value, .. } => write!(f, "{value:?}, not an integer"),
            QueryError::BelowMinimum { value, minimum, .. } => {
                write!(f, "{value}, below the minimum of {minimum}")
            }
            QueryError::AboveMaximum { value, maximum, .. } => {
                write!(f, "{value}, above the maximum of {maximum}")
            }
        }
    }
}

impl std::error::Error for QueryError {}

/// The name and value pairs of a query string (without the `?`), percent-decoded as
/// `application/x-www-form-urlencoded` (`+` is a space; bytes that are not UTF-8 become
/// `U+FFFD`). Lazy, and linear in the text.
pub fn pairs(text: &str) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
    form_urlencoded::parse(text.as_bytes())
}

/// The value of the integer parameter `parameter`.
pub fn integer(parameter: &'static str, value: &str) -> Result<i64, QueryError> {
    value.parse().map_err(|_| QueryError::NotAnInteger {
        parameter,
        value: value.chars().take(MAX_VALUE_CHARS).collect(),
    })
}

/// A query the client would send with a bad parameter is refused before sending.
impl From<QueryError> for crate::Error {
    fn from(value: QueryError) -> crate::Error {
        crate::Error::refused(value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::get_list_of_orders::Query;

    #[test]
    fn a_query_string_is_read_with_the_documented_bounds() {
        let query = Query::parse("limit=25&after=c%2F1+x&before=").unwrap();
        assert_eq!(query.limit, Some(25));
        assert_eq!(query.after.as_deref(), Some("c/1 x"));
        assert_eq!(query.before.as_deref(), Some(""));
        // Absent parameters stay absent; the default is the generated constant.
        assert_eq!(Query::parse("").unwrap(), Query::default());
        assert_eq!(Query::DEFAULT_LIMIT, 100);
        // The last of a repeated parameter wins; unknown parameters are ignored.
        let query = Query::parse("limit=3&limit=7&colour=blue").unwrap();
        assert_eq!(query.limit, Some(7));
        // What a client sends is what a server reads.
        let sent = Query {
            limit: Some(500),
            after: Some("a&b=c d".to_owned()),
            before: None,
        };
        let text = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(sent.pairs())
            .finish();
        assert_eq!(Query::parse(&text).unwrap(), sent);
    }

    #[test]
    fn a_bad_parameter_is_named_with_its_bound() {
        let cases = [
            (
                "limit=0",
                QueryError::BelowMinimum {
                    parameter: "limit",
                    value: 0,
                    minimum: 1,
                },
            ),
            (
                "limit=501",
                QueryError::AboveMaximum {
                    parameter: "limit",
                    value: 501,
                    maximum: 500,
                },
            ),
            (
                "limit=ten",
                QueryError::NotAnInteger {
                    parameter: "limit",
                    value: "ten".to_owned(),
                },
            ),
            (
                "limit=99999999999999999999",
                QueryError::NotAnInteger {
                    parameter: "limit",
                    value: "99999999999999999999".to_owned(),
                },
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(Query::parse(text), Err(expected), "{text}");
        }
        let err = Query::parse("limit=0").unwrap_err();
        assert_eq!(
            err.to_string(),
            "query parameter `limit` is 0, below the minimum of 1"
        );
        // A long bad value is cut in the error.
        let long = format!("limit={}", "9x".repeat(10_000));
        let Err(QueryError::NotAnInteger { value, .. }) = Query::parse(&long) else {
            panic!("not an integer")
        };
        assert_eq!(value.chars().count(), MAX_VALUE_CHARS);
    }
}
