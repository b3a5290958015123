//! The mock server as a program: `runa-order-mock --listen 127.0.0.1:0` prints its URL and serves until stopped.

use std::{io::Write as _, net::SocketAddr, process::ExitCode, time::Duration};

use clap::Parser;
use runa_order_mock::{Config, MockServer, RateLimit};

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
    if writeln!(stdout, "listening on {}", server.url())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    // Serve until the process is stopped.
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}
