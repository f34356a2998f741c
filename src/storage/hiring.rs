//! Requisitions, their people, and applications.

use std::collections::HashMap;

use uuid::Uuid;

use super::audit::{audit_event, AuditContext};
use super::idempotency::{with_idempotency, IdempotencyClaim};
use super::rows::{Application, OwnApplication, PersonRow, Requisition, RequisitionRow};
use super::{now, on_pool, BeginWrite, StorageError, StorageResult, Store, Versioned};
use crate::domain::hiring::{
    ApplicationDraft, ApplicationStatus, Outcome, RequisitionChange, RequisitionDraft,
    RequisitionStatus, Stage,
};
use crate::domain::{SubjectId, TenantId};

const REQUISITION_COLUMNS: &str =
    "id, external_ref, title, department, status, version, created_at, updated_at";
const APPLICATION_COLUMNS: &str =
    "id, requisition_id, candidate_id, external_ref, status, stage_reached, \
                                   decided_at, decided_by, version, created_at, updated_at";

/// Filters of the requisition list; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct RequisitionFilter {
    pub status: Option<RequisitionStatus>,
    pub department: Option<String>,
    /// Only requisitions that list this employee as a hiring manager.
    pub hiring_manager: Option<String>,
    /// Keyset position: requisitions with a larger id.
    pub after: Option<Uuid>,
}

/// Filters of the application list; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    pub requisition_id: Option<Uuid>,
    pub candidate_id: Option<String>,
    pub status: Option<ApplicationStatus>,
    /// Only applications to requisitions that list this employee as a hiring manager.
    pub hiring_manager: Option<String>,
    pub after: Option<Uuid>,
}

/// The result of a state transition.
#[derive(Debug)]
pub enum Transition<T> {
    Done(T),
    NotFound,
    /// `If-Match` named another version.
    Stale,
    /// The current state does not allow the move.
    Illegal(T),
}

fn conflict_on_ref(error: StorageError, what: &str, external_ref: Option<&str>) -> StorageError {
    match (error, external_ref) {
        (StorageError::Conflict(_), Some(reference)) => StorageError::Conflict(format!(
            "a {what} with external_ref {reference:?} already exists"
        )),
        (other, _) => other,
    }
}

impl Store {
    pub async fn create_requisition(
        &self,
        tenant: &TenantId,
        audit: &AuditContext,
        draft: &RequisitionDraft,
        claim: Option<IdempotencyClaim<Requisition>>,
    ) -> StorageResult<Requisition> {
        let now = now();
        let id = Uuid::now_v7();
        let row = RequisitionRow {
            id,
            external_ref: draft.external_ref.as_ref().map(|r| r.as_str().to_owned()),
            title: draft.title.clone(),
            department: draft.department.clone(),
            status: draft.status.as_str().to_owned(),
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let claim = claim.as_ref();
        let result: StorageResult<Requisition> = on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            let created = with_idempotency!(tx, tenant, claim, now, {
                sqlx::query(
                    "insert into requisitions
                       (id, tenant_id, external_ref, title, department, status, version, created_at, updated_at)
                     values ($1, $2, $3, $4, $5, $6, 1, $7, $7)",
                )
                .bind(id)
                .bind(tenant.as_str())
                .bind(row.external_ref.as_deref())
                .bind(row.title.as_str())
                .bind(row.department.as_str())
                .bind(row.status.as_str())
                .bind(now)
                .execute(&mut *tx)
                .await?;
                for (relation, people) in [("hiring_manager", &draft.hiring_manager_ids), ("hr_partner", &draft.hr_partner_ids)] {
                    for person in people {
                        sqlx::query(
                            "insert into requisition_people (tenant_id, requisition_id, relation, person_id)
                             values ($1, $2, $3, $4)",
                        )
                        .bind(tenant.as_str())
                        .bind(id)
                        .bind(relation)
                        .bind(person.as_str())
                        .execute(&mut *tx)
                        .await?;
                    }
                }
                audit_event!(tx, tenant, audit, "requisition.create", "requisition", id, None::<&str>,
                             serde_json::json!({"status": row.status}));
                Requisition {
                    row: row.clone(),
                    hiring_manager_ids: draft.hiring_manager_ids.iter().map(|p| p.as_str().to_owned()).collect(),
                    hr_partner_ids: draft.hr_partner_ids.iter().map(|p| p.as_str().to_owned()).collect(),
                }
            });
            tx.commit().await?;
            Ok(created)
        }.await);
        result.map_err(|e| conflict_on_ref(e, "requisition", row.external_ref.as_deref()))
    }

    pub async fn get_requisition(
        &self,
        tenant: &TenantId,
        id: Uuid,
    ) -> StorageResult<Option<Requisition>> {
        let sql = format!(
            "select {REQUISITION_COLUMNS} from requisitions where tenant_id = $1 and id = $2"
        );
        let row = on_pool!(self, pool => sqlx::query_as::<_, RequisitionRow>(&sql)
            .bind(tenant.as_str())
            .bind(id)
            .fetch_optional(pool)
            .await)?;
        match row {
            Some(row) => Ok(self.with_people(tenant, vec![row]).await?.pop()),
            None => Ok(None),
        }
    }

    pub async fn get_requisition_by_ref(
        &self,
        tenant: &TenantId,
        external_ref: &str,
    ) -> StorageResult<Option<Requisition>> {
        let sql = format!("select {REQUISITION_COLUMNS} from requisitions where tenant_id = $1 and external_ref = $2");
        let row = on_pool!(self, pool => sqlx::query_as::<_, RequisitionRow>(&sql)
            .bind(tenant.as_str())
            .bind(external_ref)
            .fetch_optional(pool)
            .await)?;
        match row {
            Some(row) => Ok(self.with_people(tenant, vec![row]).await?.pop()),
            None => Ok(None),
        }
    }

    /// Up to `limit` requisitions in id (creation) order after `filter.after`.
    pub async fn list_requisitions(
        &self,
        tenant: &TenantId,
        filter: &RequisitionFilter,
        limit: u32,
    ) -> StorageResult<Vec<Requisition>> {
        let sql = format!(
            "select {REQUISITION_COLUMNS} from requisitions r
             where r.tenant_id = $1
               and ($2 is null or r.status = $2)
               and ($3 is null or r.department = $3)
               and ($4 is null or exists (
                     select 1 from requisition_people p
                     where p.requisition_id = r.id and p.relation = 'hiring_manager' and p.person_id = $4))
               and ($5 is null or r.id > $5)
             order by r.id
             limit $6"
        );
        let rows = on_pool!(self, pool => sqlx::query_as::<_, RequisitionRow>(&sql)
            .bind(tenant.as_str())
            .bind(filter.status.map(RequisitionStatus::as_str))
            .bind(filter.department.as_deref())
            .bind(filter.hiring_manager.as_deref())
            .bind(filter.after)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await)?;
        self.with_people(tenant, rows).await
    }

    /// Attaches hiring managers and HR partners to requisition rows (one query).
    async fn with_people(
        &self,
        tenant: &TenantId,
        rows: Vec<RequisitionRow>,
    ) -> StorageResult<Vec<Requisition>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (0..rows.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "select requisition_id, relation, person_id from requisition_people
             where tenant_id = $1 and requisition_id in ({})
             order by person_id",
            placeholders.join(", ")
        );
        let people = on_pool!(self, pool => {
            let mut query = sqlx::query_as::<_, PersonRow>(&sql).bind(tenant.as_str());
            for row in &rows {
                query = query.bind(row.id);
            }
            query.fetch_all(pool).await
        })?;
        let mut by_requisition: HashMap<Uuid, (Vec<String>, Vec<String>)> = HashMap::new();
        for person in people {
            let entry = by_requisition.entry(person.requisition_id).or_default();
            if person.relation == "hiring_manager" {
                entry.0.push(person.person_id);
            } else {
                entry.1.push(person.person_id);
            }
        }
        Ok(rows
            .into_iter()
            .map(|row| {
                let (hiring_manager_ids, hr_partner_ids) =
                    by_requisition.remove(&row.id).unwrap_or_default();
                Requisition {
                    row,
                    hiring_manager_ids,
                    hr_partner_ids,
                }
            })
            .collect())
    }

    /// Applies `change` if the requisition is still at `version`.
    pub async fn update_requisition(
        &self,
        tenant: &TenantId,
        audit: &AuditContext,
        id: Uuid,
        version: i64,
        change: &RequisitionChange,
    ) -> StorageResult<Versioned<Requisition>> {
        let sql = format!(
            "update requisitions
             set title = coalesce($4, title), department = coalesce($5, department),
                 version = version + 1, updated_at = $6
             where tenant_id = $1 and id = $2 and version = $3
             returning {REQUISITION_COLUMNS}"
        );
        let updated: Option<RequisitionRow> = on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            let row = sqlx::query_as::<_, RequisitionRow>(&sql)
                .bind(tenant.as_str())
                .bind(id)
                .bind(version)
                .bind(change.title.as_deref())
                .bind(change.department.as_deref())
                .bind(now())
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(row) = &row {
                for (relation, people) in [("hiring_manager", &change.hiring_manager_ids), ("hr_partner", &change.hr_partner_ids)] {
                    if let Some(people) = people {
                        replace_people!(tx, tenant, id, relation, people);
                    }
                }
                audit_event!(tx, tenant, audit, "requisition.update", "requisition", id, None::<&str>,
                             serde_json::json!({"version": row.version}));
            }
            tx.commit().await?;
            Ok::<_, StorageError>(row)
        }.await)?;
        match updated {
            Some(row) => Ok(Versioned::Updated(
                self.with_people(tenant, vec![row]).await?.remove(0),
            )),
            None if self.get_requisition(tenant, id).await?.is_some() => Ok(Versioned::Stale),
            None => Ok(Versioned::NotFound),
        }
    }

    /// Moves a requisition to `to` if its lifecycle allows it. Moving to the current status
    /// changes nothing. A concurrent change is retried; `Stale` only if it keeps happening.
    pub async fn transition_requisition(
        &self,
        tenant: &TenantId,
        audit: &AuditContext,
        id: Uuid,
        to: RequisitionStatus,
    ) -> StorageResult<Transition<Requisition>> {
        for _ in 0..3 {
            let Some(current) = self.get_requisition(tenant, id).await? else {
                return Ok(Transition::NotFound);
            };
            let from = RequisitionStatus::parse(&current.row.status).ok_or_else(|| {
                StorageError::Other(format!("unknown status {:?}", current.row.status))
            })?;
            if from == to {
                return Ok(Transition::Done(current));
            }
            if !from.can_become(to) {
                return Ok(Transition::Illegal(current));
            }
            // Guarded by the version just read: a concurrent change makes this write miss.
            let sql = format!(
                "update requisitions set status = $4, version = version + 1, updated_at = $5
                 where tenant_id = $1 and id = $2 and version = $3
                 returning {REQUISITION_COLUMNS}"
            );
            let row: Option<RequisitionRow> = on_pool!(self, pool => async {
                let mut tx = pool.begin_write().await?;
                let row = sqlx::query_as::<_, RequisitionRow>(&sql)
                    .bind(tenant.as_str())
                    .bind(id)
                    .bind(current.row.version)
                    .bind(to.as_str())
                    .bind(now())
                    .fetch_optional(&mut *tx)
                    .await?;
                if row.is_some() {
                    audit_event!(tx, tenant, audit, "requisition.status", "requisition", id, None::<&str>,
                                 serde_json::json!({"from": from.as_str(), "to": to.as_str()}));
                }
                tx.commit().await?;
                Ok::<_, StorageError>(row)
            }.await)?;
            if let Some(row) = row {
                return Ok(Transition::Done(Requisition { row, ..current }));
            }
        }
        Ok(Transition::Stale)
    }

    /// Creates or updates the requisition with `draft.external_ref` to match `draft` (a sync).
    /// Returns whether it was created. Safe to re-run: an unchanged requisition keeps its
    /// version.
    pub async fn upsert_requisition(
        &self,
        tenant: &TenantId,
        audit: &AuditContext,
        draft: &RequisitionDraft,
    ) -> StorageResult<(bool, Requisition)> {
        let Some(external_ref) = draft.external_ref.as_ref() else {
            return Err(StorageError::Other("upsert without external_ref".into()));
        };
        // Two syncs racing on a new reference: the loser's insert conflicts, and its second
        // attempt finds the row.
        for _ in 0..2 {
            let Some(current) = self
                .get_requisition_by_ref(tenant, external_ref.as_str())
                .await?
            else {
                match self.create_requisition(tenant, audit, draft, None).await {
                    Ok(created) => return Ok((true, created)),
                    Err(StorageError::Conflict(_)) => continue,
                    Err(other) => return Err(other),
                }
            };
            let from = RequisitionStatus::parse(&current.row.status).ok_or_else(|| {
                StorageError::Other(format!("unknown status {:?}", current.row.status))
            })?;
            if !from.can_become(draft.status) {
                return Err(StorageError::Conflict(format!(
                    "a {} requisition cannot become {}",
                    from.as_str(),
                    draft.status.as_str()
                )));
            }
            let same = current.row.title == draft.title
                && current.row.department == draft.department
                && from == draft.status
                && current
                    .hiring_manager_ids
                    .iter()
                    .eq(draft.hiring_manager_ids.iter().map(SubjectId::as_str))
                && current
                    .hr_partner_ids
                    .iter()
                    .eq(draft.hr_partner_ids.iter().map(SubjectId::as_str));
            if same {
                return Ok((false, current));
            }
            let id = current.row.id;
            let sql = format!(
                "update requisitions set title = $4, department = $5, status = $6, version = version + 1, updated_at = $7
                 where tenant_id = $1 and id = $2 and version = $3
                 returning {REQUISITION_COLUMNS}"
            );
            let updated: Option<RequisitionRow> = on_pool!(self, pool => async {
                let mut tx = pool.begin_write().await?;
                let row = sqlx::query_as::<_, RequisitionRow>(&sql)
                    .bind(tenant.as_str())
                    .bind(id)
                    .bind(current.row.version)
                    .bind(draft.title.as_str())
                    .bind(draft.department.as_str())
                    .bind(draft.status.as_str())
                    .bind(now())
                    .fetch_optional(&mut *tx)
                    .await?;
                if let Some(row) = &row {
                    replace_people!(tx, tenant, id, "hiring_manager", &draft.hiring_manager_ids);
                    replace_people!(tx, tenant, id, "hr_partner", &draft.hr_partner_ids);
                    audit_event!(tx, tenant, audit, "requisition.sync", "requisition", id, None::<&str>,
                                 serde_json::json!({"version": row.version, "status": row.status}));
                }
                tx.commit().await?;
                Ok::<_, StorageError>(row)
            }.await)?;
            if let Some(row) = updated {
                return Ok((false, self.with_people(tenant, vec![row]).await?.remove(0)));
            }
            // Changed concurrently: read again and re-apply.
        }
        Err(StorageError::Conflict(
            "the requisition is being changed concurrently; retry".into(),
        ))
    }

    pub async fn create_application(
        &self,
        tenant: &TenantId,
        audit: &AuditContext,
        draft: &ApplicationDraft,
        claim: Option<IdempotencyClaim<Application>>,
    ) -> StorageResult<Application> {
        let now = now();
        let application = Application {
            id: Uuid::now_v7(),
            requisition_id: draft.requisition_id,
            candidate_id: draft.candidate_id.as_str().to_owned(),
            external_ref: draft.external_ref.as_ref().map(|r| r.as_str().to_owned()),
            status: ApplicationStatus::Active.as_str().to_owned(),
            stage_reached: draft.stage_reached.as_str().to_owned(),
            decided_at: None,
            decided_by: None,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let claim = claim.as_ref();
        let result: StorageResult<Application> = on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            let created = with_idempotency!(tx, tenant, claim, now, {
                sqlx::query(
                    "insert into applications
                       (id, tenant_id, requisition_id, candidate_id, external_ref, status, stage_reached,
                        version, created_at, updated_at)
                     values ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8)",
                )
                .bind(application.id)
                .bind(tenant.as_str())
                .bind(application.requisition_id)
                .bind(application.candidate_id.as_str())
                .bind(application.external_ref.as_deref())
                .bind(application.status.as_str())
                .bind(application.stage_reached.as_str())
                .bind(now)
                .execute(&mut *tx)
                .await?;
                audit_event!(tx, tenant, audit, "application.create", "application", application.id,
                             Some(application.candidate_id.as_str()), serde_json::json!({"requisition_id": application.requisition_id}));
                application.clone()
            });
            tx.commit().await?;
            Ok(created)
        }.await);
        result.map_err(|e| match e {
            StorageError::Conflict(_) if application.external_ref.is_some() => conflict_on_ref(
                e,
                "application or candidacy",
                application.external_ref.as_deref(),
            ),
            StorageError::Conflict(_) => StorageError::Conflict(
                "this employee already has an application for this requisition".into(),
            ),
            other => other,
        })
    }

    pub async fn get_application(
        &self,
        tenant: &TenantId,
        id: Uuid,
    ) -> StorageResult<Option<Application>> {
        let sql = format!(
            "select {APPLICATION_COLUMNS} from applications where tenant_id = $1 and id = $2"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, Application>(&sql)
            .bind(tenant.as_str())
            .bind(id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    pub async fn list_applications(
        &self,
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
             order by a.id
             limit $7"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, Application>(&sql)
            .bind(tenant.as_str())
            .bind(filter.requisition_id)
            .bind(filter.candidate_id.as_deref())
            .bind(filter.status.map(ApplicationStatus::as_str))
            .bind(filter.hiring_manager.as_deref())
            .bind(filter.after)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await)?,
        )
    }

    /// The candidate's own applications, newest first.
    pub async fn list_own_applications(
        &self,
        tenant: &TenantId,
        candidate: &SubjectId,
        before: Option<Uuid>,
        limit: u32,
    ) -> StorageResult<Vec<OwnApplication>> {
        let sql =
            "select a.id, r.title as requisition_title, r.department as requisition_department,
                          a.status, a.decided_at, a.created_at
                   from applications a join requisitions r on r.id = a.requisition_id
                   where a.tenant_id = $1 and a.candidate_id = $2 and ($3 is null or a.id < $3)
                   order by a.id desc
                   limit $4";
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, OwnApplication>(sql)
            .bind(tenant.as_str())
            .bind(candidate.as_str())
            .bind(before)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await)?,
        )
    }

    /// Records the decision on an active application, once.
    pub async fn decide_application(
        &self,
        tenant: &TenantId,
        audit: &AuditContext,
        id: Uuid,
        outcome: Outcome,
        stage_reached: Stage,
        decided_by: &SubjectId,
    ) -> StorageResult<Transition<Application>> {
        let sql = format!(
            "update applications
             set status = $3, stage_reached = $4, decided_at = $5, decided_by = $6, version = version + 1, updated_at = $5
             where tenant_id = $1 and id = $2 and status = 'active'
             returning {APPLICATION_COLUMNS}"
        );
        let decided: Option<Application> = on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            let row = sqlx::query_as::<_, Application>(&sql)
                .bind(tenant.as_str())
                .bind(id)
                .bind(outcome.status().as_str())
                .bind(stage_reached.as_str())
                .bind(now())
                .bind(decided_by.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(row) = &row {
                audit_event!(tx, tenant, audit, "application.decide", "application", id, Some(row.candidate_id.as_str()),
                             serde_json::json!({"outcome": row.status, "stage_reached": row.stage_reached}));
            }
            tx.commit().await?;
            Ok::<_, StorageError>(row)
        }.await)?;
        Ok(match decided {
            Some(application) => Transition::Done(application),
            None => match self.get_application(tenant, id).await? {
                Some(application) => Transition::Illegal(application),
                None => Transition::NotFound,
            },
        })
    }

    /// Creates or updates the application with `draft.external_ref` (a sync). The requisition
    /// and candidate of an existing application never change; its stage is updated while it is
    /// active. Returns whether it was created.
    pub async fn upsert_application(
        &self,
        tenant: &TenantId,
        audit: &AuditContext,
        draft: &ApplicationDraft,
    ) -> StorageResult<(bool, Application)> {
        let Some(external_ref) = draft.external_ref.as_ref() else {
            return Err(StorageError::Other("upsert without external_ref".into()));
        };
        let by_ref = format!("select {APPLICATION_COLUMNS} from applications where tenant_id = $1 and external_ref = $2");
        for _ in 0..2 {
            let current = on_pool!(self, pool => sqlx::query_as::<_, Application>(&by_ref)
                .bind(tenant.as_str())
                .bind(external_ref.as_str())
                .fetch_optional(pool)
                .await)?;
            let Some(current) = current else {
                match self.create_application(tenant, audit, draft, None).await {
                    Ok(created) => return Ok((true, created)),
                    Err(StorageError::Conflict(_))
                        if self
                            .has_application_ref(tenant, external_ref.as_str())
                            .await? =>
                    {
                        continue
                    }
                    Err(other) => return Err(other),
                }
            };
            if current.requisition_id != draft.requisition_id
                || current.candidate_id != draft.candidate_id.as_str()
            {
                return Err(StorageError::Conflict(
                    "an application's requisition and candidate cannot change".into(),
                ));
            }
            if current.stage_reached == draft.stage_reached.as_str() {
                return Ok((false, current));
            }
            if current.status != ApplicationStatus::Active.as_str() {
                return Err(StorageError::Conflict(
                    "a decided application's stage cannot change".into(),
                ));
            }
            let sql = format!(
                "update applications set stage_reached = $4, version = version + 1, updated_at = $5
                 where tenant_id = $1 and id = $2 and version = $3
                 returning {APPLICATION_COLUMNS}"
            );
            let updated: Option<Application> = on_pool!(self, pool => async {
                let mut tx = pool.begin_write().await?;
                let row = sqlx::query_as::<_, Application>(&sql)
                    .bind(tenant.as_str())
                    .bind(current.id)
                    .bind(current.version)
                    .bind(draft.stage_reached.as_str())
                    .bind(now())
                    .fetch_optional(&mut *tx)
                    .await?;
                if let Some(row) = &row {
                    audit_event!(tx, tenant, audit, "application.sync", "application", row.id, Some(row.candidate_id.as_str()),
                                 serde_json::json!({"stage_reached": row.stage_reached}));
                }
                tx.commit().await?;
                Ok::<_, StorageError>(row)
            }.await)?;
            if let Some(updated) = updated {
                return Ok((false, updated));
            }
        }
        Err(StorageError::Conflict(
            "the application is being changed concurrently; retry".into(),
        ))
    }

    async fn has_application_ref(
        &self,
        tenant: &TenantId,
        external_ref: &str,
    ) -> StorageResult<bool> {
        let found = on_pool!(self, pool => sqlx::query_scalar::<_, i64>(
                "select count(*) from applications where tenant_id = $1 and external_ref = $2")
            .bind(tenant.as_str())
            .bind(external_ref)
            .fetch_one(pool)
            .await)?;
        Ok(found > 0)
    }
}

/// Replaces one relation's people of a requisition inside a transaction.
macro_rules! replace_people {
    ($tx:expr, $tenant:expr, $id:expr, $relation:expr, $people:expr) => {{
        sqlx::query("delete from requisition_people where requisition_id = $1 and relation = $2")
            .bind($id)
            .bind($relation)
            .execute(&mut *$tx)
            .await?;
        for person in $people.iter() {
            sqlx::query(
                "insert into requisition_people (tenant_id, requisition_id, relation, person_id)
                 values ($1, $2, $3, $4)",
            )
            .bind($tenant.as_str())
            .bind($id)
            .bind($relation)
            .bind(person.as_str())
            .execute(&mut *$tx)
            .await?;
        }
    }};
}
use replace_people;
