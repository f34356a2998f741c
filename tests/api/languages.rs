//! The candidate's language over HTTP on both backends: candidate-facing reads negotiate
//! `Accept-Language` among the tenant's offered languages and answer `Content-Language`; the
//! labels of the keys a document uses come built in (en, de, fr) or from HR's translations of
//! catalog entries and resources, falling back to the tenant's default language; the
//! managers' words are never translated and problem documents stay English.

use reqwest::Method;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::common::Backend;
use crate::helpers::{assert_problem, id, ok, spawn_app, Caller, TestApp};
use crate::scenario::documents;

backend_tests!(
    candidates_read_the_labels_in_the_language_they_ask_for,
    hr_translates_the_catalogs_and_resources_and_chooses_the_languages,
    a_replica_never_labels_with_a_stale_catalog,
);

async fn read_in(
    app: &TestApp,
    caller: &Caller,
    path: &str,
    accept_language: Option<&str>,
) -> (String, Value) {
    let mut request = app.as_(caller, Method::GET, path);
    if let Some(header) = accept_language {
        request = request.header("accept-language", header);
    }
    let response = request.send().await.expect("request");
    assert_eq!(response.status(), 200, "{path} {accept_language:?}");
    let vary = response.headers()["vary"]
        .to_str()
        .expect("vary")
        .to_owned();
    assert!(
        vary.to_ascii_lowercase().contains("accept-language"),
        "{vary}"
    );
    let language = response.headers()["content-language"]
        .to_str()
        .expect("content-language")
        .to_owned();
    let body = ok(response).await;
    (language, body)
}

async fn settings(app: &TestApp, caller: &Caller) -> (String, Value) {
    let response = app.get_as(caller, "/v1/language-settings").await;
    let tag = response.headers()["etag"]
        .to_str()
        .expect("etag")
        .to_owned();
    (tag, ok(response).await)
}

async fn candidates_read_the_labels_in_the_language_they_ask_for(backend: Backend) {
    let app = spawn_app(backend).await;
    let released = app
        .scenario()
        .candidate("E1")
        .document(documents::complete())
        .released()
        .await;
    let path = format!("/v1/me/feedback/{}", id(&released.feedback));
    let candidate = Caller::employee("E1");

    // No header: the tenant's default language, English.
    let (language, english) = read_in(&app, &candidate, &path, None).await;
    assert_eq!(language, "en");
    let labels = &english["labels"];
    assert_eq!(labels["language"], "en");
    assert_eq!(
        labels["reasons"]["skills_gap"]["name"], "Skills gap",
        "{labels}"
    );
    assert_eq!(labels["levels"]["developing"]["name"], "Developing");
    assert_eq!(
        labels["competencies"]["technical_depth"]["name"],
        "Technical depth"
    );

    // German, asked for by a regional range: every key the document uses, labelled.
    let (language, german) = read_in(&app, &candidate, &path, Some("de-CH, fr;q=0.5")).await;
    assert_eq!(language, "de");
    let labels = &german["labels"];
    assert_eq!(labels["language"], "de");
    let reason = &labels["reasons"]["skills_gap"];
    assert_eq!(reason["name"], "Kompetenzlücke", "{labels}");
    assert_eq!(reason["language"], "de");
    assert!(!reason["description"].as_str().expect("text").is_empty());
    assert_eq!(
        labels["reasons"]["interview_performance"]["name"],
        "Leistung in den Gesprächen"
    );
    assert_eq!(
        labels["competencies"]["communication"]["name"],
        "Kommunikation"
    );
    assert_eq!(
        labels["competencies"]["stakeholder_management"]["name"],
        "Stakeholder-Management"
    );
    assert_eq!(
        labels["competencies"]["technical_depth"]["name"],
        "Fachliche Tiefe"
    );
    assert_eq!(labels["levels"]["developing"]["name"], "In Entwicklung");
    assert_eq!(labels["action_kinds"]["course"]["name"], "Kurs");
    assert_eq!(labels["action_kinds"]["mentoring"]["name"], "Mentoring");
    assert_eq!(labels["horizons"]["long_term"]["name"], "Langfristig");
    assert_eq!(
        labels["readiness"]["within_6_months"]["name"],
        "Innerhalb von 6 Monaten"
    );
    // Only what the document uses, and the manager's words as written.
    assert!(labels["reasons"].get("other").is_none(), "{labels}");
    assert_eq!(german["document"], english["document"]);

    // Weights decide, then order; `*`, unknown and refused languages get the default.
    for (header, expected) in [
        ("fr;q=0.9, de;q=0.8", "fr"),
        ("de;q=0.8, fr;q=0.9", "fr"),
        ("it, de;q=0.1", "de"),
        ("FR-ca", "fr"),
        ("*", "en"),
        ("ja, zh-Hant;q=0.9", "en"),
        ("de;q=0", "en"),
        ("de-AT, de;q=0", "en"),
        ("@@@, fr;q=0.3", "fr"),
        ("de;q=2", "en"),
        ("", "en"),
    ] {
        let (language, body) = read_in(&app, &candidate, &path, Some(header)).await;
        assert_eq!(language, expected, "{header}");
        assert_eq!(body["labels"]["language"], expected, "{header}");
    }
    let (_, french) = read_in(&app, &candidate, &path, Some("fr")).await;
    assert_eq!(
        french["labels"]["reasons"]["skills_gap"]["name"],
        "Écart de compétences"
    );

    // The plan, the list and the HR portal's reads negotiate the same way.
    let (language, plan) = read_in(&app, &candidate, &format!("{path}/plan"), Some("fr")).await;
    assert_eq!(language, "fr");
    assert_eq!(
        plan["labels"]["action_kinds"]["course"]["name"], "Cours",
        "{plan}"
    );
    assert_eq!(
        plan["labels"]["horizons"]["short_term"]["name"],
        "Court terme"
    );
    assert_eq!(
        plan["labels"]["competencies"]["technical_depth"]["name"],
        "Expertise technique"
    );
    let (language, list) = read_in(&app, &candidate, "/v1/me/feedback", Some("de")).await;
    assert_eq!(language, "de");
    assert_eq!(
        list["items"][0]["labels"]["reasons"]["skills_gap"]["name"],
        "Kompetenzlücke"
    );
    let portal = Caller::integration("portal");
    let on_behalf = format!("/v1/employees/E1/feedback/{}", id(&released.feedback));
    let (language, read) = read_in(&app, &portal, &on_behalf, Some("fr")).await;
    assert_eq!(language, "fr");
    assert_eq!(
        read["labels"]["levels"]["developing"]["name"],
        "En développement"
    );
    let (language, _) = read_in(&app, &portal, "/v1/employees/E1/feedback", Some("de")).await;
    assert_eq!(language, "de");

    // A header with control characters is refused, as every parameter with them is; one that
    // is not ASCII text counts as absent.
    let tab = app
        .as_(&candidate, Method::GET, &path)
        .header("accept-language", "de,\tfr")
        .send()
        .await
        .expect("request");
    assert_problem(tab, 400).await;
    let latin = app
        .as_(&candidate, Method::GET, &path)
        .header(
            "accept-language",
            reqwest::header::HeaderValue::from_bytes(b"d\xe9").expect("obs-text"),
        )
        .send()
        .await
        .expect("request");
    assert_eq!(latin.status(), 200);
    assert_eq!(latin.headers()["content-language"], "en");

    // Problem documents stay English whatever the caller prefers.
    let missing = app
        .as_(
            &candidate,
            Method::GET,
            "/v1/me/feedback/0192f1a4-7c3e-7b5a-9f10-3d2c1b0a9e8f",
        )
        .header("accept-language", "de")
        .send()
        .await
        .expect("request");
    let problem = assert_problem(missing, 404).await;
    assert_eq!(problem["title"], "Not Found", "{problem}");
}

async fn hr_translates_the_catalogs_and_resources_and_chooses_the_languages(backend: Backend) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");

    // The default: English, with German and French offered.
    let (tag, current) = settings(&app, &Caller::employee("E1")).await;
    assert_eq!(
        current,
        json!({"default_language": "en", "languages": ["en", "de", "fr"], "names": {}})
    );
    assert_eq!(tag, "\"1\"");

    // HR adds Spanish. Bad settings are named field by field, in English, and change nothing.
    for (body, field) in [
        (
            json!({"default_language": "it", "languages": ["en", "de"]}),
            "default_language",
        ),
        (
            json!({"default_language": "en", "languages": ["en", "EN"]}),
            "languages[1]",
        ),
        (
            json!({"default_language": "en", "languages": ["en", "english"]}),
            "languages[1]",
        ),
    ] {
        let response = app
            .as_(&hr, Method::PUT, "/v1/language-settings")
            .header("if-match", "\"1\"")
            .header("accept-language", "de")
            .json(&body)
            .send()
            .await
            .expect("request");
        let problem = assert_problem(response, 422).await;
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    let problem = assert_problem(
        app.with_version(
            &hr,
            Method::PUT,
            "/v1/language-settings",
            "\"1\"",
            &json!({"default_language": "it", "languages": ["en"]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        problem["errors"][0]["message"],
        "the default language must be one of the offered languages"
    );
    for (names, field) in [
        (
            json!({"es": {"colours": {"red": "Rojo"}}}),
            "names.es.colours",
        ),
        (
            json!({"es": {"levels": {"mighty": "Poderoso"}}}),
            "names.es.levels.mighty",
        ),
        (
            json!({"es": {"levels": {"strong": ""}}}),
            "names.es.levels.strong",
        ),
    ] {
        let body = json!({"default_language": "en", "languages": ["en"], "names": names});
        let problem = assert_problem(
            app.with_version(&hr, Method::PUT, "/v1/language-settings", "\"1\"", &body)
                .await,
            422,
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    // Spanish, with the tenant's own Spanish names for the levels it uses.
    let spanish = json!({"default_language": "en", "languages": ["en", "de", "fr", "ES"],
                         "names": {"es": {"levels": {"strong": "Sólido"}}}});
    assert_problem(
        app.put_as(&hr, "/v1/language-settings", &spanish).await,
        428,
    )
    .await;
    assert_problem(
        app.with_version(
            &Caller::manager("M1"),
            Method::PUT,
            "/v1/language-settings",
            "\"1\"",
            &spanish,
        )
        .await,
        403,
    )
    .await;
    let set = ok(app
        .with_version(&hr, Method::PUT, "/v1/language-settings", "\"1\"", &spanish)
        .await)
    .await;
    assert_eq!(set["languages"], json!(["en", "de", "fr", "es"]));
    assert_eq!(set["names"]["es"]["levels"]["strong"], "Sólido");
    let (tag, _) = settings(&app, &hr).await;
    assert_eq!(tag, "\"2\"");
    let same = app
        .with_version(&hr, Method::PUT, "/v1/language-settings", "\"2\"", &spanish)
        .await;
    assert_eq!(same.headers()["etag"], "\"2\"", "a no-op keeps the version");
    assert_problem(
        app.with_version(&hr, Method::PUT, "/v1/language-settings", "\"1\"", &spanish)
            .await,
        412,
    )
    .await;
    // Another tenant's settings are its own.
    let (_, globex) = settings(&app, &Caller::hr("H9").in_tenant("globex")).await;
    assert_eq!(globex["languages"], json!(["en", "de", "fr"]));

    // HR translates: a new competency with its German name, a Spanish built-in reason code.
    let created = app
        .post_as(
            &hr,
            "/v1/catalogs/competencies",
            &json!({"key": "data_literacy", "name": "Data literacy",
                    "description": "Works confidently with data.",
                    "translations": {"DE": {"name": "Datenkompetenz", "description": "Arbeitet sicher mit Daten."}}}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let created = ok(created).await;
    assert_eq!(
        created["translations"]["de"]["name"], "Datenkompetenz",
        "{created}"
    );
    for (translations, field) in [
        (json!({"english": {"name": "x"}}), "translations.english"),
        (json!({"de": {"name": " "}}), "translations.de.name"),
    ] {
        let body = json!({"key": "bad_translation", "name": "Bad", "translations": translations});
        let problem = assert_problem(
            app.post_as(&hr, "/v1/catalogs/competencies", &body).await,
            422,
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    let spanish_reason = json!({"translations": {"es": {"name": "Brecha de habilidades",
                                                        "description": "Faltan habilidades."}}});
    let reason = ok(app
        .with_version(
            &hr,
            Method::PATCH,
            "/v1/catalogs/reason-codes/skills_gap",
            "\"1\"",
            &spanish_reason,
        )
        .await)
    .await;
    assert_eq!(reason["version"], 2);
    let again = ok(app
        .with_version(
            &hr,
            Method::PATCH,
            "/v1/catalogs/reason-codes/skills_gap",
            "\"2\"",
            &spanish_reason,
        )
        .await)
    .await;
    assert_eq!(again["version"], 2, "a no-op keeps the version");

    // A resource with a German title.
    let resource = app
        .post_as(
            &hr,
            "/v1/resources",
            &json!({"title": "SQL for analysts", "kind": "course", "language": "en",
                    "url": "https://learning.example.com/sql",
                    "description": "Eight hours, self-paced.",
                    "translations": {"de": {"title": "SQL für Analysten", "description": "Acht Stunden."}}}),
        )
        .await;
    assert_eq!(resource.status(), 201);
    let resource = ok(resource).await;
    assert_eq!(resource["translations"]["de"]["title"], "SQL für Analysten");

    let document = json!({
        "reasons": ["skills_gap"],
        "assessments": [{"competency": "data_literacy", "level": "strong", "evidence": "Built the churn model."}],
        "strengths": ["Thorough analysis"],
        "development_actions": [{"kind": "course", "title": "Take the SQL course", "horizon": "short_term",
                                 "target_date": "2027-03-31", "competency": "data_literacy",
                                 "resources": [id(&resource)]}],
        "alternative_paths": ["Senior Analyst in Risk"],
        "readiness": {"estimate": "within_12_months", "note": "After a stretch project"},
        "summary": "Thank you for applying; here is a plan for the next opening.",
        "follow_up_offered": true
    });
    let released = app
        .scenario()
        .candidate("E2")
        .document(document)
        .released()
        .await;
    let path = format!("/v1/me/feedback/{}", id(&released.feedback));
    let candidate = Caller::employee("E2");

    // Spanish: the tenant's translation where there is one; the rest says it is English.
    let (language, read) = read_in(&app, &candidate, &path, Some("es-MX, en;q=0.1")).await;
    assert_eq!(language, "es");
    let labels = &read["labels"];
    assert_eq!(
        labels["reasons"]["skills_gap"]["name"], "Brecha de habilidades",
        "{labels}"
    );
    assert_eq!(labels["reasons"]["skills_gap"]["language"], "es");
    assert_eq!(
        labels["competencies"]["data_literacy"]["name"],
        "Data literacy"
    );
    assert_eq!(labels["competencies"]["data_literacy"]["language"], "en");
    assert_eq!(labels["levels"]["strong"]["name"], "Sólido");
    assert_eq!(labels["levels"]["strong"]["language"], "es");
    assert_eq!(
        labels["action_kinds"]["course"]["name"], "Course",
        "no Spanish name: English"
    );
    assert_eq!(labels["action_kinds"]["course"]["language"], "en");
    assert_eq!(read["resources"][0]["title"], "SQL for analysts");
    assert_eq!(read["resources"][0]["text_language"], "en");

    // German: the tenant's own translations, and the resource's German title.
    let (_, read) = read_in(&app, &candidate, &path, Some("de")).await;
    assert_eq!(
        read["labels"]["competencies"]["data_literacy"]["name"],
        "Datenkompetenz"
    );
    assert_eq!(
        read["labels"]["reasons"]["skills_gap"]["name"],
        "Kompetenzlücke"
    );
    assert_eq!(read["labels"]["resource_kinds"]["course"]["name"], "Kurs");
    let (_, plan) = read_in(&app, &candidate, &format!("{path}/plan"), Some("de")).await;
    let shown = &plan["short_term"][0]["resources"][0];
    assert_eq!(shown["title"], "SQL für Analysten", "{plan}");
    assert_eq!(shown["description"], "Acht Stunden.");
    assert_eq!(shown["text_language"], "de");
    assert_eq!(
        shown["language"], "en",
        "the course itself is still in English"
    );

    // A renamed starting entry loses its built-in translations: the tenant's words win.
    let renamed = ok(app
        .with_version(
            &hr,
            Method::PATCH,
            "/v1/catalogs/reason-codes/skills_gap",
            "\"2\"",
            &json!({"name": "Skills to build"}),
        )
        .await)
    .await;
    assert_eq!(renamed["version"], 3);
    let (_, read) = read_in(&app, &candidate, &path, Some("de")).await;
    assert_eq!(
        read["labels"]["reasons"]["skills_gap"]["name"],
        "Skills to build"
    );
    assert_eq!(read["labels"]["reasons"]["skills_gap"]["language"], "en");

    // HR stops offering Spanish: a Spanish reader gets the default again.
    let only_two = json!({"default_language": "en", "languages": ["en", "de"]});
    ok(app
        .with_version(
            &hr,
            Method::PUT,
            "/v1/language-settings",
            "\"2\"",
            &only_two,
        )
        .await)
    .await;
    let (language, _) = read_in(&app, &candidate, &path, Some("es")).await;
    assert_eq!(language, "en");
    // A German default: entries the tenant wrote are taken to be German.
    let german = json!({"default_language": "de", "languages": ["en", "de"]});
    ok(app
        .with_version(&hr, Method::PUT, "/v1/language-settings", "\"3\"", &german)
        .await)
    .await;
    let (language, read) = read_in(&app, &candidate, &path, Some("it")).await;
    assert_eq!(language, "de");
    assert_eq!(read["labels"]["levels"]["strong"]["name"], "Ausgeprägt");
    assert_eq!(
        read["labels"]["competencies"]["data_literacy"]["name"],
        "Datenkompetenz"
    );
}

/// Each process caches a tenant's label sources by the versions its reads see; a change made
/// through another replica moves the versions, so the next read here misses and reads anew.
async fn a_replica_never_labels_with_a_stale_catalog(backend: Backend) {
    let app = spawn_app(backend).await;
    let other = app.replica().await;
    let released = app
        .scenario()
        .candidate("E3")
        .document(documents::complete())
        .released()
        .await;
    let path = format!("/v1/me/feedback/{}", id(&released.feedback));
    let candidate = Caller::employee("E3");
    let name = |read: &Value| read["labels"]["reasons"]["skills_gap"]["name"].clone();
    let (_, read) = read_in(&app, &candidate, &path, Some("de")).await;
    assert_eq!(name(&read), "Kompetenzlücke");

    // HR translates through the other replica: this one answers the new text.
    let hr = Caller::hr("H1");
    let translated = json!({"translations": {"de": {"name": "Lücke bei Fähigkeiten"}}});
    ok(other
        .with_version(
            &hr,
            Method::PATCH,
            "/v1/catalogs/reason-codes/skills_gap",
            "\"1\"",
            &translated,
        )
        .await)
    .await;
    let (_, read) = read_in(&app, &candidate, &path, Some("de")).await;
    assert_eq!(name(&read), "Lücke bei Fähigkeiten");

    // And the languages: the other replica stops offering German.
    let english_only = json!({"default_language": "en", "languages": ["en"]});
    ok(other
        .with_version(
            &hr,
            Method::PUT,
            "/v1/language-settings",
            "\"1\"",
            &english_only,
        )
        .await)
    .await;
    let (language, read) = read_in(&app, &candidate, &path, Some("de")).await;
    assert_eq!(language, "en");
    assert_eq!(name(&read), "Skills gap");
}
