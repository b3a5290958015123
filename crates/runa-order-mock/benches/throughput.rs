//! Throughput of the mock server (10,000 `POST /order` from 64 concurrent clients, in requests per second), and the time to answer a cheap `GET` while heavy bodies are checked.
//!
//! Run with `cargo bench -p runa-order-mock`. Each round starts a fresh server on loopback,
//! places the orders through `runa-order-client` (one client, so one connection pool, per
//! concurrent task), checks that every order was stored exactly once and that no request
//! failed, and prints the rate. The client and the server share the machine's cores.
//!
//! The second part is issue 9's reproducer of a stalled server: two 350 KB orders with
//! 60,000 numbers in `values` are sent, and `GET /v2/order` is timed while both are still
//! being checked, against the same `GET` on an idle server; the ratio is printed.
//!
//! The third part is issue 20's store without stalls: the program (`runa-order-mock`, with its
//! default limits) runs in a process of its own, 64 connections place 200,000 orders, and the
//! bench prints the median, 99th percentile and slowest create (with the ratios to the
//! median, against the targets p99 ≤ 3× p50 and max ≤ 20× p50, and how many orders had been
//! placed when the slowest one was sent), and the program's resident memory per stored order
//! (its `VmRSS` after the run, less before, over the orders it stores).

use std::{
    collections::HashSet,
    io::{BufRead as _, BufReader},
    process::{Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use runa_order_client::{Client, CreateOptions, RetryPolicy};
use runa_order_mock::{Config, MockServer};
use runa_order_types::{
    AccountPaymentType, DistributionMethod, NewAccountPayment, NewOrderDetails,
    NewOrderItemDetails, NewOrderItemProducts,
};

const ORDERS: usize = 10_000;
const CLIENTS: usize = 64;
const ROUNDS: usize = 3;

fn order() -> NewOrderDetails {
    let item: NewOrderItemDetails = NewOrderItemDetails::builder()
        .face_value(25)
        .distribution_method(DistributionMethod::Email {
            email_address: "maria@example.com".to_owned(),
            template_id: None,
        })
        .products(NewOrderItemProducts::Single {
            value: "AMZ-US".parse().expect("a product code"),
            usage_config: None,
        })
        .try_into()
        .expect("a valid item");
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
        .items(vec![item])
        .try_into()
        .expect("a valid order")
}

/// One round: the elapsed time of `ORDERS` creates from `CLIENTS` concurrent clients.
async fn round() -> Duration {
    let mock = MockServer::start(Config::default())
        .await
        .expect("the mock starts");
    let body = order();
    let clients: Vec<Client> = (0..CLIENTS)
        .map(|_| {
            Client::builder()
                .base_url(mock.base_url())
                .api_key("XXbench.key")
                .retry(RetryPolicy::never())
                .build()
                .expect("a valid client")
        })
        .collect();
    let started = Instant::now();
    let tasks: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(n, client)| {
            let body = body.clone();
            let count = ORDERS / CLIENTS + usize::from(n < ORDERS % CLIENTS);
            tokio::spawn(async move {
                let mut ids = Vec::with_capacity(count);
                for _ in 0..count {
                    let placed = client
                        .create_order(&body, CreateOptions::default())
                        .await
                        .unwrap_or_else(|err| panic!("a request failed: {err}"));
                    ids.push(placed.created.id().to_string());
                }
                ids
            })
        })
        .collect();
    let mut ids = HashSet::new();
    for task in tasks {
        for id in task.await.expect("no task panicked") {
            assert!(ids.insert(id), "an order ID came back twice");
        }
    }
    let elapsed = started.elapsed();
    assert_eq!(ids.len(), ORDERS);
    assert_eq!(mock.order_count(), ORDERS, "no order lost or duplicated");
    assert!(mock.spec_violations().is_empty());
    elapsed
}

/// The reproducer's heavy body: a `MULTIPLE` product with 60,000 numbers in `values`.
fn heavy_body() -> String {
    let values: Vec<String> = (0..60_000).map(|n| (100_000 + n).to_string()).collect();
    format!(
        r#"{{"payment_method": {{"type": "ACCOUNT_BALANCE", "currency": "USD"}}, "items": [{{"face_value": 10,
        "distribution_method": {{"type": "EMAIL", "email_address": "fred@example.com"}},
        "products": {{"type": "MULTIPLE", "values": [{}]}}}}]}}"#,
        values.join(",")
    )
}

/// The times of `GET /v2/order`, sorted, over up to `samples` requests one after the
/// other, each sent while `still` holds; stops at the first time it does not.
async fn get_times(
    http: &reqwest::Client,
    url: &str,
    samples: usize,
    still: impl Fn() -> bool,
) -> Vec<Duration> {
    let mut times = Vec::with_capacity(samples);
    for _ in 0..samples {
        if !still() {
            break;
        }
        let started = Instant::now();
        let status = http
            .get(format!("{url}/order"))
            .header("X-Api-Key", "XXbench.key")
            .send()
            .await
            .expect("the GET is answered")
            .status();
        assert_eq!(status, 200);
        times.push(started.elapsed());
    }
    times.sort();
    times
}

fn median(times: &[Duration]) -> Duration {
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// The cheap `GET` on an idle server, then while two heavy bodies are checked. The server
/// has a runtime of its own with two worker threads, as the program has on this machine, so
/// that the timing client is never held up by the server's threads.
fn cheap_get_while_heavy_bodies_are_checked(client: &tokio::runtime::Runtime) {
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let mock = server
        .block_on(MockServer::start(Config::default()))
        .expect("the mock starts");
    let url = mock.base_url();
    client.block_on(async {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(600))
            .build()
            .expect("a client");
        let idle = get_times(&http, &url, 200, || true).await;
        let body = heavy_body();
        let started = Instant::now();
        let heavy: Vec<_> = (0..2)
            .map(|n| {
                let request = http
                    .post(format!("{url}/order"))
                    .header("X-Api-Key", "XXbench.key")
                    .header("X-Idempotency-Key", format!("heavy-{n}"))
                    .body(body.clone());
                tokio::spawn(async move { request.send().await.map(|it| it.status()) })
            })
            .collect();
        // Both bodies are in (their requests are in progress) before the timing starts.
        while mock.state_size().busy_connections < 2 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let running = || heavy.iter().all(|it| !it.is_finished());
        let loaded = get_times(&http, &url, 200, running).await;
        for task in heavy {
            let status = task.await.expect("no panic").expect("answered");
            assert_eq!(status, 422, "60,000 numbers are not product codes");
        }
        let heavy_time = started.elapsed();
        println!(
            "cheap GET: {:.2} ms idle (median of {}), {:.2} ms while two {} KB bodies are checked (median of {}, slowest {:.2} ms); ratio {:.1}; the heavy bodies took {:.2} s",
            median(&idle).as_secs_f64() * 1e3,
            idle.len(),
            median(&loaded).as_secs_f64() * 1e3,
            body.len() / 1000,
            loaded.len(),
            loaded.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
            median(&loaded).as_secs_f64() / median(&idle).as_secs_f64().max(1e-9),
            heavy_time.as_secs_f64()
        );
    });
    assert!(mock.spec_violations().is_empty());
    drop(mock);
    server.shutdown_background();
}

/// Creates of the third part, and the connections that send them (a divisor of the creates).
const STALL_ORDERS: usize = 200_000;
const STALL_CLIENTS: usize = 64;

/// The resident memory of process `pid`, in bytes (`VmRSS` of `/proc/PID/status`).
fn resident_bytes(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|it| {
            it.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<usize>()
                .ok()
        })
        .map_or(0, |kib| kib * 1024)
}

/// The value at quantile `q` of sorted `times`.
fn quantile(times: &[Duration], q: f64) -> Duration {
    let index = ((times.len() as f64 - 1.0) * q).round() as usize;
    times.get(index).copied().unwrap_or_default()
}

/// Issue 20, item 4: 200,000 creates from 64 connections against the program, each timed;
/// then its resident memory per stored order.
fn creates_without_stalls(runtime: &tokio::runtime::Runtime) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_runa-order-mock"))
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the mock program starts");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("its standard output"))
        .read_line(&mut first)
        .expect("it says where it listens");
    let origin = first
        .trim()
        .strip_prefix("listening on ")
        .expect("`listening on URL`")
        .to_owned();
    let url = format!("{origin}/v2/order");
    let body = serde_json::to_vec(&order()).expect("the order as JSON");
    let placed = Arc::new(AtomicUsize::new(0));
    let before = resident_bytes(child.id());
    let started = Instant::now();
    let mut samples: Vec<(Duration, usize)> = runtime.block_on(async {
        let tasks: Vec<_> = (0..STALL_CLIENTS)
            .map(|n| {
                let (url, body, placed) = (url.clone(), body.clone(), Arc::clone(&placed));
                let http = reqwest::Client::builder()
                    .pool_max_idle_per_host(1)
                    .timeout(Duration::from_secs(600))
                    .build()
                    .expect("a client");
                // 200,000 is a multiple of 64.
                let count = STALL_ORDERS / STALL_CLIENTS;
                tokio::spawn(async move {
                    let mut times = Vec::with_capacity(count);
                    for i in 0..count {
                        let at = placed.load(Ordering::Relaxed);
                        let sent = Instant::now();
                        let response = http
                            .post(&url)
                            .header("X-Api-Key", "XXbench.key")
                            .header("X-Idempotency-Key", format!("stall-{n}-{i}"))
                            .body(body.clone())
                            .send()
                            .await
                            .expect("answered");
                        assert_eq!(response.status(), 202);
                        response.bytes().await.expect("the body");
                        times.push((sent.elapsed(), at));
                        placed.fetch_add(1, Ordering::Relaxed);
                    }
                    times
                })
            })
            .collect();
        let mut all = Vec::with_capacity(STALL_ORDERS);
        for task in tasks {
            all.extend(task.await.expect("no task panicked"));
        }
        all
    });
    let elapsed = started.elapsed();
    let after = resident_bytes(child.id());
    child.kill().expect("the mock stops");
    child.wait().expect("the mock is gone");
    samples.sort();
    let times: Vec<Duration> = samples.iter().map(|it| it.0).collect();
    let (p50, p99) = (quantile(&times, 0.5), quantile(&times, 0.99));
    let (max, at) = samples.last().copied().unwrap_or_default();
    let stored = STALL_ORDERS.min(runa_order_mock::Limits::default().max_orders);
    let ms = |it: Duration| it.as_secs_f64() * 1e3;
    println!(
        "{STALL_ORDERS} creates from {STALL_CLIENTS} connections in {:.1} s ({:.0}/s): p50 {:.2} ms, p99 {:.2} ms ({:.2}× p50, target ≤ 3), max {:.2} ms ({:.1}× p50, target ≤ 20) sent after {at} orders",
        elapsed.as_secs_f64(),
        STALL_ORDERS as f64 / elapsed.as_secs_f64(),
        ms(p50),
        ms(p99),
        ms(p99) / ms(p50).max(1e-9),
        ms(max),
        ms(max) / ms(p50).max(1e-9),
    );
    println!(
        "the program's resident memory: {:.1} MB before, {:.1} MB after with {stored} orders stored (the default bound): {:.2} KB per stored order",
        before as f64 / 1e6,
        after as f64 / 1e6,
        after.saturating_sub(before) as f64 / stored as f64 / 1e3,
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let mut rates: Vec<f64> = (0..ROUNDS)
        .map(|n| {
            let elapsed = runtime.block_on(round());
            let rate = ORDERS as f64 / elapsed.as_secs_f64();
            println!(
                "round {}: {ORDERS} creates from {CLIENTS} clients in {:.2} s: {rate:.0} requests/s",
                n + 1,
                elapsed.as_secs_f64()
            );
            rate
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    println!(
        "mock throughput (median of {ROUNDS}): {:.0} requests/s, no error, no lost or duplicated order",
        rates[ROUNDS / 2]
    );
    cheap_get_while_heavy_bodies_are_checked(&runtime);
    creates_without_stalls(&runtime);
}
