//! Applications: candidacies and their decisions.

use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;

use crate::domain::deadlines::Due;
use crate::domain::hiring::{ApplicationDraft, ApplicationStatus, ExternalRef, Outcome, Stage};
use crate::domain::{ApplicationId, EmployeeId, RequisitionId, TenantId};

use super::rows::{Application, OwnApplication};
use super::{now, on_db, Db, StorageResult};

const APPLICATION_COLUMNS: &str = "id, requisition_id, candidate_id, external_ref, status, \
                                   stage_reached, decided_at, decided_by, feedback_due_date, \
                                   feedback_due_at, feedback_requested_at, version, created_at, updated_at";

/// A decision as it is recorded.
#[derive(Debug, Clone, Copy)]
pub struct Decision<'a> {
    pub outcome: Outcome,
    pub stage_reached: Stage,
    pub decided_by: &'a EmployeeId,
    pub decided_at: DateTime<Utc>,
    /// For a rejection: when its feedback is due.
    pub due: Option<Due>,
}

/// Filters of the application list; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    pub requisition_id: Option<RequisitionId>,
    pub candidate_id: Option<EmployeeId>,
    pub status: Option<ApplicationStatus>,
    /// Only applications to requisitions that list this employee as a hiring manager.
    pub hiring_manager: Option<EmployeeId>,
    /// Only rows changed at or after this instant.
    pub updated_since: Option<DateTime<Utc>>,
    pub after: Option<ApplicationId>,
}

impl Db<'_> {
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn insert_application(
        &mut self,
        tenant: &TenantId,
        draft: &ApplicationDraft,
        at: DateTime<Utc>,
    ) -> StorageResult<Application> {
        let sql = format!(
            "insert into applications
               (id, tenant_id, requisition_id, candidate_id, external_ref, status, stage_reached,
                version, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8)
             returning {APPLICATION_COLUMNS}"
        );
        Ok(
            on_db!(self, c => sqlx::query_as::<_, Application>(AssertSqlSafe(sql.as_str()))
            .bind(ApplicationId::generate())
            .bind(tenant)
            .bind(draft.requisition_id)
            .bind(&draft.candidate_id)
            .bind(draft.external_ref.as_ref())
            .bind(ApplicationStatus::Active)
            .bind(draft.initial_stage())
            .bind(at)
            .fetch_one(&mut *c)
            .await)?,
        )
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn get_application(
        &mut self,
        tenant: &TenantId,
        id: ApplicationId,
    ) -> StorageResult<Option<Application>> {
        let sql = format!(
            "select {APPLICATION_COLUMNS} from applications where tenant_id = $1 and id = $2"
        );
        Ok(
            on_db!(self, c => sqlx::query_as::<_, Application>(AssertSqlSafe(sql.as_str()))
            .bind(tenant)
            .bind(id)
            .fetch_optional(&mut *c)
            .await)?,
        )
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn get_application_by_ref(
        &mut self,
        tenant: &TenantId,
        external_ref: &ExternalRef,
    ) -> StorageResult<Option<Application>> {
        let sql = format!(
            "select {APPLICATION_COLUMNS} from applications where tenant_id = $1 and external_ref = $2"
        );
        Ok(
            on_db!(self, c => sqlx::query_as::<_, Application>(AssertSqlSafe(sql.as_str()))
            .bind(tenant)
            .bind(external_ref)
            .fetch_optional(&mut *c)
            .await)?,
        )
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_applications(
        &mut self,
        tenant: &TenantId,
        filter: &ApplicationFilter,
        limit: u32,
    ) -> StorageResult<Vec<Application>> {
        let sql = format!(
            "select {APPLICATION_COLUMNS} from applications a
             where a.tenant_id = $1
               and ($2 is null or a.requisition_id = $2)
               and ($3 is null or a.candidate_id = $3)
               and ($4 is null or a.status = $4)
               and ($5 is null or exists (
                     select 1 from requisition_people p
                     where p.requisition_id = a.requisition_id and p.relation = 'hiring_manager' and p.person_id = $5))
               and ($6 is null or a.id > $6)
               and ($8 is null or a.updated_at >= $8)
             order by a.id
             limit $7"
        );
        Ok(
            on_db!(self, c => sqlx::query_as::<_, Application>(AssertSqlSafe(sql.as_str()))
            .bind(tenant)
            .bind(filter.requisition_id)
            .bind(filter.candidate_id.as_ref())
            .bind(filter.status)
            .bind(filter.hiring_manager.as_ref())
            .bind(filter.after)
            .bind(i64::from(limit))
            .bind(filter.updated_since)
            .fetch_all(&mut *c)
            .await)?,
        )
    }

    /// The candidate's own applications, newest first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_own_applications(
        &mut self,
        tenant: &TenantId,
        candidate: &EmployeeId,
        before: Option<ApplicationId>,
        limit: u32,
    ) -> StorageResult<Vec<OwnApplication>> {
        let sql =
            "select a.id, r.title as requisition_title, r.department as requisition_department,
                          a.status, a.decided_at, a.created_at, a.feedback_due_date,
                          a.feedback_due_at, a.feedback_requested_at,
                          (select f.status from feedback f
                            where f.tenant_id = a.tenant_id and f.application_id = a.id) as feedback_status
                   from applications a join requisitions r on r.id = a.requisition_id
                   where a.tenant_id = $1 and a.candidate_id = $2 and ($3 is null or a.id < $3)
                   order by a.id desc
                   limit $4";
        Ok(on_db!(self, c => sqlx::query_as::<_, OwnApplication>(sql)
            .bind(tenant)
            .bind(candidate)
            .bind(before)
            .bind(i64::from(limit))
            .fetch_all(&mut *c)
            .await)?)
    }

    /// Records the decision if the application is still active; `None` otherwise.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn decide_application(
        &mut self,
        tenant: &TenantId,
        id: ApplicationId,
        decision: &Decision<'_>,
    ) -> StorageResult<Option<Application>> {
        let Decision {
            outcome,
            stage_reached,
            decided_by,
            decided_at,
            due,
        } = *decision;
        let sql = format!(
            "update applications
             set status = $3, stage_reached = $4, decided_at = $5, decided_by = $6,
                 feedback_due_date = $7, feedback_due_at = $8,
                 version = version + 1, updated_at = $5
             where tenant_id = $1 and id = $2 and status = 'active'
             returning {APPLICATION_COLUMNS}"
        );
        Ok(
            on_db!(self, c => sqlx::query_as::<_, Application>(AssertSqlSafe(sql.as_str()))
            .bind(tenant)
            .bind(id)
            .bind(outcome.status())
            .bind(stage_reached)
            .bind(decided_at)
            .bind(decided_by)
            .bind(due.map(|d| d.date))
            .bind(due.map(|d| d.ends))
            .fetch_optional(&mut *c)
            .await)?,
        )
    }

    /// Moves an application to `stage` if it is still at `version`; `None` otherwise.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn update_application_stage(
        &mut self,
        tenant: &TenantId,
        id: ApplicationId,
        version: i64,
        stage: Stage,
    ) -> StorageResult<Option<Application>> {
        let sql = format!(
            "update applications set stage_reached = $4, version = version + 1, updated_at = $5
             where tenant_id = $1 and id = $2 and version = $3
             returning {APPLICATION_COLUMNS}"
        );
        Ok(
            on_db!(self, c => sqlx::query_as::<_, Application>(AssertSqlSafe(sql.as_str()))
            .bind(tenant)
            .bind(id)
            .bind(version)
            .bind(stage)
            .bind(now())
            .fetch_optional(&mut *c)
            .await)?,
        )
    }
}
