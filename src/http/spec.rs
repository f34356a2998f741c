//! The last pass over the OpenAPI document, for client generators: response schemas of their
//! own (every property a response always carries is `required`), a description on every
//! operation (who may call it), `servers`, explicit `security: []` on public operations, and
//! the response headers (`ETag`, `Location`, `Idempotent-Replayed`) described.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use crate::auth::policy::{Capability, Scope, MATRIX};

/// Properties a response leaves out when empty (`skip_serializing_if`): optional in the
/// response schemas. Every other property of a response is always present (`null` when it
/// has no value), so it is `required` there. Schemathesis checks the answers against it.
const OMITTED_WHEN_EMPTY: &[(&str, &str)] = &[
    ("FeedbackView", "internal_notes"),
    ("FeedbackView", "review_comment"),
    ("FeedbackView", "findings"),
    ("Finding", "phrase"),
    ("Problem", "findings"),
    ("ImprovementArea", "competency"),
    ("DevelopmentAction", "id"),
    ("DevelopmentAction", "description"),
    ("DevelopmentAction", "resource_url"),
    ("DevelopmentAction", "target_date"),
    ("DevelopmentAction", "competency"),
    ("DevelopmentAction", "resources"),
    ("ResourceView", "duration"),
    ("PlanResourceView", "duration"),
    ("Problem", "request_id"),
    ("Problem", "errors"),
    ("SyncItemResult", "requisition"),
    ("SyncItemResult", "problem"),
    // A report leaves out the figures of a suppressed group and the filters not asked for.
    ("ReportScopeView", "department"),
    ("ReportScopeView", "requisition_id"),
    ("Count", "candidates"),
    ("TimelinessGroup", "department"),
    ("TimelinessGroup", "figures"),
    ("OutcomesGroup", "department"),
    ("OutcomesGroup", "figures"),
    ("ReasonsReport", "feedback"),
    ("ReasonGroup", "name"),
    ("ReasonGroup", "candidates"),
    ("ReasonGroup", "feedback"),
    ("ReasonGroup", "share"),
    ("LevelCount", "candidates"),
    ("CompetencyGroup", "name"),
];

/// The suffix of a response schema split from a request schema of the same shape.
const READ_SUFFIX: &str = "Read";

/// Applies the pass to the document as JSON.
pub fn for_generators(mut doc: Value) -> Value {
    let operations: Vec<(String, String)> = operations(&doc);
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut request_roots = Vec::new();
    let mut response_roots = Vec::new();
    for (path, method) in &operations {
        let operation = &doc["paths"][path][method];
        refs(&operation["requestBody"], &mut request_roots);
        refs(&operation["responses"], &mut response_roots);
    }
    let requests = closure(&schemas, request_roots);
    let responses = closure(&schemas, response_roots);
    // Objects that requests and responses share get a response twin.
    let split: BTreeSet<String> = requests
        .intersection(&responses)
        .filter(|name| has_properties(&schemas[name.as_str()]))
        .cloned()
        .collect();
    let mut out = schemas.clone();
    for name in &split {
        let mut twin = schemas[name.as_str()].clone();
        retarget(&mut twin, &split);
        out.insert(format!("{name}{READ_SUFFIX}"), twin);
    }
    for name in responses.difference(&requests) {
        if let Some(schema) = out.get_mut(name) {
            retarget(schema, &split);
        }
    }
    let response_side: Vec<(String, String)> = responses
        .iter()
        .filter(|name| !requests.contains(*name))
        .map(|name| (name.clone(), name.clone()))
        .chain(
            split
                .iter()
                .map(|name| (format!("{name}{READ_SUFFIX}"), name.clone())),
        )
        .collect();
    for (name, original) in response_side {
        if let Some(schema) = out.get_mut(&name) {
            require_all(schema, &original);
        }
    }
    doc["components"]["schemas"] = Value::Object(out);
    for (path, method) in &operations {
        let public = !path.starts_with("/v1/");
        let operation = &mut doc["paths"][path.as_str()][method.as_str()];
        retarget(&mut operation["responses"], &split);
        describe(operation, path, method, public);
        describe_headers(operation);
        if public {
            operation["security"] = json!([]);
        }
    }
    doc["servers"] = json!([{"url": "/", "description": "The service that serves this document"}]);
    doc["info"]["contact"] = json!({"name": "Debrief maintainers"});
    doc
}

fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in [
            "get", "put", "post", "delete", "patch", "head", "options", "trace",
        ] {
            if item.get(method).is_some() {
                out.push((path.clone(), method.to_owned()));
            }
        }
    }
    out
}

fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                if let Some(name) = target.strip_prefix("#/components/schemas/") {
                    out.push(name.to_owned());
                }
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

fn closure(schemas: &Map<String, Value>, mut pending: Vec<String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if seen.insert(name.clone()) {
            if let Some(schema) = schemas.get(&name) {
                refs(schema, &mut pending);
            }
        }
    }
    seen
}

fn has_properties(schema: &Value) -> bool {
    schema.get("properties").is_some() || schema.get("allOf").is_some()
}

/// Points every reference to a split schema at its response twin.
fn retarget(value: &mut Value, split: &BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get_mut("$ref") {
                let name = target
                    .strip_prefix("#/components/schemas/")
                    .map(str::to_owned);
                if let Some(name) = name.filter(|n| split.contains(n)) {
                    *target = format!("#/components/schemas/{name}{READ_SUFFIX}");
                }
            }
            map.values_mut().for_each(|v| retarget(v, split));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| retarget(v, split)),
        _ => {}
    }
}

/// Marks every property of an object schema (and of the inline parts of an `allOf`) required,
/// but those a response leaves out when empty.
fn require_all(schema: &mut Value, original: &str) {
    if let Some(parts) = schema.get_mut("allOf").and_then(Value::as_array_mut) {
        parts
            .iter_mut()
            .for_each(|part| require_all(part, original));
    }
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: Vec<Value> = properties
        .keys()
        .filter(|p| !OMITTED_WHEN_EMPTY.contains(&(original, p.as_str())))
        .map(|p| Value::String(p.clone()))
        .collect();
    if !required.is_empty() {
        schema["required"] = Value::Array(required);
    }
}

/// Who may call an operation, from the policy matrix, appended to its description.
fn describe(operation: &mut Value, path: &str, method: &str, public: bool) {
    let access = if public {
        "No authentication: for the platform (probes, scrapers).".to_owned()
    } else {
        match MATRIX
            .iter()
            .find(|rule| rule.path == path && rule.method.eq_ignore_ascii_case(method))
        {
            Some(rule) => {
                let roles = match rule.capability {
                    Capability::AnyRole => "any employee of the tenant".to_owned(),
                    Capability::Roles(roles) => {
                        let names: Vec<String> =
                            roles.iter().map(|r| format!("`{}`", r.as_str())).collect();
                        format!("roles {}", names.join(", "))
                    }
                };
                let objects = match rule.scope {
                    Scope::Tenant => "the caller's tenant",
                    Scope::Requisition => {
                        "HR and the HR portal: the whole tenant; a hiring manager: the requisitions that list them"
                    }
                    Scope::Own => "the caller's own records",
                };
                format!(
                    "**Who may call it:** {roles} (others: 403). **Objects:** {objects}; \
                     any other answers 404, as a missing one."
                )
            }
            None => "**Who may call it:** any authenticated caller.".to_owned(),
        }
    };
    let description = match operation.get("description").and_then(Value::as_str) {
        Some(existing) if !existing.is_empty() => format!("{existing}\n\n{access}"),
        _ => access,
    };
    operation["description"] = Value::String(description);
}

/// Response headers, described; `Idempotent-Replayed` where an `Idempotency-Key` is taken.
fn describe_headers(operation: &mut Value) {
    let idempotent = operation["parameters"]
        .as_array()
        .is_some_and(|ps| ps.iter().any(|p| p["name"] == "Idempotency-Key"));
    let known: BTreeMap<&str, &str> = BTreeMap::from([
        (
            "ETag",
            "The resource's version (a strong tag): send it back in `If-Match` to change it.",
        ),
        ("Location", "The path of the resource created."),
    ]);
    let Some(responses) = operation["responses"].as_object_mut() else {
        return;
    };
    for (status, response) in responses.iter_mut() {
        if let Some(headers) = response.get_mut("headers").and_then(Value::as_object_mut) {
            for (name, header) in headers.iter_mut() {
                if let Some(text) = known.get(name.as_str()) {
                    header["description"] = Value::String((*text).to_owned());
                }
            }
        }
        if idempotent && status.starts_with('2') {
            response["headers"]["Idempotent-Replayed"] = json!({
                "description": "`true` when this is the remembered answer to an earlier request with the same `Idempotency-Key` (nothing was created again).",
                "schema": {"type": "string", "enum": ["true"]},
            });
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn responses_get_schemas_of_their_own_and_public_operations_no_security() {
        let api = super::super::openapi::openapi();
        let document = super::super::openapi::openapi_document(&api);
        assert_eq!(document["servers"][0]["url"], "/");
        let schemas = &document["components"]["schemas"];
        // A released document's fields are all there for a typed client.
        let read = &schemas["FeedbackDocumentRead"];
        let required: Vec<&str> = read["required"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        for field in ["summary", "strengths", "development_actions", "readiness"] {
            assert!(required.contains(&field), "{field} in {required:?}");
        }
        let released = &schemas["CandidateFeedbackView"]["properties"]["document"]["$ref"];
        assert_eq!(released, "#/components/schemas/FeedbackDocumentRead");
        // Requests keep the input schema, with its optional fields.
        assert!(!schemas["FeedbackDocument"]["required"]
            .as_array()
            .is_some_and(|r| r.iter().any(|f| f == "summary")));
        let health = &document["paths"]["/health/live"]["get"];
        assert_eq!(health["security"], serde_json::json!([]));
        assert!(health["description"].as_str().is_some());
    }
}
