//! The mock serves the checked-in OpenAPI document at `GET /openapi.json`, byte for byte, without an API key.

use std::{path::Path, time::Duration};

use reqwest::StatusCode;
use runa_order_mock::{Config, MockServer, OPENAPI_DOCUMENT, OPENAPI_PATH};
use serde_json::Value;

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// The document as it is in the checkout now (not as it was when the mock was built).
fn checked_in() -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/runa-order-api.json");
    std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

#[tokio::test]
async fn get_openapi_json_serves_the_checked_in_bytes() {
    // Only this key is accepted, so the document's route is shown to need none.
    let mock = MockServer::start(Config {
        api_keys: Some(vec!["XXtest.key".to_owned()]),
        ..Config::default()
    })
    .await
    .unwrap();
    let response = http()
        .get(format!("{}{OPENAPI_PATH}", mock.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body = response.bytes().await.unwrap();
    assert_eq!(body.as_ref(), checked_in().as_slice());
    assert_eq!(body.as_ref(), OPENAPI_DOCUMENT.as_bytes());
    let document: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    // The base URL the document's servers share is the one the mock serves the API at.
    let base_path = runa_order_client::servers::BASE_PATH;
    for server in document["servers"].as_array().unwrap() {
        assert!(
            server["url"].as_str().unwrap().ends_with(base_path),
            "{server}"
        );
    }
    // A request to the API itself still needs the key.
    let refused = http()
        .get(format!("{}/order", mock.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_document_is_not_served_under_the_api_base_path() {
    let mock = MockServer::start(Config::default()).await.unwrap();
    let response = http()
        .get(format!("{}{OPENAPI_PATH}", mock.base_url()))
        .header("X-Api-Key", "XXtest.key")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
