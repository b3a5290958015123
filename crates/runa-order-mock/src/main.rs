//! The mock server as a program: `runa-order-mock --listen 127.0.0.1:0` prints its URL and the API base URL, and serves until stopped.

use std::{io::Write as _, net::SocketAddr, process::ExitCode, time::Duration};

use clap::Parser;
use runa_order_mock::{Config, Limits, MockServer, RateLimit};

/// A local server that behaves like the Runa order API (2024-02-05).
#[derive(Debug, Parser)]
#[command(name = "runa-order-mock")]
struct Cli {
    /// The address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// How long async orders stay PROCESSING, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    async_delay_ms: u64,
    /// Limit POST /order to this many requests a minute (the API allows 300).
    #[arg(long)]
    rate_limit_per_minute: Option<u32>,
    /// Accept only this API key (repeat for several); any non-empty key by default.
    #[arg(long = "api-key")]
    api_keys: Vec<String>,
    /// Close a connection whose request headers have not all arrived after this many
    /// milliseconds (also the idle time of a kept-alive connection).
    #[arg(long, default_value_t = millis(Limits::default().header_read_timeout))]
    header_read_timeout_ms: u64,
    /// Answer 408 when a request body has not all arrived after this many milliseconds.
    #[arg(long, default_value_t = millis(Limits::default().body_read_timeout))]
    body_read_timeout_ms: u64,
    /// Answer 431 (and close) when a request's line and headers exceed this many bytes.
    #[arg(long, default_value_t = Limits::default().max_header_bytes)]
    max_header_bytes: usize,
    /// Serve at most this many connections at once.
    #[arg(long, default_value_t = Limits::default().max_connections)]
    max_connections: usize,
    /// Answer 413 to a request body larger than this many bytes.
    #[arg(long, default_value_t = Limits::default().max_body_bytes)]
    max_body_bytes: usize,
    /// Hold at most this many body bytes of all requests together.
    #[arg(long, default_value_t = Limits::default().max_body_bytes_in_flight)]
    max_body_bytes_in_flight: usize,
    /// Check and price at most this many request bodies at once.
    #[arg(long, default_value_t = Limits::default().max_concurrent_body_checks)]
    max_concurrent_body_checks: usize,
    /// Answer 504 when a request body has waited this many milliseconds for its check.
    #[arg(long, default_value_t = millis(Limits::default().body_check_wait))]
    body_check_wait_ms: u64,
    /// List at most this many details in a 422 answer.
    #[arg(long, default_value_t = Limits::default().max_validation_details)]
    max_validation_details: usize,
    /// Refuse an X-Idempotency-Key longer than this many bytes.
    #[arg(long, default_value_t = Limits::default().max_idempotency_key_bytes)]
    max_idempotency_key_bytes: usize,
    /// Keep this many requests in the request log.
    #[arg(long, default_value_t = Limits::default().request_log_capacity)]
    request_log_capacity: usize,
    /// Store at most this many orders; the oldest go first.
    #[arg(long, default_value_t = Limits::default().max_orders)]
    max_orders: usize,
    /// Hold at most this many bytes of stored orders; the oldest go first.
    #[arg(long, default_value_t = Limits::default().max_order_bytes)]
    max_order_bytes: usize,
    /// Keep at most this many idempotency records of requests that stored no order.
    #[arg(long, default_value_t = Limits::default().max_idempotency_records)]
    max_idempotency_records: usize,
    /// Hold at most this many bytes of those records; the oldest go first.
    #[arg(long, default_value_t = Limits::default().max_idempotency_bytes)]
    max_idempotency_bytes: usize,
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = Config {
        async_delay: Duration::from_millis(cli.async_delay_ms),
        api_keys: (!cli.api_keys.is_empty()).then_some(cli.api_keys),
        rate_limit: cli.rate_limit_per_minute.map(|requests| RateLimit {
            requests,
            window: Duration::from_secs(60),
        }),
        limits: Limits {
            header_read_timeout: Duration::from_millis(cli.header_read_timeout_ms),
            body_read_timeout: Duration::from_millis(cli.body_read_timeout_ms),
            max_header_bytes: cli.max_header_bytes,
            max_connections: cli.max_connections,
            max_body_bytes: cli.max_body_bytes,
            max_body_bytes_in_flight: cli.max_body_bytes_in_flight,
            max_concurrent_body_checks: cli.max_concurrent_body_checks,
            body_check_wait: Duration::from_millis(cli.body_check_wait_ms),
            max_validation_details: cli.max_validation_details,
            max_idempotency_key_bytes: cli.max_idempotency_key_bytes,
            request_log_capacity: cli.request_log_capacity,
            max_orders: cli.max_orders,
            max_order_bytes: cli.max_order_bytes,
            max_idempotency_records: cli.max_idempotency_records,
            max_idempotency_bytes: cli.max_idempotency_bytes,
        },
        ..Config::default()
    };
    let server = match MockServer::bind(cli.listen, config).await {
        Ok(it) => it,
        Err(err) => {
            eprintln!("error: cannot listen on {}: {err}", cli.listen);
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout();
    // The first line's form is kept for scripts that read it; the second is the URL to give
    // a client.
    if writeln!(stdout, "listening on {}", server.url())
        .and_then(|()| writeln!(stdout, "API base URL: {}", server.base_url()))
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    // Serve until the process is stopped.
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}
