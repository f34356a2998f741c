//! `POST /v1/requisitions:sync`: a nightly sync's requisitions in one request, each upserted
//! as `PUT /v1/requisitions/by-ref/{external_ref}` would, with one result per item.

use actix_web::{post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::app::SyncItem;
use crate::domain::hiring::{ExternalRef, RequisitionDraft, RequisitionStatus, SyncGiven};
use crate::domain::{non_null, FieldError, Principal};

use super::error::{ApiError, ApiResult, Problem, PROBLEM_JSON};
use super::extract::BulkBody;
use super::requisitions::RequisitionView;
use super::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(sync_requisitions);
}

/// One requisition of a bulk sync: its ATS id and the fields of the `PUT …/by-ref` body.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncedRequisitionItem {
    #[schema(pattern = "^[A-Za-z0-9._:-]{1,128}$", example = "REQ-2026-0042")]
    pub external_ref: String,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(min_length = 1, max_length = 120)]
    pub department: String,
    #[schema(value_type = Vec<crate::domain::EmployeeId>, min_items = 1, max_items = 20)]
    pub hiring_manager_ids: Vec<String>,
    /// Omitted: `[]` for a new requisition, unchanged for an existing one.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = Vec<crate::domain::EmployeeId>, max_items = 20, nullable = false)]
    pub hr_partner_ids: Option<Vec<String>>,
    /// As on `PUT …/by-ref/{external_ref}`: omitted keeps it; a sync never reopens.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub status: Option<RequisitionStatus>,
}

/// Up to 500 requisitions, upserted in order.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequisitionSync {
    #[schema(min_items = 1, max_items = 500)]
    pub items: Vec<SyncedRequisitionItem>,
}

/// What became of one item: `status` is what `PUT …/by-ref` would have answered (201
/// created, 200 updated or already up to date, 409 or 422 refused, with its `problem`).
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncItemResult {
    /// The item's position in the request.
    pub index: usize,
    pub external_ref: String,
    pub status: u16,
    /// The requisition as it now is (201, 200).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requisition: Option<RequisitionView>,
    /// Why the item was refused (409, 422); nothing of it was written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RequisitionSyncResult {
    /// One per item, in the request's order.
    pub items: Vec<SyncItemResult>,
    pub created: usize,
    /// Updated, or already up to date.
    pub updated: usize,
    pub refused: usize,
}

fn item(raw: &SyncedRequisitionItem) -> SyncItem {
    let external_ref = ExternalRef::parse(&raw.external_ref)
        .map_err(|message| vec![FieldError::new("external_ref", message)]);
    let draft = RequisitionDraft::parse(
        None,
        &raw.title,
        &raw.department,
        &raw.hiring_manager_ids,
        raw.hr_partner_ids.as_deref().unwrap_or_default(),
        raw.status.unwrap_or(RequisitionStatus::Open),
    );
    SyncItem {
        external_ref,
        draft: draft.map_err(Into::into),
        given: SyncGiven {
            status: raw.status.is_some(),
            hr_partner_ids: raw.hr_partner_ids.is_some(),
        },
    }
}

/// Sync many requisitions from the ATS in one request (HR portal, HR): each item is upserted
/// by its `external_ref` exactly as `PUT /v1/requisitions/by-ref/{external_ref}` does, in
/// order and in its own transaction, so one refused item changes nothing else and re-sending
/// the same request is safe. A 503 means the items before the failure were done: send it
/// again. The body may be up to 16 × `DEBRIEF_BODY_LIMIT_BYTES`.
#[utoipa::path(
    tag = "requisitions",
    request_body = RequisitionSync,
    responses(
        (status = 200, description = "One result per item", body = RequisitionSyncResult),
        (status = 422, description = "No items, or more than 500", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[post("/requisitions:sync")]
async fn sync_requisitions(
    state: web::Data<AppState>,
    principal: Principal,
    body: BulkBody<RequisitionSync>,
) -> ApiResult<web::Json<RequisitionSyncResult>> {
    let items = body.items.iter().map(item).collect();
    let outcomes = state
        .app
        .requisitions()
        .sync_many(&principal, items)
        .await?;
    let mut result = RequisitionSyncResult {
        items: Vec::with_capacity(outcomes.len()),
        created: 0,
        updated: 0,
        refused: 0,
    };
    for (index, (raw, outcome)) in body.items.iter().zip(outcomes).enumerate() {
        let (status, requisition, problem) = match outcome {
            Ok((true, requisition)) => {
                result.created += 1;
                (201, Some(RequisitionView::from(&requisition)), None)
            }
            Ok((false, requisition)) => {
                result.updated += 1;
                (200, Some(RequisitionView::from(&requisition)), None)
            }
            Err(error) => {
                result.refused += 1;
                let problem = ApiError::from(error).problem();
                (problem.status, None, Some(problem))
            }
        };
        result.items.push(SyncItemResult {
            index,
            external_ref: raw.external_ref.clone(),
            status,
            requisition,
            problem,
        });
    }
    Ok(web::Json(result))
}
