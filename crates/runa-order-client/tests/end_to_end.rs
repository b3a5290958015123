//! The client against the mock server on loopback: every operation, every documented error type, pagination.

mod common;

use std::{collections::HashSet, time::Duration};

use common::{bounded, builder, client, item, mock, mock_with, order, order_of};
use futures::{StreamExt, TryStreamExt};
use runa_order_client::{
    ApiErrorType, CreateOptions, Created, Error, ExecutionMode, ListOrdersParams, ManualTime,
    RetryPolicy,
};
use runa_order_mock::{Catalogue, Config, FaceValues, Product, RateLimit};
use runa_order_types::{
    AccountPaymentType, EstimateProducts, GetSingleOrderResponse, NewAccountPayment,
    OrderItemPriceRequest, OrderListItem, OrderPriceRequest, OrderStatus,
};

#[tokio::test]
async fn an_async_order_is_accepted_then_completes() {
    bounded(async {
        let mock = mock().await;
        let client = client(&mock);
        let placed = client
            .create_order(&order(), CreateOptions::default())
            .await
            .unwrap();
        let Created::Accepted(accepted) = &placed.created else {
            panic!("async gives 202: {placed:?}")
        };
        assert_eq!(accepted.status, OrderStatus::Processing);
        assert_eq!(placed.attempts, 1);
        assert!(uuid_v4(&placed.idempotency_key), "{}", placed.idempotency_key);

        let first = client.get_order(&accepted.id).await.unwrap();
        assert!(
            matches!(&first, GetSingleOrderResponse::IncompleteOrder(it) if it.status == OrderStatus::Processing),
            "{first:?}"
        );
        let mut completed = None;
        for _ in 0..100 {
            match client.get_order(&accepted.id).await.unwrap() {
                GetSingleOrderResponse::CompletedOrderWithFullDetails(it) => {
                    completed = Some(it);
                    break;
                }
                GetSingleOrderResponse::IncompleteOrder(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
        let completed = completed.expect("the order completes after the async delay");
        assert_eq!(completed.status, OrderStatus::Completed);
        assert_eq!(completed.items.len(), 1);
        assert_eq!(completed.total_price.to_string(), "25.00");
        assert!(mock.spec_violations().is_empty(), "{:?}", mock.spec_violations());
    })
    .await;
}

fn uuid_v4(key: &str) -> bool {
    uuid::Uuid::parse_str(key).is_ok_and(|it| it.get_version_num() == 4)
}

#[tokio::test]
async fn a_sync_order_is_completed_at_once_and_priced_from_the_catalogue() {
    bounded(async {
        let catalogue = Catalogue::empty().with_product(
            "AMZ-US",
            Product {
                currency: Some("USD".into()),
                face_values: FaceValues::Fixed(vec![10.0, 25.0, 50.0]),
                discount: 0.04,
            },
        );
        let mock = mock_with(Config {
            catalogue,
            ..Config::default()
        })
        .await;
        let client = client(&mock);
        let placed = client
            .create_order(&order(), CreateOptions::sync().idempotency_key("sync-1"))
            .await
            .unwrap();
        assert_eq!(placed.idempotency_key, "sync-1");
        let Created::Completed(order) = placed.created else {
            panic!("sync gives 200")
        };
        assert_eq!(order.total_price.to_string(), "24.00");
        assert_eq!(order.total_discount.to_string(), "1.00");
        assert_eq!(order.items[0].face_value.to_string(), "25.00");
        let GetSingleOrderResponse::CompletedOrderWithFullDetails(read) =
            client.get_order(&order.id).await.unwrap()
        else {
            panic!("a sync order is complete")
        };
        assert_eq!(read.id, order.id);
        assert!(
            mock.spec_violations().is_empty(),
            "{:?}",
            mock.spec_violations()
        );
    })
    .await;
}

#[tokio::test]
async fn an_estimate_uses_the_catalogue() {
    bounded(async {
        let catalogue = Catalogue::default().with_product(
            "AIRBNB-US",
            Product {
                currency: Some("USD".into()),
                face_values: FaceValues::Range {
                    min: 5.0,
                    max: 500.0,
                },
                discount: 0.1,
            },
        );
        let mock = mock_with(Config {
            catalogue,
            ..Config::default()
        })
        .await;
        let request = OrderPriceRequest {
            items: vec![
                OrderItemPriceRequest {
                    face_value: 100.into(),
                    products: EstimateProducts::Single {
                        value: "AIRBNB-US".parse().unwrap(),
                    },
                },
                OrderItemPriceRequest {
                    face_value: 20.into(),
                    products: EstimateProducts::Single {
                        value: "AMZ-US".parse().unwrap(),
                    },
                },
            ],
            payment_method: NewAccountPayment {
                currency: "USD".parse().unwrap(),
                type_: AccountPaymentType::AccountBalance,
            },
        };
        let estimate = client(&mock).estimate_order(&request).await.unwrap();
        assert_eq!(estimate.total_price, 110.into());
        assert_eq!(estimate.total_discount, 10.into());
        assert_eq!(*estimate.items[0].discount_multiplier, "0.10");
        assert_eq!(*estimate.items[1].discount_multiplier, "0.00");
        assert_eq!(mock.order_count(), 0, "an estimate places nothing");
        assert!(
            mock.spec_violations().is_empty(),
            "{:?}",
            mock.spec_violations()
        );
    })
    .await;
}

#[tokio::test]
async fn pagination_over_1000_orders_returns_each_exactly_once() {
    bounded(async {
        let mock = mock().await;
        let client = client(&mock);
        let mut created = HashSet::new();
        let placed: Vec<_> = futures::future::join_all((0..1000).map(|_| {
            let client = client.clone();
            async move {
                client
                    .create_order(&order(), CreateOptions::default())
                    .await
                    .unwrap()
            }
        }))
        .await;
        for it in &placed {
            assert!(created.insert(it.created.id().to_string()));
        }
        let params = ListOrdersParams {
            limit: Some(37),
            ..ListOrdersParams::default()
        };
        let listed: Vec<OrderListItem> =
            client.list_all_orders(params).try_collect().await.unwrap();
        let ids: Vec<String> = listed.iter().map(|it| list_id(it).to_owned()).collect();
        let unique: HashSet<_> = ids.iter().cloned().collect();
        assert_eq!(ids.len(), 1000, "every order once");
        assert_eq!(unique, created);

        // `before` walks back towards newer orders from a page.
        let first = client
            .list_orders(&ListOrdersParams {
                limit: Some(10),
                ..ListOrdersParams::default()
            })
            .await
            .unwrap();
        let second = client
            .list_orders(&ListOrdersParams {
                limit: Some(10),
                after: first.pagination.cursors.after.clone(),
                ..ListOrdersParams::default()
            })
            .await
            .unwrap();
        let back = client
            .list_orders(&ListOrdersParams {
                limit: Some(10),
                before: second.pagination.cursors.before.clone(),
                ..ListOrdersParams::default()
            })
            .await
            .unwrap();
        let ids = |page: &runa_order_types::OrderList| {
            page.items
                .iter()
                .map(|it| list_id(it).to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&back), ids(&first));
        assert_eq!(first.pagination.page.limit, Some(10.into()));
        assert!(
            mock.spec_violations().is_empty(),
            "{:?}",
            mock.spec_violations()
        );
    })
    .await;
}

/// With the default settings a bad body never reaches the API: the client's own check refuses
/// it (`Error::Refused`, typed `validation_error`, naming the JSON pointer) and sends nothing.
/// `with_validate_requests(false)` sends it, and the API's `422` comes back as
/// `Error::Validation` with its details. This is what the README's 422 handling relies on.
#[tokio::test]
async fn a_bad_body_is_refused_before_sending_unless_request_validation_is_off() {
    bounded(async {
        let mock = mock().await;
        let client = client(&mock);
        let bad = order_of("USD", vec![item("AMZ-US", 0, "maria@example.com")]);

        let err = client
            .create_order(&bad, CreateOptions::default())
            .await
            .unwrap_err();
        let Error::Refused(refusal) = &err.error else {
            panic!("refused before sending: {err:?}")
        };
        assert_eq!(refusal.error_type, Some(ApiErrorType::ValidationError));
        assert_eq!(
            err.error.api_error_type(),
            Some(&ApiErrorType::ValidationError)
        );
        assert!(
            refusal.reason.contains("/items/0/face_value"),
            "{}",
            refusal.reason
        );
        assert_eq!((err.attempts, err.order_may_exist()), (0, false));
        assert!(mock.requests().is_empty(), "nothing was sent");

        let unchecked = client.with_validate_requests(false);
        let err = unchecked
            .create_order(&bad, CreateOptions::default())
            .await
            .unwrap_err();
        let Error::Validation(failure) = &err.error else {
            panic!("the API's 422: {err:?}")
        };
        assert_eq!(failure.status, 422);
        assert_eq!(failure.details[0].location, ["items", "0", "face_value"]);
        assert_eq!((err.attempts, err.order_may_exist()), (1, false));
        assert_eq!(mock.requests().len(), 1);

        // The original client still checks.
        let err = client
            .create_order(&bad, CreateOptions::default())
            .await
            .unwrap_err();
        assert!(matches!(err.error, Error::Refused(_)), "{err:?}");
        assert_eq!(mock.requests().len(), 1);
        assert_eq!(mock.order_count(), 0);
    })
    .await;
}

/// `list_all_orders` is read with `.next().await` as it is: its stream is `Unpin`, so no
/// `pin!` is needed (before, this was E0277, "cannot be unpinned"). It is also `Send` and
/// `'static`, so it can be read in a spawned task.
#[tokio::test]
async fn all_orders_are_read_with_next_without_pinning() {
    fn unpin_send_static<T: Unpin + Send + 'static>(it: T) -> T {
        it
    }
    bounded(async {
        let mock = mock().await;
        let client = client(&mock);
        let mut placed = HashSet::new();
        for _ in 0..5 {
            let it = client
                .create_order(&order(), CreateOptions::default())
                .await
                .unwrap();
            placed.insert(it.created.id().to_string());
        }
        let params = ListOrdersParams {
            limit: Some(2),
            ..ListOrdersParams::default()
        };
        let mut orders = unpin_send_static(client.list_all_orders(params.clone()));
        let mut listed = HashSet::new();
        while let Some(order) = orders.next().await {
            let order = order.unwrap();
            assert!(listed.insert(order.id().to_string()), "each order once");
        }
        assert_eq!(listed, placed);

        let mut orders = client.list_all_orders(params);
        let count = tokio::spawn(async move {
            let mut count = 0;
            while let Some(order) = orders.next().await {
                order.unwrap();
                count += 1;
            }
            count
        })
        .await
        .unwrap();
        assert_eq!(count, 5);
    })
    .await;
}

fn list_id(item: &OrderListItem) -> &str {
    match item {
        OrderListItem::CompletedOrderWithBasicDetails(it) => &it.id,
        OrderListItem::IncompleteOrder(it) => &it.id,
    }
}

/// Each documented error type, produced end to end, reaches the caller typed, with its
/// documented status, retried only when the docs say a retry may help.
#[tokio::test]
async fn every_documented_error_type_reaches_the_caller_typed() {
    bounded(async {
        let catalogue = Catalogue::default().with_product(
            "EUR-ONLY",
            Product {
                currency: Some("EUR".into()),
                ..Product::default()
            },
        );
        let mock = mock_with(Config {
            catalogue,
            api_keys: Some(vec!["XXtest.secret-key-123".into()]),
            ..Config::default()
        })
        .await;
        let time = ManualTime::new();
        let client = builder(&mock, &time)
            .retry(RetryPolicy {
                max_attempts: 3,
                ..RetryPolicy::default()
            })
            .build()
            .unwrap();
        let mut seen = HashSet::new();

        // Produced by real behaviour of the mock.
        let not_found = client.get_order("O-DOESNOTEXIST").await.unwrap_err();
        check(&not_found, 404, &ApiErrorType::NotFound, &mut seen);

        let wrong_key = runa_order_client::Client::builder()
            .base_url(mock.base_url())
            .api_key("XXother.key")
            .build()
            .unwrap();
        let err = wrong_key.get_order("O-1").await.unwrap_err();
        check(&err, 401, &ApiErrorType::InvalidApiKey, &mut seen);

        for (version, ty, status) in [
            ("2099-01-01", ApiErrorType::InvalidVersion, 400),
            ("2023-07-27", ApiErrorType::VersionRemoved, 410),
        ] {
            let old = builder(&mock, &time).api_version(version).build().unwrap();
            let err = old.get_order("O-1").await.unwrap_err();
            check(&err, status, &ty, &mut seen);
        }

        let err = client
            .list_orders(&ListOrdersParams {
                after: Some("not-a-cursor".into()),
                ..ListOrdersParams::default()
            })
            .await
            .unwrap_err();
        check(&err, 400, &ApiErrorType::PaginationError, &mut seen);

        // A body the spec refuses, sent anyway (the client's own check is off): 422.
        let unchecked = builder(&mock, &time)
            .validate_requests(false)
            .build()
            .unwrap();
        let bad = order_of("USD", vec![item("AMZ-US", 0, "maria@example.com")]);
        let err = unchecked
            .create_order(&bad, CreateOptions::default())
            .await
            .unwrap_err();
        let Error::Validation(failure) = &err.error else {
            panic!("422: {err:?}")
        };
        assert_eq!(
            (failure.status, &failure.error_type),
            (422, &ApiErrorType::ValidationError)
        );
        assert_eq!(failure.details[0].location, ["items", "0", "face_value"]);
        assert!(!err.is_retryable());
        seen.insert(ApiErrorType::ValidationError);

        let err = client
            .create_order(
                &order_of("USD", vec![item("lower-case", 5, "a@example.com")]),
                CreateOptions::default(),
            )
            .await
            .unwrap_err();
        check(
            &err.error,
            400,
            &ApiErrorType::ProductValidationError,
            &mut seen,
        );

        let err = client
            .create_order(
                &order_of("USD", vec![item("EUR-ONLY", 5, "a@example.com")]),
                CreateOptions::default(),
            )
            .await
            .unwrap_err();
        check(&err.error, 400, &ApiErrorType::CurrencyMismatch, &mut seen);

        let placed = client
            .create_order(&order(), CreateOptions::default())
            .await
            .unwrap();
        let other = order_of("USD", vec![item("AMZ-US", 30, "maria@example.com")]);
        let err = client
            .create_order(
                &other,
                CreateOptions::default().idempotency_key(placed.idempotency_key.clone()),
            )
            .await
            .unwrap_err();
        check(
            &err.error,
            400,
            &ApiErrorType::IdempotencyValidationError,
            &mut seen,
        );

        // The rest through the trigger header; the outcomes are recorded like real ones, so
        // retryable ones are retried and replayed until the attempts run out.
        for ty in ApiErrorType::DOCUMENTED {
            if seen.contains(ty) || *ty == ApiErrorType::NotFound {
                continue;
            }
            let err = client
                .create_order(
                    &order(),
                    CreateOptions::default().header("X-Trigger-Error", ty.as_str()),
                )
                .await
                .unwrap_err();
            let attempts = if err.is_retryable() { 3 } else { 1 };
            check(&err.error, ty.documented_status().unwrap(), ty, &mut seen);
            assert_eq!(err.attempts, attempts, "{ty}");
        }
        let missing: Vec<_> = ApiErrorType::DOCUMENTED
            .iter()
            .filter(|it| !seen.contains(*it))
            .collect();
        assert!(missing.is_empty(), "not produced: {missing:?}");
        assert!(
            mock.spec_violations().is_empty(),
            "{:?}",
            mock.spec_violations()
        );
    })
    .await;

    fn check(err: &Error, status: u16, ty: &ApiErrorType, seen: &mut HashSet<ApiErrorType>) {
        let Error::Api(api) = err else {
            panic!("{ty}: not an API error: {err:?}")
        };
        assert_eq!(api.status, status, "{ty}");
        assert_eq!(&api.error_type, ty);
        let retryable = status >= 500 || *ty == ApiErrorType::IdempotencyInProgress;
        assert_eq!(err.is_retryable(), retryable, "{ty}");
        seen.insert(ty.clone());
    }
}

#[tokio::test]
async fn rate_limiting_gives_the_wait_and_is_honoured() {
    bounded(async {
        let mock = mock_with(Config {
            rate_limit: Some(RateLimit {
                requests: 2,
                window: Duration::from_secs(3600),
            }),
            ..Config::default()
        })
        .await;
        let time = ManualTime::new();
        let client = builder(&mock, &time)
            .deadline(Duration::from_secs(60))
            .build()
            .unwrap();
        for _ in 0..2 {
            client
                .create_order(&order(), CreateOptions::default())
                .await
                .unwrap();
        }
        // The window is an hour: the `Retry-After` is beyond the deadline, so no retry is made.
        let err = client
            .create_order(&order(), CreateOptions::default())
            .await
            .unwrap_err();
        let Error::RateLimited(limited) = &err.error else {
            panic!("{err:?}")
        };
        assert!(limited.retry_after.unwrap() > Duration::from_secs(3000));
        assert_eq!(err.attempts, 1);
        assert!(err.is_retryable());
        assert!(time.sleeps().is_empty());
        assert_eq!(mock.order_count(), 2);
    })
    .await;
}

#[tokio::test]
async fn execution_mode_enum_matches_the_spec() {
    assert_eq!(ExecutionMode::default(), ExecutionMode::Async);
    assert_eq!(ExecutionMode::from_wire("sync"), Some(ExecutionMode::Sync));
    assert_eq!(ExecutionMode::from_wire("SYNC"), None);
}
