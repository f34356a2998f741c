//! The tenant's competency framework and reason codes.

use reqwest::Method;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::common::Backend;
use crate::helpers::{assert_problem, spawn_app, Caller, TestApp};

backend_tests!(
    a_new_tenant_starts_with_the_default_catalogs,
    every_role_in_the_tenant_can_read_the_catalogs,
    only_hr_can_create_or_change_entries,
    hr_creates_an_entry_and_reads_it_back_with_its_etag,
    a_duplicate_key_is_a_conflict,
    invalid_fields_are_reported_per_field_and_nothing_is_written,
    a_change_needs_the_current_etag,
    a_retired_entry_stays_readable_and_can_be_filtered,
    pages_walk_every_entry_exactly_once,
    a_tenant_never_sees_or_changes_another_tenants_catalog,
    an_unknown_catalog_or_impossible_key_is_404,
);

async fn json(response: reqwest::Response) -> Value {
    response.json().await.expect("json body")
}

fn keys(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["key"].as_str().expect("key").to_owned())
        .collect()
}

async fn create(app: &TestApp, key: &str) -> reqwest::Response {
    app.post_as(
        &Caller::hr("H1"),
        "/v1/catalogs/competencies",
        &json!({"key": key, "name": format!("Name of {key}"), "description": "Described."}),
    )
    .await
}

async fn a_new_tenant_starts_with_the_default_catalogs(backend: Backend) {
    let app = spawn_app(backend).await;
    let employee = Caller::employee("E1");
    let reasons = json(app.get_as(&employee, "/v1/catalogs/reason-codes").await).await;
    let mut expected = vec![
        "experience_gap",
        "interview_performance",
        "other",
        "readiness_timing",
        "role_changed_or_cancelled",
        "skills_gap",
        "stronger_candidate",
    ];
    expected.sort();
    assert_eq!(keys(&reasons), expected);
    assert!(reasons["next_cursor"].is_null());
    let competencies = json(app.get_as(&employee, "/v1/catalogs/competencies").await).await;
    assert_eq!(keys(&competencies).len(), 10);
    assert!(keys(&competencies).contains(&"communication".to_owned()));
    for item in competencies["items"].as_array().expect("items") {
        assert_eq!(item["active"], true);
        assert_eq!(item["version"], 1);
        assert!(!item["name"].as_str().expect("name").is_empty());
    }
}

async fn every_role_in_the_tenant_can_read_the_catalogs(backend: Backend) {
    let app = spawn_app(backend).await;
    for caller in [
        Caller::employee("E1"),
        Caller::manager("M1"),
        Caller::hr("H1"),
        Caller::integration("portal"),
    ] {
        let list = app.get_as(&caller, "/v1/catalogs/competencies").await;
        assert_eq!(list.status(), 200, "{caller:?}");
        let one = app
            .get_as(&caller, "/v1/catalogs/reason-codes/skills_gap")
            .await;
        assert_eq!(one.status(), 200, "{caller:?}");
    }
}

async fn only_hr_can_create_or_change_entries(backend: Backend) {
    let app = spawn_app(backend).await;
    for caller in [
        Caller::employee("E1"),
        Caller::manager("M1"),
        Caller::integration("portal"),
    ] {
        let created = app
            .post_as(
                &caller,
                "/v1/catalogs/competencies",
                &json!({"key": "sneaky", "name": "Sneaky"}),
            )
            .await;
        assert_problem(created, 403).await;
        let changed = app
            .with_version(
                &caller,
                Method::PATCH,
                "/v1/catalogs/reason-codes/skills_gap",
                "\"1\"",
                &json!({"active": false}),
            )
            .await;
        assert_problem(changed, 403).await;
    }
    let hr = Caller::hr("H1");
    assert_eq!(
        app.get_as(&hr, "/v1/catalogs/competencies/sneaky")
            .await
            .status(),
        404
    );
    let reason = json(
        app.get_as(&hr, "/v1/catalogs/reason-codes/skills_gap")
            .await,
    )
    .await;
    assert_eq!(
        (reason["active"].clone(), reason["version"].clone()),
        (json!(true), json!(1))
    );
}

async fn hr_creates_an_entry_and_reads_it_back_with_its_etag(backend: Backend) {
    let app = spawn_app(backend).await;
    let created = create(&app, "data_literacy").await;
    assert_eq!(created.status(), 201);
    assert_eq!(
        created.headers()["location"],
        "/v1/catalogs/competencies/data_literacy"
    );
    assert_eq!(created.headers()["etag"], "\"1\"");
    let body = json(created).await;
    assert_eq!(body["key"], "data_literacy");
    assert_eq!(body["name"], "Name of data_literacy");
    assert_eq!(body["active"], true);

    let read = app
        .get_as(
            &Caller::employee("E9"),
            "/v1/catalogs/competencies/data_literacy",
        )
        .await;
    assert_eq!(read.status(), 200);
    assert_eq!(read.headers()["etag"], "\"1\"");
    assert_eq!(json(read).await, body);
}

async fn a_duplicate_key_is_a_conflict(backend: Backend) {
    let app = spawn_app(backend).await;
    assert_eq!(create(&app, "data_literacy").await.status(), 201);
    let again = create(&app, "data_literacy").await;
    let problem = assert_problem(again, 409).await;
    assert!(problem["detail"]
        .as_str()
        .expect("detail")
        .contains("data_literacy"));
    // A default key is taken as well.
    assert_problem(create(&app, "communication").await, 409).await;
}

async fn invalid_fields_are_reported_per_field_and_nothing_is_written(backend: Backend) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    let response = app
        .post_as(
            &hr,
            "/v1/catalogs/competencies",
            &json!({"key": "Not A Key", "name": "", "description": "x".repeat(1001)}),
        )
        .await;
    let problem = assert_problem(response, 422).await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert_eq!(fields, ["key", "name", "description"]);
    let list = json(app.get_as(&hr, "/v1/catalogs/competencies").await).await;
    assert_eq!(keys(&list).len(), 10);
}

async fn a_change_needs_the_current_etag(backend: Backend) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    let path = "/v1/catalogs/competencies/communication";
    let patch = |if_match: Option<&'static str>, body: Value| {
        let mut request = app.as_(&hr, Method::PATCH, path).json(&body);
        if let Some(tag) = if_match {
            request = request.header("if-match", tag);
        }
        request.send()
    };
    assert_problem(
        patch(None, json!({"name": "Talk"})).await.expect("request"),
        428,
    )
    .await;
    assert_problem(
        patch(Some("\"7\""), json!({"name": "Talk"}))
            .await
            .expect("request"),
        412,
    )
    .await;
    // `*` and weak tags cannot guard against a lost update: refused as malformed.
    for malformed in [
        "\"1234567890123456789\"",
        "*",
        "W/\"1\"",
        "\"-1\"",
        "\"+1\"",
        "1",
        "",
    ] {
        let response = patch(Some(malformed), json!({"name": "Talk"}))
            .await
            .expect("request");
        let problem = assert_problem(response, 400).await;
        assert!(
            problem["detail"]
                .as_str()
                .expect("detail")
                .contains("If-Match"),
            "{malformed}"
        );
    }

    let updated = patch(Some("\"1\""), json!({"name": "Clear communication"}))
        .await
        .expect("request");
    assert_eq!(updated.status(), 200);
    assert_eq!(updated.headers()["etag"], "\"2\"");
    let body = json(updated).await;
    assert_eq!(body["name"], "Clear communication");
    assert_eq!(body["version"], 2);
    assert_ne!(body["updated_at"], body["created_at"]);
    // The description was not part of the change and is kept.
    assert!(!body["description"]
        .as_str()
        .expect("description")
        .is_empty());

    // The first writer won; a second writer holding the old ETag loses and changes nothing.
    assert_problem(
        patch(Some("\"1\""), json!({"name": "Lost update"}))
            .await
            .expect("request"),
        412,
    )
    .await;
    let read = json(app.get_as(&hr, path).await).await;
    assert_eq!(read["name"], "Clear communication");

    let empty = patch(Some("\"2\""), json!({})).await.expect("request");
    assert_problem(empty, 422).await;
    let missing = app
        .with_version(
            &hr,
            Method::PATCH,
            "/v1/catalogs/competencies/not_there",
            "\"1\"",
            &json!({"name": "X"}),
        )
        .await;
    assert_problem(missing, 404).await;
}

async fn a_retired_entry_stays_readable_and_can_be_filtered(backend: Backend) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    let retired = app
        .with_version(
            &hr,
            Method::PATCH,
            "/v1/catalogs/reason-codes/readiness_timing",
            "\"1\"",
            &json!({"active": false}),
        )
        .await;
    assert_eq!(retired.status(), 200);
    assert_eq!(json(retired).await["active"], false);

    let employee = Caller::employee("E1");
    let one = json(
        app.get_as(&employee, "/v1/catalogs/reason-codes/readiness_timing")
            .await,
    )
    .await;
    assert_eq!(one["active"], false);
    let active = json(
        app.get_as(&employee, "/v1/catalogs/reason-codes?active=true")
            .await,
    )
    .await;
    assert!(!keys(&active).contains(&"readiness_timing".to_owned()));
    assert_eq!(keys(&active).len(), 6);
    let inactive = json(
        app.get_as(&employee, "/v1/catalogs/reason-codes?active=false")
            .await,
    )
    .await;
    assert_eq!(keys(&inactive), ["readiness_timing"]);
    let all = json(app.get_as(&employee, "/v1/catalogs/reason-codes").await).await;
    assert_eq!(keys(&all).len(), 7);
}

async fn pages_walk_every_entry_exactly_once(backend: Backend) {
    let app = spawn_app(backend).await;
    for i in 0..15 {
        assert_eq!(create(&app, &format!("extra_{i:02}")).await.status(), 201);
    }
    let employee = Caller::employee("E1");
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/v1/catalogs/competencies?limit=4&cursor={cursor}"),
            None => "/v1/catalogs/competencies?limit=4".to_owned(),
        };
        let page = json(app.get_as(&employee, &path).await).await;
        let page_keys = keys(&page);
        assert!(page_keys.len() <= 4);
        seen.extend(page_keys);
        pages += 1;
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 7, "25 entries in pages of 4");
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen, sorted, "stable order, no duplicates");
    assert_eq!(seen.len(), 25);

    for bad in ["limit=0", "limit=201", "cursor=%21%21not-ours"] {
        let response = app
            .get_as(&employee, &format!("/v1/catalogs/competencies?{bad}"))
            .await;
        assert_problem(response, 422).await;
    }
    assert_problem(
        app.get_as(&employee, "/v1/catalogs/competencies?limit=many")
            .await,
        400,
    )
    .await;
}

async fn a_tenant_never_sees_or_changes_another_tenants_catalog(backend: Backend) {
    let app = spawn_app(backend).await;
    assert_eq!(create(&app, "acme_only").await.status(), 201);
    let other_hr = Caller::hr("H2").in_tenant("globex");
    assert_problem(
        app.get_as(&other_hr, "/v1/catalogs/competencies/acme_only")
            .await,
        404,
    )
    .await;
    let list = json(
        app.get_as(&other_hr, "/v1/catalogs/competencies?limit=200")
            .await,
    )
    .await;
    assert!(!keys(&list).contains(&"acme_only".to_owned()));
    let patched = app
        .with_version(
            &other_hr,
            Method::PATCH,
            "/v1/catalogs/competencies/acme_only",
            "\"1\"",
            &json!({"active": false}),
        )
        .await;
    assert_problem(patched, 404).await;
    // Changing globex's copy of a default entry leaves acme's alone.
    let retired = app
        .with_version(
            &other_hr,
            Method::PATCH,
            "/v1/catalogs/competencies/communication",
            "\"1\"",
            &json!({"active": false}),
        )
        .await;
    assert_eq!(retired.status(), 200);
    let acme = json(
        app.get_as(
            &Caller::employee("E1"),
            "/v1/catalogs/competencies/communication",
        )
        .await,
    )
    .await;
    assert_eq!(
        (acme["active"].clone(), acme["version"].clone()),
        (json!(true), json!(1))
    );
    // The same key can exist in both tenants.
    let same_key = app
        .post_as(
            &other_hr,
            "/v1/catalogs/competencies",
            &json!({"key": "acme_only", "name": "Globex too"}),
        )
        .await;
    assert_eq!(same_key.status(), 201);
}

async fn an_unknown_catalog_or_impossible_key_is_404(backend: Backend) {
    let app = spawn_app(backend).await;
    let employee = Caller::employee("E1");
    assert_problem(app.get_as(&employee, "/v1/catalogs/salaries").await, 404).await;
    assert_problem(
        app.get_as(&employee, "/v1/catalogs/competencies/NOT%20A%20KEY")
            .await,
        404,
    )
    .await;
    assert_problem(
        app.get_as(&employee, "/v1/catalogs/competencies/no_such_key")
            .await,
        404,
    )
    .await;
}

backend_tests!(an_explicit_null_is_refused_rather_than_read_as_absent);

async fn an_explicit_null_is_refused_rather_than_read_as_absent(backend: Backend) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    let response = app
        .with_version(
            &hr,
            Method::PATCH,
            "/v1/catalogs/competencies/communication",
            "\"1\"",
            &json!({"name": "Talking", "description": null}),
        )
        .await;
    assert_problem(response, 400).await;
    let entry = json(
        app.get_as(&hr, "/v1/catalogs/competencies/communication")
            .await,
    )
    .await;
    assert_eq!(entry["version"], 1);
    let created = app
        .post_as(
            &hr,
            "/v1/catalogs/competencies",
            &json!({"key": "nulls", "name": "N", "description": null}),
        )
        .await;
    assert_problem(created, 400).await;
}
