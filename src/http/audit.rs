//! `/v1/audit-events`: the append-only audit trail, queried by HR.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::audit::AuditQuery;
use crate::domain::{AuditEventId, EmployeeId, Principal};
use crate::storage::AuditEvent;

use super::error::{ApiResult, Problem, PROBLEM_JSON};
use super::pagination::PageParams;
use super::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_audit_events);
}

/// Who did what to which resource, about which candidate, when. Details carry ids and
/// states, never free text.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventView {
    #[schema(value_type = uuid::Uuid)]
    pub id: AuditEventId,
    pub at: DateTime<Utc>,
    pub actor: EmployeeId,
    pub actor_roles: Vec<String>,
    /// `requisition.create`, `feedback.release`, `feedback.read`, …
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    pub candidate_id: Option<EmployeeId>,
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
#[derive(Debug, Serialize, ToSchema)]
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
        (status = 422, description = "Invalid filter, `limit` or `cursor`", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[get("/audit-events")]
async fn list_audit_events(
    state: web::Data<AppState>,
    principal: Principal,
    filter: web::Query<AuditFilterParams>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<AuditEventPage>> {
    let query = AuditQuery::parse(
        filter.candidate_id.as_deref(),
        filter.actor.as_deref(),
        filter.resource_type.as_deref(),
        filter.resource_id.as_deref(),
        filter.from,
        filter.to,
    );
    let pager = state.cursors().await?.list("audit-events");
    let page = state
        .app
        .audit()
        .list(&principal, query.map_err(Into::into), page.request(&pager))
        .await?;
    Ok(web::Json(AuditEventPage {
        next_cursor: pager.next(&page, |e| e.id),
        items: page.items.into_iter().map(Into::into).collect(),
    }))
}
