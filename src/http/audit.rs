//! `/v1/audit-events`: the append-only audit trail, queried by HR.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::policy::{self, Operation};
use crate::auth::Principal;
use crate::domain::SubjectId;
use crate::error::{ApiError, ApiResult, Problem};
use crate::storage::{AuditEvent, AuditFilter};

use super::schema::EmployeeId;
use super::{AppState, Cursor, PageParams};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_audit_events);
}

/// Who did what to which resource, about which candidate, when. Details carry ids and
/// states, never free text.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditEventView {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    #[schema(value_type = EmployeeId)]
    pub actor: String,
    pub actor_roles: Vec<String>,
    /// `requisition.create`, `feedback.release`, `feedback.read`, …
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    #[schema(value_type = Option<EmployeeId>)]
    pub candidate_id: Option<String>,
    pub request_id: Option<String>,
    pub details: serde_json::Value,
}

impl From<AuditEvent> for AuditEventView {
    fn from(e: AuditEvent) -> Self {
        Self {
            id: e.id,
            at: e.at,
            actor: e.actor,
            actor_roles: e
                .actor_roles
                .split(',')
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
                .collect(),
            action: e.action,
            resource_type: e.resource_type,
            resource_id: e.resource_id,
            candidate_id: e.candidate_id,
            request_id: e.request_id,
            details: e.details.0,
        }
    }
}

/// A page of audit events, oldest first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditEventPage {
    pub items: Vec<AuditEventView>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilterParams {
    /// Events concerning this candidate.
    #[param(pattern = "^[!-~]{1,128}$")]
    pub candidate_id: Option<String>,
    /// Events by this actor.
    #[param(pattern = "^[!-~]{1,128}$")]
    pub actor: Option<String>,
    /// `requisition`, `application`, `feedback`, `follow_up`, `competency`, `reason_code`, `tenant`.
    #[param(max_length = 64)]
    pub resource_type: Option<String>,
    #[param(max_length = 128)]
    pub resource_id: Option<String>,
    /// From this instant (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Until this instant (exclusive).
    pub to: Option<DateTime<Utc>>,
}

/// Query the audit trail (HR). Nothing in the API changes or deletes an event, and the
/// database refuses it too.
#[utoipa::path(
    tag = "audit",
    params(AuditFilterParams, PageParams),
    responses(
        (status = 200, description = "A page of events, oldest first", body = AuditEventPage),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only HR", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter, `limit` or `cursor`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit-events")]
async fn list_audit_events(
    state: web::Data<AppState>,
    principal: Principal,
    filter: web::Query<AuditFilterParams>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<AuditEventPage>> {
    policy::authorize(&principal, Operation::ListAuditEvents)?;
    let limit = page.limit()?;
    let filter = filter.into_inner();
    for (field, value) in [
        ("candidate_id", &filter.candidate_id),
        ("actor", &filter.actor),
    ] {
        if let Some(value) = value {
            SubjectId::parse(value).map_err(|m| ApiError::validation(field, m))?;
        }
    }
    for (field, value, max) in [
        ("resource_type", &filter.resource_type, 64),
        ("resource_id", &filter.resource_id, 128),
    ] {
        if value.as_ref().is_some_and(|v| v.chars().count() > max) {
            return Err(ApiError::validation(
                field,
                format!("must be at most {max} characters"),
            ));
        }
    }
    let query = AuditFilter {
        candidate_id: filter.candidate_id,
        actor: filter.actor,
        resource_type: filter.resource_type,
        resource_id: filter.resource_id,
        from: filter.from,
        to: filter.to,
        after: page.position::<Uuid>()?,
    };
    let rows = state
        .store
        .list_audit_events(principal.tenant(), &query, limit + 1)
        .await?;
    let (rows, next_cursor) = Cursor::page(rows, limit, |e| e.id);
    Ok(web::Json(AuditEventPage {
        items: rows.into_iter().map(Into::into).collect(),
        next_cursor,
    }))
}
