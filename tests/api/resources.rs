//! The development resource library over HTTP on both backends: HR curates it under
//! `If-Match`, everyone reads it and filters the suggestions for a competency, managers attach
//! resources to development actions, the candidate's feedback and plan show them (a retired one
//! stays readable), the subject export carries them and erasure leaves the library alone.

use reqwest::Method;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::common::Backend;
use crate::helpers::{assert_problem, id, ok, spawn_app, Caller, TestApp};
use crate::scenario::documents;

backend_tests!(
    hr_curates_the_library_and_everyone_reads_it,
    resources_reach_the_candidates_plan_and_stay_readable_when_retired,
    the_export_names_the_plans_resources_and_erasure_leaves_the_library,
);

fn course(title: &str, competencies: &[&str]) -> Value {
    json!({
        "title": title,
        "kind": "course",
        "url": "https://learning.example.com/course",
        "provider": "Learning Hub",
        "duration": "PT8H",
        "language": "en",
        "description": "Eight hours, self-paced.",
        "competencies": competencies,
    })
}

async fn create(app: &TestApp, body: &Value) -> Value {
    let response = app.post_as(&Caller::hr("H1"), "/v1/resources", body).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let tag = response.headers()["etag"]
        .to_str()
        .expect("etag")
        .to_owned();
    let created = ok(response).await;
    assert_eq!(location, format!("/v1/resources/{}", id(&created)));
    assert_eq!(tag, format!("\"{}\"", created["version"]));
    created
}

async fn change(app: &TestApp, resource: &Value, body: Value) -> reqwest::Response {
    let path = format!("/v1/resources/{}", id(resource));
    let tag = format!("\"{}\"", resource["version"]);
    app.with_version(&Caller::hr("H1"), Method::PATCH, &path, tag, &body)
        .await
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(id)
        .collect()
}

async fn hr_curates_the_library_and_everyone_reads_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let sql = create(&app, &course("SQL for analysts", &["technical_depth"])).await;
    assert_eq!(sql["version"], 1);
    assert_eq!(sql["active"], true);
    assert_eq!(sql["language"], "en");
    let talks = create(
        &app,
        &json!({"title": "Speakers' circle", "kind": "community", "language": "en-gb",
                "url": "https://community.example.com/speakers",
                "competencies": ["communication", "leadership"]}),
    )
    .await;
    assert_eq!(
        talks["language"], "en-GB",
        "tags are kept in canonical case"
    );
    assert!(talks.get("duration").is_none(), "{talks}");
    assert_eq!(talks["provider"], "");

    // Bad input is named field by field and changes nothing.
    let bad = json!({"title": " ", "kind": "course", "url": "http://insecure.example.com",
                     "duration": "8 hours", "language": "english",
                     "competencies": ["no_such_competency"]});
    let problem = assert_problem(
        app.post_as(&Caller::hr("H1"), "/v1/resources", &bad).await,
        422,
    )
    .await;
    let fields: Vec<_> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field").to_owned())
        .collect();
    assert_eq!(
        fields,
        ["title", "url", "duration", "language"],
        "{problem}"
    );
    let unknown = course("Unknown competency", &["no_such_competency"]);
    let problem = assert_problem(
        app.post_as(&Caller::hr("H1"), "/v1/resources", &unknown)
            .await,
        422,
    )
    .await;
    assert_eq!(
        problem["errors"][0]["field"], "competencies[0]",
        "{problem}"
    );
    let bad_kind = json!({"title": "x", "kind": "podcast_series", "url": "https://x.example", "language": "en"});
    assert_problem(
        app.post_as(&Caller::hr("H1"), "/v1/resources", &bad_kind)
            .await,
        400,
    )
    .await;
    // Only HR curates.
    for caller in [
        Caller::manager("M1"),
        Caller::employee("E1"),
        Caller::integration("portal"),
    ] {
        assert_problem(
            app.post_as(&caller, "/v1/resources", &course("Mine", &[]))
                .await,
            403,
        )
        .await;
    }

    // Everyone reads; the suggestions for a competency are the resources that develop it.
    let everyone = ok(app.get_as(&Caller::employee("E1"), "/v1/resources").await).await;
    assert_eq!(ids(&everyone), [id(&sql), id(&talks)]);
    let suggested = ok(app
        .get_as(
            &Caller::manager("M1"),
            "/v1/resources?competency=communication",
        )
        .await)
    .await;
    assert_eq!(ids(&suggested), [id(&talks)]);
    let none = ok(app
        .get_as(
            &Caller::manager("M1"),
            "/v1/resources?competency=no_such_key",
        )
        .await)
    .await;
    assert_eq!(ids(&none), Vec::<String>::new());
    let problem = assert_problem(
        app.get_as(&Caller::manager("M1"), "/v1/resources?competency=Not-A-Key")
            .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "competency", "{problem}");
    let courses = ok(app
        .get_as(&Caller::manager("M1"), "/v1/resources?kind=course")
        .await)
    .await;
    assert_eq!(ids(&courses), [id(&sql)]);
    let first = ok(app.get_as(&Caller::hr("H1"), "/v1/resources?limit=1").await).await;
    assert_eq!(ids(&first), [id(&sql)]);
    let cursor = first["next_cursor"].as_str().expect("cursor");
    let second = ok(app
        .get_as(
            &Caller::hr("H1"),
            &format!("/v1/resources?limit=1&cursor={cursor}"),
        )
        .await)
    .await;
    assert_eq!(ids(&second), [id(&talks)]);
    assert!(second["next_cursor"].is_null());

    // Changes need the current ETag; a no-op keeps the version; retiring hides it from the
    // active list but not from a read.
    let stale = json!({"title": "Renamed"});
    assert_problem(
        app.with_version(
            &Caller::hr("H1"),
            Method::PATCH,
            &format!("/v1/resources/{}", id(&sql)),
            "\"9\"",
            &stale,
        )
        .await,
        412,
    )
    .await;
    let same = ok(change(&app, &sql, json!({"title": "SQL for analysts"})).await).await;
    assert_eq!(same["version"], 1);
    let moved = ok(change(
        &app,
        &sql,
        json!({"competencies": ["technical_depth", "problem_solving"], "duration": ""}),
    )
    .await)
    .await;
    assert_eq!(moved["version"], 2);
    assert!(moved.get("duration").is_none(), "{moved}");
    let solving = ok(app
        .get_as(
            &Caller::hr("H1"),
            "/v1/resources?competency=problem_solving",
        )
        .await)
    .await;
    assert_eq!(ids(&solving), [id(&sql)]);
    let retired = ok(change(&app, &moved, json!({"active": false})).await).await;
    assert_eq!(retired["active"], false);
    let active = ok(app
        .get_as(&Caller::hr("H1"), "/v1/resources?active=true")
        .await)
    .await;
    assert_eq!(ids(&active), [id(&talks)]);
    let read = ok(app
        .get_as(
            &Caller::employee("E1"),
            &format!("/v1/resources/{}", id(&sql)),
        )
        .await)
    .await;
    assert_eq!(read["active"], false);
    assert_problem(
        app.get_as(
            &Caller::hr("H1"),
            "/v1/resources/0192f1a4-7c3e-7b5a-9f10-3d2c1b0a9e8f",
        )
        .await,
        404,
    )
    .await;
    assert_problem(
        app.get_as(
            &Caller::hr("H1").in_tenant("globex"),
            &format!("/v1/resources/{}", id(&sql)),
        )
        .await,
        404,
    )
    .await;
}

fn with_resources(resources: &[&Value]) -> Value {
    let listed: Vec<String> = resources.iter().map(|r| id(r)).collect();
    documents::with_actions(json!([
        {"kind": "course", "title": "Take the SQL course", "horizon": "short_term",
         "target_date": "2027-03-31", "competency": "technical_depth", "resources": listed},
        {"kind": "mentoring", "title": "Monthly sessions with a senior analyst", "horizon": "long_term"}
    ]))
}

async fn resources_reach_the_candidates_plan_and_stay_readable_when_retired(backend: Backend) {
    let app = spawn_app(backend).await;
    let sql = create(&app, &course("SQL for analysts", &["technical_depth"])).await;
    let old = create(&app, &course("Old SQL course", &["technical_depth"])).await;
    let old = ok(change(&app, &old, json!({"active": false})).await).await;

    // A retired or unknown resource cannot be attached; an active one can.
    let manager = Caller::manager("M1");
    let story = app.scenario().candidate("E7").rejected().await;
    let path = format!("/v1/applications/{}/feedback", id(&story.application));
    for refused in [&old, &json!({"id": "0192f1a4-7c3e-7b5a-9f10-3d2c1b0a9e8f"})] {
        let body = json!({"document": with_resources(&[&sql, refused])});
        let problem = assert_problem(app.post_as(&manager, &path, &body).await, 422).await;
        assert_eq!(
            problem["errors"][0]["field"], "document.development_actions[0].resources[1]",
            "{problem}"
        );
    }
    let twice = json!({"document": with_resources(&[&sql, &sql])});
    assert_problem(app.post_as(&manager, &path, &twice).await, 422).await;

    let released = app
        .scenario()
        .candidate("E8")
        .document(with_resources(&[&sql]))
        .released()
        .await;
    let feedback = id(&released.feedback);
    let candidate = Caller::employee("E8");
    let read = ok(app
        .get_as(&candidate, &format!("/v1/me/feedback/{feedback}"))
        .await)
    .await;
    assert_eq!(
        read["document"]["development_actions"][0]["resources"],
        json!([id(&sql)])
    );
    assert_eq!(read["resources"][0]["title"], "SQL for analysts", "{read}");
    assert_eq!(read["resources"][0]["retired"], false);
    assert_eq!(read["resources"][0]["duration"], "PT8H");
    assert!(read["document"]["development_actions"][1]
        .get("resources")
        .is_none());

    // HR retires the resource: the plan still shows it, marked.
    let current = ok(app
        .get_as(&Caller::hr("H1"), &format!("/v1/resources/{}", id(&sql)))
        .await)
    .await;
    ok(change(&app, &current, json!({"active": false})).await).await;
    let plan = ok(app
        .get_as(&candidate, &format!("/v1/me/feedback/{feedback}/plan"))
        .await)
    .await;
    let item = &plan["short_term"][0];
    assert_eq!(item["resources"][0]["id"], id(&sql), "{plan}");
    assert_eq!(item["resources"][0]["retired"], true);
    assert_eq!(
        item["resources"][0]["url"],
        "https://learning.example.com/course"
    );
    assert_eq!(plan["long_term"][0]["resources"], json!([]));
    let listed = ok(app.get_as(&candidate, "/v1/me/feedback").await).await;
    assert_eq!(listed["items"][0]["resources"][0]["retired"], true);
    // The portal reads the same on the employee's behalf.
    let portal = Caller::integration("portal");
    let on_behalf = ok(app
        .get_as(&portal, &format!("/v1/employees/E8/feedback/{feedback}"))
        .await)
    .await;
    assert_eq!(on_behalf["resources"][0]["id"], id(&sql));

    // HR's amendment keeps the now-retired resource already on the record.
    let hr = Caller::hr("H1");
    let mut corrected = released.feedback["document"].clone();
    corrected["summary"] = json!("Corrected: thank you for applying; here is a plan.");
    let amended = app
        .as_(&hr, Method::POST, &format!("/v1/feedback/{feedback}/amend"))
        .header("if-match", format!("\"{}\"", released.feedback["version"]))
        .json(&json!({"document": corrected, "note": "Summary"}))
        .send()
        .await
        .expect("request");
    let amended = ok(amended).await;
    assert_eq!(
        amended["document"]["development_actions"][0]["resources"],
        json!([id(&sql)])
    );
    // Someone else's feedback and resources never show in the caller's reads.
    let other = ok(app.get_as(&Caller::employee("E9"), "/v1/me/feedback").await).await;
    assert!(!other.to_string().contains(&id(&sql)), "{other}");
}

async fn the_export_names_the_plans_resources_and_erasure_leaves_the_library(backend: Backend) {
    let app = spawn_app(backend).await;
    let sql = create(&app, &course("SQL for analysts", &["technical_depth"])).await;
    let unused = create(&app, &course("Unused", &[])).await;
    app.scenario()
        .candidate("E5")
        .document(with_resources(&[&sql]))
        .released()
        .await;
    let hr = Caller::hr("H1");
    let export = ok(app.get_as(&hr, "/v1/subjects/E5/export").await).await;
    let named: Vec<_> = export["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(id)
        .collect();
    assert_eq!(
        named,
        [id(&sql)],
        "only the resources the subject's plans name"
    );
    assert!(!export.to_string().contains(&id(&unused)));

    ok(app.post_empty(&hr, "/v1/subjects/E5/erasure").await).await;
    // The library is the organisation's: erasing a person leaves it, and the anonymised plan
    // keeps pointing to it (which course was suggested is structure, not the person's words).
    let still = ok(app
        .get_as(&hr, &format!("/v1/resources/{}", id(&sql)))
        .await)
    .await;
    assert_eq!(still["version"], 1);
    let feedback = ok(app.get_as(&hr, "/v1/feedback").await).await;
    let document = &feedback["items"][0]["document"];
    assert_eq!(
        document["development_actions"][0]["resources"],
        json!([id(&sql)]),
        "{feedback}"
    );
    assert_eq!(document["development_actions"][0]["title"], "");
}
