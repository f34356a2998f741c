//! Reports for HR over real data on both backends: the figures, suppression of every group
//! below k (with its complementary groups and filtered reports that would give one away),
//! k at its edges, CSV a spreadsheet reads, and no employee id or free text in any of it.

use chrono::{Datelike, Duration, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::common::Backend;
use crate::deadlines::age;
use crate::helpers::{assert_problem, id, ok, spawn_app, Caller, TestApp};
use crate::scenario::documents;

backend_tests!(
    the_minimum_group_size_is_an_hr_setting_between_two_and_a_hundred,
    reports_count_what_happened_and_show_no_group_of_fewer_than_k,
    k_at_its_edges_shows_a_group_of_k_and_hides_one_of_k_minus_one,
    reports_read_as_csv_with_a_header_row,
    the_median_and_p90_are_nearest_ranks_of_the_business_days_to_release,
);

const FINANCE: [&str; 4] = ["RPT-F1", "RPT-F2", "RPT-F3", "RPT-F4"];
const LEGAL: [&str; 3] = ["RPT-L1", "RPT-L2", "RPT-L3"];

fn hr() -> Caller {
    Caller::hr("H1")
}

async fn set_k(app: &TestApp, k: u32) {
    let current = app.get_as(&hr(), "/v1/report-settings").await;
    let tag = current.headers()["etag"].to_str().expect("etag").to_owned();
    let set = app
        .with_version(
            &hr(),
            Method::PUT,
            "/v1/report-settings",
            &tag,
            &json!({"min_group_size": k}),
        )
        .await;
    assert_eq!(ok(set).await["min_group_size"], k);
}

async fn report(app: &TestApp, path: &str) -> Value {
    ok(app.get_as(&hr(), path).await).await
}

/// Feedback whose plan has an action past its target date and one ahead.
fn legal_document() -> Value {
    let today = Utc::now().date_naive();
    documents::with_actions(json!([
        {"kind": "course", "title": "Contract law refresher", "horizon": "short_term",
         "target_date": (today - Duration::days(3)).to_string()},
        {"kind": "mentoring", "title": "Sessions with a senior counsel", "horizon": "long_term",
         "target_date": (today + Duration::days(200)).to_string()},
    ]))
}

/// The candidate's released feedback (with the ids of its actions).
async fn own_feedback(app: &TestApp, candidate: &'static str, story: &Value) -> Value {
    ok(app
        .get_as(
            &Caller::employee(candidate),
            &format!("/v1/me/feedback/{}", id(story)),
        )
        .await)
    .await
}

async fn action_ids(app: &TestApp, candidate: &'static str, feedback: &Value) -> Vec<String> {
    let own = own_feedback(app, candidate, feedback).await;
    own["document"]["development_actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| a["id"].as_str().expect("id").to_owned())
        .collect()
}

/// The world of these tests, k = 3:
/// - Finance: four candidates on one requisition, complete feedback released; two rate it (5
///   and 3), one asks for a follow-up, one starts an action;
/// - Legal: three on one requisition, released plans with an action past its date; one
///   acknowledges without a rating and finishes that action;
/// - Sales: one released (`stronger_candidate`) and one rejected without feedback yet, due
///   days ago.
struct World {
    finance_requisition: Value,
    legal_requisition: Value,
}

async fn world(app: &TestApp) -> World {
    set_k(app, 3).await;
    let mut finance_requisition = Value::Null;
    for (i, candidate) in FINANCE.into_iter().enumerate() {
        let mut scenario = app
            .scenario()
            .candidate(candidate)
            .document(documents::complete());
        if i > 0 {
            scenario = scenario.on(&finance_requisition);
        }
        let story = scenario.released().await;
        finance_requisition = story.requisition.clone();
        let me = Caller::employee(candidate);
        let own = format!("/v1/me/feedback/{}", id(&story.feedback));
        match i {
            0 => {
                let ack = json!({"usefulness_rating": 5});
                ok(app.post_as(&me, &format!("{own}/acknowledge"), &ack).await).await;
                let follow_up =
                    json!({"addressee": "manager", "message": "Could we talk about the plan?"});
                ok(app
                    .post_as(&me, &format!("{own}/follow-ups"), &follow_up)
                    .await)
                .await;
                let actions = action_ids(app, candidate, &story.feedback).await;
                let progress = json!({"status": "in_progress"});
                ok(app
                    .put_as(&me, &format!("{own}/actions/{}", actions[0]), &progress)
                    .await)
                .await;
            }
            1 => {
                let ack = json!({"usefulness_rating": 3});
                ok(app.post_as(&me, &format!("{own}/acknowledge"), &ack).await).await;
            }
            _ => {}
        }
    }
    let mut legal_requisition = Value::Null;
    for (i, candidate) in LEGAL.into_iter().enumerate() {
        let mut scenario = app
            .scenario()
            .department("Legal")
            .candidate(candidate)
            .document(legal_document());
        if i > 0 {
            scenario = scenario.on(&legal_requisition);
        }
        let story = scenario.released().await;
        legal_requisition = story.requisition.clone();
        if i == 0 {
            let me = Caller::employee(candidate);
            let own = format!("/v1/me/feedback/{}", id(&story.feedback));
            ok(app
                .post_as(&me, &format!("{own}/acknowledge"), &json!({}))
                .await)
            .await;
            let actions = action_ids(app, candidate, &story.feedback).await;
            ok(app
                .put_as(
                    &me,
                    &format!("{own}/actions/{}", actions[0]),
                    &json!({"status": "done"}),
                )
                .await)
            .await;
        }
    }
    let mut stronger = documents::minimal("Thank you for applying; another candidate was closer.");
    stronger["reasons"] = json!(["stronger_candidate"]);
    app.scenario()
        .department("Sales")
        .candidate("RPT-S1")
        .document(stronger)
        .released()
        .await;
    let waiting = app
        .scenario()
        .department("Sales")
        .candidate("RPT-S2")
        .rejected()
        .await;
    age(app, &waiting.application, 4).await;
    World {
        finance_requisition,
        legal_requisition,
    }
}

async fn the_minimum_group_size_is_an_hr_setting_between_two_and_a_hundred(backend: Backend) {
    let app = spawn_app(backend).await;
    let settings = app.get_as(&hr(), "/v1/report-settings").await;
    assert_eq!(settings.headers()["etag"], "\"1\"");
    assert_eq!(ok(settings).await, json!({"min_group_size": 5}));
    let unversioned = app
        .put_as(&hr(), "/v1/report-settings", &json!({"min_group_size": 3}))
        .await;
    assert_problem(unversioned, 428).await;
    for k in [json!(1), json!(101), json!(-3), json!("five")] {
        let refused = app
            .with_version(
                &hr(),
                Method::PUT,
                "/v1/report-settings",
                "\"1\"",
                &json!({ "min_group_size": k }),
            )
            .await;
        let status = refused.status().as_u16();
        let problem = assert_problem(refused, status).await;
        assert!(matches!(status, 400 | 422), "{k}: {problem}");
    }
    let set = app
        .with_version(
            &hr(),
            Method::PUT,
            "/v1/report-settings",
            "\"1\"",
            &json!({"min_group_size": 2}),
        )
        .await;
    assert_eq!(set.headers()["etag"], "\"2\"");
    assert_eq!(ok(set).await, json!({"min_group_size": 2}));
    let stale = app
        .with_version(
            &hr(),
            Method::PUT,
            "/v1/report-settings",
            "\"1\"",
            &json!({"min_group_size": 4}),
        )
        .await;
    assert_problem(stale, 412).await;
    assert_eq!(
        report(&app, "/v1/report-settings").await["min_group_size"],
        2
    );
    // The change is audited; managers, candidates and the portal can neither read nor set it.
    let audit = report(&app, "/v1/audit-events?limit=200").await;
    assert!(
        audit["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|e| e["action"] == "report_settings.update"),
        "{audit}"
    );
    for caller in [
        Caller::manager("M1"),
        Caller::employee("E1"),
        crate::helpers::portal(),
    ] {
        assert_problem(app.get_as(&caller, "/v1/report-settings").await, 403).await;
        assert_problem(app.get_as(&caller, "/v1/reports/timeliness").await, 403).await;
    }
}

fn department<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["by_department"]
        .as_array()
        .expect("by_department")
        .iter()
        .find(|g| g["department"] == name)
        .unwrap_or_else(|| panic!("{name} in {report}"))
}

fn close(value: &Value, expected: f64) -> bool {
    value.as_f64().is_some_and(|v| (v - expected).abs() < 1e-9)
}

/// No candidate id, no free text of any feedback.
fn assert_anonymous(text: &str) {
    for secret in [
        "RPT-",
        "Thank you",
        "Advanced SQL",
        "Contract law",
        "payments domain",
        "H1",
        "M1",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

async fn reports_count_what_happened_and_show_no_group_of_fewer_than_k(backend: Backend) {
    let app = spawn_app(backend).await;
    let world = world(&app).await;

    let timeliness = report(&app, "/v1/reports/timeliness").await;
    let now = Utc::now().date_naive();
    assert_eq!(
        timeliness["scope"]["to"],
        format!("{:04}-{:02}", now.year(), now.month())
    );
    assert_eq!(timeliness["scope"]["min_group_size"], 3);
    assert_eq!(timeliness["scope"]["withheld"], false);
    let total = &timeliness["total"];
    assert_eq!(total["suppressed"], false);
    let figures = &total["figures"];
    assert_eq!(
        [
            &figures["candidates"],
            &figures["decisions"],
            &figures["released"],
            &figures["released_on_time"],
            &figures["open"],
            &figures["overdue"]
        ],
        [
            &json!(9),
            &json!(9),
            &json!(8),
            &json!(8),
            &json!(1),
            &json!(1)
        ],
        "{timeliness}"
    );
    assert!(close(&figures["on_time_share"], 8.0 / 9.0), "{figures}");
    assert_eq!(figures["median_business_days_to_release"], 0);
    assert_eq!(figures["p90_business_days_to_release"], 0);
    // Finance (4) is shown; Sales (2) is below k and Legal (3), the smallest other, goes with
    // it, or the total minus Finance and Legal would give Sales away.
    assert_eq!(
        department(&timeliness, "Finance")["figures"]["candidates"],
        4
    );
    for name in ["Legal", "Sales"] {
        let group = department(&timeliness, name);
        assert_eq!(group["suppressed"], true, "{group}");
        assert!(group.get("figures").is_none(), "{group}");
    }
    assert_anonymous(&timeliness.to_string());

    let outcomes = report(&app, "/v1/reports/outcomes").await;
    let figures = &outcomes["total"]["figures"];
    let counts = [
        "rejections",
        "released",
        "acknowledged",
        "rated",
        "follow_up_requested",
        "actions",
        "actions_started",
        "actions_done",
        "actions_overdue",
    ]
    .map(|name| figures[name].as_i64().unwrap_or(-1));
    assert_eq!(counts, [9, 8, 3, 2, 1, 15, 2, 1, 2], "{outcomes}");
    assert!(close(&figures["release_rate"], 8.0 / 9.0));
    assert!(close(&figures["acknowledgement_rate"], 3.0 / 8.0));
    assert!(close(&figures["average_usefulness"], 4.0));
    assert!(close(&figures["follow_up_request_rate"], 1.0 / 8.0));
    assert!(close(&figures["actions_done_share"], 1.0 / 15.0));
    let finance = &department(&outcomes, "Finance")["figures"];
    assert_eq!(
        (
            &finance["acknowledged"],
            &finance["actions"],
            &finance["actions_overdue"]
        ),
        (&json!(2), &json!(8), &json!(0))
    );
    assert_eq!(department(&outcomes, "Legal")["suppressed"], true);
    assert_anonymous(&outcomes.to_string());

    // Reasons of released feedback: stronger_candidate (1) is suppressed and so is the
    // smallest shown one with it.
    let reasons = report(&app, "/v1/reports/rejection-reasons").await;
    assert_eq!(reasons["total"]["candidates"], 8);
    assert_eq!(reasons["feedback"], 8);
    let by_code = |code: &str| {
        reasons["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .find(|r| r["reason_code"] == code)
            .cloned()
            .unwrap_or_else(|| panic!("{code} in {reasons}"))
    };
    for code in ["skills_gap", "interview_performance"] {
        let reason = by_code(code);
        assert_eq!(
            (&reason["candidates"], &reason["suppressed"]),
            (&json!(4), &json!(false))
        );
        assert!(close(&reason["share"], 0.5));
    }
    assert_eq!(by_code("skills_gap")["name"], "Skills gap");
    for code in ["stronger_candidate", "experience_gap"] {
        let reason = by_code(code);
        assert_eq!(reason["suppressed"], true);
        assert!(reason.get("candidates").is_none() && reason.get("share").is_none());
    }
    assert_anonymous(&reasons.to_string());

    let gaps = report(&app, "/v1/reports/competency-gaps").await;
    let competency = |key: &str| {
        gaps["competencies"]
            .as_array()
            .expect("competencies")
            .iter()
            .find(|c| c["competency"] == key)
            .cloned()
            .unwrap_or_else(|| panic!("{key} in {gaps}"))
    };
    let communication = competency("communication");
    assert_eq!(communication["assessed"]["candidates"], 4);
    let developing = communication["levels"]
        .as_array()
        .expect("levels")
        .iter()
        .find(|l| l["level"] == "developing")
        .cloned()
        .expect("developing");
    assert_eq!(developing["candidates"], 4);
    assert_eq!(
        competency("stakeholder_management")["improvement_areas"]["candidates"],
        4
    );
    assert_anonymous(&gaps.to_string());

    // Filters: a shown department is reported; one suppressed in the tenant's breakdown is
    // withheld whole, as is a requisition of it, or a period with nothing in it.
    let finance = report(&app, "/v1/reports/timeliness?department=Finance").await;
    assert_eq!(finance["scope"]["withheld"], false);
    assert_eq!(finance["total"]["figures"]["decisions"], 4);
    let path = format!(
        "/v1/reports/outcomes?requisition_id={}",
        id(&world.finance_requisition)
    );
    assert_eq!(report(&app, &path).await["total"]["figures"]["released"], 4);
    for path in [
        "/v1/reports/timeliness?department=Legal".to_owned(),
        "/v1/reports/outcomes?department=Sales".to_owned(),
        "/v1/reports/rejection-reasons?department=Nowhere".to_owned(),
        format!(
            "/v1/reports/competency-gaps?requisition_id={}",
            id(&world.legal_requisition)
        ),
        format!(
            "/v1/reports/timeliness?department=Finance&requisition_id={}",
            id(&world.legal_requisition)
        ),
    ] {
        let withheld = report(&app, &path).await;
        assert_eq!(withheld["scope"]["withheld"], true, "{path}: {withheld}");
        assert_eq!(withheld["total"]["suppressed"], true, "{path}");
        let text = withheld.to_string();
        assert!(
            !text.contains("\"candidates\":3") && !text.contains("\"decisions\""),
            "{path}: {text}"
        );
    }
    let last_month = (now.with_day(1).expect("first") - Duration::days(1)).format("%Y-%m");
    let past = report(
        &app,
        &format!("/v1/reports/timeliness?from=2026-01&to={last_month}"),
    )
    .await;
    assert_eq!(past["scope"]["withheld"], true);

    // Bad filters are a 422 that names them.
    for (query, field) in [
        ("from=2026-13", "from"),
        ("to=26-01", "to"),
        ("from=2026-06&to=2026-01", "from"),
        ("from=2020-01&to=2026-01", "from"),
        ("department=%20", "department"),
    ] {
        let refused = app
            .get_as(&hr(), &format!("/v1/reports/timeliness?{query}"))
            .await;
        let problem = assert_problem(refused, 422).await;
        assert!(
            problem["errors"]
                .as_array()
                .is_some_and(|e| e.iter().any(|e| e["field"] == field)),
            "{query}: {problem}"
        );
    }
    // Another tenant sees none of it.
    let globex = ok(app
        .get_as(
            &Caller::hr("H1").in_tenant("globex"),
            "/v1/reports/timeliness",
        )
        .await)
    .await;
    assert_eq!(globex["total"]["suppressed"], true);
    assert_eq!(globex["by_department"], json!([]));
}

async fn k_at_its_edges_shows_a_group_of_k_and_hides_one_of_k_minus_one(backend: Backend) {
    let app = spawn_app(backend).await;
    world(&app).await;
    let suppressed = |report: &Value| -> Vec<(String, bool)> {
        let mut groups: Vec<(String, bool)> = report["by_department"]
            .as_array()
            .expect("groups")
            .iter()
            .map(|g| {
                (
                    g["department"].as_str().expect("name").to_owned(),
                    g["suppressed"].as_bool().expect("flag"),
                )
            })
            .collect();
        groups.sort();
        groups
    };
    let expect = |finance: bool, legal: bool, sales: bool| {
        vec![
            ("Finance".to_owned(), finance),
            ("Legal".to_owned(), legal),
            ("Sales".to_owned(), sales),
        ]
    };
    // k = 2, the lowest: every department has at least two candidates.
    set_k(&app, 2).await;
    let at_two = report(&app, "/v1/reports/timeliness").await;
    assert_eq!(suppressed(&at_two), expect(false, false, false));
    assert_eq!(department(&at_two, "Sales")["figures"]["candidates"], 2);
    // k = 4: Finance has exactly k and is shown; Legal (k - 1) and Sales are not.
    set_k(&app, 4).await;
    let at_four = report(&app, "/v1/reports/timeliness").await;
    assert_eq!(suppressed(&at_four), expect(false, true, true));
    assert_eq!(department(&at_four, "Finance")["figures"]["candidates"], 4);
    // k = 5: no department reaches it; the total (9) still does.
    set_k(&app, 5).await;
    let at_five = report(&app, "/v1/reports/timeliness").await;
    assert_eq!(suppressed(&at_five), expect(true, true, true));
    assert_eq!(at_five["total"]["figures"]["candidates"], 9);
    // k = 9 is the whole tenant; k = 10 is more than it has.
    set_k(&app, 9).await;
    let at_nine = report(&app, "/v1/reports/outcomes").await;
    assert_eq!(at_nine["scope"]["withheld"], false);
    assert_eq!(at_nine["total"]["figures"]["candidates"], 9);
    set_k(&app, 10).await;
    for path in [
        "/v1/reports/timeliness",
        "/v1/reports/outcomes",
        "/v1/reports/rejection-reasons",
        "/v1/reports/competency-gaps",
    ] {
        let withheld = report(&app, path).await;
        assert_eq!(withheld["scope"]["withheld"], true, "{path}");
        assert_eq!(withheld["total"]["suppressed"], true, "{path}: {withheld}");
        let text = withheld.to_string();
        assert!(!text.contains("\"candidates\":"), "{path}: {text}");
    }
}

/// A report as CSV.
async fn csv_of(app: &TestApp, path: &str) -> String {
    app.as_(&hr(), Method::GET, path)
        .header("accept", "text/csv")
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("text")
}

async fn reports_read_as_csv_with_a_header_row(backend: Backend) {
    let app = spawn_app(backend).await;
    world(&app).await;
    for (path, column) in [
        ("/v1/reports/timeliness", "on_time_share"),
        ("/v1/reports/outcomes", "average_usefulness"),
        ("/v1/reports/rejection-reasons", "reason_code"),
        ("/v1/reports/competency-gaps", "competency"),
    ] {
        let response = app
            .as_(&hr(), Method::GET, path)
            .header("accept", "text/csv")
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "text/csv; charset=utf-8; header=present"
        );
        let text = response.text().await.expect("text");
        assert!(text.ends_with("\r\n"), "{path}: CRLF line ends");
        assert!(!text.replace("\r\n", "").contains('\n'), "{path}: bare LF");
        assert_anonymous(&text);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.as_bytes());
        let header = reader.headers().expect("header row").clone();
        assert!(
            header.iter().any(|h| h == column) && header.iter().any(|h| h == "suppressed"),
            "{path}: {header:?}"
        );
        let rows: Vec<csv::StringRecord> = reader
            .records()
            .collect::<Result<_, _>>()
            .expect("rectangular rows");
        assert!(!rows.is_empty(), "{path}");
        assert!(rows.iter().all(|r| r.len() == header.len()));
    }
    // The timeliness table: the total, then each department; suppressed cells are empty.
    let text = csv_of(&app, "/v1/reports/timeliness").await;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().expect("header").clone();
    let at = |name: &str| header.iter().position(|h| h == name).expect(name);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 4, "{text}");
    assert_eq!(&rows[0][at("group")], "total");
    assert_eq!(&rows[0][at("decisions")], "9");
    let legal = rows
        .iter()
        .find(|r| &r[at("department")] == "Legal")
        .expect("Legal");
    assert_eq!(
        (&legal[at("suppressed")], &legal[at("decisions")]),
        ("true", "")
    );
    // JSON stays the default, and wins when it is preferred.
    let preferred = app
        .as_(&hr(), Method::GET, "/v1/reports/timeliness")
        .header("accept", "application/json, text/csv;q=0.5")
        .send()
        .await
        .expect("request");
    assert!(preferred.headers()["content-type"]
        .to_str()
        .expect("type")
        .starts_with("application/json"));
    // A spreadsheet's own quoting: a department name with a comma and a quote survives.
    let odd = "R&D, \"Labs\"";
    for candidate in ["RPT-Q1", "RPT-Q2", "RPT-Q3"] {
        app.scenario()
            .department(odd)
            .candidate(candidate)
            .released()
            .await;
    }
    set_k(&app, 2).await;
    let text = csv_of(&app, "/v1/reports/timeliness").await;
    assert!(text.contains("\"R&D, \"\"Labs\"\"\""), "{text}");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let names: Vec<String> = reader
        .records()
        .map(|r| r.expect("row")[3].to_owned())
        .collect();
    assert!(names.iter().any(|n| n == odd), "{names:?}");
}

/// Sets the business days an application's release took, as releasing that late would.
async fn took(app: &TestApp, application: &Value, days: i32) {
    use secrecy::ExposeSecret;
    use sqlx::Connection;
    let url = app.settings.database.url.expose_secret().to_owned();
    let id = uuid::Uuid::parse_str(&id(application)).expect("uuid");
    let sql = "update applications set feedback_release_business_days = $1 where id = $2";
    if url.starts_with("sqlite") {
        let mut c = sqlx::SqliteConnection::connect(&url)
            .await
            .expect("connect");
        sqlx::query(sql)
            .bind(days)
            .bind(id)
            .execute(&mut c)
            .await
            .expect("update");
    } else {
        let mut c = sqlx::PgConnection::connect(&url).await.expect("connect");
        sqlx::query(sql)
            .bind(days)
            .bind(id)
            .execute(&mut c)
            .await
            .expect("update");
    }
}

async fn the_median_and_p90_are_nearest_ranks_of_the_business_days_to_release(backend: Backend) {
    let app = spawn_app(backend).await;
    const OPS: [(&str, i32); 10] = [
        ("P-O0", 3),
        ("P-O1", 1),
        ("P-O2", 4),
        ("P-O3", 1),
        ("P-O4", 5),
        ("P-O5", 9),
        ("P-O6", 2),
        ("P-O7", 6),
        ("P-O8", 5),
        ("P-O9", 3),
    ];
    const TAX: [(&str, i32); 5] = [
        ("P-T0", 10),
        ("P-T1", 10),
        ("P-T2", 10),
        ("P-T3", 10),
        ("P-T4", 20),
    ];
    for (department, people) in [("Ops", &OPS[..]), ("Tax", &TAX[..])] {
        for &(candidate, days) in people {
            let story = app
                .scenario()
                .department(department)
                .candidate(candidate)
                .released()
                .await;
            took(&app, &story.application, days).await;
        }
    }
    let timeliness = report(&app, "/v1/reports/timeliness").await;
    let figures = |group: &Value| {
        (
            group["figures"]["released"].clone(),
            group["figures"]["median_business_days_to_release"].clone(),
            group["figures"]["p90_business_days_to_release"].clone(),
        )
    };
    // Ops sorted: 1 1 2 3 3 4 5 5 6 9: the 5th is 3, the 9th 6.
    assert_eq!(
        figures(department(&timeliness, "Ops")),
        (json!(10), json!(3), json!(6)),
        "{timeliness}"
    );
    // Tax: 10 10 10 10 20: the 3rd is 10, the 5th 20.
    assert_eq!(
        figures(department(&timeliness, "Tax")),
        (json!(5), json!(10), json!(20)),
        "{timeliness}"
    );
    // All 15: the 8th is 5, the 14th 10.
    assert_eq!(
        figures(&timeliness["total"]),
        (json!(15), json!(5), json!(10)),
        "{timeliness}"
    );
    // One department's report is that department's figures.
    let ops = report(&app, "/v1/reports/timeliness?department=Ops").await;
    assert_eq!(
        figures(&ops["total"]),
        (json!(10), json!(3), json!(6)),
        "{ops}"
    );
}
