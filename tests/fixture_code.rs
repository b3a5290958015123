//! Compiles the types generated for every snapshot fixture, and checks how a few of them behave.

#![allow(missing_docs, clippy::large_enum_variant, clippy::derivable_impls)]

// The generated code names the hand-written timestamp type as `crate::Timestamp`.
pub use runa_order_types::Timestamp;

include!(concat!(env!("OUT_DIR"), "/fixture_types.rs"));

use serde_json::json;

#[test]
fn tagged_one_of_is_an_internally_tagged_enum() {
    let it: tagged_one_of::Distribution =
        serde_json::from_value(json!({"type": "EMAIL", "email_address": "a@example.com"})).unwrap();
    assert!(matches!(it, tagged_one_of::Distribution::Email { .. }));
    assert_eq!(serde_json::to_value(&it).unwrap()["type"], "EMAIL");
    assert!(serde_json::from_value::<tagged_one_of::Distribution>(json!({"type": "SMS"})).is_err());
}

#[test]
fn untagged_one_of_picks_the_branch_by_its_fields() {
    let it: untagged_one_of::Order =
        serde_json::from_value(json!({"id": "O-1", "message": "busy"})).unwrap();
    assert!(matches!(it, untagged_one_of::Order::Incomplete(_)));
}

#[test]
fn nullable_fields_read_null_and_absent_as_none() {
    let it: nullable_field::Holder =
        serde_json::from_value(json!({"optional_note": null, "required_nullable": null})).unwrap();
    assert!(it.optional_note.is_none() && it.required_nullable.is_none());
    // A required nullable field is written as null; an absent optional one is left out.
    assert_eq!(
        serde_json::to_value(&it).unwrap(),
        json!({"required_nullable": null})
    );
    assert!(serde_json::from_value::<nullable_field::Holder>(json!({})).is_err());
    assert!(
        serde_json::from_value::<nullable_field::Holder>(
            json!({"required_nullable": null, "optional_note": "123456789"})
        )
        .is_err()
    );
}

#[test]
fn constrained_strings_refuse_bad_values() {
    assert!("USD".parse::<string_pattern::Currency>().is_ok());
    assert!("usd".parse::<string_pattern::Currency>().is_err());
    assert!("a b".parse::<string_pattern::Reference>().is_err());
    assert!("a-b_c@d.e".parse::<string_pattern::Reference>().is_ok());
    assert!("x".repeat(17).parse::<string_pattern::Reference>().is_err());
}

#[test]
fn all_of_narrowing_keeps_the_narrow_enum() {
    let done: all_of_narrowing::Done =
        serde_json::from_value(json!({"id": "1", "status": "DONE"})).unwrap();
    assert_eq!(done.id, "1");
    assert!(
        serde_json::from_value::<all_of_narrowing::Done>(json!({"id": "1", "status": "BUSY"}))
            .is_err()
    );
}

#[test]
fn date_times_are_timestamps() {
    let it: date_time::Event =
        serde_json::from_value(json!({"at": "2025-01-01T00:00:00+00:00"})).unwrap();
    assert_eq!(it.at.as_str(), "2025-01-01T00:00:00+00:00");
    assert!(serde_json::from_value::<date_time::Event>(json!({"at": "soon"})).is_err());
}
