//! Tenants are provisioned on first contact, with the default catalogs.

use crate::domain::catalog::{CatalogKind, NewEntry};
use crate::domain::TenantId;
use crate::storage::{now, AuditContext, AuditRecord};

use super::{App, AppError, AppResult};

impl App {
    /// Makes sure `tenant` exists with its default catalogs. Safe to race: the losing insert
    /// does nothing. Cached per process, so it costs one query per tenant and process.
    pub async fn provision(&self, tenant: &TenantId) -> AppResult<()> {
        let known = self
            .tenants
            .read()
            .map(|set| set.contains(tenant))
            .unwrap_or(false);
        if known {
            return Ok(());
        }
        let mut connection = self.connection(tenant).await?;
        let mut tx = connection.begin().await?;
        let mut db = tx.db();
        if db.insert_tenant(tenant).await? {
            let at = now();
            for kind in CatalogKind::ALL {
                for (key, name, description) in kind.defaults() {
                    let entry = NewEntry::parse(key, name, Some(description), None)
                        .map_err(|_| AppError::Internal(format!("default entry {key} invalid")))?;
                    db.insert_entry(tenant, kind, &entry, at).await?;
                }
            }
            db.record_audit(
                tenant,
                &AuditContext::system("provisioning"),
                AuditRecord {
                    action: "tenant.provision",
                    resource_type: "tenant",
                    resource_id: tenant.to_string(),
                    candidate: None,
                    details: serde_json::json!({}),
                },
            )
            .await?;
            tracing::info!(tenant = %tenant, "tenant provisioned with default catalogs");
        }
        tx.commit().await?;
        if let Ok(mut set) = self.tenants.write() {
            set.insert(tenant.clone());
        }
        Ok(())
    }
}
