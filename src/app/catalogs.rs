//! The tenant's competency framework and reason codes: everyone reads them, HR maintains them.

use std::sync::Arc;

use crate::auth::policy::Operation;
use crate::domain::catalog::{CatalogKey, CatalogKind, EntryChange, NewEntry};
use crate::domain::{Checked, Precondition, Principal, TenantId};
use crate::storage::{now, ActiveKeys, CatalogEntry, Db, EntryFilter};

use super::cache::TenantCache;
use super::idempotency::{create_once, Created, Once};
use super::{authorize, expected_version, record, App, AppError, AppResult, Page, PageRequest};

pub struct Catalogs<'a>(pub(super) &'a App);

impl Catalogs<'_> {
    pub async fn list(
        &self,
        principal: &Principal,
        kind: CatalogKind,
        active: Option<bool>,
        page: Checked<PageRequest<String>>,
    ) -> AppResult<Page<CatalogEntry>> {
        authorize(principal, Operation::ListCatalogEntries)?;
        let page = page?;
        let filter = EntryFilter {
            active,
            after: page.after.clone(),
        };
        let mut connection = self.0.connection(principal.tenant()).await?;
        let rows = connection
            .db()
            .list_entries(principal.tenant(), kind, &filter, page.fetch())
            .await?;
        Ok(Page::of(rows, page.limit))
    }

    /// `key` did not parse: it names nothing, like a key that does not exist.
    pub async fn get(
        &self,
        principal: &Principal,
        kind: CatalogKind,
        key: Option<CatalogKey>,
    ) -> AppResult<CatalogEntry> {
        authorize(principal, Operation::ReadCatalogEntry)?;
        let key = key.ok_or(AppError::NotFound)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        connection
            .db()
            .get_entry(principal.tenant(), kind, &key)
            .await?
            .ok_or(AppError::NotFound)
    }

    pub async fn create(
        &self,
        principal: &Principal,
        kind: CatalogKind,
        entry: Checked<NewEntry>,
        once: Option<Once<'_, CatalogEntry>>,
    ) -> AppResult<Created<CatalogEntry>> {
        authorize(principal, Operation::CreateCatalogEntry)?;
        let entry = entry?;
        let tenant = principal.tenant();
        let mut connection = self.0.connection(principal.tenant()).await?;
        let created = create_once(&mut connection, principal, once, async |db| {
            let created = db.insert_entry(tenant, kind, &entry, now()).await?;
            db.bump_catalog_version(tenant).await?;
            record(
                db,
                principal,
                "catalog.create",
                &(kind.as_str(), entry.key.as_str().to_owned(), None),
                serde_json::json!({}),
            )
            .await?;
            Ok(created)
        })
        .await;
        match created {
            Err(AppError::Conflict(_)) => Err(AppError::Conflict(format!(
                "the key {:?} is already in this catalog",
                entry.key.as_str()
            ))),
            other => other,
        }
    }

    /// Changes or retires an entry, if it is still at the caller's version.
    pub async fn update(
        &self,
        principal: &Principal,
        kind: CatalogKind,
        key: Option<CatalogKey>,
        change: Checked<EntryChange>,
        precondition: Precondition,
    ) -> AppResult<CatalogEntry> {
        authorize(principal, Operation::UpdateCatalogEntry)?;
        let key = key.ok_or(AppError::NotFound)?;
        let change = change?;
        let version = expected_version(precondition)?;
        let tenant = principal.tenant();
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut tx = connection.begin().await?;
        let mut db = tx.db();
        // A no-op keeps the version (other clients' `If-Match` stays valid) and writes nothing.
        let current = db
            .get_entry(tenant, kind, &key)
            .await?
            .ok_or(AppError::NotFound)?;
        if current.version != version {
            return Err(AppError::Stale);
        }
        if !change.changes(
            &current.name,
            &current.description,
            current.active,
            &current.translations.0,
        ) {
            tx.rollback().await?;
            return Ok(current);
        }
        let Some(updated) = db
            .update_entry(tenant, kind, &key, version, &change)
            .await?
        else {
            return match db.get_entry(tenant, kind, &key).await? {
                Some(_) => Err(AppError::Stale),
                None => Err(AppError::NotFound),
            };
        };
        db.bump_catalog_version(tenant).await?;
        record(
            &mut db,
            principal,
            "catalog.update",
            &(kind.as_str(), key.as_str().to_owned(), None),
            serde_json::json!({"version": updated.version, "active": updated.active}),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(catalog = ?kind, key = %key.as_str(), version = updated.version, "catalog entry updated");
        Ok(updated)
    }
}

/// The active keys of the tenants this process has validated documents for, by the catalogs'
/// version.
pub(super) type KeyCache = TenantCache<i64, ActiveKeys>;

impl App {
    /// The tenant's active catalog keys. `known`: the catalogs' version a statement of this
    /// request already read (with the record being saved); when the cache holds that version,
    /// no statement is sent. A change through any replica moves the version.
    pub(super) async fn active_keys(
        &self,
        db: &mut Db<'_>,
        tenant: &TenantId,
        known: Option<i64>,
    ) -> AppResult<Arc<ActiveKeys>> {
        if let Some(keys) = self.keys.get(tenant, known) {
            return Ok(keys);
        }
        let (keys, version) = db.active_keys(tenant).await?;
        Ok(self.keys.put(tenant, version, keys))
    }
}
