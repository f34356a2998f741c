//! The development resource library: everyone in the tenant reads it (managers pick from it
//! when writing a development plan), HR curates it. Resources are retired, never deleted, so
//! a plan that names one can always show it.

use std::collections::HashSet;

use crate::auth::policy::Operation;
use crate::domain::catalog::{CatalogKey, CatalogKind};
use crate::domain::resources::{NewResource, ResourceChange, ResourceKind};
use crate::domain::{Checked, FieldError, Precondition, Principal, ResourceId};
use crate::storage::{now, Db, Resource, ResourceFilter};

use super::idempotency::{create_once, Created, Once};
use super::{authorize, expected_version, record, App, AppError, AppResult, Page, PageRequest};

pub struct Resources<'a>(pub(super) &'a App);

/// Which resources to list.
#[derive(Debug, Clone, Default)]
pub struct ResourceQuery {
    pub active: Option<bool>,
    pub kind: Option<ResourceKind>,
    /// "Suggested resources": the ones that develop this competency.
    pub competency: Option<CatalogKey>,
}

impl Resources<'_> {
    pub async fn list(
        &self,
        principal: &Principal,
        query: Checked<ResourceQuery>,
        page: Checked<PageRequest<ResourceId>>,
    ) -> AppResult<Page<Resource>> {
        authorize(principal, Operation::ListResources)?;
        let query = query?;
        let page = page?;
        let filter = ResourceFilter {
            active: query.active,
            kind: query.kind,
            competency: query.competency,
            after: page.after,
        };
        let mut connection = self.0.connection(principal.tenant()).await?;
        let rows = connection
            .db()
            .list_resources(principal.tenant(), &filter, page.fetch())
            .await?;
        Ok(Page::of(rows, page.limit))
    }

    pub async fn get(&self, principal: &Principal, id: ResourceId) -> AppResult<Resource> {
        authorize(principal, Operation::ReadResource)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        connection
            .db()
            .get_resource(principal.tenant(), id)
            .await?
            .ok_or(AppError::NotFound)
    }

    pub async fn create(
        &self,
        principal: &Principal,
        resource: Checked<NewResource>,
        once: Option<Once<'_, Resource>>,
    ) -> AppResult<Created<Resource>> {
        authorize(principal, Operation::CreateResource)?;
        let resource = resource?;
        let tenant = principal.tenant();
        let mut connection = self.0.connection(tenant).await?;
        create_once(&mut connection, principal, once, async |db| {
            known_competencies(db, principal, &resource.competencies, &[]).await?;
            let created = db.insert_resource(tenant, &resource, now()).await?;
            record(
                db,
                principal,
                "resource.create",
                &("resource", created.id.to_string(), None),
                serde_json::json!({"kind": created.kind}),
            )
            .await?;
            Ok(created)
        })
        .await
    }

    /// Changes or retires a resource, if it is still at the caller's version.
    pub async fn update(
        &self,
        principal: &Principal,
        id: ResourceId,
        change: Checked<ResourceChange>,
        precondition: Precondition,
    ) -> AppResult<Resource> {
        authorize(principal, Operation::UpdateResource)?;
        let change = change?;
        let version = expected_version(precondition)?;
        let tenant = principal.tenant();
        let mut connection = self.0.connection(tenant).await?;
        let mut tx = connection.begin().await?;
        let mut db = tx.db();
        let current = db
            .get_resource(tenant, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if current.version != version {
            return Err(AppError::Stale);
        }
        // A no-op keeps the version (other clients' `If-Match` stays valid) and writes nothing.
        if !changes(&change, &current) {
            tx.rollback().await?;
            return Ok(current);
        }
        if let Some(competencies) = &change.competencies {
            known_competencies(&mut db, principal, competencies, &current.competencies.0).await?;
        }
        let Some(updated) = db.update_resource(tenant, id, version, &change).await? else {
            return Err(AppError::Stale);
        };
        record(
            &mut db,
            principal,
            "resource.update",
            &("resource", id.to_string(), None),
            serde_json::json!({"version": updated.version, "active": updated.active}),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(resource = %id, version = updated.version, "library resource updated");
        Ok(updated)
    }
}

/// Whether applying `change` to `current` would change anything.
fn changes(change: &ResourceChange, current: &Resource) -> bool {
    let differs = |new: Option<&str>, old: &str| new.is_some_and(|new| new != old);
    differs(change.title.as_deref(), &current.title)
        || change.kind.is_some_and(|k| k != current.kind)
        || differs(change.url.as_deref(), &current.url)
        || differs(change.provider.as_deref(), &current.provider)
        || change
            .duration
            .as_ref()
            .is_some_and(|d| d.as_ref().map(|d| d.as_str()) != current.duration.as_deref())
        || change
            .language
            .as_ref()
            .is_some_and(|l| *l != current.language)
        || differs(change.description.as_deref(), &current.description)
        || change
            .competencies
            .as_ref()
            .is_some_and(|c| *c != current.competencies.0)
        || change
            .translations
            .as_ref()
            .is_some_and(|t| *t != current.translations.0)
        || change.active.is_some_and(|a| a != current.active)
}

/// `Validation` unless every key is an active competency or one the resource already had.
async fn known_competencies(
    db: &mut Db<'_>,
    principal: &Principal,
    keys: &[CatalogKey],
    kept: &[CatalogKey],
) -> AppResult<()> {
    if keys.is_empty() {
        return Ok(());
    }
    let (active, _) = db.active_keys(principal.tenant()).await?;
    let active = active.competencies;
    let errors: Vec<FieldError> = keys
        .iter()
        .enumerate()
        .filter(|(_, key)| !active.contains(key.as_str()) && !kept.contains(key))
        .map(|(i, key)| {
            FieldError::new(
                format!("competencies[{i}]"),
                format!(
                    "{:?} is not an active key of the {} catalog",
                    key.as_str(),
                    CatalogKind::Competencies.path_segment()
                ),
            )
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// The active resources among those a document names (for validating a save).
pub(super) async fn active_among(
    db: &mut Db<'_>,
    principal: &Principal,
    named: &HashSet<ResourceId>,
) -> AppResult<HashSet<ResourceId>> {
    if named.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(db
        .resources(principal.tenant(), named)
        .await?
        .into_iter()
        .filter(|r| r.active)
        .map(|r| r.id)
        .collect())
}
