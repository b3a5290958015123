# shellcheck shell=bash
# Sourced by the CI scripts that test the built mock (.ci/schemathesis, .ci/openapi-clients),
# from the root of the checkout. `start_mock ARGS...` starts target/debug/runa-order-mock (build
# it first: `cargo build --workspace`) on a free loopback port with ARGS, waits at most 10 s
# for it to say where it listens, and sets `mock_url` (`http://127.0.0.1:PORT`, without `/v2`);
# `stop_mock` stops it (call it from the script's EXIT trap).
mock_pid=""
mock_log=""
mock_url=""

start_mock() {
    mock_log=$(mktemp)
    "${CARGO_TARGET_DIR:-target}/debug/runa-order-mock" --listen 127.0.0.1:0 "$@" >"$mock_log" 2>&1 &
    mock_pid=$!
    for _ in $(seq 1 100); do
        mock_url=$(sed -n 's/^listening on //p' "$mock_log")
        if [ -n "$mock_url" ]; then
            echo "mock: $mock_url"
            return 0
        fi
        if ! kill -0 "$mock_pid" 2>/dev/null; then
            cat "$mock_log"
            echo "error: the mock did not start"
            return 1
        fi
        sleep 0.1
    done
    echo "error: the mock did not say where it listens within 10 s"
    return 1
}

stop_mock() {
    if [ -n "$mock_pid" ]; then
        kill "$mock_pid" 2>/dev/null || true
    fi
    if [ -n "$mock_log" ]; then
        rm -f "$mock_log"
    fi
}
