//! Cases on nodes of the real spec (amounts, item counts, statuses, shared definitions), and
//! one case for each rule of `operations.json`.

use serde_json::json;
use xtask::changes::{Direction, Level};

use super::{ALL, CREATE, CREATE_GET, Case, ESTIMATE, READS, case, o, o_del, s, s_del};

pub fn cases(out: &mut Vec<Case>) {
    number_and_array_cases_1(out);
    number_and_array_cases_2(out);
    object_cases_1(out);
    object_cases_2(out);
    enum_and_shared_cases(out);
    operation_cases(out);
    tagged_cases(out);
    api_cases(out);
}

/// The texts of `operations.json` and what it says of the API as a whole.
fn api_cases(out: &mut Vec<Case>) {
    use Direction::{Both, Request, Response};
    use Level::{Breaking as B, Info as I, Warning as W};
    out.extend([
        case(
            vec![o("/operations/1/summary", json!("Read one order."))],
            "operation-docs-changed",
            Both,
            I,
            &["getSingleOrder"],
        ),
        case(
            vec![o(
                "/operations/1/responses/404/description",
                json!("No such order."),
            )],
            "operation-docs-changed",
            Both,
            I,
            &["getSingleOrder"],
        ),
        case(
            vec![o("/api_version", json!("2025-01-01"))],
            "request-api-version-changed",
            Request,
            W,
            ALL,
        ),
        case(
            vec![o("/removed_versions/2", json!("2022-06-01"))],
            "request-removed-versions-changed",
            Request,
            W,
            ALL,
        ),
        case(
            vec![o("/auth_header", json!("X-Runa-Key"))],
            "request-auth-header-changed",
            Request,
            B,
            ALL,
        ),
        case(
            vec![o(
                "/servers/2",
                json!({"name": "sandbox", "url": "https://sandbox.runa.io/v2"}),
            )],
            "api-servers-changed",
            Both,
            W,
            ALL,
        ),
        case(
            vec![o(
                "/error_types/22",
                json!({"type": "payment_declined", "status": 400, "message": "The payment was declined."}),
            )],
            "response-error-type-added",
            Response,
            W,
            ALL,
        ),
        case(
            vec![o_del("/error_types/21")],
            "response-error-type-removed",
            Response,
            I,
            ALL,
        ),
        case(
            vec![o(
                "/error_types/0/message",
                json!("The payload is malformed."),
            )],
            "response-error-type-changed",
            Response,
            I,
            ALL,
        ),
    ]);
}

/// A tagged `oneOf` decides: a new variant widens (breaks what responses carry), a removed
/// one narrows (breaks what requests send); `DistributionMethod` travels both ways.
fn tagged_cases(out: &mut Vec<Case>) {
    use Level::Breaking as B;
    let sms = json!({
        "title": "Sms",
        "description": "Sent by text message.",
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"type": "string", "enum": ["SMS"]}}
    });
    out.extend([
        case(
            vec![
                s("/$defs/SmsDistribution", sms),
                s(
                    "/$defs/DistributionMethod/oneOf/3",
                    json!({"$ref": "#/$defs/SmsDistribution"}),
                ),
            ],
            "both-one-of-branch-added",
            Direction::Both,
            B,
            CREATE_GET,
        ),
        case(
            vec![s_del("/$defs/DistributionMethod/oneOf/1")],
            "both-one-of-branch-removed",
            Direction::Both,
            B,
            CREATE_GET,
        ),
    ]);
}

fn number_and_array_cases_1(out: &mut Vec<Case>) {
    use Direction::Request;
    use Level::{Breaking as B, Info as I};
    out.extend([
        case(
            vec![s(
                "/$defs/NewOrderItemDetails/properties/face_value/minimum",
                json!(1),
            )],
            "request-minimum-increased",
            Request,
            B,
            CREATE,
        ),
        case(
            vec![s(
                "/$defs/NewOrderItemDetails/properties/face_value/minimum",
                json!(0.001),
            )],
            "request-minimum-decreased",
            Request,
            I,
            CREATE,
        ),
        case(
            vec![s_del(
                "/$defs/NewOrderItemDetails/properties/face_value/minimum",
            )],
            "request-minimum-removed",
            Request,
            I,
            CREATE,
        ),
        case(
            vec![s(
                "/$defs/NewOrderItemDetails/properties/face_value/maximum",
                json!(1000),
            )],
            "request-maximum-added",
            Request,
            B,
            CREATE,
        ),
        case(
            vec![s(
                "/$defs/NewOrderItemDetails/properties/face_value/exclusiveMaximum",
                json!(1000),
            )],
            "request-exclusive-maximum-added",
            Request,
            B,
            CREATE,
        ),
        case(
            vec![s(
                "/$defs/NewOrderItemDetails/properties/face_value",
                json!({"type": "string"}),
            )],
            "request-type-changed",
            Request,
            B,
            CREATE,
        ),
    ]);
}

fn number_and_array_cases_2(out: &mut Vec<Case>) {
    use Direction::Request;
    use Level::{Breaking as B, Info as I};
    out.extend([
        case(
            vec![s(
                "/$defs/NewOrderItemDetails/properties/face_value/type",
                json!("integer"),
            )],
            "request-type-narrowed",
            Request,
            B,
            CREATE,
        ),
        case(
            vec![s(
                "/$defs/NewOrderItemDetails/properties/face_value/type",
                json!(["number", "string"]),
            )],
            "request-type-widened",
            Request,
            I,
            CREATE,
        ),
        case(
            vec![s(
                "/$defs/NewOrderDetails/properties/items/maxItems",
                json!(100),
            )],
            "request-max-items-decreased",
            Request,
            B,
            CREATE,
        ),
        case(
            vec![s(
                "/$defs/NewOrderDetails/properties/items/maxItems",
                json!(300),
            )],
            "request-max-items-increased",
            Request,
            I,
            CREATE,
        ),
        case(
            vec![s(
                "/$defs/NewOrderDetails/properties/items/minItems",
                json!(2),
            )],
            "request-min-items-increased",
            Request,
            B,
            CREATE,
        ),
        case(
            vec![s(
                "/$defs/NewOrderDetails/properties/items/uniqueItems",
                json!(true),
            )],
            "request-unique-items-added",
            Request,
            B,
            CREATE,
        ),
    ]);
}

fn object_cases_1(out: &mut Vec<Case>) {
    use Direction::{Request, Response};
    use Level::{Breaking as B, Info as I};
    out.extend([
        case(
            vec![s(
                "/$defs/OrderPriceRequest/properties/items/maxItems",
                json!(100),
            )],
            "request-max-items-decreased",
            Request,
            B,
            ESTIMATE,
        ),
        case(
            vec![s("/$defs/NewOrderItemDetails/required/3", json!("note"))],
            "request-required-added",
            Request,
            B,
            CREATE,
        ),
        case(
            vec![s("/$defs/IncompleteOrder/required/3", json!("note"))],
            "response-required-added",
            Response,
            I,
            READS,
        ),
        case(
            vec![s(
                "/$defs/IncompleteOrder/required",
                json!(["id", "status"]),
            )],
            "response-required-removed",
            Response,
            B,
            READS,
        ),
        case(
            vec![s(
                "/$defs/NewOrderItemDetails/properties/extra",
                json!({"type": "string"}),
            )],
            "request-property-added",
            Request,
            I,
            CREATE,
        ),
        case(
            vec![s(
                "/$defs/IncompleteOrder/properties/extra",
                json!({"type": "string"}),
            )],
            "response-property-added",
            Response,
            I,
            READS,
        ),
    ]);
}

fn object_cases_2(out: &mut Vec<Case>) {
    use Direction::{Both, Request, Response};
    use Level::{Breaking as B, Info as I, Warning as W};
    out.extend([
        case(
            vec![s_del("/$defs/NewOrderItemDetails/properties/note")],
            "request-property-removed",
            Request,
            W,
            CREATE,
        ),
        case(
            vec![s_del("/$defs/IncompleteOrder/properties/note")],
            "response-property-removed",
            Response,
            W,
            READS,
        ),
        case(
            vec![s(
                "/$defs/OrderStatus/enum",
                json!(["PROCESSING", "COMPLETED", "FAILED", "CANCELLED", "NEW"]),
            )],
            "response-enum-value-added",
            Response,
            B,
            &["createOrder", "getListOfOrders", "getSingleOrder"],
        ),
        case(
            vec![s(
                "/$defs/AccountPaymentType/enum",
                json!(["ACCOUNT_BALANCE", "CARD"]),
            )],
            "both-enum-value-added",
            Both,
            B,
            ALL,
        ),
        case(
            vec![s(
                "/$defs/IncompleteOrder/properties/message/maxLength",
                json!(10),
            )],
            "response-max-length-added",
            Response,
            I,
            READS,
        ),
        case(
            vec![s(
                "/$defs/OrderStatus/description",
                json!("Where the order is."),
            )],
            "response-description-changed",
            Response,
            I,
            &["createOrder", "getListOfOrders", "getSingleOrder"],
        ),
    ]);
}

fn enum_and_shared_cases(out: &mut Vec<Case>) {
    use Direction::{Both, Request, Response};
    use Level::{Breaking as B, Info as I, Warning as W};
    out.extend([
        case(
            vec![s("/$defs/Currency/pattern", json!("^[A-Z]{3,4}$"))],
            "both-pattern-changed",
            Both,
            B,
            ALL,
        ),
        case(
            vec![s("/$defs/Currency/maxLength", json!(3))],
            "both-max-length-added",
            Both,
            B,
            ALL,
        ),
        case(
            vec![s(
                "/$defs/APIErrorResponse/properties/help/type",
                json!("string"),
            )],
            "response-null-removed",
            Response,
            I,
            ALL,
        ),
        case(
            vec![s("/$defs/Unused", json!({"type": "string"}))],
            "both-definition-added",
            Both,
            I,
            &[],
        ),
        case(
            vec![s(
                "/$defs/IncompleteOrder/properties/message/type",
                json!("integer"),
            )],
            "response-type-changed",
            Response,
            B,
            READS,
        ),
        case(
            vec![o_del("/operations/3")],
            "operation-removed",
            Both,
            B,
            ESTIMATE,
        ),
        case(
            vec![o(
                "/operations/1/parameters/9",
                json!({"name": "X-Trace", "in": "header", "type": "string", "required": true}),
            )],
            "request-parameter-required-added",
            Request,
            B,
            &["getSingleOrder"],
        ),
        case(
            vec![o(
                "/operations/1/parameters/9",
                json!({"name": "X-Trace", "in": "header", "type": "string"}),
            )],
            "request-parameter-added",
            Request,
            I,
            &["getSingleOrder"],
        ),
        case(
            vec![o(
                "/operations/0/responses/418",
                json!({"body": "APIErrorResponse"}),
            )],
            "response-status-added",
            Response,
            W,
            CREATE,
        ),
        case(
            vec![o_del("/operations/0/responses/504")],
            "response-status-removed",
            Response,
            I,
            CREATE,
        ),
        case(
            vec![o(
                "/operations/0/responses/202/body",
                json!("IncompleteOrder"),
            )],
            "response-body-changed",
            Response,
            B,
            CREATE,
        ),
        case(
            vec![o("/operations/3/request_body", json!("NewOrderDetails"))],
            "request-body-changed",
            Request,
            B,
            ESTIMATE,
        ),
    ]);
}

/// The rules of `operations.json` that the cases above do not reach.
fn operation_cases(out: &mut Vec<Case>) {
    use Direction::{Both, Request};
    use Level::{Breaking as B, Info as I, Warning as W};
    const LIST: &[&str] = &["getListOfOrders"];
    let limit = "/operations/2/parameters/1";
    let rule = json!({
        "rule": "max_items_when_header",
        "header": "X-Execution-Mode",
        "value": "async",
        "field": "items",
        "max": 100,
        "error_type": "invalid_execution_mode",
        "message": "async orders are limited to 100 items"
    });
    out.extend([
        case(
            vec![o(
                "/operations/4",
                json!({
                    "id": "cancelOrder",
                    "method": "POST",
                    "path": "/order/{id}/cancel",
                    "summary": "Cancel an order.",
                    "parameters": [{"name": "id", "in": "path", "type": "string", "required": true}],
                    "responses": {"200": {"body": "GetSingleOrderResponse"}}
                }),
            )],
            "operation-added",
            Both,
            I,
            &["cancelOrder"],
        ),
        case(
            vec![o("/operations/3/path", json!("/order/price"))],
            "operation-route-changed",
            Request,
            B,
            ESTIMATE,
        ),
        case(
            vec![o_del("/operations/0/idempotency_key")],
            "request-idempotency-key-changed",
            Request,
            B,
            CREATE,
        ),
        case(
            vec![o_del("/operations/2/parameters/3")],
            "request-parameter-removed",
            Request,
            W,
            LIST,
        ),
        case(
            vec![o(format!("{limit}/maximum"), json!(100))],
            "request-parameter-narrowed",
            Request,
            B,
            LIST,
        ),
        case(
            vec![o(format!("{limit}/maximum"), json!(1000))],
            "request-parameter-widened",
            Request,
            I,
            LIST,
        ),
        // The range moves: 1..=500 becomes 2..=1000, narrower below and wider above.
        case(
            vec![
                o(format!("{limit}/minimum"), json!(2)),
                o(format!("{limit}/maximum"), json!(1000)),
            ],
            "request-parameter-changed",
            Request,
            B,
            LIST,
        ),
        // A query parameter that becomes a header: sent elsewhere.
        case(
            vec![o("/operations/2/parameters/2/in", json!("header"))],
            "request-parameter-changed",
            Request,
            B,
            LIST,
        ),
        case(
            vec![o(format!("{limit}/default"), json!(50))],
            "request-parameter-default-changed",
            Request,
            W,
            LIST,
        ),
        case(
            vec![o("/operations/0/rules/1", rule)],
            "request-header-rule-narrowed",
            Request,
            B,
            CREATE,
        ),
        case(
            vec![o("/operations/0/rules/0/max", json!(2))],
            "request-header-rule-widened",
            Request,
            I,
            CREATE,
        ),
        case(
            vec![o(
                "/operations/0/rules/0/message",
                json!("sync orders take one item"),
            )],
            "request-header-rule-changed",
            Request,
            I,
            CREATE,
        ),
        case(
            vec![o_del("/operations/0/rules/0")],
            "request-header-rule-removed",
            Request,
            I,
            CREATE,
        ),
    ]);
}
