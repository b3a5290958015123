//! Throughput of the mock server (placeholder until the bench lands).

fn main() {}
