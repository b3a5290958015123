//! The benchmark inputs: realistic order payloads built deterministically, each valid and with one error deep inside.
//!
//! Nothing here is random: the same code gives byte-identical payloads on every run, so
//! timings of different runs (before and after a change to the validator) compare the same
//! work. Product codes, addresses and identifiers are spread over a few patterns the way a
//! real bulk order mixes them.

use runa_order_validator::Kind;
use serde_json::{Value, json};

/// One payload to validate, in its valid and its invalid form.
pub struct Input {
    /// The name in benchmark ids: `new-order-1`, `new-order-200`, `completed-200`.
    pub name: &'static str,
    /// The schema it is checked against.
    pub kind: Kind,
    /// Where the invalid variant differs, and how: for the reader of `BENCHMARKS.md`.
    pub error: &'static str,
    /// The instance location of that one error, as our validator reports it.
    pub error_at: &'static str,
    pub valid: Value,
    pub invalid: Value,
}

impl Input {
    /// Both variants with their names: `("valid", …)` then `("invalid", …)`.
    pub fn variants(&self) -> [(&'static str, &Value); 2] {
        [("valid", &self.valid), ("invalid", &self.invalid)]
    }
}

/// Every input, smallest first.
pub fn all() -> Vec<Input> {
    vec![new_order_1(), new_order_200(), completed_200()]
}

/// Product codes as the catalogue spells them.
const PRODUCTS: [&str; 12] = [
    "AMZ-US",
    "AIRBNB-US",
    "TARGET-US",
    "UBER-US",
    "STARBUCKS-US",
    "BESTBUY-US",
    "WALMART-US",
    "HOMEDEPOT-US",
    "NIKE-US",
    "SEPHORA-US",
    "VISA-PREPAID-US",
    "DOORDASH-US",
];

const FIRST_NAMES: [&str; 8] = [
    "maria", "sam", "jun", "amara", "lukas", "priya", "diego", "olga",
];
const LAST_NAMES: [&str; 7] = [
    "lopez", "taylor", "chen", "okafor", "meyer", "nair", "silva",
];

/// A 26-character Crockford base-32 identifier (the shape of the API's ULIDs), derived from
/// `seed` so that every item gets a different one.
fn ulid(seed: u64) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    // A 64-bit mix (splitmix64) spread over 26 digits; two rounds give enough bits.
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut out = String::with_capacity(26);
    for i in 0..26 {
        if i % 12 == 0 {
            state = (state ^ (state >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            state = (state ^ (state >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            state ^= state >> 31;
        }
        out.push(char::from(ALPHABET[(state & 31) as usize]));
        state >>= 5;
    }
    out
}

fn email(i: usize) -> String {
    format!(
        "{}.{}{}@example.com",
        &FIRST_NAMES[i % FIRST_NAMES.len()][..1],
        LAST_NAMES[i % LAST_NAMES.len()],
        i
    )
}

/// The distribution of item `i`: EMAIL, PAYOUT_LINK and RECIPIENT in turn, some with a
/// redemption template.
fn distribution(i: usize) -> Value {
    let template = i
        .is_multiple_of(8)
        .then(|| format!("DT-{}", ulid(i as u64)));
    let mut it = match i % 3 {
        0 => json!({"type": "EMAIL", "email_address": email(i)}),
        1 => json!({"type": "PAYOUT_LINK"}),
        _ => json!({
            "type": "RECIPIENT",
            "recipient_reference": format!("emp-{i:04}"),
            "email_address": email(i),
        }),
    };
    if let Some(template) = template {
        it["template_id"] = json!(template);
    }
    it
}

/// The products of new item `i` and its face value: SINGLE (some with a spend rules
/// template), MULTIPLE and TEMPLATE in a pattern that does not line up with `distribution`.
fn new_products(i: usize) -> (Value, Value) {
    let code = |k: usize| PRODUCTS[(i + k * 5) % PRODUCTS.len()];
    match (i / 2) % 3 {
        0 if i.is_multiple_of(10) => (
            json!({
                "type": "SINGLE",
                "value": "VISA-PREPAID-US",
                "usage_config": {"spend_rules_template_id": format!("PSR-{}", ulid(1000 + i as u64))},
            }),
            json!(100.5),
        ),
        0 => (json!({"type": "SINGLE", "value": code(0)}), json!(25)),
        1 => {
            let values: Vec<_> = (0..2 + i % 2).map(code).collect();
            (json!({"type": "MULTIPLE", "values": values}), json!(50))
        }
        _ => (
            json!({"type": "TEMPLATE", "template_id": format!("PT-{}", ulid(2000 + i as u64))}),
            json!(20),
        ),
    }
}

fn new_item(i: usize) -> Value {
    let (products, face_value) = new_products(i);
    json!({
        "face_value": face_value,
        "distribution_method": distribution(i),
        "products": products,
    })
}

fn metadata() -> Value {
    json!({
        "campaign": "referral_q3",
        "department": "marketing",
        "internal_id": "12345",
        "cost_center": "CC-0042",
        "approved_by": "finance-ops",
        "region": "NA",
        "batch": "2025-07-01-a",
        "source": "hris-export",
    })
}

/// (1) A one-item `NewOrderDetails` as sent with `X-Execution-Mode: sync`; the invalid one
/// has an e-mail address without `@`.
fn new_order_1() -> Input {
    let valid = json!({
        "payment_method": {"type": "ACCOUNT_BALANCE", "currency": "USD"},
        "items": [{
            "face_value": 25,
            "distribution_method": {
                "type": "EMAIL",
                "email_address": "maria.lopez@example.com",
                "template_id": "DT-01HPSF51G0ZWHJ3JTNWRH0WDYK",
            },
            "products": {"type": "SINGLE", "value": "AMZ-US"},
        }],
    });
    let mut invalid = valid.clone();
    invalid["items"][0]["distribution_method"]["email_address"] = json!("maria.lopez.example.com");
    Input {
        name: "new-order-1",
        kind: Kind::NewOrderDetails,
        error: "`/items/0/distribution_method/email_address` is not an e-mail address",
        error_at: "/items/0/distribution_method",
        valid,
        invalid,
    }
}

/// (2) A 200-item `NewOrderDetails` with a description and metadata; the invalid one has a
/// face value of 0 in the last item.
fn new_order_200() -> Input {
    let valid = json!({
        "payment_method": {"type": "ACCOUNT_BALANCE", "currency": "USD"},
        "items": (0..200).map(new_item).collect::<Vec<_>>(),
        "description": "Q3 customer referral rewards",
        "metadata": metadata(),
    });
    let mut invalid = valid.clone();
    invalid["items"][199]["face_value"] = json!(0);
    Input {
        name: "new-order-200",
        kind: Kind::NewOrderDetails,
        error: "`/items/199/face_value` is 0 (the minimum is 0.01)",
        error_at: "/items/199/face_value",
        valid,
        invalid,
    }
}

const STATUSES: [&str; 4] = ["ACTIVE", "CLAIMED", "CANCELLED", "EXPIRED"];

fn completed_item(i: usize) -> Value {
    let code = |k: usize| PRODUCTS[(i + k * 5) % PRODUCTS.len()];
    let (products, face_value) = match i % 7 {
        0 | 3 => (json!({"type": "SINGLE", "value": code(0)}), "25.00"),
        1 => (
            json!({"type": "MULTIPLE", "values": [code(0), code(1), code(2)]}),
            "50.00",
        ),
        2 | 5 => (
            json!({
                "type": "TEMPLATE",
                "template_id": format!("PT-{}", ulid(2000 + i as u64)),
                "values": [code(0), code(1), code(2), code(3)],
            }),
            "20.00",
        ),
        4 => (
            json!({
                "type": "SINGLE",
                "value": "VISA-PREPAID-US",
                "usage_config": {"spend_rules_template_id": format!("PSR-{}", ulid(1000 + i as u64))},
            }),
            "100.50",
        ),
        _ => (json!({"type": "UNKNOWN"}), "10.00"),
    };
    let status = STATUSES[i % STATUSES.len()];
    let mut payout = json!({
        "status": status,
        "status_updated_at": format!("2025-07-{:02}T{:02}:{:02}:00Z", 1 + i % 28, i % 24, i % 60),
        "url": format!("https://spend.runa.io/{:08x}-1f3a-4b5c-8d9e-{:012x}", i * 7919, i * 104_729),
    });
    payout["expiry_date"] = if status == "EXPIRED" {
        json!("2025-12-30T11:00:00Z")
    } else {
        Value::Null
    };
    json!({
        "id": format!("E-{}", ulid(3000 + i as u64)),
        "distribution_method": distribution(i),
        "products": products,
        "face_value": face_value,
        "price": face_value,
        "currency": "USD",
        "payout": payout,
    })
}

/// (3) A `CompletedOrderWithFullDetails` with 200 items; the invalid one has an e-mail
/// address without `@` in the last item.
fn completed_200() -> Input {
    let valid = json!({
        "id": "O-01HZX4T1N5F6G7H8J9K0M1P2Q3",
        "status": "COMPLETED",
        "created_at": "2025-06-30T11:00:00.000001+00:00",
        "completed_at": "2025-06-30T11:00:02.500000+00:00",
        "description": "Q3 customer referral rewards",
        "payment_method": {"type": "ACCOUNT_BALANCE", "currency": "USD"},
        "currency": "USD",
        "total_price": "6915.00",
        "total_discount": "0.00",
        "items": (0..200).map(completed_item).collect::<Vec<_>>(),
        "transaction_detail": {"USD": {"value": "6915.00", "fx": null}},
        "metadata": metadata(),
    });
    let mut invalid = valid.clone();
    let last = &mut invalid["items"][198]["distribution_method"];
    assert_eq!(last["type"], "EMAIL", "item 198 is an e-mail distribution");
    let address = last["email_address"].as_str().unwrap().replace('@', ".");
    last["email_address"] = json!(address);
    Input {
        name: "completed-200",
        kind: Kind::CompletedOrderWithFullDetails,
        error: "`/items/198/distribution_method/email_address` (the last EMAIL item) is not an e-mail address",
        error_at: "/items/198/distribution_method",
        valid,
        invalid,
    }
}
