//! Fuzz-style test, seeded and bounded: real answers, mutated in status line, headers and body, go through the client's decoding path without a panic.
//!
//! Every case serves one mutated answer on loopback and makes one call: `create_order`,
//! `get_order`, `list_orders` or `estimate_order`, chosen to match the answer. The call must
//! return in time with a value or a typed error, and never panic; a few invariants of the
//! errors are checked too, among them that no error prints a control character. The body
//! mutations include numbers with huge exponents, a byte-order mark before the body, and
//! keys and values with control characters.
//!
//! The seed is fixed unless `RUNA_CLIENT_FUZZ_SEED` says otherwise: `<u64>` replays a seed,
//! `random` picks one. The seed in use is printed (`-- --nocapture`), and a failure names the
//! seed and the case:
//!
//! ```sh
//! RUNA_CLIENT_FUZZ_SEED=random cargo test --workspace --test fuzz -- --nocapture
//! ```

mod common;

use std::{
    collections::BTreeMap,
    path::Path,
    sync::{Arc, Mutex},
    time::Duration,
};

use common::{bounded, order};
use rand::{RngExt, SeedableRng, rngs::StdRng, seq::IndexedRandom};
use runa_order_client::{Client, CreateOptions, Error, ListOrdersParams, ManualTime, RetryPolicy};
use runa_order_types::{
    AccountPaymentType, EstimateProducts, NewAccountPayment, OrderItemPriceRequest,
    OrderPriceRequest,
};
use tokio::io::AsyncWriteExt;

/// The seed of a run without `RUNA_CLIENT_FUZZ_SEED`, so that CI is reproducible.
const DEFAULT_SEED: u64 = 2_024_020_509;
/// Cases per run: a few seconds in a debug build.
const CASES: usize = 3_000;
/// The time limit of one call; an answer the server cuts short ends sooner.
const CALL_LIMIT: Duration = Duration::from_secs(10);

/// Which call an answer is fed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Call {
    Create,
    Get,
    List,
    Estimate,
}

/// A real answer: the call it answers, its status and its body.
#[derive(Debug, Clone)]
struct Answer {
    call: Call,
    status: u16,
    body: Vec<u8>,
}

/// The valid payloads of `tests/payloads/valid/`, each as the answer of the call that returns
/// it, and error bodies for every call.
fn corpus() -> Vec<Answer> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/payloads/valid");
    let mut answers = Vec::new();
    let kinds: &[(&str, &[(Call, u16)])] = &[
        ("AsyncAcceptedOrder", &[(Call::Create, 202)]),
        ("SyncCompletedOrder", &[(Call::Create, 200)]),
        (
            "CompletedOrderWithFullDetails",
            &[(Call::Get, 200), (Call::Create, 200)],
        ),
        ("GetSingleOrderResponse", &[(Call::Get, 200)]),
        ("OrderList", &[(Call::List, 200)]),
        ("OrderPriceResponse", &[(Call::Estimate, 200)]),
        (
            "APIErrorResponse",
            &[
                (Call::Create, 400),
                (Call::Get, 404),
                (Call::List, 500),
                (Call::Estimate, 401),
            ],
        ),
        (
            "ValidationErrorResponse",
            &[(Call::Create, 422), (Call::Estimate, 422)],
        ),
        ("RateExceededResponse", &[(Call::Create, 429)]),
    ];
    for (kind, uses) in kinds {
        let mut files: Vec<_> = std::fs::read_dir(root.join(kind))
            .unwrap_or_else(|err| panic!("{kind}: {err}"))
            .map(|it| it.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            let body = std::fs::read(&file).unwrap();
            for (call, status) in *uses {
                answers.push(Answer {
                    call: *call,
                    status: *status,
                    body: body.clone(),
                });
            }
        }
    }
    assert!(
        answers.len() >= 20,
        "the corpus is too small: {}",
        answers.len()
    );
    answers
}

/// A mutated answer, as the bytes the server writes.
fn mutate(rng: &mut StdRng, answer: &Answer, corpus: &[Answer]) -> Vec<u8> {
    let mut body = answer.body.clone();
    if rng.random_bool(0.6) {
        mutate_body(rng, &mut body, corpus);
    }
    let status_line = match rng.random_range(0..10) {
        0..=4 => format!("HTTP/1.1 {} X", answer.status),
        5 => format!(
            "HTTP/1.1 {}",
            [
                200, 201, 202, 204, 301, 400, 404, 409, 410, 429, 500, 502, 503, 504
            ]
            .choose(rng)
            .unwrap()
        ),
        6 => format!("HTTP/1.1 {} Whatever", rng.random_range(100..=599)),
        7 => format!("HTTP/1.0 {} OK", answer.status),
        _ => [
            "HTTP/1.1 2000 OK",
            "HTTP/1.1 abc",
            "HTTP/1.1",
            "HTTP/2 200 OK",
            "ICY 200 OK",
            "",
            "HTTP/1.1 099 Low",
            "HTTP/1.1 600 High",
            "HTTP/1.1 200 \u{ff}\u{fe}",
        ]
        .choose(rng)
        .unwrap()
        .to_string(),
    };
    let mut head = status_line.into_bytes();
    head.extend_from_slice(b"\r\nconnection: close\r\n");
    let header = |head: &mut Vec<u8>, line: &[u8]| {
        head.extend_from_slice(line);
        head.extend_from_slice(b"\r\n");
    };
    if rng.random_bool(0.3) {
        let values: &[&[u8]] = &[
            b"1e20",
            b"99999999999999999999",
            b"18446744073709551616",
            b"1.8446744073709552e19",
            b"-1",
            b"NaN",
            b"inf",
            b"",
            b"0",
            b"1",
            b"1.5",
            b"soon",
            b"Fri, 31 Dec 9999 23:59:59 GMT",
            b"Thu, 01 Jan 1970 00:00:00 GMT",
            b"Sun, 06 Nov 1994 08:49:37 GMT",
            b"\xff\xfe\xfd",
            b"1e-400",
            b"0x10",
        ];
        let mut line = b"retry-after: ".to_vec();
        line.extend_from_slice(values.choose(rng).unwrap());
        header(&mut head, &line);
    }
    if rng.random_bool(0.1) {
        let lines: &[&[u8]] = &[
            b"no colon at all",
            b"x-weird: \xc3\x28",
            b": empty name",
            b"content-type: text/html",
            b"x-long: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ];
        header(&mut head, lines.choose(rng).unwrap());
    }
    if rng.random_bool(0.03) {
        // More headers than hyper reads.
        for i in 0..120 {
            header(&mut head, format!("x-many-{i}: {i}").as_bytes());
        }
    }
    let length = body.len();
    let mut framed_body = body.clone();
    match rng.random_range(0..12) {
        0..=5 => header(&mut head, format!("content-length: {length}").as_bytes()),
        // Shorter or longer than the body (the server closes after it).
        6 => header(
            &mut head,
            format!(
                "content-length: {}",
                length.saturating_sub(rng.random_range(1..50))
            )
            .as_bytes(),
        ),
        7 => header(
            &mut head,
            format!("content-length: {}", length + rng.random_range(1..5000)).as_bytes(),
        ),
        // No framing: the body ends when the connection closes.
        8 => {}
        9 => {
            let values: &[&str] = &[
                "abc",
                "-5",
                "99999999999999999999",
                "18446744073709551615",
                "1e3",
                "",
                "12, 13",
            ];
            header(
                &mut head,
                format!("content-length: {}", values.choose(rng).unwrap()).as_bytes(),
            );
        }
        10 => {
            header(&mut head, format!("content-length: {length}").as_bytes());
            header(
                &mut head,
                format!("content-length: {}", length + 1).as_bytes(),
            );
        }
        _ => {
            header(&mut head, b"transfer-encoding: chunked");
            framed_body = chunked(rng, &body);
        }
    }
    head.extend_from_slice(b"\r\n");
    head.extend_from_slice(&framed_body);
    head
}

/// `body` in chunked framing, sometimes broken.
fn chunked(rng: &mut StdRng, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        let n = rng.random_range(1..=rest.len().min(4096));
        out.extend_from_slice(format!("{n:x}\r\n").as_bytes());
        out.extend_from_slice(&rest[..n]);
        out.extend_from_slice(b"\r\n");
        rest = &rest[n..];
    }
    match rng.random_range(0..6) {
        0 => out.extend_from_slice(b"zz\r\n"),
        1 => out.extend_from_slice(b"ffffffffffffffffff\r\n"),
        2 => {}
        _ => out.extend_from_slice(b"0\r\n\r\n"),
    }
    out
}

/// Breaks `body` in one or a few ways.
fn mutate_body(rng: &mut StdRng, body: &mut Vec<u8>, corpus: &[Answer]) {
    for _ in 0..rng.random_range(1..=3) {
        match rng.random_range(0..11) {
            0 => {
                let at = rng.random_range(0..=body.len());
                body.truncate(at);
            }
            1 => {
                for _ in 0..rng.random_range(1..=5) {
                    if !body.is_empty() {
                        let at = rng.random_range(0..body.len());
                        body[at] = rng.random();
                    }
                }
            }
            2 => {
                let garbage: &[&[u8]] = &[
                    b"1e400",
                    b"-0",
                    b"99999999999999999999999999999",
                    b"\"\\ud800\"",
                    b"\xff\xfe",
                    b"null",
                    b"{}",
                    b"[]",
                    b",,",
                    b"\"id\": \"O-INSERTED\",",
                    b"\"maria@example.com\"",
                    // Exponents past what Rust's float parser counts, and past `i32`.
                    b"1e655360",
                    b"-1e-655360",
                    b"1e99999999999999999999",
                    // Keys and strings with control characters, JSON-escaped and raw.
                    br#""k\u001b[2J\n\u009b": 1,"#,
                    br#""\u001b[2J\r\nforged\u202e""#,
                    b"\"k\x1b[2J\": 1,",
                ];
                let at = rng.random_range(0..=body.len());
                let piece = garbage.choose(rng).unwrap();
                body.splice(at..at, piece.iter().copied());
            }
            3 => {
                // A value replaced: every string of one kind becomes something else.
                let text = String::from_utf8_lossy(body).into_owned();
                let replaced = [
                    ("\"PROCESSING\"", "\"DONE\""),
                    ("\"COMPLETED\"", "\"PROCESSING\""),
                    ("\"COMPLETED\"", "\"FAILED\""),
                    ("\"id\"", "\"ID\""),
                    ("\"items\": [", "\"items\": [1, "),
                    ("\"", "'"),
                    (":", ": 1e999, \"x\":"),
                ];
                let (from, to) = replaced.choose(rng).unwrap();
                *body = text.replacen(from, to, 1).into_bytes();
            }
            4 => {
                // A duplicate key at the top.
                if body.first() == Some(&b'{') {
                    body.splice(1..1, b"\"id\": \"O-DUP\", ".iter().copied());
                }
            }
            5 => {
                let depth = rng.random_range(100..3000);
                let mut deep = vec![b'['; depth];
                deep.extend(std::iter::repeat_n(b']', depth));
                *body = [
                    b"{\"id\": \"O-DEEP\", \"x\": ".to_vec(),
                    deep,
                    b"}".to_vec(),
                ]
                .concat();
            }
            6 if rng.random_bool(0.3) => {
                // A byte-order mark before the body.
                body.splice(0..0, *b"\xef\xbb\xbf");
            }
            6 if rng.random_bool(0.3) => {
                // An order ID and a message with control characters at the top.
                if body.first() == Some(&b'{') {
                    let member =
                        br#""id": "O-\u001b[2J\n\u009b", "message": "m\u001b]0;x\u0007\r", "#;
                    body.splice(1..1, member.iter().copied());
                }
            }
            6 if rng.random_bool(0.2) => {
                // A number whose exponent goes past 65,536, brought back by its digits.
                let number = format!("0.{}1e65537", "0".repeat(65_535));
                let text = String::from_utf8_lossy(body).into_owned();
                *body = text.replacen(": 1", &format!(": {number}"), 1).into_bytes();
            }
            6 => body.clear(),
            7 => *body = corpus.choose(rng).unwrap().body.clone(),
            8 => *body = b"<html><body>502 Bad Gateway</body></html>".to_vec(),
            9 => {
                // Padding that pushes the body past a small limit.
                body.extend(std::iter::repeat_n(b' ', rng.random_range(0..20_000)));
            }
            _ => {
                let at = rng.random_range(0..=body.len());
                let text = std::str::from_utf8(&body[..at]).is_ok();
                if text {
                    body.splice(at..at, "é😀\u{0}".bytes());
                }
            }
        }
    }
}

/// Serves the bytes in `slot` on every connection, then closes it.
async fn serve(slot: Arc<Mutex<Vec<u8>>>) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let answer = slot.lock().unwrap().clone();
            tokio::spawn(async move {
                if !common::read_request(&mut stream).await {
                    return;
                }
                let _ = stream.write_all(&answer).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    address
}

fn estimate() -> OrderPriceRequest {
    OrderPriceRequest::builder()
        .payment_method(
            NewAccountPayment::builder()
                .type_(AccountPaymentType::AccountBalance)
                .currency("USD".parse::<runa_order_types::Currency>().unwrap()),
        )
        .items(vec![
            OrderItemPriceRequest::builder()
                .face_value(25)
                .products(EstimateProducts::Single {
                    value: "AMZ-US".parse().unwrap(),
                })
                .try_into()
                .unwrap(),
        ])
        .try_into()
        .unwrap()
}

fn seed() -> u64 {
    match std::env::var("RUNA_CLIENT_FUZZ_SEED") {
        Err(_) => DEFAULT_SEED,
        Ok(it) if it == "random" => rand::rng().random(),
        Ok(it) => it
            .parse()
            .unwrap_or_else(|_| panic!("RUNA_CLIENT_FUZZ_SEED must be a u64 or `random`: {it:?}")),
    }
}

/// What a call gave, for the tally.
fn outcome_name(outcome: &Result<(), Error>) -> &'static str {
    match outcome {
        Ok(()) => "ok",
        Err(Error::Api(_)) => "Api",
        Err(Error::Validation(_)) => "Validation",
        Err(Error::RateLimited(_)) => "RateLimited",
        Err(Error::Transport(_)) => "Transport",
        Err(Error::Timeout { .. }) => "Timeout",
        Err(Error::UnexpectedResponse(_)) => "UnexpectedResponse",
        Err(Error::SpecMismatch(_)) => "SpecMismatch",
        Err(Error::ResponseTooLarge(_)) => "ResponseTooLarge",
        Err(Error::Refused(_)) => "Refused",
        Err(Error::Redirected(_)) => "Redirected",
        Err(Error::Pagination(_)) => "Pagination",
    }
}

/// The first character of `text` that a terminal or a log viewer acts on: an error must
/// print none from the answer (issue 18).
fn control_char(text: &str) -> Option<char> {
    text.chars()
        .find(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}'))
}

/// One case: the call, against the answer in the server's slot. Returns the outcome, after
/// checking what must hold of it.
async fn run_case(client: Client, call: Call) -> Result<(), Error> {
    match call {
        Call::Create => match client
            .create_order(&order(), CreateOptions::default())
            .await
        {
            Ok(placed) => {
                assert!(!placed.created.id().is_empty());
                Ok(())
            }
            Err(err) => {
                // Every part of the error can be shown, and shows no control character (the
                // order ID of the answer included).
                let shown = err.to_string();
                assert_eq!(control_char(&shown), None, "{shown:?}");
                let _ = format!("{err:?}");
                if err
                    .error
                    .status()
                    .is_some_and(|it| (200..300).contains(&it))
                {
                    assert!(
                        err.order_may_exist(),
                        "a 2xx may have placed the order: {err}"
                    );
                }
                if let Some(id) = err.order_id() {
                    assert!(!id.is_empty() && id.len() <= 256, "{id:?}");
                    assert!(
                        err.order_may_exist() || err.error.status().is_some(),
                        "{err}"
                    );
                }
                if err.order_may_exist() {
                    assert!(err.to_string().contains("never with a new one"), "{err}");
                }
                Err(err.error)
            }
        },
        Call::Get => client.get_order("O-1").await.map(|it| {
            let _ = (it.is_final(), it.id());
        }),
        Call::List => client
            .list_orders(&ListOrdersParams::default())
            .await
            .map(|it| {
                for item in &it.items {
                    let _ = item.is_final();
                }
            }),
        Call::Estimate => client.estimate_order(&estimate()).await.map(|_| ()),
    }
}

#[tokio::test]
async fn mutated_answers_never_panic_the_client() {
    bounded(async {
        let seed = seed();
        println!("RUNA_CLIENT_FUZZ_SEED={seed}");
        let corpus = corpus();
        let slot = Arc::new(Mutex::new(Vec::new()));
        let address = serve(slot.clone()).await;
        // One connection per call, so that no case meets a connection another one left.
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap();
        let mut rng = StdRng::seed_from_u64(seed);
        let mut tally: BTreeMap<(Call, &str), usize> = BTreeMap::new();
        for case in 0..CASES {
            let answer = corpus.choose(&mut rng).unwrap();
            let bytes = mutate(&mut rng, answer, &corpus);
            *slot.lock().unwrap() = bytes.clone();
            let time = ManualTime::new();
            let client = Client::builder()
                .base_url(format!("http://{address}/v2"))
                .api_key("XXtest.key")
                .http_client(http.clone())
                .clock(Arc::new(time.clone()))
                .sleeper(Arc::new(time))
                .timeout(CALL_LIMIT)
                .retry(RetryPolicy {
                    max_attempts: rng.random_range(1..=2),
                    ..RetryPolicy::default()
                })
                .validate_responses(rng.random_bool(0.5))
                .max_response_bytes(if rng.random_bool(0.1) {
                    rng.random_range(1..2_000)
                } else {
                    runa_order_client::DEFAULT_MAX_RESPONSE_BYTES
                })
                .build()
                .unwrap();
            let replay = || {
                format!(
                    "case {case} of RUNA_CLIENT_FUZZ_SEED={seed}, {:?}, answer {:?}",
                    answer.call,
                    String::from_utf8_lossy(&bytes[..bytes.len().min(600)])
                )
            };
            let outcome = tokio::spawn(tokio::time::timeout(
                CALL_LIMIT * 2,
                run_case(client, answer.call),
            ))
            .await
            .unwrap_or_else(|err| panic!("{}: {err}", replay()))
            .unwrap_or_else(|_| panic!("{}: the call did not end", replay()));
            if let Err(err) = &outcome
                && let Some(c) = control_char(&err.to_string())
            {
                panic!("{}: the error prints {c:?}: {err:?}", replay());
            }
            *tally
                .entry((answer.call, outcome_name(&outcome)))
                .or_default() += 1;
        }
        println!("{CASES} cases: {tally:?}");
        // The mutations reach every kind of outcome the decoding path has.
        for kind in [
            "ok",
            "Api",
            "Transport",
            "UnexpectedResponse",
            "SpecMismatch",
            "ResponseTooLarge",
        ] {
            assert!(
                tally.iter().any(|((_, it), _)| *it == kind),
                "no case ended in {kind}: {tally:?}"
            );
        }
    })
    .await;
}
