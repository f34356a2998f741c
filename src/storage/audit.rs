//! The append-only audit trail. Writes record their event in their own transaction
//! (`audit_event!`); reads of a candidate's feedback by someone else record one on their own.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{now, on_pool, StorageResult, Store};
use crate::domain::TenantId;

/// Who is acting, for the audit trail.
#[derive(Debug, Clone)]
pub struct AuditContext {
    pub actor: String,
    /// Comma-separated roles.
    pub roles: String,
    pub request_id: Option<String>,
}

impl AuditContext {
    /// The service itself (the `seed` command, periodic tasks).
    pub fn system(name: &str) -> Self {
        Self {
            actor: name.to_owned(),
            roles: "system".into(),
            request_id: None,
        }
    }
}

/// One audit event.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEvent {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub actor_roles: String,
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    pub candidate_id: Option<String>,
    pub request_id: Option<String>,
    pub details: sqlx::types::Json<serde_json::Value>,
}

/// Filters of the audit query.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub candidate_id: Option<String>,
    pub actor: Option<String>,
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub after: Option<Uuid>,
}

pub(super) const INSERT: &str = "insert into audit_events
       (id, tenant_id, at, actor, actor_roles, action, resource_type, resource_id, candidate_id, request_id, details)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// Records an audit event inside the transaction `$tx`. Details carry ids and states, never
/// free text.
macro_rules! audit_event {
    ($tx:expr, $tenant:expr, $audit:expr, $action:expr, $resource_type:expr, $resource_id:expr, $candidate:expr, $details:expr) => {
        sqlx::query($crate::storage::audit::INSERT)
            .bind(uuid::Uuid::now_v7())
            .bind($tenant.as_str())
            .bind($crate::storage::now())
            .bind($audit.actor.as_str())
            .bind($audit.roles.as_str())
            .bind($action)
            .bind($resource_type)
            .bind($resource_id.to_string())
            .bind($candidate)
            .bind($audit.request_id.as_deref())
            .bind(sqlx::types::Json($details))
            .execute(&mut *$tx)
            .await?
    };
}
pub(crate) use audit_event;

impl Store {
    /// Records reads of candidates' records by someone else: `(resource id, candidate)` pairs,
    /// one event each, in one statement.
    pub async fn audit_reads(
        &self,
        tenant: &TenantId,
        audit: &AuditContext,
        action: &str,
        resource_type: &str,
        reads: &[(String, String)],
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
        on_pool!(self, pool => {
            let mut query = sqlx::query(&sql)
                .bind(tenant.as_str())
                .bind(at)
                .bind(audit.actor.as_str())
                .bind(audit.roles.as_str())
                .bind(action)
                .bind(resource_type)
                .bind(audit.request_id.as_deref());
            for (resource_id, candidate) in reads {
                query = query.bind(Uuid::now_v7()).bind(resource_id.as_str()).bind(candidate.as_str());
            }
            query.execute(pool).await.map(|_| ())
        })?;
        Ok(())
    }

    pub async fn list_audit_events(
        &self,
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
        Ok(on_pool!(self, pool => sqlx::query_as::<_, AuditEvent>(sql)
            .bind(tenant.as_str())
            .bind(filter.candidate_id.as_deref())
            .bind(filter.actor.as_deref())
            .bind(filter.resource_type.as_deref())
            .bind(filter.resource_id.as_deref())
            .bind(filter.from)
            .bind(filter.to)
            .bind(filter.after)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await)?)
    }
}
