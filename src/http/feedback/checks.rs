//! Quality checks: `POST /v1/feedback/checks` (a draft, unsaved), `GET /v1/feedback/{id}/checks`
//! (saved feedback), and the tenant's phrases, `/v1/quality-phrases` (HR).

use actix_web::http::StatusCode;
use actix_web::{get, post, put, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::Draft;
use crate::domain::feedback::quality::{
    Finding, FindingCode, PhraseSettings, Severity, TenantPhrase,
};
use crate::domain::Principal;

use super::views::{FeedbackDraft, FeedbackPath};
use crate::http::error::{ApiResult, Problem, PROBLEM_JSON};
use crate::http::extract::{Body, IfMatch};
use crate::http::respond::{document, stored};
use crate::http::AppState;

/// What the quality checks found, errors first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChecksView {
    pub findings: Vec<Finding>,
    /// How many findings are `error`s (they refuse a submit unless the tenant's review policy
    /// is warn-only).
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl From<Vec<Finding>> for ChecksView {
    fn from(findings: Vec<Finding>) -> Self {
        let count = |severity| findings.iter().filter(|f| f.severity == severity).count();
        Self {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            findings,
        }
    }
}

/// Check a draft without saving it (hiring managers, HR): the editor's live checks. The draft
/// is validated as saving it would be.
#[utoipa::path(
    tag = "quality",
    request_body = FeedbackDraft,
    responses(
        (status = 200, description = "The findings", body = ChecksView),
        (status = 422, description = "Invalid fields or unknown catalog keys", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[post("/feedback/checks")]
pub(super) async fn check_draft(
    state: web::Data<AppState>,
    principal: Principal,
    body: Body<FeedbackDraft>,
) -> ApiResult<web::Json<ChecksView>> {
    let body = body.into_inner();
    let draft = Draft {
        document: body.document,
        internal_notes: body.internal_notes,
    };
    let findings = state.app.feedback().check_draft(&principal, draft).await?;
    Ok(web::Json(findings.into()))
}

/// What the quality checks find on saved feedback (its requisition's hiring managers, HR).
#[utoipa::path(
    tag = "quality",
    params(FeedbackPath),
    responses((status = 200, description = "The findings", body = ChecksView))
)]
#[get("/feedback/{id}/checks")]
pub(super) async fn feedback_checks(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<FeedbackPath>,
) -> ApiResult<web::Json<ChecksView>> {
    let findings = state.app.feedback().checks(&principal, path.id).await?;
    Ok(web::Json(findings.into()))
}

/// A phrase of the tenant's own.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TenantPhraseBody {
    /// 1 to 10 words, matched whole and case-insensitively; `*` at the end of a word matches
    /// any ending (`rockstar*`).
    #[schema(min_length = 1, max_length = 100, example = "rockstar*")]
    pub phrase: String,
    pub severity: Severity,
    /// What to write instead, 1–500 characters.
    #[schema(
        min_length = 1,
        max_length = 500,
        example = "Describe the behaviour you saw instead."
    )]
    pub suggestion: String,
}

/// How the tenant tunes the phrase checks.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QualityPhrasesBody {
    /// Phrases to find besides the built-in ones (at most 500); found as `tenant_phrase`.
    #[schema(max_items = 500)]
    pub added: Vec<TenantPhraseBody>,
    /// Built-in phrases not to look for, as `GET /v1/quality-phrases/builtin` lists them.
    #[schema(max_items = 1000, example = json!(["executive presence"]))]
    pub retired: Vec<String>,
}

impl From<&PhraseSettings> for QualityPhrasesBody {
    fn from(settings: &PhraseSettings) -> Self {
        let mut retired: Vec<String> = settings.retired.iter().cloned().collect();
        retired.sort();
        Self {
            added: settings
                .added
                .iter()
                .map(|p| TenantPhraseBody {
                    phrase: p.phrase.clone(),
                    severity: p.severity,
                    suggestion: p.suggestion.clone(),
                })
                .collect(),
            retired,
        }
    }
}

fn render_phrases(settings: &PhraseSettings, version: i64) -> HttpResponse {
    stored(
        &document(
            StatusCode::OK,
            &QualityPhrasesBody::from(settings),
            version,
            None,
        ),
        false,
    )
}

/// The tenant's own phrases and the built-in ones it retired (HR).
#[utoipa::path(
    tag = "quality",
    responses((status = 200, description = "The phrase settings", body = QualityPhrasesBody, headers(("ETag" = String))))
)]
#[get("/quality-phrases")]
pub(super) async fn get_quality_phrases(
    state: web::Data<AppState>,
    principal: Principal,
) -> ApiResult<HttpResponse> {
    let (settings, version) = state.app.feedback().quality_phrases(&principal).await?;
    Ok(render_phrases(&settings, version))
}

/// Replace the tenant's phrases and retired built-in phrases (HR). Needs `If-Match`.
#[utoipa::path(
    tag = "quality",
    params(("If-Match" = String, Header, description = "The settings' current ETag", pattern = r#"^"[0-9]{1,18}"$"#)),
    request_body = QualityPhrasesBody,
    responses(
        (status = 200, description = "The phrase settings", body = QualityPhrasesBody, headers(("ETag" = String))),
        (status = 422, description = "Invalid phrases, or a retired phrase that is not built in", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[put("/quality-phrases")]
pub(super) async fn set_quality_phrases(
    state: web::Data<AppState>,
    principal: Principal,
    if_match: IfMatch,
    body: Body<QualityPhrasesBody>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let added = body
        .added
        .into_iter()
        .map(|p| TenantPhrase {
            phrase: p.phrase,
            severity: p.severity,
            suggestion: p.suggestion,
        })
        .collect();
    let settings = PhraseSettings::parse(added, body.retired);
    let (settings, version) = state
        .app
        .feedback()
        .set_quality_phrases(&principal, settings, if_match.0)
        .await?;
    Ok(render_phrases(&settings, version))
}

/// A built-in phrase of the checks.
#[derive(Debug, Serialize, ToSchema)]
pub struct BuiltinPhraseView {
    /// As the checks match it: `*` ends a word prefix, `#` is a number, `#0s` a decade of
    /// life (`50s`, `fifties`).
    pub phrase: &'static str,
    pub code: FindingCode,
    pub severity: Severity,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BuiltinPhrases {
    pub items: Vec<BuiltinPhraseView>,
}

/// The built-in phrases (English), to retire some for the tenant (HR).
#[utoipa::path(
    tag = "quality",
    responses((status = 200, description = "Every built-in phrase", body = BuiltinPhrases))
)]
#[get("/quality-phrases/builtin")]
pub(super) async fn builtin_phrases(
    state: web::Data<AppState>,
    principal: Principal,
) -> ApiResult<web::Json<BuiltinPhrases>> {
    let phrases = state.app.feedback().builtin_phrases(&principal)?;
    Ok(web::Json(BuiltinPhrases {
        items: phrases
            .into_iter()
            .map(|(phrase, code, severity)| BuiltinPhraseView {
                phrase,
                code,
                severity,
            })
            .collect(),
    }))
}
