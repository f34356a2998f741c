//! The authorization matrix (`debrief::auth::policy::MATRIX`) walked over real HTTP: every
//! route, every role, every relation (own tenant, other tenant).

use std::collections::BTreeSet;

use debrief::auth::policy::{permits, Operation, MATRIX};
use debrief::domain::Role;
use reqwest::Method;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::common::Backend;
use crate::helpers::{spawn_app, Caller, TestApp};

#[test]
fn every_route_is_in_the_authorization_matrix() {
    let spec: Value = serde_json::from_str(&debrief::http::openapi_json()).expect("json");
    let routes: BTreeSet<(String, String)> = spec["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .filter(|(path, _)| path.starts_with("/v1/"))
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("item")
                .keys()
                .map(|method| (method.to_uppercase(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    let matrix: BTreeSet<(String, String)> = MATRIX
        .iter()
        .map(|rule| (rule.method.to_owned(), rule.path.to_owned()))
        .collect();
    let missing: Vec<_> = routes.difference(&matrix).collect();
    let stale: Vec<_> = matrix.difference(&routes).collect();
    assert!(
        missing.is_empty(),
        "routes without a rule in the matrix: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "rules for routes that do not exist: {stale:?}"
    );
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    /// An object of the caller's tenant.
    Own,
    /// An object of another tenant.
    OtherTenant,
}

/// One request of the walk, and what a permitted caller must get.
struct Probe {
    method: Method,
    path: String,
    body: Option<Value>,
    if_match: Option<String>,
    /// Status for a caller whose role holds the capability.
    permitted: u16,
    /// Text that must not appear in the response (another tenant's data).
    must_not_contain: Option<&'static str>,
}

const OWN_MARKER: &str = "acme_marker";
const OTHER_MARKER: &str = "globex_marker";

/// The request that exercises `operation` on an object of `relation`; `None` where the
/// relation does not apply (a create always writes into the caller's own tenant).
fn probe(operation: Operation, relation: Relation, role: Role, own_version: i64) -> Option<Probe> {
    let get = |path: String, permitted, must_not_contain| Probe {
        method: Method::GET,
        path,
        body: None,
        if_match: None,
        permitted,
        must_not_contain,
    };
    Some(match (operation, relation) {
        (Operation::ListCatalogEntries, Relation::Own) => get(
            "/v1/catalogs/competencies?limit=200".into(),
            200,
            Some(OTHER_MARKER),
        ),
        (Operation::ListCatalogEntries, Relation::OtherTenant) => get(
            "/v1/catalogs/competencies?limit=200&active=true".into(),
            200,
            Some(OTHER_MARKER),
        ),
        (Operation::ReadCatalogEntry, Relation::Own) => get(
            format!("/v1/catalogs/competencies/{OWN_MARKER}"),
            200,
            Some(OTHER_MARKER),
        ),
        (Operation::ReadCatalogEntry, Relation::OtherTenant) => get(
            format!("/v1/catalogs/competencies/{OTHER_MARKER}"),
            404,
            Some(OTHER_MARKER),
        ),
        (Operation::CreateCatalogEntry, Relation::Own) => Probe {
            method: Method::POST,
            path: "/v1/catalogs/competencies".into(),
            body: Some(json!({"key": format!("made_by_{}", role.as_str()), "name": "Probe"})),
            if_match: None,
            permitted: 201,
            must_not_contain: None,
        },
        (Operation::CreateCatalogEntry, Relation::OtherTenant) => return None,
        (Operation::UpdateCatalogEntry, relation) => Probe {
            method: Method::PATCH,
            path: format!(
                "/v1/catalogs/competencies/{}",
                if relation == Relation::Own {
                    OWN_MARKER
                } else {
                    OTHER_MARKER
                }
            ),
            body: Some(json!({"description": format!("changed by {}", role.as_str())})),
            if_match: Some(format!(
                "\"{}\"",
                if relation == Relation::Own {
                    own_version
                } else {
                    1
                }
            )),
            permitted: if relation == Relation::Own { 200 } else { 404 },
            must_not_contain: Some(OTHER_MARKER),
        },
    })
}

async fn entry(app: &TestApp, caller: &Caller, key: &str) -> Value {
    app.get_as(caller, &format!("/v1/catalogs/competencies/{key}"))
        .await
        .json()
        .await
        .expect("json")
}

backend_tests!(the_matrix_holds_for_every_role_and_relation);

async fn the_matrix_holds_for_every_role_and_relation(backend: Backend) {
    let app = spawn_app(backend).await;
    let acme_hr = Caller::hr("H1");
    let globex_hr = Caller::hr("H2").in_tenant("globex");
    for (caller, key) in [(&acme_hr, OWN_MARKER), (&globex_hr, OTHER_MARKER)] {
        let created = app
            .post_as(
                caller,
                "/v1/catalogs/competencies",
                &json!({"key": key, "name": key}),
            )
            .await;
        assert_eq!(created.status(), 201);
    }
    let globex_before = entry(&app, &globex_hr, OTHER_MARKER).await;

    let mut checked = 0;
    for rule in MATRIX {
        for role in Role::ALL {
            let caller = Caller {
                sub: "PROBE",
                roles: vec![role],
                tenant: "acme",
            };
            for relation in [Relation::Own, Relation::OtherTenant] {
                let own_version = entry(&app, &acme_hr, OWN_MARKER).await["version"]
                    .as_i64()
                    .expect("version");
                let Some(probe) = probe(rule.operation, relation, role, own_version) else {
                    continue;
                };
                let mut request = app.as_(&caller, probe.method.clone(), &probe.path);
                if let Some(body) = &probe.body {
                    request = request.json(body);
                }
                if let Some(tag) = &probe.if_match {
                    request = request.header("if-match", tag);
                }
                let response = request.send().await.expect("request");
                let status = response.status().as_u16();
                let text = response.text().await.expect("body");
                let expected = if permits(&[Role::Employee, role], rule.operation) {
                    probe.permitted
                } else {
                    403
                };
                let what = format!(
                    "{:?} as {role} on {relation:?}: {} {}",
                    rule.operation, probe.method, probe.path
                );
                assert_eq!(status, expected, "{what}: {text}");
                if let Some(marker) = probe.must_not_contain {
                    assert!(
                        !text.contains(marker),
                        "{what} leaked another tenant's data: {text}"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(
        checked >= MATRIX.len() * Role::ALL.len(),
        "{checked} probes"
    );
    // Nothing any acme caller did changed globex's data.
    assert_eq!(entry(&app, &globex_hr, OTHER_MARKER).await, globex_before);
}
