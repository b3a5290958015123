//! The client's cost per call beside raw reqwest + serde_json, against a loopback server that answers the mock's bodies.
//!
//! Run with `cargo bench -p client-overhead`. The bench first starts the
//! mock (`runa-order-mock`) and takes its answers, once, with plain reqwest: a sync `POST
//! /order` (`200`, a completed order of one item), the `GET /order/{id}` of it, a page of
//! `GET /order` (ten orders), and the `GET` of a completed order of 200 items, larger than
//! [`runa_order_client::DECODE_OFF_THREAD_BYTES`], so decoded on the blocking pool. Then a
//! tiny axum server, on a thread and runtime of its own on 127.0.0.1, answers each request
//! with the canned body of its route, so that the server's own cost is as small as it gets
//! and the ratios are as strict as they get.
//!
//! Each call is made sequentially, on a multi-threaded tokio runtime (what `#[tokio::main]`
//! gives), kept-alive connection reused, in three ways:
//!
//! - `raw`: reqwest with the same headers (a new UUID idempotency key per create), the body
//!   read whole, then `serde_json::from_slice` into the same generated type;
//! - `client`: the client with its defaults (request bodies checked, answers not);
//! - `client, no request check` (`create_order` with `validate_requests(false)`) or
//!   `client, answers checked` (`validate_responses(true)`).
//!
//! Criterion times each of them. Then, because the machine is shared and its load drifts
//! between criterion's functions, the ratios are measured again in rotated rounds: in each
//! round every way makes `CALLS` calls, in an order that rotates from round to round; the
//! ratio of a way to `raw` is the median over the rounds of the ratio within a round. That
//! table is what `BENCHMARKS.md` of this crate quotes.

use std::{
    collections::BTreeMap,
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{Router, body::Bytes, http::StatusCode, routing::get};
use criterion::Criterion;
use reqwest::header::CONTENT_TYPE;
use runa_order_client::{
    Client, CreateOptions, ListOrdersParams, RetryPolicy, headers, types::GetSingleOrderResponse,
};
use runa_order_mock::{Config, MockServer};
use runa_order_types::{
    AccountPaymentType, DistributionMethod, NewAccountPayment, NewOrderDetails,
    NewOrderItemDetails, NewOrderItemProducts, OrderList, SyncCompletedOrder,
};
use runa_order_validator::{Kind, Validate};

/// Calls per way and round of the rotated rounds.
const CALLS: usize = 200;
/// Rotated rounds.
const ROUNDS: usize = 21;
const API_KEY: &str = "XXbench.key";

fn item(email: &str) -> NewOrderItemDetails {
    NewOrderItemDetails::builder()
        .face_value(25)
        .distribution_method(DistributionMethod::Email {
            email_address: email.to_owned(),
            template_id: None,
        })
        .products(NewOrderItemProducts::Single {
            value: "AMZ-US".parse().expect("a product code"),
            usage_config: None,
        })
        .try_into()
        .expect("a valid item")
}

fn order(items: usize) -> NewOrderDetails {
    NewOrderDetails::builder()
        .payment_method(
            NewAccountPayment::builder()
                .type_(AccountPaymentType::AccountBalance)
                .currency(
                    "USD"
                        .parse::<runa_order_types::Currency>()
                        .expect("a currency"),
                ),
        )
        .items(
            (0..items)
                .map(|i| item(&format!("r{i}@example.com")))
                .collect::<Vec<_>>(),
        )
        .try_into()
        .expect("a valid order")
}

/// The mock's answers, as bytes.
struct Bodies {
    /// `POST /order`, sync: `200` with the completed order of one item.
    created: Bytes,
    /// `GET /order/{id}` of that order.
    got: Bytes,
    /// `GET /order?limit=10`: ten orders of one item.
    page: Bytes,
    /// `GET /order/{id}` of a completed order of 200 items.
    large: Bytes,
}

/// Raw `reqwest` as a user without the client would write it: the API's headers, the body
/// read whole.
async fn raw_send(builder: reqwest::RequestBuilder) -> (StatusCode, Bytes) {
    let response = builder
        .header(headers::API_KEY, API_KEY)
        .header(headers::API_VERSION, runa_order_client::API_VERSION)
        .send()
        .await
        .expect("the server answers");
    let status = response.status();
    (status, response.bytes().await.expect("a whole body"))
}

fn raw_create(
    http: &reqwest::Client,
    base: &str,
    order: &NewOrderDetails,
    mode: &str,
) -> reqwest::RequestBuilder {
    http.post(format!("{base}/order"))
        .header(headers::IDEMPOTENCY_KEY, uuid::Uuid::new_v4().to_string())
        .header(headers::EXECUTION_MODE, mode)
        .header(CONTENT_TYPE, "application/json")
        .body(serde_json::to_vec(order).expect("an order serializes"))
}

/// Takes the mock's answers once.
async fn mock_bodies(http: &reqwest::Client) -> Bodies {
    let mock = MockServer::start(Config {
        async_delay: Duration::from_millis(20),
        ..Config::default()
    })
    .await
    .expect("the mock starts");
    let base = mock.base_url();
    let ok = |(status, body): (StatusCode, Bytes), what: &str| {
        assert!(status.is_success(), "{what}: {status} {body:?}");
        body
    };

    // The order of 200 items, async: polled until it completes.
    let (status, accepted) = raw_send(raw_create(http, &base, &order(200), "async")).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{accepted:?}");
    let id = serde_json::from_slice::<serde_json::Value>(&accepted).expect("JSON")["id"]
        .as_str()
        .expect("an ID")
        .to_owned();
    let large = loop {
        let body = ok(
            raw_send(http.get(format!("{base}/order/{id}"))).await,
            "GET large",
        );
        if let Ok(GetSingleOrderResponse::CompletedOrderWithFullDetails(_)) =
            serde_json::from_slice(&body)
        {
            break body;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };

    let mut created = Bytes::new();
    for _ in 0..10 {
        created = ok(
            raw_send(raw_create(http, &base, &order(1), "sync")).await,
            "POST sync",
        );
    }
    let id = serde_json::from_slice::<SyncCompletedOrder>(&created)
        .expect("a completed order")
        .id;
    let got = ok(
        raw_send(http.get(format!("{base}/order/{id}"))).await,
        "GET",
    );
    let page = ok(
        raw_send(http.get(format!("{base}/order?limit=10"))).await,
        "GET page",
    );
    assert!(
        mock.spec_violations().is_empty(),
        "{:?}",
        mock.spec_violations()
    );
    mock.stop();
    Bodies {
        created,
        got,
        page,
        large,
    }
}

/// Starts the canned server on a thread of its own; gives its base URL.
fn serve(bodies: &Bodies) -> String {
    let answer = |body: &Bytes| {
        let body = body.clone();
        move || {
            let body = body.clone();
            async move { ([(CONTENT_TYPE, "application/json")], body) }
        }
    };
    let router = Router::new()
        .route(
            "/v2/order",
            get(answer(&bodies.page)).post(answer(&bodies.created)),
        )
        .route("/v2/order/O-LARGE", get(answer(&bodies.large)))
        .route("/v2/order/{id}", get(answer(&bodies.got)));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    listener.set_nonblocking(true).expect("non-blocking");
    let address = listener.local_addr().expect("an address");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("a listener");
            axum::serve(listener, router)
                .await
                .expect("the server runs");
        });
    });
    format!("http://{address}/v2")
}

/// One way of making a call: a name and a future maker.
type Call = Arc<dyn Fn() -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// The ways of one operation, `raw` first.
struct Operation {
    name: &'static str,
    ways: Vec<(&'static str, Call)>,
}

fn operations(base: &str, bodies: &Bodies) -> Vec<Operation> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a reqwest client");
    let client = Client::builder()
        .base_url(base)
        .api_key(API_KEY)
        .retry(RetryPolicy::never())
        .build()
        .expect("a client");
    let checked = Client::builder()
        .base_url(base)
        .api_key(API_KEY)
        .retry(RetryPolicy::never())
        .validate_responses(true)
        .build()
        .expect("a client");
    let unchecked_requests = client.with_validate_requests(false);
    let order = Arc::new(order(1));
    let large_items = match serde_json::from_slice(&bodies.large).expect("the large order") {
        GetSingleOrderResponse::CompletedOrderWithFullDetails(it) => it.items.len(),
        other => panic!("not complete: {other:?}"),
    };
    assert_eq!(large_items, 200);
    let base = Arc::new(base.to_owned());

    macro_rules! way {
        ($name:expr, |$($var:ident),*| $body:expr) => {{
            $(let $var = $var.clone();)*
            let call: Call = Arc::new(move || {
                $(let $var = $var.clone();)*
                Box::pin(async move {
                    $body;
                })
            });
            ($name, call)
        }};
    }

    let raw_get = |path: &'static str| {
        let (http, base) = (http.clone(), base.clone());
        let call: Call = Arc::new(move || {
            let (http, base) = (http.clone(), base.clone());
            Box::pin(async move {
                let (status, body) = raw_send(http.get(format!("{base}{path}"))).await;
                assert_eq!(status, StatusCode::OK);
                if path == "/order" {
                    serde_json::from_slice::<OrderList>(&body).expect("a page");
                } else {
                    serde_json::from_slice::<GetSingleOrderResponse>(&body).expect("an order");
                }
            })
        });
        ("raw", call)
    };

    vec![
        Operation {
            name: "create (sync, 1 item)",
            ways: vec![
                way!("raw", |http, base, order| {
                    let (status, body) = raw_send(raw_create(&http, &base, &order, "sync")).await;
                    assert_eq!(status, StatusCode::OK);
                    serde_json::from_slice::<SyncCompletedOrder>(&body).expect("an order")
                }),
                way!("client", |client, order| client
                    .create_order(&order, CreateOptions::sync())
                    .await
                    .expect("created")),
                way!("client, no request check", |unchecked_requests, order| {
                    unchecked_requests
                        .create_order(&order, CreateOptions::sync())
                        .await
                        .expect("created")
                }),
            ],
        },
        Operation {
            name: "get (1 item)",
            ways: vec![
                raw_get("/order/O-1"),
                way!("client", |client| client
                    .get_order("O-1")
                    .await
                    .expect("an order")),
                way!("client, answers checked", |checked| checked
                    .get_order("O-1")
                    .await
                    .expect("an order")),
            ],
        },
        Operation {
            name: "list (10 orders)",
            ways: vec![
                raw_get("/order"),
                way!("client", |client| client
                    .list_orders(&ListOrdersParams::default())
                    .await
                    .expect("a page")),
                way!("client, answers checked", |checked| checked
                    .list_orders(&ListOrdersParams::default())
                    .await
                    .expect("a page")),
            ],
        },
        Operation {
            name: "get (200 items, off-thread)",
            ways: vec![
                raw_get("/order/O-LARGE"),
                way!("client", |client| client
                    .get_order("O-LARGE")
                    .await
                    .expect("an order")),
                way!("client, answers checked", |checked| checked
                    .get_order("O-LARGE")
                    .await
                    .expect("an order")),
            ],
        },
    ]
}

/// `calls` sequential calls of `call`, timed.
async fn time(call: &Call, calls: u64) -> Duration {
    let started = Instant::now();
    for _ in 0..calls {
        call().await;
    }
    started.elapsed()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let http = reqwest::Client::new();
    let bodies = runtime.block_on(mock_bodies(&http));
    println!(
        "bodies: create {} B, get {} B, list {} B, large get {} B (decoded off the runtime's threads from {} B)",
        bodies.created.len(),
        bodies.got.len(),
        bodies.page.len(),
        bodies.large.len(),
        runa_order_client::DECODE_OFF_THREAD_BYTES
    );
    let base = serve(&bodies);
    let operations = operations(&base, &bodies);

    let mut criterion = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    for operation in &operations {
        let mut group = criterion.benchmark_group(operation.name);
        for (way, call) in &operation.ways {
            group.bench_function(*way, |b| {
                b.iter_custom(|calls| runtime.block_on(time(call, calls)));
            });
        }
        group.finish();
    }
    criterion.final_summary();
    if std::env::args().any(|it| it == "--profile-time" || it == "--list") {
        // Profiling one function (`--profile-time`), or listing them: no table.
        return;
    }

    // Rotated rounds: the ratio of each way to `raw` within a round, then the median.
    // The CPU work of the answer alone, to read the ratios against: plain serde, and the
    // validator's check (what `validate_responses(true)` adds).
    println!("\nthe answers alone: median of {ROUNDS} rounds of {CALLS} readings");
    println!("| answer | bytes | `serde_json::from_slice` | `validate_slice` |");
    println!("|---|---|---|---|");
    let alone = |name: &str, body: &Bytes, decode: &dyn Fn(&[u8]), kind: Kind| {
        let per = |work: &dyn Fn()| {
            median(
                (0..ROUNDS)
                    .map(|_| {
                        let started = Instant::now();
                        for _ in 0..CALLS {
                            work();
                        }
                        started.elapsed().as_secs_f64() / CALLS as f64
                    })
                    .collect(),
            )
        };
        let decoding = per(&|| decode(body));
        let checking = per(&|| kind.validate_slice(body).expect("valid"));
        println!(
            "| {name} | {} | {:.1} µs | {:.1} µs |",
            body.len(),
            decoding * 1e6,
            checking * 1e6
        );
    };
    alone(
        "create",
        &bodies.created,
        &|it| drop(serde_json::from_slice::<SyncCompletedOrder>(it).expect("decodes")),
        <SyncCompletedOrder as Validate>::KIND,
    );
    alone(
        "get (1 item)",
        &bodies.got,
        &|it| drop(serde_json::from_slice::<GetSingleOrderResponse>(it).expect("decodes")),
        <GetSingleOrderResponse as Validate>::KIND,
    );
    alone(
        "list (10 orders)",
        &bodies.page,
        &|it| drop(serde_json::from_slice::<OrderList>(it).expect("decodes")),
        <OrderList as Validate>::KIND,
    );
    alone(
        "get (200 items)",
        &bodies.large,
        &|it| drop(serde_json::from_slice::<GetSingleOrderResponse>(it).expect("decodes")),
        <GetSingleOrderResponse as Validate>::KIND,
    );

    let mut ratios: BTreeMap<(usize, usize), Vec<f64>> = BTreeMap::new();
    let mut per_call: BTreeMap<(usize, usize), Vec<f64>> = BTreeMap::new();
    for round in 0..ROUNDS {
        for (o, operation) in operations.iter().enumerate() {
            let n = operation.ways.len();
            let mut times = vec![0.0; n];
            for k in 0..n {
                let w = (k + round) % n;
                let elapsed = runtime.block_on(time(&operation.ways[w].1, CALLS as u64));
                times[w] = elapsed.as_secs_f64() / CALLS as f64;
            }
            for (w, time) in times.iter().enumerate() {
                per_call.entry((o, w)).or_default().push(*time);
                ratios.entry((o, w)).or_default().push(time / times[0]);
            }
        }
    }
    println!("\nrotated rounds: {ROUNDS} rounds of {CALLS} sequential calls per way");
    println!("| operation | way | median per call | ratio to raw (median of rounds) |");
    println!("|---|---|---|---|");
    for (o, operation) in operations.iter().enumerate() {
        for (w, (way, _)) in operation.ways.iter().enumerate() {
            let time = median(per_call[&(o, w)].clone());
            let ratio = median(ratios[&(o, w)].clone());
            println!(
                "| {} | {way} | {:.1} µs | {ratio:.3}× |",
                operation.name,
                time * 1e6
            );
        }
    }
}
