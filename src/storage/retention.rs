//! Retention queries: which applications' retention period has run out, per tenant policy.

use chrono::{DateTime, Utc};

use crate::domain::{ApplicationId, EmployeeId, TenantId};

use super::{on_db, Db, StorageResult};

/// An application whose retention period has run out.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RetentionItem {
    pub tenant_id: TenantId,
    pub application_id: ApplicationId,
    pub decided_at: DateTime<Utc>,
    /// Under legal hold: kept, and listed so that operators see why.
    pub held: bool,
}

impl Db<'_> {
    /// Every tenant with a retention policy, and its months.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn retention_policies(&mut self) -> StorageResult<Vec<(TenantId, i32)>> {
        Ok(on_db!(self, c => sqlx::query_as::<_, (TenantId, i32)>(
                "select id, retention_months from tenants where retention_months is not null order by id")
            .fetch_all(&mut *c)
            .await)?)
    }

    /// Every tenant's id.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn tenant_ids(&mut self) -> StorageResult<Vec<TenantId>> {
        Ok(
            on_db!(self, c => sqlx::query_scalar::<_, TenantId>("select id from tenants order by id")
            .fetch_all(&mut *c)
            .await)?,
        )
    }

    /// Applications of `tenant` decided before `cutoff`, not anonymised, oldest decision first:
    /// those under legal hold (`held`), or the others.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn decided_before(
        &mut self,
        tenant: &TenantId,
        cutoff: DateTime<Utc>,
        held: bool,
        limit: u32,
    ) -> StorageResult<Vec<RetentionItem>> {
        Ok(on_db!(self, c => sqlx::query_as::<_, RetentionItem>(
                "select tenant_id, id as application_id, decided_at, legal_hold_at is not null as held
                 from applications
                 where tenant_id = $1 and anonymised_at is null and decided_at is not null and decided_at < $2
                   and (legal_hold_at is not null) = $3
                 order by decided_at, id
                 limit $4")
            .bind(tenant)
            .bind(cutoff)
            .bind(held)
            .bind(i64::from(limit))
            .fetch_all(&mut *c)
            .await)?)
    }

    /// The candidate and tenant policy of an application that may be anonymised (decided, not
    /// held, not anonymised).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn retention_subject(
        &mut self,
        tenant: &TenantId,
        application: ApplicationId,
    ) -> StorageResult<Option<(EmployeeId, Option<i32>)>> {
        Ok(
            on_db!(self, c => sqlx::query_as::<_, (EmployeeId, Option<i32>)>(
                "select a.candidate_id, t.retention_months from applications a join tenants t on t.id = a.tenant_id
                 where a.tenant_id = $1 and a.id = $2 and a.anonymised_at is null and a.legal_hold_at is null
                   and a.decided_at is not null")
            .bind(tenant)
            .bind(application)
            .fetch_optional(&mut *c)
            .await)?,
        )
    }
}
