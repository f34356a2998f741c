//! The OpenAPI document, generated from the route table, and the method table derived from it.

use actix_web::dev::ResourceDef;
use actix_web::App;
use std::collections::BTreeSet;
use utoipa::openapi::path::{Operation, ParameterIn, PathItem};

use utoipa::openapi::schema::{ArrayItems, SchemaType, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as OpenApiDoc, Ref, RefOr, ResponseBuilder, Schema};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::auth::policy::MATRIX;
use crate::domain::{FieldError, LINE_PATTERN, TEXT_PATTERN};

use super::error::{Problem, PROBLEM_JSON};

/// The pinned API version; bump it when the contract changes.
pub const API_VERSION: &str = "0.1.0";

/// What every string parameter matches: no C0, DEL or C1 control character.
pub const NO_CONTROL_PATTERN: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Debrief",
        version = "0.1.0",
        description = "Structured, reviewed feedback and development plans for rejected internal \
                       candidates.\n\nEvery `/v1` operation needs `Authorization: Bearer <JWT>`. \
                       Errors are RFC 9457 `application/problem+json` documents.\n\n\
                       **Trying it locally?** The embedded default runs with development auth: \
                       `debrief token --sub H1001 --role hr --tenant demo` (or `cargo run -- \
                       token …` in a checkout) prints a token; press *Authorize* and paste it. \
                       `debrief seed` fills the `demo` tenant and lists a token per role.",
        license(name = "MIT", identifier = "MIT"),
    ),
    components(schemas(Problem, FieldError)),
    tags(
        (name = "catalogs", description = "Per-tenant competency framework and reason codes"),
        (name = "resources", description = "The development resource library HR curates and plans point to"),
        (name = "requisitions", description = "Internal openings, synced from the ATS or created by HR"),
        (name = "applications", description = "Candidacies and decisions"),
        (name = "feedback", description = "Structured feedback and its HR review workflow"),
        (name = "quality", description = "Quality checks of feedback: findings while writing and at submit, the tenant's phrases"),
        (name = "me", description = "The caller's own records: applications, released feedback, the development plan, follow-ups"),
        (name = "follow-ups", description = "Follow-up conversations the candidates asked for"),
        (name = "audit", description = "The append-only audit trail"),
        (name = "events", description = "What happened, as an ordered feed (the outbox)"),
        (name = "deadlines", description = "When feedback is due: the tenant's policy, what is owed and overdue"),
        (name = "languages", description = "The languages the tenant offers its candidates"),
        (name = "reports", description = "How the process works, for HR: aggregates only, small groups suppressed"),
        (name = "webhooks", description = "Where the tenant's events are delivered, signed (Standard Webhooks)"),
        (name = "privacy", description = "Subject access exports, erasure, legal holds and retention"),
        (name = "employees", description = "The HR portal reading released feedback on an employee's behalf"),
        (name = "operations", description = "Health and metrics for the platform"),
    )
)]
struct ApiDoc;

/// Item bounds of string arrays in request bodies, which utoipa has no attribute for:
/// (schema, property, min length, max length); `FeedbackDocument::normalise` and the handlers
/// enforce the same.
const STRING_ITEMS: &[(&str, &str, usize, usize)] = &[
    ("FeedbackDocument", "strengths", 1, 500),
    ("FeedbackDocument", "alternative_paths", 1, 300),
    ("FollowUpBody", "preferred_times", 1, 200),
];

/// States the one rule for free text in every request schema: a string property without a
/// pattern, format or enum refuses control characters (but tab, newline, carriage return),
/// and one with `minLength >= 1` needs a visible character — exactly what `bounded_text`
/// enforces.
fn document_text_rules(
    components: &mut utoipa::openapi::Components,
    request_schemas: &BTreeSet<String>,
) {
    fn is_text(object: &utoipa::openapi::schema::Object) -> bool {
        let string = match &object.schema_type {
            SchemaType::Type(t) => *t == Type::String,
            SchemaType::Array(types) => types.contains(&Type::String),
            SchemaType::AnyValue => false,
        };
        string
            && object.pattern.is_none()
            && object.format.is_none()
            && object.enum_values.is_none()
    }
    fn pattern_for(min: Option<usize>) -> String {
        if min.unwrap_or(0) >= 1 {
            LINE_PATTERN
        } else {
            TEXT_PATTERN
        }
        .to_owned()
    }
    for name in request_schemas {
        let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(name) else {
            continue;
        };
        for (property, schema) in object.properties.iter_mut() {
            match schema {
                RefOr::T(Schema::Object(text)) if is_text(text) => {
                    text.pattern = Some(pattern_for(text.min_length))
                }
                RefOr::T(Schema::Array(array)) => {
                    if let ArrayItems::RefOrSchema(item) = &mut array.items {
                        if let RefOr::T(Schema::Object(text)) = item.as_mut() {
                            if let Some((_, _, min, max)) = STRING_ITEMS
                                .iter()
                                .find(|(s, p, _, _)| s == name && p == property)
                            {
                                text.min_length = Some(*min);
                                text.max_length = Some(*max);
                            }
                            if is_text(text) {
                                text.pattern = Some(pattern_for(text.min_length));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// Names of the component schemas reachable from request bodies.
fn request_schemas(api: &OpenApiDoc) -> BTreeSet<String> {
    fn refs(schema: &RefOr<Schema>, out: &mut Vec<String>) {
        match schema {
            RefOr::Ref(reference) => {
                if let Some(name) = reference.ref_location.strip_prefix("#/components/schemas/") {
                    out.push(name.to_owned());
                }
            }
            RefOr::T(Schema::Object(object)) => {
                object.properties.values().for_each(|p| refs(p, out))
            }
            RefOr::T(Schema::Array(array)) => {
                if let ArrayItems::RefOrSchema(item) = &array.items {
                    refs(item, out);
                }
            }
            RefOr::T(Schema::OneOf(one_of)) => one_of.items.iter().for_each(|i| refs(i, out)),
            RefOr::T(Schema::AllOf(all_of)) => all_of.items.iter().for_each(|i| refs(i, out)),
            RefOr::T(Schema::AnyOf(any_of)) => any_of.items.iter().for_each(|i| refs(i, out)),
            _ => {}
        }
    }
    let mut pending = Vec::new();
    for item in api.paths.paths.values() {
        for operation in [&item.get, &item.put, &item.post, &item.delete, &item.patch]
            .into_iter()
            .flatten()
        {
            if let Some(RefOr::T(body)) = &operation.request_body {
                body.content
                    .values()
                    .filter_map(|c| match c {
                        RefOr::T(c) => c.schema.as_ref(),
                        RefOr::Ref(_) => None,
                    })
                    .for_each(|s| refs(s, &mut pending));
            }
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if seen.insert(name.clone()) {
            if let Some(schema) = api.components.as_ref().and_then(|c| c.schemas.get(&name)) {
                refs(schema, &mut pending);
            }
        }
    }
    seen
}

/// The OpenAPI document of every route in `super::configure`.
pub fn openapi() -> OpenApiDoc {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(super::configure)
        .split_for_parts();
    api.info.version = API_VERSION.to_owned();
    let request_schemas = request_schemas(&api);
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .build(),
        ),
    );
    components.responses.insert(
        "Unauthorized".into(),
        RefOr::T(problem_response(
            "No bearer token, or one that does not verify",
            false,
        )),
    );
    components.responses.insert(
        "Problem".into(),
        RefOr::T(problem_response("An error, as a problem document", false)),
    );
    document_text_rules(components, &request_schemas);
    for (path, item) in api.paths.paths.iter_mut() {
        for (method, operation) in operations_mut(item) {
            // Summaries are plain text in every viewer: Markdown (code spans) belongs in the
            // description, which renders it.
            if let Some(summary) = operation.summary.as_mut() {
                if summary.contains('`') {
                    let marked = std::mem::replace(summary, summary.replace('`', ""));
                    if operation.description.is_none() {
                        operation.description = Some(marked);
                    }
                }
            }
            // An HTTP parameter is present or absent, never null (utoipa marks `Option` nullable).
            for parameter in operation.parameters.iter_mut().flatten() {
                let RefOr::T(parameter) = parameter else {
                    continue;
                };
                if let Some(RefOr::T(Schema::Object(object))) = parameter.schema.as_mut() {
                    // The edge refuses control characters in every parameter (`http::input`);
                    // the schema says so, so that no client sends what will be refused.
                    let is_string = match &object.schema_type {
                        SchemaType::Type(Type::String) => true,
                        SchemaType::Array(types) => types.contains(&Type::String),
                        _ => false,
                    };
                    if is_string && object.pattern.is_none() && object.enum_values.is_none() {
                        object.pattern = Some(NO_CONTROL_PATTERN.to_owned());
                    }
                    if let SchemaType::Array(types) = &object.schema_type {
                        let types: Vec<Type> = types
                            .iter()
                            .filter(|t| **t != Type::Null)
                            .cloned()
                            .collect();
                        if let [single] = types.as_slice() {
                            object.schema_type = SchemaType::Type(single.clone());
                        }
                    }
                }
            }
            if path.starts_with("/v1/") {
                operation.security = Some(vec![SecurityRequirement::new(
                    "bearer",
                    Vec::<String>::new(),
                )]);
            }
            add_error_responses(path, method, operation);
        }
    }
    api
}

/// The document as served at `/openapi.json` and committed: `openapi()` after the last pass
/// for client generators (`super::spec`).
pub fn openapi_document(api: &OpenApiDoc) -> serde_json::Value {
    super::spec::for_generators(serde_json::to_value(api).unwrap_or_default())
}

/// The document as committed in `openapi/openapi.json`.
pub fn openapi_json() -> String {
    let mut json = serde_json::to_string_pretty(&openapi_document(&openapi())).unwrap_or_default();
    json.push('\n');
    json
}

fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = (&'static str, &mut Operation)> {
    [
        ("GET", item.get.as_mut()),
        ("PUT", item.put.as_mut()),
        ("POST", item.post.as_mut()),
        ("DELETE", item.delete.as_mut()),
        ("OPTIONS", item.options.as_mut()),
        ("HEAD", item.head.as_mut()),
        ("PATCH", item.patch.as_mut()),
        ("TRACE", item.trace.as_mut()),
    ]
    .into_iter()
    .filter_map(|(method, operation)| Some((method, operation?)))
}

/// The error responses every operation shares, derived from what it takes: handlers declare
/// their success responses and their specific 409/422 only. One problem content type.
fn add_error_responses(path: &str, method: &str, operation: &mut Operation) {
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    let has = |location: ParameterIn, name: &str| {
        parameters
            .iter()
            .filter_map(|p| match p {
                RefOr::T(p) => Some(p),
                RefOr::Ref(_) => None,
            })
            .any(|p| p.parameter_in == location && (name.is_empty() || p.name == name))
    };
    let body = operation.request_body.is_some();
    let query = has(ParameterIn::Query, "");
    let paged = has(ParameterIn::Query, "limit");
    let if_match = has(ParameterIn::Header, "If-Match");
    let idempotent = has(ParameterIn::Header, "Idempotency-Key");
    let api = path.starts_with("/v1/");
    let rule = MATRIX
        .iter()
        .find(|rule| rule.method == method && rule.path == path);
    let mut generated: Vec<(&str, String)> = Vec::new();
    if body || query || if_match || idempotent || path.contains('{') {
        generated.push((
            "400",
            "Malformed body, query, path or header (control characters, duplicate keys)".into(),
        ));
    }
    if api {
        generated.push(("401", String::new()));
    }
    if let Some(rule) = rule.filter(|rule| rule.can_deny()) {
        generated.push((
            "403",
            format!("Your role does not allow this: {}", rule.who_may()),
        ));
    }
    if path.contains('{') {
        generated.push(("404", "No such resource, or not visible to you".into()));
    }
    if if_match {
        generated.push(("412", "Changed since that ETag".into()));
    }
    if body {
        generated.push(("408", "The body did not arrive in time".into()));
        generated.push(("413", "Body too large".into()));
        generated.push(("415", "Body is not `application/json`".into()));
    }
    if paged {
        generated.push(("422", "Invalid `limit` or `cursor`".into()));
    }
    if idempotent {
        generated.push((
            "422",
            "Invalid fields, or an Idempotency-Key reused with another request".into(),
        ));
    }
    if if_match {
        generated.push(("428", "`If-Match` is missing".into()));
    }
    if api {
        generated.push((
            "429",
            "Over a rate limit (per caller, or failed authentications per address)".into(),
        ));
    }
    if api || path == "/health/ready" {
        generated.push(("503", "The database is unavailable; retry shortly".into()));
    }
    let responses = &mut operation.responses.responses;
    for (status, description) in generated {
        if status == "401" {
            responses
                .entry(status.into())
                .or_insert_with(|| RefOr::Ref(Ref::from_response_name("Unauthorized")));
            continue;
        }
        let retry = matches!(status, "429" | "503");
        responses
            .entry(status.into())
            .or_insert_with(|| RefOr::T(problem_response(&description, retry)));
    }
    responses
        .entry("default".into())
        .or_insert_with(|| RefOr::Ref(Ref::from_response_name("Problem")));
}

fn problem_response(description: &str, retry: bool) -> utoipa::openapi::Response {
    let mut response = ResponseBuilder::new().description(description);
    if retry {
        response = response.header(
            "Retry-After",
            utoipa::openapi::HeaderBuilder::new()
                .schema(Some(
                    utoipa::openapi::ObjectBuilder::new()
                        .schema_type(utoipa::openapi::schema::Type::Integer)
                        .minimum(Some(0)),
                ))
                .description(Some("Seconds to wait before retrying"))
                .build(),
        );
    }
    response
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

/// Which methods each documented path accepts; answers 405 with `Allow`.
pub struct RouteTable(Vec<(ResourceDef, String)>);

impl RouteTable {
    pub fn from_openapi(api: &OpenApiDoc) -> Self {
        let mut routes: Vec<(ResourceDef, String)> = api
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods: Vec<&str> = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ]
                .into_iter()
                .filter_map(|(method, present)| present.then_some(method))
                .collect();
                (ResourceDef::new(path.as_str()), methods.join(", "))
            })
            .collect();
        routes.push((ResourceDef::new("/openapi.json"), "GET".into()));
        Self(routes)
    }

    /// The `Allow` value for `path`, if any route has it (several patterns may match one path,
    /// such as `/v1/requisitions/{id}/close` and `/v1/requisitions/by-ref/{external_ref}`).
    pub fn allowed_methods(&self, path: &str) -> Option<String> {
        let mut methods: Vec<&str> = self
            .0
            .iter()
            .filter(|(def, _)| def.is_match(path))
            .flat_map(|(_, allow)| allow.split(", "))
            .collect();
        methods.sort_unstable();
        methods.dedup();
        (!methods.is_empty()).then(|| methods.join(", "))
    }

    /// The `Allow` value of a route written exactly as `path` (no parameter), if there is one:
    /// `/v1/feedback/checks` beside `/v1/feedback/{id}`.
    pub fn literal_methods(&self, path: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(def, _)| !def.is_prefix() && def.pattern() == Some(path))
            .map(|(_, allow)| allow.clone())
    }
}
