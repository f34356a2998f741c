//! A write that changes nothing is a no-op: the same version and ETag, no event, no audit row,
//! so a client re-applying its state does not invalidate everyone else's `If-Match`.

use reqwest::Method;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::common::Backend;
use crate::helpers::{ok, portal, spawn_app, Caller, TestApp};

backend_tests!(
    a_requisition_patch_that_changes_nothing_keeps_its_version,
    a_catalog_patch_that_changes_nothing_keeps_its_version,
    a_draft_saved_unchanged_keeps_its_version,
);

async fn audit_actions(app: &TestApp, resource_type: &str) -> Vec<String> {
    let page = ok(app
        .get_as(
            &Caller::hr("H1"),
            &format!("/v1/audit-events?limit=200{resource_type}"),
        )
        .await)
    .await;
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["action"].as_str().map(str::to_owned))
        .collect()
}

async fn patch(
    app: &TestApp,
    caller: &Caller,
    path: &str,
    etag: &str,
    body: &Value,
) -> (u16, String, Value) {
    let response = app
        .with_version(caller, Method::PATCH, path, etag, body)
        .await;
    let status = response.status().as_u16();
    let etag = response
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, etag, response.json().await.expect("json"))
}

async fn a_requisition_patch_that_changes_nothing_keeps_its_version(backend: Backend) {
    let app = spawn_app(backend).await;
    let created = ok(app
        .post_as(
            &portal(),
            "/v1/requisitions",
            &json!({"external_ref": "REQ-N1", "title": "Analyst", "department": "Finance",
                    "hiring_manager_ids": ["M2", "M1"]}),
        )
        .await)
    .await;
    let path = format!("/v1/requisitions/{}", created["id"].as_str().expect("id"));
    let before = audit_actions(&app, "&resource_type=requisition").await;
    // The same values, people in another order.
    let same =
        json!({"title": "Analyst", "department": "Finance", "hiring_manager_ids": ["M1", "M2"]});
    let (status, etag, body) = patch(&app, &portal(), &path, "\"1\"", &same).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(etag, "\"1\"");
    assert_eq!(body["version"], 1);
    assert_eq!(
        audit_actions(&app, "&resource_type=requisition").await,
        before,
        "no audit row"
    );
    // A stale ETag is still refused, even for a no-op.
    let (status, _, _) = patch(&app, &portal(), &path, "\"7\"", &same).await;
    assert_eq!(status, 412);
    // A real change is a new version.
    let (status, etag, body) = patch(
        &app,
        &portal(),
        &path,
        "\"1\"",
        &json!({"title": "Senior Analyst"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(etag, "\"2\"");
    assert_eq!(
        audit_actions(&app, "&resource_type=requisition")
            .await
            .len(),
        before.len() + 1
    );
}

async fn a_catalog_patch_that_changes_nothing_keeps_its_version(backend: Backend) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    let path = "/v1/catalogs/reason-codes/skills_gap";
    let entry = ok(app.get_as(&hr, path).await).await;
    let version = entry["version"].as_i64().expect("version");
    let etag = format!("\"{version}\"");
    let before = audit_actions(&app, "").await;
    let same = json!({"name": entry["name"], "active": true});
    let (status, new_etag, body) = patch(&app, &hr, path, &etag, &same).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(new_etag, etag);
    assert_eq!(body["version"], version);
    assert_eq!(audit_actions(&app, "").await, before);
    let (status, new_etag, _) = patch(&app, &hr, path, &etag, &json!({"active": false})).await;
    assert_eq!(status, 200);
    assert_eq!(new_etag, format!("\"{}\"", version + 1));
}

async fn a_draft_saved_unchanged_keeps_its_version(backend: Backend) {
    let app = spawn_app(backend).await;
    let story = app.scenario().notes("for HR").draft().await;
    let path = format!(
        "/v1/feedback/{}",
        story.feedback["id"].as_str().expect("id")
    );
    let version = story.feedback["version"].as_i64().expect("version");
    let etag = format!("\"{version}\"");
    let body = json!({"document": story.feedback["document"], "internal_notes": "for HR"});
    let before = audit_actions(&app, "&resource_type=feedback").await;
    let response = app
        .with_version(&Caller::manager("M1"), Method::PUT, &path, &etag, &body)
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["etag"], etag.as_str());
    assert_eq!(audit_actions(&app, "&resource_type=feedback").await, before);
    let changed = json!({"document": story.feedback["document"], "internal_notes": "changed"});
    let response = app
        .with_version(&Caller::manager("M1"), Method::PUT, &path, &etag, &changed)
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["etag"],
        format!("\"{}\"", version + 1).as_str()
    );
}
