//! The mock under the attacks of issue 9: slow and idle connections, large bodies, refused requests, amounts beyond `f64`, repeated keys and huge 422 answers.

use std::time::Duration;

use reqwest::StatusCode;
use runa_order_mock::{Catalogue, Config, FaceValues, Faults, Limits, MockServer, Product};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

const KEY: &str = "XXtest.key";
/// Every wait of these tests is bounded by this; it detects a hang, it measures nothing.
const PATIENCE: Duration = Duration::from_secs(60);

fn order_with(face_value: Value) -> Value {
    json!({
        "payment_method": {"type": "ACCOUNT_BALANCE", "currency": "USD"},
        "items": [{
            "face_value": face_value,
            "distribution_method": {"type": "EMAIL", "email_address": "fred@example.com"},
            "products": {"type": "SINGLE", "value": "AMZ-US"}
        }]
    })
}

async fn start(limits: Limits) -> MockServer {
    MockServer::start(Config {
        async_delay: Duration::ZERO,
        limits,
        ..Config::default()
    })
    .await
    .unwrap()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(PATIENCE)
        .build()
        .unwrap()
}

fn assert_answers_follow_the_spec(mock: &MockServer) {
    let violations = mock.spec_violations();
    assert!(violations.is_empty(), "{violations:?}");
}

async fn post(mock: &MockServer, path: &str, key: &str, body: String) -> (StatusCode, Value) {
    let response = http()
        .post(format!("{}{path}", mock.base_url()))
        .header("X-Api-Key", KEY)
        .header("X-Idempotency-Key", key)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

async fn list(mock: &MockServer) -> StatusCode {
    http()
        .get(format!("{}/order", mock.base_url()))
        .header("X-Api-Key", KEY)
        .send()
        .await
        .unwrap()
        .status()
}

/// Reads until the server closes the connection; what it sent before.
async fn read_to_close(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(PATIENCE, async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server did not close the connection");
    String::from_utf8_lossy(&answer).into_owned()
}

/// The JSON body of a raw HTTP/1.1 answer.
fn body_of(answer: &str) -> Value {
    let (_, body) = answer.split_once("\r\n\r\n").expect("an HTTP answer");
    serde_json::from_str(body).unwrap_or_else(|err| panic!("{err}: {answer:?}"))
}

/// Waits (bounded) until `check` holds of the mock's state.
async fn eventually(mock: &MockServer, check: impl Fn(&runa_order_mock::StateSize) -> bool) {
    let waited = tokio::time::timeout(PATIENCE, async {
        while !check(&mock.state_size()) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(waited.is_ok(), "never reached: {:?}", mock.state_size());
}

// Item 12: timeouts, connection limit, body limits, protocol refusals.

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let mock = start(Limits {
        header_read_timeout: Duration::from_millis(300),
        ..Limits::default()
    })
    .await;
    let mut slow = TcpStream::connect(mock.address()).await.unwrap();
    slow.write_all(b"GET /v2/order HTTP/1.1\r\nHost: mock\r\nX-Api-Key: XXtest.key\r\n")
        .await
        .unwrap();
    // Meanwhile other clients are served.
    assert_eq!(list(&mock).await, 200);
    assert_eq!(
        read_to_close(&mut slow).await,
        "",
        "closed without an answer"
    );

    // A kept-alive connection that stays idle is closed after the same time.
    let mut idle = TcpStream::connect(mock.address()).await.unwrap();
    idle.write_all(b"GET /v2/order HTTP/1.1\r\nHost: mock\r\nX-Api-Key: XXtest.key\r\n\r\n")
        .await
        .unwrap();
    let answer = read_to_close(&mut idle).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    eventually(&mock, |it| it.connections == 0).await;
}

#[tokio::test]
async fn connections_over_the_limit_close_the_longest_idle_one_or_are_refused() {
    let mock = start(Limits {
        max_connections: 4,
        ..Limits::default()
    })
    .await;
    let mut idle = Vec::new();
    for _ in 0..4 {
        idle.push(TcpStream::connect(mock.address()).await.unwrap());
        let n = idle.len();
        eventually(&mock, |it| it.connections == n).await;
    }
    // A fifth client is served: the connection idle the longest (the first) made room.
    assert_eq!(list(&mock).await, 200);
    assert_eq!(read_to_close(&mut idle[0]).await, "");
    assert!(mock.state_size().connections <= 4);

    // With every connection busy, a new one is closed at once.
    drop(idle);
    eventually(&mock, |it| it.connections == 0).await;
    mock.set_faults(Faults {
        delay: Some(Duration::from_secs(30)),
        ..Faults::default()
    });
    let mut busy = Vec::new();
    for _ in 0..4 {
        let mut stream = TcpStream::connect(mock.address()).await.unwrap();
        stream
            .write_all(b"GET /v2/order HTTP/1.1\r\nHost: mock\r\nX-Api-Key: XXtest.key\r\n\r\n")
            .await
            .unwrap();
        busy.push(stream);
    }
    eventually(&mock, |it| it.busy_connections == 4).await;
    let mut refused = TcpStream::connect(mock.address()).await.unwrap();
    let _ = refused
        .write_all(b"GET /v2/order HTTP/1.1\r\nHost: mock\r\nX-Api-Key: XXtest.key\r\n\r\n")
        .await;
    assert_eq!(
        read_to_close(&mut refused).await,
        "",
        "refused without an answer"
    );
    assert_eq!(mock.state_size().connections, 4);
}

#[tokio::test]
async fn bodies_over_the_limit_get_413_in_the_api_error_shape() {
    let mock = start(Limits::default()).await;
    // The reproducer: 200 connections announcing a 1.9 MB body each. None is read.
    let mut streams = Vec::new();
    for _ in 0..200 {
        let mut stream = TcpStream::connect(mock.address()).await.unwrap();
        stream
            .write_all(
                b"POST /v2/order HTTP/1.1\r\nHost: mock\r\nX-Api-Key: XXtest.key\r\n\
                  X-Idempotency-Key: big\r\nContent-Length: 1900000\r\n\r\n{\"items\": [",
            )
            .await
            .unwrap();
        streams.push(stream);
    }
    for stream in &mut streams {
        let answer = read_to_close(stream).await;
        assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
        assert!(
            answer.to_lowercase().contains("connection: close"),
            "{answer}"
        );
        let body = body_of(&answer);
        assert_eq!(body["type"], "payload_too_large");
        assert!(body["message"].as_str().unwrap().contains("1048576"));
    }
    assert_eq!(mock.state_size().body_bytes_in_flight, 0);

    // A body without a length is cut off at the limit too.
    let chunks: Vec<Result<_, std::io::Error>> = (0..40)
        .map(|_| {
            Ok(hyper::body::Frame::data(bytes::Bytes::from(vec![
                b' ';
                64 * 1024
            ])))
        })
        .collect();
    let chunks = http_body_util::StreamBody::new(futures::stream::iter(chunks));
    let response = http()
        .post(format!("{}/order", mock.base_url()))
        .header("X-Api-Key", KEY)
        .header("X-Idempotency-Key", "chunked")
        .body(reqwest::Body::wrap(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["type"], "payload_too_large");
    assert!(mock.requests().is_empty());
    assert_answers_follow_the_spec(&mock);
}

#[tokio::test]
async fn unfinished_bodies_hold_at_most_the_budget_and_time_out_with_408() {
    let mock = start(Limits {
        max_body_bytes: 256 * 1024,
        max_body_bytes_in_flight: 1024 * 1024,
        body_read_timeout: Duration::from_secs(2),
        ..Limits::default()
    })
    .await;
    // 20 clients each announce 200 KiB and send half of it: together they would hold 4 MB.
    let mut streams = Vec::new();
    for n in 0..20 {
        let mut stream = TcpStream::connect(mock.address()).await.unwrap();
        let head = format!(
            "POST /v2/order HTTP/1.1\r\nHost: mock\r\nX-Api-Key: XXtest.key\r\n\
             X-Idempotency-Key: slow-{n}\r\nContent-Length: 204800\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(&vec![b' '; 100 * 1024]).await.unwrap();
        streams.push(stream);
    }
    eventually(&mock, |it| it.body_bytes_in_flight > 0).await;
    assert!(mock.state_size().body_bytes_in_flight <= 1024 * 1024);
    // Other clients are answered meanwhile.
    assert_eq!(list(&mock).await, 200);
    assert!(mock.state_size().body_bytes_in_flight <= 1024 * 1024);
    for stream in &mut streams {
        let answer = read_to_close(stream).await;
        assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
        assert_eq!(body_of(&answer)["type"], "request_timeout");
    }
    eventually(&mock, |it| it.body_bytes_in_flight == 0).await;
    assert_eq!(mock.order_count(), 0);
    assert_answers_follow_the_spec(&mock);
}

#[tokio::test]
async fn wrong_methods_and_malformed_requests_answer_in_the_api_error_shape() {
    let mock = start(Limits::default()).await;
    let response = http()
        .delete(format!("{}/order", mock.base_url()))
        .header("X-Api-Key", KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["type"], "method_not_allowed");

    let mut stream = TcpStream::connect(mock.address()).await.unwrap();
    stream
        .write_all(
            b"GET /v2/order/%FF%FE HTTP/1.1\r\nHost: mock\r\nX-Api-Key: XXtest.key\r\n\
              Connection: close\r\n\r\n",
        )
        .await
        .unwrap();
    let answer = read_to_close(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
    assert_eq!(body_of(&answer)["type"], "bad_request");

    // Text that is not HTTP, and headers over the limit: hyper's answers, in the API's shape.
    for (request, status, error_type) in [
        (b"GARBAGE\r\n\r\n".to_vec(), "400", "bad_request"),
        (
            [
                &b"GET /v2/order HTTP/1.1\r\nX-Big: "[..],
                &vec![b'a'; 200 * 1024],
                b"\r\n\r\n",
            ]
            .concat(),
            "431",
            "headers_too_large",
        ),
    ] {
        let mut stream = TcpStream::connect(mock.address()).await.unwrap();
        let _ = stream.write_all(&request).await;
        let answer = read_to_close(&mut stream).await;
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status} ")),
            "{answer}"
        );
        let body = body_of(&answer);
        assert_eq!(body["type"], error_type);
        assert!(
            runa_order_validator::Kind::APIErrorResponse
                .validate(&body)
                .is_ok()
        );
    }

    let response = http()
        .get(format!("{}/nowhere", mock.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["type"], "not_found");
    assert_answers_follow_the_spec(&mock);
}

// Item 14: refused requests leave nothing behind; the request log is bounded.

#[tokio::test]
async fn refused_requests_leave_nothing_behind() {
    let mock = MockServer::start(Config {
        api_keys: Some(vec![KEY.to_owned()]),
        // Every authenticated POST counts: the four refused below, then one processed.
        rate_limit: Some(runa_order_mock::RateLimit {
            requests: 4,
            window: Duration::from_secs(3600),
        }),
        ..Config::default()
    })
    .await
    .unwrap();
    // The reproducer: 20,000 unauthenticated requests with a 10 KB idempotency key.
    let long_key = "k".repeat(10_000);
    let body = order_with(json!(10)).to_string();
    let client = http();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (client, url, key, body) = (
                client.clone(),
                format!("{}/order", mock.base_url()),
                long_key.clone(),
                body.clone(),
            );
            tokio::spawn(async move {
                for _ in 0..2_500 {
                    let response = client
                        .post(&url)
                        .header("X-Idempotency-Key", &key)
                        .body(body.clone())
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(response.status(), 401);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let empty = |it: &runa_order_mock::StateSize| {
        it.orders == 0
            && it.idempotency_keys == 0
            && it.idempotency_bytes == 0
            && it.logged_requests == 0
            && it.logged_request_bytes == 0
    };
    assert!(empty(&mock.state_size()), "{:?}", mock.state_size());

    // Nor do a wrong key, a bad version, a key over the limit, the rate limit and faults.
    let send = |headers: Vec<(&'static str, String)>| {
        let mut request = client
            .post(format!("{}/order", mock.base_url()))
            .body(body.clone());
        for (name, value) in headers {
            request = request.header(name, value);
        }
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let key = |it: &str| ("X-Idempotency-Key", it.to_owned());
    let api = |it: &str| ("X-Api-Key", it.to_owned());
    assert_eq!(send(vec![api("XXother.key"), key("a")]).await, 401);
    assert_eq!(
        send(vec![
            api(KEY),
            key("a"),
            ("X-Api-Version", "2023-01-16".into())
        ])
        .await,
        410
    );
    assert_eq!(send(vec![api(KEY), key(&long_key)]).await, 400);
    assert_eq!(send(vec![api(KEY)]).await, 400);
    mock.set_faults(Faults {
        server_error_every: Some(1),
        ..Faults::default()
    });
    assert_eq!(send(vec![api(KEY), key("a")]).await, 500);
    mock.set_faults(Faults::default());
    assert!(empty(&mock.state_size()), "{:?}", mock.state_size());
    // The one request the rate limit allows is processed; the next is refused and forgotten.
    assert_eq!(send(vec![api(KEY), key("a")]).await, 202);
    assert_eq!(send(vec![api(KEY), key("b")]).await, 429);
    let size = mock.state_size();
    assert_eq!(
        (size.orders, size.idempotency_keys, size.logged_requests),
        (1, 1, 1)
    );
    assert_answers_follow_the_spec(&mock);
}

#[tokio::test]
async fn the_request_log_keeps_the_newest_requests_only() {
    let mock = start(Limits {
        request_log_capacity: 10,
        ..Limits::default()
    })
    .await;
    for n in 0..25 {
        let response = http()
            .get(format!("{}/order/O-{n}", mock.base_url()))
            .header("X-Api-Key", KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404);
    }
    let paths: Vec<String> = mock.requests().into_iter().map(|it| it.path).collect();
    let expected: Vec<String> = (15..25).map(|n| format!("/v2/order/O-{n}")).collect();
    assert_eq!(paths, expected);
    // A long path is recorded cut.
    let long = "A".repeat(5_000);
    http()
        .get(format!("{}/order/{long}", mock.base_url()))
        .header("X-Api-Key", KEY)
        .send()
        .await
        .unwrap();
    let last = mock.requests().pop().unwrap();
    assert!(
        last.path.len() < 300 && last.path.ends_with('…'),
        "{}",
        last.path
    );
    assert!(mock.state_size().logged_request_bytes < 10 * 300);
}

// Item 15: money is exact.

#[tokio::test]
async fn amounts_are_exact_and_every_answer_follows_the_spec() {
    let mock = MockServer::start(Config {
        async_delay: Duration::ZERO,
        catalogue: Catalogue::default().with_product(
            "DISC-US",
            Product {
                currency: Some("USD".into()),
                face_values: FaceValues::Range {
                    min: 1.0,
                    max: f64::MAX,
                },
                discount: 0.04,
            },
        ),
        ..Config::default()
    })
    .await
    .unwrap();
    // 1e308 is valid (no maximum) but beyond what the mock represents: 422, nothing stored.
    let (status, answer) = post(
        &mock,
        "/order",
        "huge",
        order_with(json!(1e308)).to_string(),
    )
    .await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["type"], "validation_error");
    assert_eq!(
        answer["details"][0]["location"],
        json!(["items", "0", "face_value"])
    );
    assert_eq!(answer["details"][0]["type"], "maximum");
    assert_eq!(mock.order_count(), 0);

    // An estimate of 1e307 is refused the same way, instead of answering `"price": null`.
    let estimate = |face: Value, product: &str| {
        json!({
            "payment_method": {"type": "ACCOUNT_BALANCE", "currency": "USD"},
            "items": [{"face_value": face, "products": {"type": "SINGLE", "value": product}}]
        })
        .to_string()
    };
    let (status, answer) = post(
        &mock,
        "/order/estimate",
        "-",
        estimate(json!(1e307), "AMZ-US"),
    )
    .await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(
        answer["details"][0]["location"],
        json!(["items", "0", "face_value"])
    );

    // 10.555 is 10.56 face value; the price is never above it.
    let (status, answer) = post(
        &mock,
        "/order",
        "cents",
        order_with(json!(10.555)).to_string(),
    )
    .await;
    assert_eq!(status, 202, "{answer}");
    let order: Value = http()
        .get(format!(
            "{}/order/{}",
            mock.base_url(),
            answer["id"].as_str().unwrap()
        ))
        .header("X-Api-Key", KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(order["items"][0]["face_value"], "10.56");
    assert_eq!(order["items"][0]["price"], "10.56");
    assert_eq!(order["total_discount"], "0.00");
    assert_eq!(order["transaction_detail"]["USD"]["value"], "10.56");

    // Large amounts are exact where f64 is not, and answered as JSON numbers.
    let body = r#"{"payment_method": {"type": "ACCOUNT_BALANCE", "currency": "USD"},
        "items": [{"face_value": 123456789012345678.05, "products": {"type": "SINGLE", "value": "DISC-US"}},
                  {"face_value": 0.1, "products": {"type": "SINGLE", "value": "AMZ-US"}},
                  {"face_value": 0.2, "products": {"type": "SINGLE", "value": "AMZ-US"}}]}"#;
    let response = http()
        .post(format!("{}/order/estimate", mock.base_url()))
        .header("X-Api-Key", KEY)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    // 123456789012345678.05 × 0.96 = 118518517451851850.928, so 118518517451851850.93.
    assert!(text.contains(r#""price":118518517451851850.93"#), "{text}");
    assert!(
        text.contains(r#""face_value":123456789012345678.05"#),
        "{text}"
    );
    assert!(
        text.contains(r#""total_price":118518517451851851.23"#),
        "{text}"
    );
    assert!(
        text.contains(r#""total_discount":4938271560493827.12"#),
        "{text}"
    );
    assert!(text.contains(r#""discount_multiplier":"0.04""#), "{text}");
    assert_answers_follow_the_spec(&mock);
}

#[tokio::test]
async fn a_catalogue_the_mock_cannot_use_is_refused_at_start() {
    let err = MockServer::start(Config {
        catalogue: Catalogue::default().with_product(
            "BAD",
            Product {
                discount: -0.5,
                ..Product::default()
            },
        ),
        ..Config::default()
    })
    .await
    .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("\"BAD\""), "{err}");
}

// Item 16: one contract with the validator; bounded 422 answers.

#[tokio::test]
async fn a_repeated_key_is_refused_as_the_validator_refuses_it() {
    let mock = start(Limits::default()).await;
    let body = r#"{"payment_method": {"type": "ACCOUNT_BALANCE", "currency": "USD"},
 "items": [{"face_value": 10, "face_value": 10000,
   "distribution_method": {"type": "EMAIL", "email_address": "fred@example.com"},
   "products": {"type": "SINGLE", "value": "AMZ-US"}}]}"#;
    assert!(
        runa_order_validator::Kind::NewOrderDetails
            .validate_slice(body.as_bytes())
            .unwrap_err()
            .is_parse_error()
    );
    for path in ["/order", "/order/estimate"] {
        let (status, answer) = post(&mock, path, "dup", body.to_owned()).await;
        assert_eq!(status, 400, "{answer}");
        assert_eq!(answer["type"], "bad_request");
        let message = answer["message"].as_str().unwrap();
        assert!(message.contains("2:"), "names the line: {message}");
        assert!(message.contains("face_value"), "{message}");
    }
    assert_eq!(mock.order_count(), 0);
    assert_answers_follow_the_spec(&mock);
}

#[tokio::test]
async fn a_422_with_120000_problems_is_bounded_and_so_is_its_replay() {
    let mock = start(Limits::default()).await;
    // 120,000 items that are not objects: one problem each, and `maxItems` besides.
    let items = vec!["0"; 120_000].join(",");
    let body = format!(
        r#"{{"payment_method": {{"type": "ACCOUNT_BALANCE", "currency": "USD"}}, "items": [{items}]}}"#
    );
    let (status, first) = post(&mock, "/order", "many", body.clone()).await;
    assert_eq!(status, 422);
    let details = first["details"].as_array().unwrap();
    assert_eq!(details.len(), 100);
    // The validator reports in document order and stops soon after the limit, so the rest
    // are counted as a lower bound.
    assert_eq!(details[0]["location"], json!(["items", "0"]));
    assert_eq!(details[98]["location"], json!(["items", "98"]));
    let last = &details[99];
    assert_eq!(last["type"], "more_errors");
    assert!(
        last["message"]
            .as_str()
            .unwrap()
            .starts_with("at least 2 more problems"),
        "{last}"
    );
    // The replay is the same bounded answer, and the record of it is small.
    let (status, again) = post(&mock, "/order", "many", body).await;
    assert_eq!((status, &again), (StatusCode::UNPROCESSABLE_ENTITY, &first));
    assert!(
        mock.state_size().idempotency_bytes < 20_000,
        "{:?}",
        mock.state_size()
    );
    assert_answers_follow_the_spec(&mock);
}

// Issue 18, item 8: the body budget goes to authenticated requests, as their bytes arrive.

/// Sends the head of a `POST /v2/order` that announces `length` body bytes, and no body.
async fn announce(mock: &MockServer, api_key: Option<&str>, n: usize, length: usize) -> TcpStream {
    let mut stream = TcpStream::connect(mock.address()).await.unwrap();
    let key = api_key
        .map(|it| format!("X-Api-Key: {it}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "POST /v2/order HTTP/1.1\r\nHost: mock\r\n{key}X-Idempotency-Key: held-{n}\r\n\
         Content-Length: {length}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream
}

/// 32 connections without an API key announce 1 MiB bodies (the whole default budget) and
/// send nothing: each is answered `401` at once, without a byte of the budget. Then 32
/// connections with a key do the same: a body takes its share as its bytes arrive, so they
/// hold nothing, and a normal create completes while all 32 are still waiting for their
/// bodies. The body timeout is far longer than the test, so a create that waited for the
/// budget would never complete (the test would fail at its safety bound).
#[tokio::test]
async fn announced_bodies_take_no_share_of_the_budget_until_authenticated_bytes_arrive() {
    let mock = MockServer::start(Config {
        async_delay: Duration::ZERO,
        api_keys: Some(vec![KEY.to_owned()]),
        limits: Limits {
            body_read_timeout: Duration::from_secs(600),
            ..Limits::default()
        },
        ..Config::default()
    })
    .await
    .unwrap();
    let mib = 1024 * 1024;
    let mut anonymous = Vec::new();
    for n in 0..32 {
        anonymous.push(announce(&mock, None, n, mib).await);
    }
    for stream in &mut anonymous {
        let answer = read_to_close(stream).await;
        assert!(answer.starts_with("HTTP/1.1 401 "), "{answer}");
        assert_eq!(body_of(&answer)["type"], "unauthorized");
    }

    let mut waiting = Vec::new();
    for n in 0..32 {
        waiting.push(announce(&mock, Some(KEY), n, mib).await);
    }
    eventually(&mock, |it| it.busy_connections == 32).await;
    assert_eq!(mock.state_size().body_bytes_in_flight, 0);
    let (status, answer) = post(&mock, "/order", "normal", order_with(json!(10)).to_string()).await;
    assert_eq!(status, 202, "{answer}");
    assert_eq!(
        mock.state_size().busy_connections,
        32,
        "the 32 uploads are still waiting for their bodies"
    );
    assert_eq!(mock.order_count(), 1);
    drop(waiting);
    assert_answers_follow_the_spec(&mock);
}

// Issue 18, item 6: everything the mock stores has a bound, and the oldest goes first.

async fn get(mock: &MockServer, path: &str) -> (StatusCode, Value) {
    let response = http()
        .get(format!("{}{path}", mock.base_url()))
        .header("X-Api-Key", KEY)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

/// An order of `items` items, each one `face_value` of 10.
fn order_of(items: usize) -> String {
    let mut order = order_with(json!(10));
    let item = order["items"][0].clone();
    order["items"] = Value::Array(vec![item; items]);
    order.to_string()
}

#[tokio::test]
async fn stored_orders_are_bounded_in_count_and_bytes_and_the_oldest_go_first() {
    let mock = start(Limits {
        max_orders: 5,
        ..Limits::default()
    })
    .await;
    let mut ids = Vec::new();
    for n in 0..12 {
        let (status, placed) = post(&mock, "/order", &format!("k{n}"), order_of(1)).await;
        assert_eq!(status, 202, "{placed}");
        ids.push(placed["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(mock.order_count(), 5);
    let kept: Vec<String> = mock.orders().into_iter().map(|it| it.id).collect();
    assert_eq!(kept, ids[7..]);
    assert_eq!(get(&mock, &format!("/order/{}", ids[6])).await.0, 404);
    assert_eq!(get(&mock, &format!("/order/{}", ids[7])).await.0, 200);
    let (_, list) = get(&mock, "/order?limit=500").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 5, "{list}");
    // The key of a stored order replays it; the key of an evicted one went with it.
    let (status, again) = post(&mock, "/order", "k11", order_of(1)).await;
    assert_eq!(
        (status.as_u16(), again["id"].as_str()),
        (202, Some(&*ids[11]))
    );
    let (status, anew) = post(&mock, "/order", "k0", order_of(1)).await;
    assert_eq!(status, 202);
    assert_ne!(anew["id"].as_str(), Some(&*ids[0]));
    assert_eq!(mock.order_count(), 5);
    assert_eq!(mock.state_size().idempotency_keys, 5);

    // In bytes: orders of 50 items against a bound of 100,000 bytes.
    let mock = start(Limits {
        max_order_bytes: 100_000,
        ..Limits::default()
    })
    .await;
    for n in 0..20 {
        let (status, placed) = post(&mock, "/order", &format!("big-{n}"), order_of(50)).await;
        assert_eq!(status, 202, "{placed}");
        let size = mock.state_size();
        assert!(size.order_bytes <= 100_000, "{size:?}");
    }
    let size = mock.state_size();
    assert!((1..20).contains(&size.orders), "{size:?}");
    assert_answers_follow_the_spec(&mock);
}

/// A body the spec refuses with `details` problems (`items` that are not objects).
fn refused_body(details: usize) -> String {
    format!(
        r#"{{"payment_method": {{"type": "ACCOUNT_BALANCE", "currency": "USD"}}, "items": [{}]}}"#,
        vec!["0"; details].join(",")
    )
}

#[tokio::test]
async fn idempotency_records_are_bounded_in_count_and_bytes_and_the_oldest_go_first() {
    let mock = start(Limits {
        max_idempotency_records: 10,
        ..Limits::default()
    })
    .await;
    for n in 0..40 {
        let (status, _) = post(&mock, "/order", &format!("r{n}"), refused_body(3)).await;
        assert_eq!(status, 422);
        assert!(mock.state_size().idempotency_keys <= 10);
    }
    // The newest keys are remembered: another body under one is refused. The oldest were
    // forgotten: a new body under one is processed.
    let (status, answer) = post(&mock, "/order", "r39", order_of(1)).await;
    assert_eq!(
        (status.as_u16(), answer["type"].as_str()),
        (400, Some("idempotency_validation_error"))
    );
    let (status, _) = post(&mock, "/order", "r0", order_of(1)).await;
    assert_eq!(status, 202);

    let mock = start(Limits {
        max_idempotency_bytes: 20_000,
        ..Limits::default()
    })
    .await;
    for n in 0..100 {
        let (status, _) = post(&mock, "/order", &format!("b{n}"), refused_body(100)).await;
        assert_eq!(status, 422);
        let size = mock.state_size();
        assert!(size.idempotency_bytes <= 20_000, "{size:?}");
    }
    assert!(mock.state_size().idempotency_keys > 1);
    assert_answers_follow_the_spec(&mock);
}
