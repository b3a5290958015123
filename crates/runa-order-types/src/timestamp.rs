//! `Timestamp`: an RFC 3339 date-time that keeps the exact text it was read from.

use std::{borrow::Cow, fmt, str::FromStr};

use chrono::{DateTime, FixedOffset, Utc};

/// An RFC 3339 timestamp, such as `2023-11-14T14:37:54.093824+00:00`.
///
/// The API writes timestamps with `Z` or `+00:00` and with or without fractional seconds.
/// `Timestamp` checks the text on construction and on deserialization, and keeps it as it
/// was, so a value read from a response serializes to the same text. Use
/// [`Timestamp::to_utc`] to compute with it.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    text: String,
}

/// The error for text that is not an RFC 3339 timestamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampError {
    message: String,
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TimestampError {}

impl Timestamp {
    /// The timestamp as a date-time with the offset it was written with.
    pub fn to_fixed_offset(&self) -> DateTime<FixedOffset> {
        // The text was checked when the value was made.
        DateTime::parse_from_rfc3339(&self.text).expect("a Timestamp holds RFC 3339 text")
    }

    /// The timestamp in UTC.
    pub fn to_utc(&self) -> DateTime<Utc> {
        self.to_fixed_offset().with_timezone(&Utc)
    }

    /// The text of the timestamp, as it was read or written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match DateTime::parse_from_rfc3339(text) {
            Ok(_) => Ok(Timestamp {
                text: text.to_owned(),
            }),
            Err(err) => Err(TimestampError {
                message: format!("{text:?} is not an RFC 3339 date-time: {err}"),
            }),
        }
    }
}

impl TryFrom<&str> for Timestamp {
    type Error = TimestampError;

    fn try_from(text: &str) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl TryFrom<String> for Timestamp {
    type Error = TimestampError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl<Tz: chrono::TimeZone> From<DateTime<Tz>> for Timestamp
where
    Tz::Offset: fmt::Display,
{
    /// Writes the date-time in RFC 3339, with as many fractional digits as it needs.
    fn from(value: DateTime<Tz>) -> Self {
        Timestamp {
            text: value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({:?})", self.text)
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date-time",
            "description": "An RFC 3339 timestamp (UTC in this API)."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_text_it_was_read_from() {
        for text in ["2023-11-14T14:37:54.093824+00:00", "2023-11-07T05:31:56Z"] {
            let it: Timestamp = serde_json::from_value(serde_json::json!(text)).unwrap();
            assert_eq!(serde_json::to_value(&it).unwrap(), serde_json::json!(text));
        }
        let a: Timestamp = "2025-01-01T12:00:00+00:00".parse().unwrap();
        let b: Timestamp = "2025-01-01T12:00:00Z".parse().unwrap();
        assert_eq!(a.to_utc(), b.to_utc());
    }

    #[test]
    fn refuses_text_that_is_not_rfc_3339() {
        let err =
            serde_json::from_value::<Timestamp>(serde_json::json!("2025-01-01 12:00")).unwrap_err();
        assert!(
            err.to_string().contains("is not an RFC 3339 date-time"),
            "{err}"
        );
        assert!("2025-13-01T00:00:00Z".parse::<Timestamp>().is_err());
    }
}
