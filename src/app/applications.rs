//! Candidacies and decisions, synced by the HR portal; and each employee's own applications.

use crate::auth::policy::{HiringView, Operation};
use crate::domain::hiring::{
    ApplicationDraft, ApplicationQuery, ApplicationStatus, ExternalRef, Outcome, Stage,
};
use crate::domain::{ApplicationId, Checked, Principal};
use crate::storage::{now, Application, ApplicationFilter, Db, OwnApplication};

use super::idempotency::{create_once, Created, Once};
use super::{
    authorize, ensure_requisition_visible, record, App, AppError, AppResult, Page, PageRequest,
};

pub struct Applications<'a>(pub(super) &'a App);

impl Applications<'_> {
    /// HR and the HR portal see all; a hiring manager sees those to their requisitions.
    pub async fn list(
        &self,
        principal: &Principal,
        query: Checked<ApplicationQuery>,
        page: Checked<PageRequest<ApplicationId>>,
    ) -> AppResult<Page<Application>> {
        authorize(principal, Operation::ListApplications)?;
        let page = page?;
        let query = query?;
        let filter = ApplicationFilter {
            requisition_id: query.requisition_id,
            candidate_id: query.candidate_id,
            status: query.status,
            hiring_manager: HiringView::of(principal).manager().cloned(),
            updated_since: query.updated_since,
            after: page.after,
        };
        let mut connection = self.0.connection(principal.tenant()).await?;
        let rows = connection
            .db()
            .list_applications(principal.tenant(), &filter, page.fetch())
            .await?;
        Ok(Page::of(rows, page.limit))
    }

    pub async fn get(&self, principal: &Principal, id: ApplicationId) -> AppResult<Application> {
        authorize(principal, Operation::ReadApplication)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        visible(&mut connection.db(), principal, id).await
    }

    /// One per employee and requisition; the requisition must exist.
    pub async fn create(
        &self,
        principal: &Principal,
        draft: Checked<ApplicationDraft>,
        once: Option<Once<'_, Application>>,
    ) -> AppResult<Created<Application>> {
        authorize(principal, Operation::CreateApplication)?;
        let draft = draft?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        require_requisition(&mut connection.db(), principal, &draft).await?;
        create_once(&mut connection, principal, once, async |db| {
            insert(db, principal, &draft).await
        })
        .await
        .map_err(|e| taken(e, &draft))
    }

    /// Creates or updates the application with `draft.external_ref` (a sync). The requisition
    /// and candidate of an existing application never change; its stage is updated while it
    /// is active. Returns whether it was created.
    pub async fn upsert(
        &self,
        principal: &Principal,
        external_ref: ExternalRef,
        draft: Checked<ApplicationDraft>,
    ) -> AppResult<(bool, Application)> {
        authorize(principal, Operation::UpsertApplication)?;
        let draft = ApplicationDraft {
            external_ref: Some(external_ref.clone()),
            ..draft?
        };
        let tenant = principal.tenant();
        let mut connection = self.0.connection(principal.tenant()).await?;
        require_requisition(&mut connection.db(), principal, &draft).await?;
        for _ in 0..2 {
            let current = connection
                .db()
                .get_application_by_ref(tenant, &external_ref)
                .await?;
            let Some(current) = current else {
                let mut tx = connection.begin().await?;
                let inserted = insert(&mut tx.db(), principal, &draft).await;
                match inserted {
                    Ok(created) => {
                        tx.commit().await?;
                        return Ok((true, created));
                    }
                    Err(AppError::Conflict(detail)) => {
                        tx.rollback().await?;
                        // Another sync created it meanwhile: update that one.
                        let raced = connection
                            .db()
                            .get_application_by_ref(tenant, &external_ref)
                            .await?
                            .is_some();
                        if raced {
                            continue;
                        }
                        return Err(taken(AppError::Conflict(detail), &draft));
                    }
                    Err(other) => return Err(other),
                }
            };
            if current.requisition_id != draft.requisition_id
                || current.candidate_id != draft.candidate_id
            {
                return Err(AppError::Conflict(
                    "an application's requisition and candidate cannot change".into(),
                ));
            }
            // Merge: an omitted stage keeps the current one, and a decided application's stage
            // is the decision's: re-sending the state as it was synced is answered with the
            // application as it is now, never refused.
            let stage = match draft.stage_reached {
                Some(stage) if current.status == ApplicationStatus::Active => stage,
                _ => return Ok((false, current)),
            };
            if current.stage_reached == stage {
                return Ok((false, current));
            }
            let mut tx = connection.begin().await?;
            let mut db = tx.db();
            let Some(updated) = db
                .update_application_stage(tenant, current.id, current.version, stage)
                .await?
            else {
                continue;
            };
            record(
                &mut db,
                principal,
                "application.sync",
                &updated,
                serde_json::json!({"stage_reached": updated.stage_reached}),
            )
            .await?;
            tx.commit().await?;
            return Ok((false, updated));
        }
        Err(AppError::Conflict(
            "the application is being changed concurrently; retry".into(),
        ))
    }

    /// Records the decision on an active application, once.
    pub async fn decide(
        &self,
        principal: &Principal,
        id: ApplicationId,
        outcome: Outcome,
        stage_reached: Stage,
    ) -> AppResult<Application> {
        authorize(principal, Operation::DecideApplication)?;
        let tenant = principal.tenant();
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut tx = connection.begin().await?;
        let mut db = tx.db();
        // A rejection's feedback is due by the tenant's policy as it is now; the date never
        // moves afterwards.
        let decided_at = crate::storage::now();
        let due = match outcome {
            Outcome::Rejected => Some(db.deadline_policy(tenant).await?.0.due(decided_at)),
            _ => None,
        };
        let Some(decided) = db
            .decide_application(
                tenant,
                id,
                &crate::storage::Decision {
                    outcome,
                    stage_reached,
                    decided_by: principal.sub(),
                    decided_at,
                    due,
                },
            )
            .await?
        else {
            return match db.get_application(tenant, id).await? {
                Some(current) => Err(AppError::Conflict(format!(
                    "The application is already {}.",
                    current.status
                ))),
                None => Err(AppError::NotFound),
            };
        };
        record(
            &mut db,
            principal,
            "application.decide",
            &decided,
            serde_json::json!({"outcome": decided.status, "stage_reached": decided.stage_reached}),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(application = %decided.id, outcome = %outcome, "decision recorded");
        Ok(decided)
    }

    /// The caller's own applications, newest first.
    pub async fn list_own(
        &self,
        principal: &Principal,
        page: Checked<PageRequest<ApplicationId>>,
    ) -> AppResult<Page<OwnApplication>> {
        authorize(principal, Operation::ListOwnApplications)?;
        let page = page?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let rows = connection
            .db()
            .list_own_applications(
                principal.tenant(),
                principal.sub(),
                page.after,
                page.fetch(),
            )
            .await?;
        Ok(Page::of(rows, page.limit))
    }
}

/// An application the caller may see, or `NotFound`.
pub(super) async fn visible(
    db: &mut Db<'_>,
    principal: &Principal,
    id: ApplicationId,
) -> AppResult<Application> {
    let application = db
        .get_application(principal.tenant(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    ensure_requisition_visible(db, principal, application.requisition_id).await?;
    Ok(application)
}

/// The requisition an application is for must exist in the tenant (a 422 on the field, not a
/// 404: the application is what is being written).
async fn require_requisition(
    db: &mut Db<'_>,
    principal: &Principal,
    draft: &ApplicationDraft,
) -> AppResult<()> {
    match db
        .get_requisition(principal.tenant(), draft.requisition_id)
        .await?
    {
        Some(_) => Ok(()),
        None => Err(AppError::field("requisition_id", "no such requisition")),
    }
}

async fn insert(
    db: &mut Db<'_>,
    principal: &Principal,
    draft: &ApplicationDraft,
) -> AppResult<Application> {
    let created = db
        .insert_application(principal.tenant(), draft, now())
        .await?;
    record(
        db,
        principal,
        "application.create",
        &created,
        serde_json::json!({"requisition_id": created.requisition_id}),
    )
    .await?;
    Ok(created)
}

/// A uniqueness conflict of a new application, in words.
fn taken(error: AppError, draft: &ApplicationDraft) -> AppError {
    match (error, &draft.external_ref) {
        (AppError::Conflict(_), Some(reference)) => AppError::Conflict(format!(
            "a application or candidacy with external_ref {:?} already exists",
            reference.as_str()
        )),
        (AppError::Conflict(_), None) => AppError::Conflict(
            "this employee already has an application for this requisition".into(),
        ),
        (other, _) => other,
    }
}
