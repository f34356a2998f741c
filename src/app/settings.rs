//! The tenant's versioned settings (deadline policy, report settings, quality phrases,
//! languages) share one way to change: replaced whole at the caller's version (`If-Match`),
//! in one transaction with its audit record; a write that keeps the version changed nothing
//! and records nothing.

use crate::auth::policy::Operation;
use crate::domain::{Checked, Precondition, Principal};
use crate::storage::{Db, StorageResult};

use super::{authorize, expected_version, record, App, AppError, AppResult};

/// What a settings change is: who may, what the audit trail calls it, the new value and the
/// version it was made against.
pub(super) struct SettingChange<T> {
    pub operation: Operation,
    /// The audit action (`deadline_policy.update`).
    pub action: &'static str,
    pub value: Checked<T>,
    pub precondition: Precondition,
}

impl App {
    /// Applies `change` with `write` (given the value and the caller's version, it answers the
    /// new version, the same version when nothing changed, or `None` when stale); the audit
    /// record carries `details` of the value and the new version.
    pub(super) async fn replace_setting<T>(
        &self,
        principal: &Principal,
        change: SettingChange<T>,
        write: impl AsyncFnOnce(&mut Db<'_>, &T, i64) -> StorageResult<Option<i64>>,
        details: impl FnOnce(&T) -> serde_json::Value,
    ) -> AppResult<(T, i64)> {
        authorize(principal, change.operation)?;
        let value = change.value?;
        let version = expected_version(change.precondition)?;
        let tenant = principal.tenant();
        self.provision(tenant).await?;
        let mut connection = self.connection(tenant).await?;
        let mut tx = connection.begin().await?;
        let mut db = tx.db();
        let Some(updated) = write(&mut db, &value, version).await? else {
            return Err(AppError::Stale);
        };
        if updated == version {
            tx.rollback().await?;
            return Ok((value, updated));
        }
        let mut details = details(&value);
        if let serde_json::Value::Object(fields) = &mut details {
            fields.insert("version".to_owned(), updated.into());
        }
        record(
            &mut db,
            principal,
            change.action,
            &("tenant", tenant.to_string(), None),
            details,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(tenant = %tenant, setting = change.action, version = updated, "tenant setting replaced");
        Ok((value, updated))
    }
}
