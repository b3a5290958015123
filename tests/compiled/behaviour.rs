//! Checks how the types, validator and client generated for the snapshot fixtures behave (unit tests of the crate, which reach the clients' crate-visible `request` and `check_rules`).

use serde_json::json;

use crate::*;

#[test]
fn tagged_one_of_is_an_internally_tagged_enum() {
    let it: tagged_one_of::types::Distribution =
        serde_json::from_value(json!({"type": "EMAIL", "email_address": "a@example.com"})).unwrap();
    assert!(matches!(
        it,
        tagged_one_of::types::Distribution::Email { .. }
    ));
    assert_eq!(serde_json::to_value(&it).unwrap()["type"], "EMAIL");
    assert!(
        serde_json::from_value::<tagged_one_of::types::Distribution>(json!({"type": "SMS"}))
            .is_err()
    );
}

#[test]
fn untagged_one_of_picks_the_branch_by_its_fields() {
    let it: untagged_one_of::types::Order =
        serde_json::from_value(json!({"id": "O-1", "message": "busy"})).unwrap();
    assert!(matches!(it, untagged_one_of::types::Order::Incomplete(_)));
}

#[test]
fn nullable_fields_read_null_and_absent_as_none() {
    let it: nullable_field::types::Holder =
        serde_json::from_value(json!({"optional_note": null, "required_nullable": null})).unwrap();
    assert!(it.optional_note.is_none() && it.required_nullable.is_none());
    // A required nullable field is written as null; an absent optional one is left out.
    assert_eq!(
        serde_json::to_value(&it).unwrap(),
        json!({"required_nullable": null})
    );
    assert!(serde_json::from_value::<nullable_field::types::Holder>(json!({})).is_err());
    assert!(
        serde_json::from_value::<nullable_field::types::Holder>(
            json!({"required_nullable": null, "optional_note": "123456789"})
        )
        .is_err()
    );
}

#[test]
fn constrained_strings_refuse_bad_values() {
    assert!("USD".parse::<string_pattern::types::Currency>().is_ok());
    assert!("usd".parse::<string_pattern::types::Currency>().is_err());
    assert!("a b".parse::<string_pattern::types::Reference>().is_err());
    assert!(
        "a-b_c@d.e"
            .parse::<string_pattern::types::Reference>()
            .is_ok()
    );
    assert!(
        "x".repeat(17)
            .parse::<string_pattern::types::Reference>()
            .is_err()
    );
}

#[test]
fn all_of_narrowing_keeps_the_narrow_enum() {
    let done: all_of_narrowing::types::Done =
        serde_json::from_value(json!({"id": "1", "status": "DONE"})).unwrap();
    assert_eq!(done.id, "1");
    assert!(
        serde_json::from_value::<all_of_narrowing::types::Done>(
            json!({"id": "1", "status": "BUSY"})
        )
        .is_err()
    );
}

#[test]
fn date_times_are_timestamps() {
    let it: date_time::types::Event =
        serde_json::from_value(json!({"at": "2025-01-01T00:00:00+00:00"})).unwrap();
    assert_eq!(it.at.as_str(), "2025-01-01T00:00:00+00:00");
    assert!(serde_json::from_value::<date_time::types::Event>(json!({"at": "soon"})).is_err());
}

/// Issue 9, item 21: `^(a+)+$` took 27.7 s on 31 characters in the types crate, whose checks
/// used a backtracking engine. The generated types and validator now decide it in linear time,
/// so inputs a thousand times longer get their verdict at once (a backtracking engine would
/// need about 2^50,000 steps for the refused one).
#[test]
fn a_catastrophic_pattern_is_decided_in_linear_time_by_types_and_validator() {
    use catastrophic_pattern::{types, validator::Kind};

    let long_match = "a".repeat(50_000);
    let long_miss = format!("{long_match}!");
    assert!(long_match.parse::<types::Repeated>().is_ok());
    assert!(long_miss.parse::<types::Repeated>().is_err());
    assert!(serde_json::from_value::<types::Repeated>(json!(long_miss)).is_err());
    assert!(Kind::Repeated.check(&json!(long_match)));
    assert!(!Kind::Repeated.check(&json!(long_miss)));
    assert!(!Kind::Repeated.check_slice(serde_json::to_string(&long_miss).unwrap().as_bytes()));

    let word = format!("{}y", "x".repeat(50_000));
    let not_word = "x".repeat(50_000);
    assert!(serde_json::from_value::<types::Holder>(json!({ "word": word })).is_ok());
    assert!(serde_json::from_value::<types::Holder>(json!({ "word": not_word })).is_err());
    assert!(Kind::Holder.check(&json!({ "word": word })));
    assert!(!Kind::Holder.check(&json!({ "word": not_word })));
}

/// Recursion through properties and items, and a definition that is only a `$ref`, generate
/// types and validators that work.
#[test]
fn recursive_definitions_and_aliases_work() {
    use recursive_tree::{types, validator::Kind};

    let tree = json!({
        "label": "root",
        "children": [{"label": "a", "children": [{"label": "b"}]}],
        "parent": {"label": "up", "meta": {"depth": 0}}
    });
    let parsed: types::TreeNode = serde_json::from_value(tree.clone()).unwrap();
    assert_eq!(parsed.children[0].children[0].label, "b");
    assert!(Kind::TreeNode.check(&tree));
    assert!(Kind::Subtree.check(&tree));
    let deep_error =
        json!({"label": "root", "children": [{"label": "a", "children": [{"label": 7}]}]});
    assert!(!Kind::TreeNode.check(&deep_error));
    assert!(!Kind::Subtree.check(&deep_error));
    assert!(!Kind::Subtree.check_slice(deep_error.to_string().as_bytes()));
    assert!(Kind::Forest.check_slice(json!({"oak": tree}).to_string().as_bytes()));
    assert!(!Kind::Forest.check(&json!({"oak": deep_error})));
    let pong: types::Pong =
        serde_json::from_value(json!({"ping": {"pong": {"ping": {}}}})).unwrap();
    assert!(pong.ping.pong.is_some());
    assert!(!Kind::Pong.check(&json!({"ping": {"pong": {}}})));
}

/// Names that Rust cannot take as they are become distinct identifiers and keep their JSON
/// names.
#[test]
fn odd_names_round_trip() {
    use odd_names::types::{OddNames, OddValues};

    let value = json!({"type": "t", "self": "s", "2fa": true, "größe": 3, "kind": "a-b", "first-name": "Ada"});
    let parsed: OddNames = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(parsed.type_, "t");
    assert_eq!(parsed.größe, Some(3.into()));
    assert_eq!(parsed.kind, Some(OddValues::AXb));
    assert_eq!(serde_json::to_value(&parsed).unwrap(), value);
    assert_eq!(serde_json::to_value(OddValues::AB).unwrap(), json!("aB"));
}

/// The client of a fixture with its own operations builds requests through the real client
/// runtime: placeholders inside segments are encoded, and bounds and rules refuse a request
/// before anything is sent.
#[test]
fn a_fixture_client_builds_and_refuses_requests() {
    use client_surface::{client, types, validator::Kind};

    let line = |sku: &str| types::Line {
        sku: sku.to_owned(),
        count: None,
    };
    let basket = types::Basket {
        line_items: vec![line("A"), line("B")],
        note: None,
    };
    let request = client::submit_basket::request(
        &basket,
        "shop 1/2",
        "gift",
        client::ExecutionMode::Async,
        "req-1",
        Some(3),
    )
    .unwrap();
    let debug = format!("{request:?}");
    assert!(
        debug.contains("path: \"/shops/shop%201%2F2/baskets/gift.json\""),
        "{debug}"
    );
    assert!(
        debug.contains("(\"x-execution-mode\", \"async\")"),
        "{debug}"
    );

    // The rule: sync baskets hold one line.
    let violation =
        client::submit_basket::check_rules(&basket, client::ExecutionMode::Sync).unwrap_err();
    assert_eq!(violation.error_type, ApiErrorType::InvalidExecutionMode);
    assert!(
        violation
            .message
            .contains("`line-items` has 2 entries, at most 1 are allowed"),
        "{}",
        violation.message
    );
    let refused = client::submit_basket::request(
        &basket,
        "shop",
        "gift",
        client::ExecutionMode::Sync,
        "req-1",
        None,
    )
    .unwrap_err();
    assert!(matches!(refused, Error::Refused(_)), "{refused:?}");
    assert!(
        client::submit_basket::request(
            &basket,
            "shop",
            "gift",
            client::ExecutionMode::Async,
            " ",
            None
        )
        .is_err()
    );

    let query = client::list_baskets::Query {
        page_size: Some(0),
        self_: None,
    };
    assert!(client::list_baskets::request("shop", &query).is_err());
    assert_eq!(
        client::servers::SANDBOX_EU,
        "https://sandbox.example.invalid/v2"
    );
    assert!(client::ApiErrorType::OldThing.is_deprecated());

    // Bodies are linked by type, to the fixture's own schemas.
    assert_eq!(
        client::submit_basket::response_body(202),
        Some(Kind::Accepted)
    );
    assert_eq!(client::submit_basket::response_body(200), Some(Kind::Done));
    assert_eq!(client::submit_basket::response_body(400), None);
    assert_eq!(<types::Basket as Validate>::KIND, Kind::Basket);
    let operation = &client::ALL[0];
    assert_eq!(operation.path, "/shops/{shop-id}/baskets/{type}.json");
    assert_eq!(operation.idempotency_header, Some("X-Request-Id"));
    assert_eq!((operation.response_body)(202), Some(Kind::Accepted));
    assert_eq!(client::ALL[1].id, "listBaskets");
}

/// The `impl Validate` of a fixture's types checks a value against the fixture's schema,
/// through the validator crate's checks, and the generated query parser reads and bounds the
/// fixture's query parameters.
#[test]
fn fixture_types_validate_against_their_own_schemas() {
    use client_surface::{client, types};

    let empty = types::Basket {
        line_items: Vec::new(),
        note: None,
    };
    let errors = empty.validate().unwrap_err();
    assert_eq!(errors.first().instance_location, "/line-items", "{errors}");
    let line = types::Line {
        sku: "A".to_owned(),
        count: Some(2.into()),
    };
    let basket = types::Basket {
        line_items: vec![line],
        note: None,
    };
    assert!(basket.validate().is_ok());
    assert!(
        client_surface::validator::Kind::Line
            .validate_str(r#"{"sku": "A", "count": 0}"#)
            .is_err()
    );

    let query = client::list_baskets::Query::parse("page-size=7&self=me").unwrap();
    assert_eq!(query.page_size, Some(7));
    assert_eq!(query.self_.as_deref(), Some("me"));
    assert_eq!(client::list_baskets::Query::DEFAULT_PAGE_SIZE, 20);
    let err = client::list_baskets::Query::parse("page-size=101").unwrap_err();
    assert_eq!(err.parameter(), "page-size");
    assert!(
        matches!(err, QueryError::AboveMaximum { maximum: 100, .. }),
        "{err}"
    );
}

/// A definition written `anyOf: [X, {"type": "null"}]` used to make typify define its type
/// twice; it is now nullable like `["object", "null"]`.
#[test]
fn any_of_null_definitions_are_optional_where_they_are_used() {
    use nullable_any_of::{types::Holder, validator::Kind};

    let holder: Holder = serde_json::from_value(json!({"done": null, "code": null})).unwrap();
    assert!(holder.done.is_none() && holder.code.is_none());
    let holder: Holder =
        serde_json::from_value(json!({"done": {"id": "1", "status": "DONE"}, "code": "AB"}))
            .unwrap();
    assert_eq!(holder.done.unwrap().id, "1");
    assert!(
        serde_json::from_value::<Holder>(json!({"done": {"id": "1", "status": "OPEN"}})).is_err()
    );
    assert!(Kind::DoneOrNull.check(&json!(null)));
    assert!(!Kind::DoneOrNull.check(&json!({"id": "1", "status": "OPEN"})));
    assert!(Kind::CodeOrNull.check(&json!("AB")));
    assert!(!Kind::CodeOrNull.check(&json!("abc")));
}

#[test]
fn amounts_of_every_shape_are_exact_decimals() {
    use money::types::Charge;
    let charge: Charge = serde_json::from_str(
        r#"{"amount": 0.1, "shown": "10.10", "maybe_shown": null, "tip": 1e-2, "note": "0.50", "maybe_amount": 12345678901234567}"#,
    )
    .unwrap();
    let exact = |text: &str| text.parse::<Decimal>().unwrap();
    assert_eq!(charge.amount, exact("0.1"));
    assert_eq!(charge.shown.to_string(), "10.10");
    assert_eq!(charge.maybe_shown, None);
    assert_eq!(charge.tip, Some(exact("0.01")));
    assert_eq!(
        charge.note.map(|it| it.to_string()).as_deref(),
        Some("0.50")
    );
    assert_eq!(charge.maybe_amount, Some(exact("12345678901234567")));
    assert_eq!(
        serde_json::to_string(&charge).unwrap(),
        r#"{"amount":0.1,"maybe_amount":12345678901234567,"maybe_shown":null,"note":"0.50","shown":"10.10","tip":0.01}"#
    );
    // Optional amounts may be absent; a required nullable one may not.
    let bare: Charge =
        serde_json::from_str(r#"{"amount": 1, "shown": "1", "maybe_shown": "2.5"}"#).unwrap();
    assert_eq!((bare.tip, bare.note, bare.maybe_amount), (None, None, None));
    assert_eq!(bare.maybe_shown, Some(exact("2.5")));
    let err = serde_json::from_str::<Charge>(r#"{"amount": 1, "shown": "1"}"#).unwrap_err();
    assert!(
        err.to_string().starts_with("missing field `maybe_shown`"),
        "{err}"
    );
}

#[test]
fn a_union_that_contains_itself_is_read_with_bounded_work() {
    use money::types::Node;
    let nest = |depth: usize, leaf: &str| {
        format!(
            "{}{{\"amount\": {leaf}}}{}",
            "{\"child\": ".repeat(depth),
            "}".repeat(depth)
        )
    };
    // Within the nesting limit, the leaf's amount is exact at any depth.
    let mut node: Node = serde_json::from_str(&nest(10, "0.30000000000000004")).unwrap();
    let mut depth = 0;
    let leaf = loop {
        match node {
            Node::Branch(branch) => {
                node = branch.child;
                depth += 1;
            }
            Node::Leaf(leaf) => break leaf,
        }
    };
    assert_eq!(depth, 10);
    assert_eq!(leaf.amount.to_string(), "0.30000000000000004");
    // A bad leaf is reported with its path, one union level at a time.
    let err = serde_json::from_str::<Node>(&nest(3, "\"1\"")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("child: child: child: amount: invalid type: string \"1\""),
        "{err}"
    );
    // Past the limit, a refusal, not a stack overflow or an exponential number of reads:
    // 100,000 levels are refused at once (serde_json's own limit of 128 also applies).
    for depth in [40, 100_000] {
        let err = serde_json::from_str::<Node>(&nest(depth, "1")).unwrap_err();
        assert!(
            err.to_string().contains("nested more than 16 deep")
                || err.to_string().contains("recursion limit exceeded"),
            "{depth}: {err}"
        );
    }
}

/// Issue 17: the types read every value the schema accepts, for shapes Rust cannot state
/// exactly (non-string `enum`s and `const`s, schemas without `type` or of several types,
/// `anyOf` branches, integers written `1.0`), and write it back as the same JSON value.
#[test]
fn types_read_every_valid_value_of_shapes_rust_cannot_state() {
    use json_values::types;

    fn round<T: serde::de::DeserializeOwned + serde::Serialize>(value: serde_json::Value) {
        let typed: T = serde_json::from_value(value.clone())
            .unwrap_or_else(|err| panic!("{value} refused: {err}"));
        let back = serde_json::to_value(&typed).unwrap();
        let same = match (value.as_f64(), back.as_f64()) {
            (Some(a), Some(b)) => a == b,
            _ => back == value,
        };
        assert!(same, "{value} written back as {back}");
    }
    round::<types::Numbers>(json!(2));
    round::<types::TypedNumbers>(json!(1.0));
    round::<types::Flags>(json!(true));
    round::<Option<types::MaybeText>>(json!(null));
    round::<Option<types::MaybeText>>(json!("a"));
    for value in [json!("a"), json!(1), json!(true), json!(null)] {
        round::<types::Mixed>(value);
    }
    round::<types::Seven>(json!(7));
    round::<types::Nothing>(json!(null));
    round::<types::Spelling>(json!("in_progress"));
    for value in [json!(123), json!("aaa"), json!({"b": 1}), json!([1])] {
        round::<types::Untyped>(value);
    }
    for value in [json!(null), json!([]), json!({"a": 1})] {
        round::<types::Several>(value);
    }
    round::<types::Branches>(json!("foobar"));
    for value in [json!("foo"), json!(5), json!(null)] {
        round::<types::AnyTrue>(value);
    }
    for value in [
        json!(1.0),
        json!(1e300),
        json!(-7),
        json!(18446744073709551615u64),
    ] {
        round::<types::Count>(value);
    }
    round::<types::Holder>(json!({
        "numbers": 3, "typed": 2.0, "flag": false, "mixed": 1, "spelling": "in-progress",
        "untyped": 5, "several": "x", "count": 1e3, "counts": [1, 2.0, -3]
    }));
    // An optional member that is `null` reads as `None`, like an absent one (README, "Using
    // the types"), so it is written back absent.
    let holder: types::Holder = serde_json::from_value(json!({"mixed": null})).unwrap();
    assert_eq!(serde_json::to_value(&holder).unwrap(), json!({}));
}

/// Every path of the generated validator gives `text` the verdict `valid`.
#[track_caller]
fn same_verdict<K: Schema>(kind: K, text: &str, valid: bool) {
    let verdicts = [
        kind.is_valid_slice(text.as_bytes()),
        kind.validate_slice(text.as_bytes()).is_ok(),
    ];
    assert_eq!(verdicts, [valid; 2], "{text} on the text paths");
    // The `Value` paths see the number serde_json reads (`1e-2` is `0.01`, and
    // `0.30000000000000004` may lose digits): their verdict is the text paths' on that number.
    let value: serde_json::Value = serde_json::from_str(text).unwrap();
    let read = value.to_string();
    let expected = if read == text {
        valid
    } else {
        kind.is_valid_slice(read.as_bytes())
    };
    assert_eq!(
        [kind.is_valid(&value), kind.validate(&value).is_ok()],
        [expected; 2],
        "{text}, read as {read}, on the value paths"
    );
}

#[test]
fn multiple_of_is_decided_on_the_decimal_text() {
    use multiple_of::validator::Kind;
    for cents in [
        "10.1",
        "0.01",
        "1e-2",
        "123456789012345678901234567.89",
        "0",
    ] {
        same_verdict(Kind::Hundredths, cents, true);
    }
    // 0.30000000000000004 reads as the f64 of 0.3 + 0.2·10^-16: not whole cents.
    for not_cents in ["0.001", "10.101", "1.005", "0.30000000000000004", "1e-3"] {
        same_verdict(Kind::Hundredths, not_cents, false);
    }
    same_verdict(Kind::Batch, r#"{"size": 25, "step": 0.0045}"#, true);
    same_verdict(Kind::Batch, r#"{"size": 26}"#, false);
    same_verdict(Kind::Batch, r#"{"size": 5, "step": 0.0046}"#, false);
    same_verdict(Kind::Batch, r#"{"size": 5, "step": "any string"}"#, true);
    same_verdict(
        Kind::Batch,
        r#"{"size": 5, "total": 10.10, "share": 0.5}"#,
        true,
    );
    same_verdict(Kind::Batch, r#"{"size": 5, "total": 10.101}"#, false);
    // The amount is a `Decimal`, read exactly.
    let batch: multiple_of::types::Batch =
        serde_json::from_str(r#"{"size": 5, "total": 123456789012345678901234.56}"#).unwrap();
    assert_eq!(
        batch.total.unwrap().to_string(),
        "123456789012345678901234.56"
    );
    let errors = Kind::Hundredths.validate_slice(b"10.101").unwrap_err();
    let error = errors.first();
    assert_eq!(error.keyword, "multipleOf");
    assert!(
        error.message.contains("is not a multiple of 0.01"),
        "{error}"
    );
}
