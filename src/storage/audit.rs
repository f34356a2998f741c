//! The append-only audit trail. A write records its event in its own transaction; reads of a
//! candidate's feedback by someone else record one on their own.

use crate::domain::audit::AuditQuery;
use crate::domain::{AuditEventId, EmployeeId, Principal, TenantId};
use sqlx::AssertSqlSafe;

use super::rows::AuditEvent;
use super::{now, on_db, Db, StorageResult};

/// Who is acting, for the audit trail.
#[derive(Debug, Clone)]
pub struct AuditContext {
    pub actor: EmployeeId,
    /// Comma-separated roles, or `system` for the service itself.
    pub roles: String,
    pub request_id: Option<String>,
}

impl AuditContext {
    /// The caller of a request.
    pub fn of(principal: &Principal, request_id: Option<String>) -> Self {
        Self {
            actor: principal.sub().clone(),
            roles: principal
                .roles()
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(","),
            request_id,
        }
    }

    /// The service itself (the `seed` command, periodic tasks).
    pub fn system(name: &'static str) -> Self {
        Self {
            actor: EmployeeId::service(name),
            roles: "system".into(),
            request_id: None,
        }
    }
}

/// One event to record. Details carry ids and states, never free text.
#[derive(Debug, Clone)]
pub struct AuditRecord<'a> {
    /// `requisition.create`, `feedback.release`, …
    pub action: &'a str,
    pub resource_type: &'a str,
    pub resource_id: String,
    /// The candidate the event concerns, if any.
    pub candidate: Option<&'a EmployeeId>,
    pub details: serde_json::Value,
}

/// Filters of the audit query, with the keyset position.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub query: AuditQuery,
    pub after: Option<AuditEventId>,
}

impl Db<'_> {
    /// Records `record` (inside the caller's transaction, for a write).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn record_audit(
        &mut self,
        tenant: &TenantId,
        audit: &AuditContext,
        record: AuditRecord<'_>,
    ) -> StorageResult<()> {
        let sql = "insert into audit_events
               (id, tenant_id, at, actor, actor_roles, action, resource_type, resource_id, candidate_id, request_id, details)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
        on_db!(self, c => sqlx::query(sql)
            .bind(AuditEventId::generate())
            .bind(tenant)
            .bind(now())
            .bind(&audit.actor)
            .bind(audit.roles.as_str())
            .bind(record.action)
            .bind(record.resource_type)
            .bind(record.resource_id.as_str())
            .bind(record.candidate)
            .bind(audit.request_id.as_deref())
            .bind(sqlx::types::Json(&record.details))
            .execute(&mut *c)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// Records reads of candidates' records by someone else: `(resource id, candidate)` pairs,
    /// one event each, in one statement.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn record_reads(
        &mut self,
        tenant: &TenantId,
        audit: &AuditContext,
        action: &str,
        resource_type: &str,
        reads: &[(String, EmployeeId)],
    ) -> StorageResult<()> {
        if reads.is_empty() {
            return Ok(());
        }
        let rows: Vec<String> = (0..reads.len())
            .map(|i| {
                let b = 8 + i * 3;
                format!(
                    "($1, ${b}, $2, $3, $4, $5, $6, ${}, ${}, $7, '{{}}')",
                    b + 1,
                    b + 2
                )
            })
            .collect();
        let sql = format!(
            "insert into audit_events
               (tenant_id, id, at, actor, actor_roles, action, resource_type, resource_id, candidate_id, request_id, details)
             values {}",
            rows.join(", ")
        );
        let at = now();
        on_db!(self, c => {
            let mut query = sqlx::query(AssertSqlSafe(sql.as_str()))
                .bind(tenant)
                .bind(at)
                .bind(&audit.actor)
                .bind(audit.roles.as_str())
                .bind(action)
                .bind(resource_type)
                .bind(audit.request_id.as_deref());
            for (resource_id, candidate) in reads {
                query = query
                    .bind(AuditEventId::generate())
                    .bind(resource_id.as_str())
                    .bind(candidate);
            }
            query.execute(&mut *c).await.map(|done| done.rows_affected())
        })?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_audit_events(
        &mut self,
        tenant: &TenantId,
        filter: &AuditFilter,
        limit: u32,
    ) -> StorageResult<Vec<AuditEvent>> {
        let sql = "select id, at, actor, actor_roles, action, resource_type, resource_id, candidate_id, request_id, details
                   from audit_events
                   where tenant_id = $1
                     and ($2 is null or candidate_id = $2)
                     and ($3 is null or actor = $3)
                     and ($4 is null or resource_type = $4)
                     and ($5 is null or resource_id = $5)
                     and ($6 is null or at >= $6)
                     and ($7 is null or at < $7)
                     and ($8 is null or id > $8)
                   order by id
                   limit $9";
        let query = &filter.query;
        Ok(on_db!(self, c => sqlx::query_as::<_, AuditEvent>(sql)
            .bind(tenant)
            .bind(query.candidate_id.as_ref())
            .bind(query.actor.as_ref())
            .bind(query.resource_type.as_deref())
            .bind(query.resource_id.as_deref())
            .bind(query.from)
            .bind(query.to)
            .bind(filter.after)
            .bind(i64::from(limit))
            .fetch_all(&mut *c)
            .await)?)
    }
}
