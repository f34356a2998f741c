//! The committed OpenAPI document is a golden file: it must match the code.
//! `UPDATE_OPENAPI=1 cargo test --test api openapi` rewrites it.

use std::path::Path;

use serde_json::Value;

use crate::backend_tests;
use crate::common::Backend;
use crate::helpers::spawn_app;

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");

#[test]
fn the_committed_openapi_document_matches_the_code() {
    let generated = debrief::http::openapi_json();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::create_dir_all(Path::new(GOLDEN).parent().expect("parent")).expect("mkdir");
        std::fs::write(GOLDEN, &generated).expect("write golden file");
        return;
    }
    let committed = std::fs::read_to_string(GOLDEN).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `UPDATE_OPENAPI=1 cargo test --test api openapi` and commit it"
    );
}

#[test]
fn the_document_is_openapi_3_1_with_a_pinned_version_and_bearer_security() {
    let spec: Value = serde_json::from_str(&debrief::http::openapi_json()).expect("json");
    assert!(spec["openapi"]
        .as_str()
        .expect("openapi")
        .starts_with("3.1"));
    assert_eq!(spec["info"]["version"], debrief::http::API_VERSION);
    assert_eq!(
        spec["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let paths = spec["paths"].as_object().expect("paths");
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("item") {
            // Every /v1 operation needs the bearer token; the public ones say they need none.
            let security = &operation["security"];
            if path.starts_with("/v1/") {
                assert_eq!(
                    security[0]["bearer"],
                    serde_json::json!([]),
                    "{method} {path}"
                );
            } else {
                assert_eq!(security, &serde_json::json!([]), "{method} {path}");
            }
            assert!(
                operation["description"].as_str().is_some_and(
                    |d| d.contains("Who may call it") || d.contains("No authentication")
                ),
                "{method} {path}"
            );
            assert!(
                operation["responses"].get("default").is_some(),
                "{method} {path}"
            ); // Summaries render as plain text: no Markdown there (descriptions have it).
            let summary = operation["summary"].as_str().unwrap_or_default();
            assert!(!summary.contains('`'), "{method} {path}: {summary}");
        }
    }
    assert!(paths.contains_key("/v1/catalogs/{catalog}/{key}"));
    assert!(paths.contains_key("/health/ready"));
}

backend_tests!(the_served_document_is_the_committed_one);

async fn the_served_document_is_the_committed_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let served: Value = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    let generated: Value = serde_json::from_str(&debrief::http::openapi_json()).expect("json");
    assert_eq!(served, generated);
    let docs = app
        .client
        .get(app.url("/docs/"))
        .send()
        .await
        .expect("docs");
    assert_eq!(docs.status(), 200);
    let html = docs.text().await.expect("html");
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        html.contains("<title>Debrief API reference</title>"),
        "{html}"
    );
    assert!(
        !html.contains("https://"),
        "the docs page must not load anything from the internet"
    );
}

#[test]
fn text_fields_document_the_pattern_that_validation_enforces() {
    use debrief::domain::{LINE_PATTERN, TEXT_PATTERN};
    let spec: Value = serde_json::from_str(&debrief::http::openapi_json()).expect("json");
    let schemas = &spec["components"]["schemas"];
    for schema in ["NewCatalogEntry", "CatalogEntryChange"] {
        let properties = &schemas[schema]["properties"];
        assert_eq!(properties["name"]["pattern"], LINE_PATTERN, "{schema}.name");
        assert_eq!(
            properties["description"]["pattern"], TEXT_PATTERN,
            "{schema}.description"
        );
    }
}

/// utoipa names a component after the type a field's alias stands for (`RawTranslations` =
/// `BTreeMap<…>` became `BTreeMap`), so aliases of different maps shared one component and the
/// catalog's translations were documented with the resources' fields: every map field names
/// its value type instead, and no component is a bare generic.
#[test]
fn no_component_is_named_after_a_bare_generic() {
    let spec: Value = serde_json::from_str(&debrief::http::openapi_json()).expect("json");
    let schemas = spec["components"]["schemas"].as_object().expect("schemas");
    for name in schemas.keys() {
        assert!(
            !["BTreeMap", "HashMap", "Vec", "Option", "Json"].contains(&name.as_str()),
            "component {name}"
        );
    }
    let entry = &schemas["NewCatalogEntry"]["properties"]["translations"];
    assert_eq!(
        entry["additionalProperties"]["$ref"], "#/components/schemas/EntryText",
        "{entry}"
    );
    let resource = &schemas["NewResourceBody"]["properties"]["translations"];
    assert_eq!(
        resource["additionalProperties"]["$ref"], "#/components/schemas/ResourceText",
        "{resource}"
    );
}

/// utoipa-gen 5.5 wrote `#[schema(min_properties)]` as `maxProperties` (the document patched it
/// after generation); 6 writes it right, and this keeps it so.
#[test]
fn change_documents_need_at_least_one_field_and_set_no_maximum() {
    let spec: Value = serde_json::from_str(&debrief::http::openapi_json()).expect("json");
    for schema in ["CatalogEntryChange", "RequisitionChangeBody"] {
        let schema = &spec["components"]["schemas"][schema];
        assert_eq!(schema["minProperties"], 1, "{schema}");
        assert!(schema.get("maxProperties").is_none(), "{schema}");
    }
}

#[test]
fn string_parameters_document_that_control_characters_are_refused() {
    let pattern = regex::Regex::new(debrief::http::NO_CONTROL_PATTERN).expect("pattern");
    for c in ['\0', '\u{1f}', '\n', '\t', '\u{7f}', '\u{85}', '\u{9f}'] {
        assert!(!pattern.is_match(&format!("a{c}b")), "{c:?}");
    }
    for ok in ["", "R&D", "é", "\u{a0}", "skills_gap"] {
        assert!(pattern.is_match(ok), "{ok:?}");
    }
    let spec: Value = serde_json::from_str(&debrief::http::openapi_json()).expect("json");
    let cursor = spec["paths"]["/v1/feedback"]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == "cursor")
        .expect("cursor");
    assert_eq!(
        cursor["schema"]["pattern"],
        debrief::http::NO_CONTROL_PATTERN
    );
}
