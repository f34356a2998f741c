//! Quality checks through the API: a draft checked live without saving, saved feedback
//! checked by its authors and HR, the submit refused on `error` findings (unless the tenant
//! is warn-only), the counts kept at submit and release, and the tenant's phrases.

use reqwest::Method;
use secrecy::ExposeSecret;
use serde_json::{json, Value};
use sqlx::Connection;

use crate::backend_tests;
use crate::common::Backend;
use crate::helpers::{assert_problem, id, ok, spawn_app, Caller, TestApp};
use crate::scenario::documents;

backend_tests!(
    a_draft_is_checked_without_being_saved,
    saved_feedback_shows_its_findings_to_its_authors_and_hr_only,
    error_findings_refuse_the_submit_unless_the_tenant_is_warn_only,
    findings_are_counted_at_submit_and_release,
    hr_adds_phrases_and_retires_built_in_ones_under_if_match,
);

fn risky() -> Value {
    let mut document = documents::minimal(
        "Thank you for applying. Given your family commitments, the travel in this role seemed \
         too much; we also felt you were not a good fit for the team.",
    );
    document["development_actions"][0]["target_date"] = json!("2020-01-31");
    document
}

fn codes(findings: &Value) -> Vec<String> {
    findings
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().expect("code").to_owned())
        .collect()
}

async fn a_draft_is_checked_without_being_saved(backend: Backend) {
    let app = spawn_app(backend).await;
    let story = app.scenario().rejected().await;
    let manager = Caller::manager("M1");
    let body = json!({"document": risky(), "internal_notes": "He mentioned his wife is expecting a baby."});
    let checks = ok(app.post_as(&manager, "/v1/feedback/checks", &body).await).await;
    let found = codes(&checks["findings"]);
    for code in [
        "family_status_reference",
        "pregnancy_or_maternity_reference",
        "vague_verdict",
        "action_target_date_in_past",
    ] {
        assert!(found.contains(&code.to_owned()), "{code} in {checks}");
    }
    // Errors first, and the counts add up.
    assert_eq!(checks["findings"][0]["severity"], "error");
    assert_eq!(checks["errors"], 3, "{checks}");
    let total = checks["errors"].as_u64().unwrap()
        + checks["warnings"].as_u64().unwrap()
        + checks["infos"].as_u64().unwrap();
    assert_eq!(total as usize, found.len());
    let family = checks["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "family_status_reference" && f["pointer"] == "/document/summary")
        .expect("the summary's finding");
    assert_eq!(family["phrase"], "family commitments");
    assert!(family["suggestion"].as_str().is_some_and(|s| !s.is_empty()));

    // Nothing was saved: the application still has no feedback.
    let feedback = ok(app.get_as(&Caller::hr("H1"), "/v1/feedback").await).await;
    assert_eq!(feedback["items"], json!([]));
    // A draft that saving would refuse is refused the same way, and an employee cannot check.
    let bad = json!({"document": {"reasons": ["no_such_reason"]}});
    let problem = assert_problem(
        app.post_as(&manager, "/v1/feedback/checks", &bad).await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "document.reasons[0]");
    assert_problem(
        app.post_as(&Caller::employee("E1"), "/v1/feedback/checks", &body)
            .await,
        403,
    )
    .await;
    // The path is a route of its own beside `/v1/feedback/{id}`: other methods are 405.
    let put = app
        .as_(&manager, Method::PUT, "/v1/feedback/checks")
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(put.headers()["allow"], "POST");
    assert_problem(put, 405).await;
    let _ = story;
}

async fn saved_feedback_shows_its_findings_to_its_authors_and_hr_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let story = app
        .scenario()
        .document(risky())
        .notes("Pregnant, as far as I know.")
        .draft()
        .await;
    let path = format!("/v1/feedback/{}/checks", id(&story.feedback));
    let as_manager = ok(app.get_as(&Caller::manager("M1"), &path).await).await;
    let as_hr = ok(app.get_as(&Caller::hr("H1"), &path).await).await;
    assert_eq!(as_manager, as_hr);
    assert!(codes(&as_hr["findings"]).contains(&"pregnancy_or_maternity_reference".to_owned()));
    assert!(as_hr["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["pointer"] == "/internal_notes"));
    // HR's review view carries them too.
    let view = ok(app
        .get_as(
            &Caller::hr("H1"),
            &format!("/v1/feedback/{}", id(&story.feedback)),
        )
        .await)
    .await;
    assert_eq!(view["findings"], as_hr["findings"]);
    // Another requisition's manager, the candidate and another tenant do not learn it exists.
    for caller in [Caller::manager("M2"), Caller::hr("H1").in_tenant("globex")] {
        assert_problem(app.get_as(&caller, &path).await, 404).await;
    }
    assert_problem(app.get_as(&Caller::employee("E1"), &path).await, 403).await;
    // The candidate's released view never carries findings.
    let hr = Caller::hr("H1");
    ok(app
        .with_version(
            &hr,
            Method::PUT,
            "/v1/review-policy",
            "\"1\"",
            &json!({"skip_hr_review": false, "quality_checks": "warn_only"}),
        )
        .await)
    .await;
    for step in ["submit", "approve", "release"] {
        let caller = if step == "submit" {
            Caller::manager("M1")
        } else {
            hr.clone()
        };
        ok(app
            .post_empty(
                &caller,
                &format!("/v1/feedback/{}/{step}", id(&story.feedback)),
            )
            .await)
        .await;
    }
    let own = ok(app
        .get_as(
            &Caller::employee("E1"),
            &format!("/v1/me/feedback/{}", id(&story.feedback)),
        )
        .await)
    .await;
    assert!(own.get("findings").is_none(), "{own}");
}

async fn error_findings_refuse_the_submit_unless_the_tenant_is_warn_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let story = app.scenario().document(risky()).draft().await;
    let manager = Caller::manager("M1");
    let submit = format!("/v1/feedback/{}/submit", id(&story.feedback));
    let problem = assert_problem(app.post_empty(&manager, &submit).await, 422).await;
    assert_eq!(problem["type"], "urn:debrief:problem:quality-check-failed");
    assert_eq!(codes(&problem["findings"]), vec!["family_status_reference"]);
    assert_eq!(problem["errors"][0]["field"], "document.summary");
    // Nothing changed.
    let feedback = ok(app
        .get_as(&manager, &format!("/v1/feedback/{}", id(&story.feedback)))
        .await)
    .await;
    assert_eq!(feedback["status"], "draft");
    assert_eq!(feedback["version"], story.feedback["version"]);

    // Warnings alone do not refuse: fixing the wording lets it through.
    let mut fixed = risky();
    fixed["summary"] = json!("Thank you for applying. We chose a candidate who had already led a regional rollout of this size; we were not sure you were a good fit.");
    let saved = app
        .with_version(
            &manager,
            Method::PUT,
            &format!("/v1/feedback/{}", id(&story.feedback)),
            format!("\"{}\"", feedback["version"]),
            &json!({"document": fixed}),
        )
        .await;
    ok(saved).await;
    let submitted = ok(app.post_empty(&manager, &submit).await).await;
    assert_eq!(submitted["status"], "submitted");

    // A warn-only tenant submits with errors.
    let hr = Caller::hr("H1");
    let policy = ok(app
        .with_version(
            &hr,
            Method::PUT,
            "/v1/review-policy",
            "\"1\"",
            &json!({"skip_hr_review": false, "quality_checks": "warn_only"}),
        )
        .await)
    .await;
    assert_eq!(
        policy,
        json!({"skip_hr_review": false, "quality_checks": "warn_only"})
    );
    assert_eq!(ok(app.get_as(&hr, "/v1/review-policy").await).await, policy);
    let other = app
        .scenario()
        .candidate("E2")
        .document(risky())
        .draft()
        .await;
    let submitted = ok(app
        .post_empty(
            &manager,
            &format!("/v1/feedback/{}/submit", id(&other.feedback)),
        )
        .await)
    .await;
    assert_eq!(submitted["status"], "submitted");
    // A setting that is not one of the names does not parse.
    let bad = json!({"skip_hr_review": false, "quality_checks": "sometimes"});
    assert_problem(
        app.with_version(&hr, Method::PUT, "/v1/review-policy", "\"2\"", &bad)
            .await,
        400,
    )
    .await;
}

/// The stored counts of one feedback: (at submit, at release).
async fn stored_counts(app: &TestApp, feedback: &Value) -> (Option<Value>, Option<Value>) {
    let url = app.settings.database.url.expose_secret().to_owned();
    let id = uuid::Uuid::parse_str(&id(feedback)).expect("uuid");
    let sql = "select findings_at_submit, findings_at_release from feedback where id = $1";
    let (submit, release): (Option<String>, Option<String>) = if url.starts_with("sqlite") {
        let mut c = sqlx::SqliteConnection::connect(&url)
            .await
            .expect("connect");
        sqlx::query_as(sql)
            .bind(id)
            .fetch_one(&mut c)
            .await
            .expect("row")
    } else {
        let mut c = sqlx::PgConnection::connect(&url).await.expect("connect");
        let sql = "select findings_at_submit::text, findings_at_release::text from feedback where id = $1";
        sqlx::query_as(sql)
            .bind(id)
            .fetch_one(&mut c)
            .await
            .expect("row")
    };
    let parse = |raw: Option<String>| raw.map(|r| serde_json::from_str::<Value>(&r).expect("json"));
    (parse(submit), parse(release))
}

async fn findings_are_counted_at_submit_and_release(backend: Backend) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    ok(app
        .with_version(
            &hr,
            Method::PUT,
            "/v1/review-policy",
            "\"1\"",
            &json!({"skip_hr_review": false, "quality_checks": "warn_only"}),
        )
        .await)
    .await;
    let story = app.scenario().document(risky()).released().await;
    let (submit, release) = stored_counts(&app, &story.feedback).await;
    let submit = submit.expect("counted at submit");
    assert_eq!(submit["family_status_reference"], 1, "{submit}");
    assert_eq!(submit["vague_verdict"], 1, "{submit}");
    assert_eq!(submit["action_target_date_in_past"], 1, "{submit}");
    assert_eq!(release.expect("counted at release"), submit);
    // Counts only: no words found are kept.
    assert!(!submit.to_string().contains("family commitments"));
}

async fn hr_adds_phrases_and_retires_built_in_ones_under_if_match(backend: Backend) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    let current = app.get_as(&hr, "/v1/quality-phrases").await;
    assert_eq!(current.headers()["etag"], "\"1\"");
    assert_eq!(
        current.json::<Value>().await.unwrap(),
        json!({"added": [], "retired": []})
    );
    let builtin = ok(app.get_as(&hr, "/v1/quality-phrases/builtin").await).await;
    let items = builtin["items"].as_array().unwrap();
    assert!(items.len() > 300);
    assert!(items.iter().any(|p| p
        == &json!({"phrase": "not a good fit", "code": "vague_verdict", "severity": "warning"})));

    let settings = json!({
        "added": [{"phrase": "Rock  Star*", "severity": "error", "suggestion": "Describe what you saw."}],
        "retired": ["not a good fit"],
    });
    assert_problem(app.put_as(&hr, "/v1/quality-phrases", &settings).await, 428).await;
    let set = app
        .with_version(&hr, Method::PUT, "/v1/quality-phrases", "\"1\"", &settings)
        .await;
    assert_eq!(set.headers()["etag"], "\"2\"");
    let set: Value = set.json().await.unwrap();
    assert_eq!(set["added"][0]["phrase"], "rock star*", "normalised");
    let stale = app
        .with_version(&hr, Method::PUT, "/v1/quality-phrases", "\"1\"", &settings)
        .await;
    assert_problem(stale, 412).await;

    let document = documents::minimal(
        "Thank you for applying. You are a rock stars kind of analyst, but not a good fit.",
    );
    let checks = ok(app
        .post_as(
            &Caller::manager("M1"),
            "/v1/feedback/checks",
            &json!({"document": document}),
        )
        .await)
    .await;
    let found: Vec<(String, String)> = checks["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["pointer"] == "/document/summary" && f.get("phrase").is_some())
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![("tenant_phrase".to_owned(), "error".to_owned())],
        "{checks}"
    );
    // Another tenant keeps the defaults.
    let other = ok(app
        .post_as(
            &Caller::manager("M1").in_tenant("globex"),
            "/v1/feedback/checks",
            &json!({"document": document}),
        )
        .await)
    .await;
    assert!(codes(&other["findings"]).contains(&"vague_verdict".to_owned()));
    assert!(!codes(&other["findings"]).contains(&"tenant_phrase".to_owned()));

    // Bad settings change nothing: invalid fields (422) or a body that does not parse (400).
    for (bad, status) in [
        (
            json!({"added": [{"phrase": "a*b", "severity": "error", "suggestion": "x"}], "retired": []}),
            422,
        ),
        (
            json!({"added": [], "retired": ["not a builtin phrase"]}),
            422,
        ),
        (
            json!({"added": [{"phrase": "ok", "severity": "info", "suggestion": ""}], "retired": []}),
            422,
        ),
        (
            json!({"added": [{"phrase": "ok", "severity": "fatal", "suggestion": "x"}], "retired": []}),
            400,
        ),
    ] {
        let response = app
            .with_version(&hr, Method::PUT, "/v1/quality-phrases", "\"2\"", &bad)
            .await;
        assert_problem(response, status).await;
    }
    let current = app.get_as(&hr, "/v1/quality-phrases").await;
    assert_eq!(current.headers()["etag"], "\"2\"");
    // Managers and employees do not tune the checks.
    for caller in [Caller::manager("M1"), Caller::employee("E1")] {
        assert_problem(app.get_as(&caller, "/v1/quality-phrases").await, 403).await;
        let response = app
            .with_version(
                &caller,
                Method::PUT,
                "/v1/quality-phrases",
                "\"2\"",
                &settings,
            )
            .await;
        assert_problem(response, 403).await;
    }
}
