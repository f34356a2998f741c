//! Requisitions and their people.

use sqlx::AssertSqlSafe;
use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::domain::hiring::{ExternalRef, RequisitionDraft, RequisitionStatus};
use crate::domain::{EmployeeId, RequisitionId, TenantId};

use super::rows::{Requisition, RequisitionRow};
use super::{now, on_db, placeholders, Db, StorageResult};

const REQUISITION_COLUMNS: &str =
    "id, external_ref, title, department, status, version, created_at, updated_at";

/// Filters of the requisition list; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct RequisitionFilter {
    pub status: Option<RequisitionStatus>,
    pub department: Option<String>,
    /// Only requisitions that list this employee as a hiring manager.
    pub hiring_manager: Option<EmployeeId>,
    /// Only rows changed at or after this instant.
    pub updated_since: Option<DateTime<Utc>>,
    /// Keyset position: requisitions with a larger id.
    pub after: Option<RequisitionId>,
}

/// A version-guarded change of a requisition row; `None` fields stay as they are.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequisitionUpdate<'a> {
    pub title: Option<&'a str>,
    pub department: Option<&'a str>,
    pub status: Option<RequisitionStatus>,
}

/// Who is related to a requisition, by relation.
#[derive(Debug, Clone, Copy)]
pub enum PeopleChange<'a> {
    HiringManagers(&'a [EmployeeId]),
    HrPartners(&'a [EmployeeId]),
}

impl PeopleChange<'_> {
    fn relation(&self) -> &'static str {
        match self {
            Self::HiringManagers(_) => "hiring_manager",
            Self::HrPartners(_) => "hr_partner",
        }
    }

    fn people(&self) -> &[EmployeeId] {
        match self {
            Self::HiringManagers(people) | Self::HrPartners(people) => people,
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
struct PersonRow {
    requisition_id: RequisitionId,
    relation: String,
    person_id: EmployeeId,
}

impl Db<'_> {
    /// Inserts a requisition and its people.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn insert_requisition(
        &mut self,
        tenant: &TenantId,
        draft: &RequisitionDraft,
        at: DateTime<Utc>,
    ) -> StorageResult<Requisition> {
        let sql = format!(
            "insert into requisitions
               (id, tenant_id, external_ref, title, department, status, version, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, 1, $7, $7)
             returning {REQUISITION_COLUMNS}"
        );
        let row = on_db!(self, c => sqlx::query_as::<_, RequisitionRow>(AssertSqlSafe(sql.as_str()))
            .bind(RequisitionId::generate())
            .bind(tenant)
            .bind(draft.external_ref.as_ref())
            .bind(draft.title.as_str())
            .bind(draft.department.as_str())
            .bind(draft.status)
            .bind(at)
            .fetch_one(&mut *c)
            .await)?;
        for change in [
            PeopleChange::HiringManagers(&draft.hiring_manager_ids),
            PeopleChange::HrPartners(&draft.hr_partner_ids),
        ] {
            self.insert_people(tenant, row.id, change).await?;
        }
        Ok(Requisition {
            row,
            hiring_manager_ids: draft.hiring_manager_ids.clone(),
            hr_partner_ids: draft.hr_partner_ids.clone(),
        })
    }

    async fn insert_people(
        &mut self,
        tenant: &TenantId,
        id: RequisitionId,
        change: PeopleChange<'_>,
    ) -> StorageResult<()> {
        for person in change.people() {
            on_db!(self, c => sqlx::query(
                    "insert into requisition_people (tenant_id, requisition_id, relation, person_id)
                     values ($1, $2, $3, $4)")
                .bind(tenant)
                .bind(id)
                .bind(change.relation())
                .bind(person)
                .execute(&mut *c)
                .await
                .map(|_| ()))?;
        }
        Ok(())
    }

    /// Replaces one relation's people of a requisition.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn replace_people(
        &mut self,
        tenant: &TenantId,
        id: RequisitionId,
        change: PeopleChange<'_>,
    ) -> StorageResult<()> {
        on_db!(self, c => sqlx::query(
                "delete from requisition_people where requisition_id = $1 and relation = $2")
            .bind(id)
            .bind(change.relation())
            .execute(&mut *c)
            .await
            .map(|_| ()))?;
        self.insert_people(tenant, id, change).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn get_requisition(
        &mut self,
        tenant: &TenantId,
        id: RequisitionId,
    ) -> StorageResult<Option<Requisition>> {
        let sql = format!(
            "select {REQUISITION_COLUMNS} from requisitions where tenant_id = $1 and id = $2"
        );
        let row = on_db!(self, c => sqlx::query_as::<_, RequisitionRow>(AssertSqlSafe(sql.as_str()))
            .bind(tenant)
            .bind(id)
            .fetch_optional(&mut *c)
            .await)?;
        self.with_people_one(tenant, row).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn get_requisition_by_ref(
        &mut self,
        tenant: &TenantId,
        external_ref: &ExternalRef,
    ) -> StorageResult<Option<Requisition>> {
        let sql = format!(
            "select {REQUISITION_COLUMNS} from requisitions where tenant_id = $1 and external_ref = $2"
        );
        let row = on_db!(self, c => sqlx::query_as::<_, RequisitionRow>(AssertSqlSafe(sql.as_str()))
            .bind(tenant)
            .bind(external_ref)
            .fetch_optional(&mut *c)
            .await)?;
        self.with_people_one(tenant, row).await
    }

    /// Whether `manager` is a hiring manager of the requisition (one indexed lookup).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn manages(
        &mut self,
        tenant: &TenantId,
        requisition: RequisitionId,
        manager: &EmployeeId,
    ) -> StorageResult<bool> {
        let found = on_db!(self, c => sqlx::query_scalar::<_, i64>(
                "select count(*) from requisition_people
                 where tenant_id = $1 and requisition_id = $2 and relation = 'hiring_manager' and person_id = $3")
            .bind(tenant)
            .bind(requisition)
            .bind(manager)
            .fetch_one(&mut *c)
            .await)?;
        Ok(found > 0)
    }

    /// Up to `limit` requisitions in id (creation) order after `filter.after`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_requisitions(
        &mut self,
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
               and ($7 is null or r.updated_at >= $7)
             order by r.id
             limit $6"
        );
        let rows = on_db!(self, c => sqlx::query_as::<_, RequisitionRow>(AssertSqlSafe(sql.as_str()))
            .bind(tenant)
            .bind(filter.status)
            .bind(filter.department.as_deref())
            .bind(filter.hiring_manager.as_ref())
            .bind(filter.after)
            .bind(i64::from(limit))
            .bind(filter.updated_since)
            .fetch_all(&mut *c)
            .await)?;
        self.with_people(tenant, rows).await
    }

    async fn with_people_one(
        &mut self,
        tenant: &TenantId,
        row: Option<RequisitionRow>,
    ) -> StorageResult<Option<Requisition>> {
        match row {
            Some(row) => Ok(self.with_people(tenant, vec![row]).await?.pop()),
            None => Ok(None),
        }
    }

    /// Attaches hiring managers and HR partners to requisition rows (one query).
    pub async fn with_people(
        &mut self,
        tenant: &TenantId,
        rows: Vec<RequisitionRow>,
    ) -> StorageResult<Vec<Requisition>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "select requisition_id, relation, person_id from requisition_people
             where tenant_id = $1 and requisition_id in ({})
             order by person_id",
            placeholders(2, rows.len())
        );
        let people = on_db!(self, c => {
            let mut query = sqlx::query_as::<_, PersonRow>(AssertSqlSafe(sql.as_str())).bind(tenant);
            for row in &rows {
                query = query.bind(row.id);
            }
            query.fetch_all(&mut *c).await
        })?;
        let mut by_requisition: HashMap<RequisitionId, (Vec<EmployeeId>, Vec<EmployeeId>)> =
            HashMap::new();
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

    /// Applies `update` if the requisition is still at `version`; `None` otherwise.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn update_requisition(
        &mut self,
        tenant: &TenantId,
        id: RequisitionId,
        version: i64,
        update: RequisitionUpdate<'_>,
    ) -> StorageResult<Option<RequisitionRow>> {
        let sql = format!(
            "update requisitions
             set title = coalesce($4, title), department = coalesce($5, department),
                 status = coalesce($6, status), version = version + 1, updated_at = $7
             where tenant_id = $1 and id = $2 and version = $3
             returning {REQUISITION_COLUMNS}"
        );
        Ok(
            on_db!(self, c => sqlx::query_as::<_, RequisitionRow>(AssertSqlSafe(sql.as_str()))
            .bind(tenant)
            .bind(id)
            .bind(version)
            .bind(update.title)
            .bind(update.department)
            .bind(update.status)
            .bind(now())
            .fetch_optional(&mut *c)
            .await)?,
        )
    }
}
