//! Tenants and their catalogs.

use chrono::{DateTime, Utc};

use super::audit::{audit_event, AuditContext};
use super::idempotency::{with_idempotency, IdempotencyClaim};
use super::{
    now, on_pool, BeginWrite, CatalogEntry, StorageError, StorageResult, Store, Versioned,
};
use crate::domain::catalog::{CatalogKey, CatalogKind, EntryChange, NewEntry};
use crate::domain::TenantId;

const ENTRY_COLUMNS: &str = "key, name, description, active, version, created_at, updated_at";

/// Which entries to list.
#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    /// Only active (`Some(true)`) or only retired (`Some(false)`) entries.
    pub active: Option<bool>,
    /// Keyset position: entries with a key after this one.
    pub after: Option<String>,
}

impl Store {
    /// Creates the tenant with its default catalogs unless it exists. Safe to race: the losing
    /// insert does nothing.
    pub async fn ensure_tenant(&self, tenant: &TenantId) -> StorageResult<()> {
        let created_at = now();
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let inserted = sqlx::query(
                "insert into tenants (id, created_at) values ($1, $2) on conflict (id) do nothing",
            )
            .bind(tenant.as_str())
            .bind(created_at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted == 1 {
                for kind in CatalogKind::ALL {
                    for (key, name, description) in kind.defaults() {
                        insert_entry_sql()
                            .bind(tenant.as_str())
                            .bind(kind.as_str())
                            .bind(*key)
                            .bind(*name)
                            .bind(*description)
                            .bind(created_at)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                let system = AuditContext::system("provisioning");
                audit_event!(tx, tenant, system, "tenant.provision", "tenant", tenant.as_str(), None::<&str>,
                             serde_json::json!({}));
                tracing::info!(tenant = %tenant, "tenant provisioned with default catalogs");
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Up to `limit` entries in key order, after `filter.after`.
    pub async fn list_entries(
        &self,
        tenant: &TenantId,
        kind: CatalogKind,
        filter: &EntryFilter,
        limit: u32,
    ) -> StorageResult<Vec<CatalogEntry>> {
        let sql = format!(
            "select {ENTRY_COLUMNS} from catalog_entries
             where tenant_id = $1 and kind = $2 and key > $3 and ($4 is null or active = $4)
             order by key
             limit $5"
        );
        let rows = on_pool!(self, pool => sqlx::query_as::<_, CatalogEntry>(&sql)
            .bind(tenant.as_str())
            .bind(kind.as_str())
            .bind(filter.after.as_deref().unwrap_or(""))
            .bind(filter.active)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await)?;
        Ok(rows)
    }

    pub async fn get_entry(
        &self,
        tenant: &TenantId,
        kind: CatalogKind,
        key: &CatalogKey,
    ) -> StorageResult<Option<CatalogEntry>> {
        let sql = format!(
            "select {ENTRY_COLUMNS} from catalog_entries where tenant_id = $1 and kind = $2 and key = $3"
        );
        let row = on_pool!(self, pool => sqlx::query_as::<_, CatalogEntry>(&sql)
            .bind(tenant.as_str())
            .bind(kind.as_str())
            .bind(key.as_str())
            .fetch_optional(pool)
            .await)?;
        Ok(row)
    }

    /// Adds an active entry; a key already in the catalog (active or retired) is a conflict.
    pub async fn create_entry(
        &self,
        tenant: &TenantId,
        audit: &AuditContext,
        kind: CatalogKind,
        entry: &NewEntry,
        claim: Option<IdempotencyClaim<CatalogEntry>>,
    ) -> StorageResult<CatalogEntry> {
        let created_at = now();
        let claim = claim.as_ref();
        let result: StorageResult<CatalogEntry> = on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            let created = with_idempotency!(tx, tenant, claim, created_at, {
                insert_entry_sql()
                    .bind(tenant.as_str())
                    .bind(kind.as_str())
                    .bind(entry.key.as_str())
                    .bind(entry.name.as_str())
                    .bind(entry.description.as_str())
                    .bind(created_at)
                    .execute(&mut *tx)
                    .await?;
                audit_event!(tx, tenant, audit, "catalog.create", kind.as_str(), entry.key.as_str(), None::<&str>,
                             serde_json::json!({}));
                entry_row(entry, created_at)
            });
            tx.commit().await?;
            Ok(created)
        }.await);
        match result {
            Err(StorageError::Conflict(_)) => Err(StorageError::Conflict(format!(
                "the key {:?} is already in this catalog",
                entry.key.as_str()
            ))),
            other => other,
        }
    }

    /// Applies `change` if the entry is still at `version`.
    pub async fn update_entry(
        &self,
        tenant: &TenantId,
        audit: &AuditContext,
        kind: CatalogKind,
        key: &CatalogKey,
        version: i64,
        change: &EntryChange,
    ) -> StorageResult<Versioned<CatalogEntry>> {
        let sql = format!(
            "update catalog_entries
             set name = coalesce($5, name),
                 description = coalesce($6, description),
                 active = coalesce($7, active),
                 version = version + 1,
                 updated_at = $8
             where tenant_id = $1 and kind = $2 and key = $3 and version = $4
             returning {ENTRY_COLUMNS}"
        );
        let updated: Option<CatalogEntry> = on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            let row = sqlx::query_as::<_, CatalogEntry>(&sql)
                .bind(tenant.as_str())
                .bind(kind.as_str())
                .bind(key.as_str())
                .bind(version)
                .bind(change.name.as_deref())
                .bind(change.description.as_deref())
                .bind(change.active)
                .bind(now())
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(row) = &row {
                audit_event!(tx, tenant, audit, "catalog.update", kind.as_str(), key.as_str(), None::<&str>,
                             serde_json::json!({"version": row.version, "active": row.active}));
            }
            tx.commit().await?;
            Ok::<_, StorageError>(row)
        }.await)?;
        Ok(match updated {
            Some(entry) => Versioned::Updated(entry),
            None if self.get_entry(tenant, kind, key).await?.is_some() => Versioned::Stale,
            None => Versioned::NotFound,
        })
    }
}

fn insert_entry_sql<'q, DB: sqlx::Database>(
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>> {
    sqlx::query(
        "insert into catalog_entries
           (tenant_id, kind, key, name, description, active, version, created_at, updated_at)
         values ($1, $2, $3, $4, $5, true, 1, $6, $6)",
    )
}

fn entry_row(entry: &NewEntry, created_at: DateTime<Utc>) -> CatalogEntry {
    CatalogEntry {
        key: entry.key.as_str().to_owned(),
        name: entry.name.clone(),
        description: entry.description.clone(),
        active: true,
        version: 1,
        created_at,
        updated_at: created_at,
    }
}
