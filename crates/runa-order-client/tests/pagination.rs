//! `list_all_orders` against servers whose pagination is broken: cursors that come back (a cycle `A`, `B`, `A`, …), and lists without end.

mod common;

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use common::bounded;
use futures::StreamExt as _;
use runa_order_client::{Client, Error, ListOrdersParams, PaginationError, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A page of two orders named after the page's `after` query value, with `next` as its
/// `after` cursor.
fn page(asked: &str, next: Option<&str>) -> String {
    let cursors = match next {
        Some(next) => format!(r#"{{"after": "{next}"}}"#),
        None => "{}".to_owned(),
    };
    format!(
        r#"{{"items": [{{"id": "O-{asked}-1", "status": "PROCESSING", "message": "m"}}, {{"id": "O-{asked}-2", "status": "PROCESSING", "message": "m"}}], "pagination": {{"cursors": {cursors}, "page": {{"limit": 2}}}}}}"#
    )
}

/// A server on loopback whose `GET /v2/order` answers the page `pages` gives for the `after`
/// query value (`""` for none), and counts the requests.
async fn lister(pages: fn(&str) -> String) -> (std::net::SocketAddr, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let requests = count.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let requests = requests.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buffer = [0u8; 4096];
                while !head.windows(4).any(|it| it == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buffer[..n]),
                    }
                }
                requests.fetch_add(1, Ordering::SeqCst);
                let head = String::from_utf8_lossy(&head);
                let target = head.split(' ').nth(1).unwrap_or_default();
                let after = target
                    .split_once('?')
                    .map(|(_, query)| query)
                    .unwrap_or_default()
                    .split('&')
                    .find_map(|it| it.strip_prefix("after="))
                    .unwrap_or_default();
                let body = pages(after);
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (address, count)
}

fn client_of(address: std::net::SocketAddr, max_pages: Option<u64>) -> Client {
    let builder = Client::builder()
        .base_url(format!("http://{address}/v2"))
        .api_key("XXtest.key")
        .retry(RetryPolicy::never());
    match max_pages {
        Some(pages) => builder.max_list_pages(pages),
        None => builder,
    }
    .build()
    .unwrap()
}

/// Reads the stream to its end, but at most `most` items: the IDs read, and the error that
/// ended it, if any.
async fn read(
    client: &Client,
    params: ListOrdersParams,
    most: usize,
) -> (Vec<String>, Option<Error>) {
    let mut stream = client.list_all_orders(params);
    let mut ids = Vec::new();
    while ids.len() < most {
        match stream.next().await {
            Some(Ok(order)) => ids.push(order.id().to_string()),
            Some(Err(err)) => {
                assert!(stream.next().await.is_none(), "the stream ends after {err}");
                return (ids, Some(err));
            }
            None => return (ids, None),
        }
    }
    (ids, None)
}

/// Issue 18, item 12: a server alternating `after=A` and `after=B` gave 20,000 items in 2.2 s
/// and never stopped, because only a cursor repeated at once was caught. Any cursor met
/// before now ends the stream, after the items of the page that gave it, with a typed error.
#[tokio::test]
async fn a_cycle_of_cursors_ends_the_stream_with_a_typed_error() {
    bounded(async {
        // "" → A, A → B, B → A, …
        let (address, requests) = lister(|after| match after {
            "A" => page(after, Some("B")),
            _ => page(after, Some("A")),
        })
        .await;
        let client = client_of(address, None);
        let (ids, err) = read(&client, ListOrdersParams::default(), 1_000).await;
        assert_eq!(ids, ["O--1", "O--2", "O-A-1", "O-A-2", "O-B-1", "O-B-2"]);
        let err = err.expect("the stream ends with an error");
        let Error::Pagination(PaginationError::RepeatedCursor { page, cursor }) = &err else {
            panic!("{err:?}")
        };
        assert_eq!((*page, cursor.as_str()), (3, "A"));
        assert!(!err.is_retryable());
        assert!(err.to_string().contains("met before"), "{err}");
        assert_eq!(requests.load(Ordering::SeqCst), 3);
    })
    .await;
}

/// A cursor repeated at once, and the cursor the stream started from, are repeats too.
#[tokio::test]
async fn a_cursor_that_does_not_move_or_comes_back_to_the_start_is_a_repeat() {
    bounded(async {
        let (address, _) = lister(|after| page(after, Some("STUCK"))).await;
        let client = client_of(address, None);
        let (ids, err) = read(&client, ListOrdersParams::default(), 1_000).await;
        assert_eq!(ids.len(), 4);
        assert!(
            matches!(
                err,
                Some(Error::Pagination(PaginationError::RepeatedCursor {
                    page: 2,
                    ..
                }))
            ),
            "{err:?}"
        );

        let (address, _) = lister(|after| match after {
            "START" => page(after, Some("NEXT")),
            _ => page(after, Some("START")),
        })
        .await;
        let client = client_of(address, None);
        let params = ListOrdersParams {
            after: Some("START".to_owned()),
            ..ListOrdersParams::default()
        };
        let (ids, err) = read(&client, params, 1_000).await;
        assert_eq!(ids, ["O-START-1", "O-START-2", "O-NEXT-1", "O-NEXT-2"]);
        assert!(
            matches!(
                err,
                Some(Error::Pagination(PaginationError::RepeatedCursor {
                    page: 2,
                    ..
                }))
            ),
            "{err:?}"
        );
    })
    .await;
}

/// A list without end (every page a new cursor) stops at the page limit, after the items of
/// the last page, with the cursor to go on from.
#[tokio::test]
async fn a_list_without_end_stops_at_the_page_limit() {
    bounded(async {
        let (address, requests) = lister(|after| {
            let n: u64 = after.parse().unwrap_or(0);
            page(after, Some(&(n + 1).to_string()))
        })
        .await;
        let client = client_of(address, Some(5));
        let (ids, err) = read(&client, ListOrdersParams::default(), 1_000).await;
        assert_eq!(ids.len(), 10);
        assert_eq!(ids.last().map(String::as_str), Some("O-4-2"));
        let err = err.expect("the stream ends with an error");
        let Error::Pagination(PaginationError::TooManyPages { limit, after }) = &err else {
            panic!("{err:?}")
        };
        assert_eq!((*limit, after.as_str()), (5, "5"));
        assert!(err.to_string().contains("max_list_pages"), "{err}");
        assert_eq!(requests.load(Ordering::SeqCst), 5);

        // The default limit is documented, and a list that ends normally is read whole.
        assert_eq!(runa_order_client::DEFAULT_MAX_LIST_PAGES, 10_000);
        let (address, _) = lister(|after| {
            let n: u64 = after.parse().unwrap_or(0);
            page(after, (n < 2).then(|| (n + 1).to_string()).as_deref())
        })
        .await;
        let (ids, err) = read(
            &client_of(address, Some(3)),
            ListOrdersParams::default(),
            1_000,
        )
        .await;
        assert_eq!((ids.len(), err.is_none()), (6, true), "{err:?}");
    })
    .await;
}
