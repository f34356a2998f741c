//! Internal openings: created by HR or synced from the ATS by the HR portal; seen by HR, the
//! portal and the hiring managers they list.

use crate::auth::policy::{HiringView, Operation};
use crate::domain::hiring::{
    self, ExternalRef, RequisitionAction, RequisitionChange, RequisitionDraft, RequisitionQuery,
    SyncGiven,
};
use crate::domain::{Checked, Precondition, Principal, RequisitionId};
use crate::storage::{now, Db, PeopleChange, Requisition, RequisitionFilter, RequisitionUpdate};

use super::idempotency::{create_once, Created, Once};
use super::{
    authorize, expected_version, record, App, AppError, AppResult, Page, PageRequest, ATTEMPTS,
};

pub struct Requisitions<'a>(pub(super) &'a App);

fn operation(action: RequisitionAction) -> Operation {
    match action {
        RequisitionAction::Close => Operation::CloseRequisition,
        RequisitionAction::Cancel => Operation::CancelRequisition,
        RequisitionAction::Reopen => Operation::ReopenRequisition,
    }
}

/// A conflict on `external_ref`, in words.
fn ref_taken(error: AppError, external_ref: Option<&ExternalRef>) -> AppError {
    match (error, external_ref) {
        (AppError::Conflict(_), Some(reference)) => AppError::Conflict(format!(
            "a requisition with external_ref {:?} already exists",
            reference.as_str()
        )),
        (other, _) => other,
    }
}

/// Most requisitions one bulk sync may carry.
pub const SYNC_MAX: usize = 500;

/// One requisition of a bulk sync, as parsed: its ATS id, its state, which optional fields
/// the body gave.
pub struct SyncItem {
    pub external_ref: Result<ExternalRef, Vec<crate::domain::FieldError>>,
    pub draft: Checked<RequisitionDraft>,
    pub given: SyncGiven,
}

impl Requisitions<'_> {
    /// Upserts each item in order, each in its own transaction, exactly as `upsert` (so a
    /// re-run changes nothing and answers the same). An item's own failure (invalid fields, a
    /// conflict) is its result; the database becoming unavailable ends the whole sync with
    /// the items before it done — re-running it is safe.
    pub async fn sync_many(
        &self,
        principal: &Principal,
        items: Vec<SyncItem>,
    ) -> AppResult<Vec<AppResult<(bool, Requisition)>>> {
        authorize(principal, Operation::SyncRequisitions)?;
        if items.is_empty() || items.len() > SYNC_MAX {
            return Err(AppError::field(
                "items",
                format!("a sync carries 1 to {SYNC_MAX} requisitions"),
            ));
        }
        let mut results = Vec::with_capacity(items.len());
        for item in items {
            let outcome = match item.external_ref {
                Err(errors) => Err(AppError::Validation(errors)),
                Ok(external_ref) => {
                    self.upsert(principal, external_ref, item.draft, item.given)
                        .await
                }
            };
            match outcome {
                Err(error @ (AppError::Unavailable(_) | AppError::Internal(_))) => {
                    return Err(error)
                }
                outcome => results.push(outcome),
            }
        }
        Ok(results)
    }

    /// HR and the HR portal see all; a hiring manager sees the ones that list them (asking
    /// for another manager's finds none).
    pub async fn list(
        &self,
        principal: &Principal,
        query: Checked<RequisitionQuery>,
        page: Checked<PageRequest<RequisitionId>>,
    ) -> AppResult<Page<Requisition>> {
        authorize(principal, Operation::ListRequisitions)?;
        let page = page?;
        let query = query?;
        let view = HiringView::of(principal);
        let hiring_manager = match (view.manager(), query.hiring_manager) {
            (Some(me), Some(asked)) if *me != asked => return Ok(Page::empty()),
            (Some(me), _) => Some(me.clone()),
            (None, asked) => asked,
        };
        let filter = RequisitionFilter {
            status: query.status,
            department: query.department,
            hiring_manager,
            updated_since: query.updated_since,
            after: page.after,
        };
        let mut connection = self.0.connection(principal.tenant()).await?;
        let rows = connection
            .db()
            .list_requisitions(principal.tenant(), &filter, page.fetch())
            .await?;
        Ok(Page::of(rows, page.limit))
    }

    pub async fn get(&self, principal: &Principal, id: RequisitionId) -> AppResult<Requisition> {
        authorize(principal, Operation::ReadRequisition)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        visible(&mut connection.db(), principal, id).await
    }

    pub async fn create(
        &self,
        principal: &Principal,
        draft: Checked<RequisitionDraft>,
        once: Option<Once<'_, Requisition>>,
    ) -> AppResult<Created<Requisition>> {
        authorize(principal, Operation::CreateRequisition)?;
        let draft = draft?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        create_once(&mut connection, principal, once, async |db| {
            insert(db, principal, &draft).await
        })
        .await
        .map_err(|e| ref_taken(e, draft.external_ref.as_ref()))
    }

    /// Creates or updates the requisition with `draft.external_ref` to match `draft` (a sync).
    /// Returns whether it was created. Safe to re-run: an unchanged requisition keeps its
    /// version.
    pub async fn upsert(
        &self,
        principal: &Principal,
        external_ref: ExternalRef,
        draft: Checked<RequisitionDraft>,
        given: SyncGiven,
    ) -> AppResult<(bool, Requisition)> {
        authorize(principal, Operation::UpsertRequisition)?;
        let draft = RequisitionDraft {
            external_ref: Some(external_ref.clone()),
            ..draft?
        };
        let tenant = principal.tenant();
        let mut connection = self.0.connection(principal.tenant()).await?;
        // Two syncs racing on a new reference: the loser's insert conflicts, and its second
        // attempt finds the row.
        for _ in 0..2 {
            let current = connection
                .db()
                .get_requisition_by_ref(tenant, &external_ref)
                .await?;
            let Some(current) = current else {
                let mut tx = connection.begin().await?;
                let inserted = insert(&mut tx.db(), principal, &draft).await;
                match inserted {
                    Ok(created) => {
                        tx.commit().await?;
                        return Ok((true, created));
                    }
                    Err(AppError::Conflict(_)) => {
                        tx.rollback().await?;
                        continue;
                    }
                    Err(other) => return Err(other),
                }
            };
            // Merge: what the body left out keeps its value; a re-sent state never reverts
            // what HR did since (see `RequisitionStatus::synced`).
            let from = current.row.status;
            let status = if given.status {
                from.synced(draft.status).map_err(AppError::Conflict)?
            } else {
                from
            };
            let hr_partner_ids = if given.hr_partner_ids {
                draft.hr_partner_ids.clone()
            } else {
                current.hr_partner_ids.clone()
            };
            let same = current.row.title == draft.title
                && current.row.department == draft.department
                && from == status
                && current.hiring_manager_ids == draft.hiring_manager_ids
                && current.hr_partner_ids == hr_partner_ids;
            if same {
                return Ok((false, current));
            }
            let id = current.row.id;
            let mut tx = connection.begin().await?;
            let mut db = tx.db();
            let update = RequisitionUpdate {
                title: Some(&draft.title),
                department: Some(&draft.department),
                status: Some(status),
            };
            let Some(row) = db
                .update_requisition(tenant, id, current.row.version, update)
                .await?
            else {
                // Changed concurrently: read again and re-apply.
                continue;
            };
            db.replace_people(
                tenant,
                id,
                PeopleChange::HiringManagers(&draft.hiring_manager_ids),
            )
            .await?;
            db.replace_people(tenant, id, PeopleChange::HrPartners(&hr_partner_ids))
                .await?;
            record(
                &mut db,
                principal,
                "requisition.sync",
                &row,
                serde_json::json!({"version": row.version, "status": row.status}),
            )
            .await?;
            tx.commit().await?;
            let updated = Requisition {
                row,
                hiring_manager_ids: draft.hiring_manager_ids.clone(),
                hr_partner_ids,
            };
            return Ok((false, updated));
        }
        Err(AppError::Conflict(
            "the requisition is being changed concurrently; retry".into(),
        ))
    }

    /// Changes title, department or people, if the requisition is still at the caller's
    /// version.
    pub async fn update(
        &self,
        principal: &Principal,
        id: RequisitionId,
        change: Checked<RequisitionChange>,
        precondition: Precondition,
    ) -> AppResult<Requisition> {
        authorize(principal, Operation::UpdateRequisition)?;
        let change = change?;
        let version = expected_version(precondition)?;
        let tenant = principal.tenant();
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut tx = connection.begin().await?;
        let mut db = tx.db();
        // A change that changes nothing is answered with the current record: no new version
        // (so every other client's `If-Match` stays valid), no event, no audit row.
        let current = db
            .get_requisition(tenant, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if current.row.version != version {
            return Err(AppError::Stale);
        }
        if !change.changes(
            &current.row.title,
            &current.row.department,
            &current.hiring_manager_ids,
            &current.hr_partner_ids,
        ) {
            tx.rollback().await?;
            return Ok(current);
        }
        let update = RequisitionUpdate {
            title: change.title.as_deref(),
            department: change.department.as_deref(),
            status: None,
        };
        let Some(row) = db.update_requisition(tenant, id, version, update).await? else {
            return match db.get_requisition(tenant, id).await? {
                Some(_) => Err(AppError::Stale),
                None => Err(AppError::NotFound),
            };
        };
        if let Some(people) = &change.hiring_manager_ids {
            db.replace_people(tenant, id, PeopleChange::HiringManagers(people))
                .await?;
        }
        if let Some(people) = &change.hr_partner_ids {
            db.replace_people(tenant, id, PeopleChange::HrPartners(people))
                .await?;
        }
        record(
            &mut db,
            principal,
            "requisition.update",
            &row,
            serde_json::json!({"version": row.version}),
        )
        .await?;
        let updated = db.with_people(tenant, vec![row]).await?;
        tx.commit().await?;
        updated.into_iter().next().ok_or(AppError::NotFound)
    }

    /// Moves the requisition through its lifecycle (close, cancel, reopen). Repeating an
    /// action changes nothing. A concurrent change is re-evaluated; a conflict only if it
    /// keeps happening.
    pub async fn transition(
        &self,
        principal: &Principal,
        id: RequisitionId,
        action: RequisitionAction,
    ) -> AppResult<Requisition> {
        authorize(principal, operation(action))?;
        let tenant = principal.tenant();
        let mut connection = self.0.connection(principal.tenant()).await?;
        for _ in 0..ATTEMPTS {
            let current = connection
                .db()
                .get_requisition(tenant, id)
                .await?
                .ok_or(AppError::NotFound)?;
            let from = current.row.status;
            let to = hiring::transition(from, action).map_err(|_| {
                AppError::Conflict(format!(
                    "A {from} requisition cannot become {}.",
                    action.target()
                ))
            })?;
            if from == to {
                return Ok(current);
            }
            // Guarded by the version just read: a concurrent change makes this write miss.
            let mut tx = connection.begin().await?;
            let mut db = tx.db();
            let update = RequisitionUpdate {
                status: Some(to),
                ..RequisitionUpdate::default()
            };
            if let Some(row) = db
                .update_requisition(tenant, id, current.row.version, update)
                .await?
            {
                record(
                    &mut db,
                    principal,
                    "requisition.status",
                    &row,
                    serde_json::json!({"from": from, "to": to}),
                )
                .await?;
                tx.commit().await?;
                return Ok(Requisition { row, ..current });
            }
        }
        Err(AppError::Conflict(
            "The requisition is being changed concurrently; retry.".into(),
        ))
    }
}

/// A requisition the caller may see, or `NotFound`.
pub(super) async fn visible(
    db: &mut Db<'_>,
    principal: &Principal,
    id: RequisitionId,
) -> AppResult<Requisition> {
    let requisition = db
        .get_requisition(principal.tenant(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    if HiringView::of(principal).sees(&requisition.hiring_manager_ids) {
        Ok(requisition)
    } else {
        Err(AppError::NotFound)
    }
}

async fn insert(
    db: &mut Db<'_>,
    principal: &Principal,
    draft: &RequisitionDraft,
) -> AppResult<Requisition> {
    let created = db
        .insert_requisition(principal.tenant(), draft, now())
        .await?;
    record(
        db,
        principal,
        "requisition.create",
        &created.row,
        serde_json::json!({"status": created.row.status}),
    )
    .await?;
    Ok(created)
}
