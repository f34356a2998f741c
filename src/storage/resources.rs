//! The development resource library. A resource's competencies are stored twice in one
//! transaction: as the JSON list the resource is read with, and one row per key in
//! `resource_competencies`, which answers "resources that develop this competency" by index.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::AssertSqlSafe;

use crate::domain::catalog::CatalogKey;
use crate::domain::language::{LanguageTag, Translations};
use crate::domain::resources::{NewResource, ResourceChange, ResourceKind, ResourceText};
use crate::domain::{ResourceId, TenantId};

use super::{now, on_db, placeholders, Db, StorageResult};

const RESOURCE_COLUMNS: &str = "id, title, kind, url, provider, duration, language, description, \
                                competencies, translations, active, version, created_at, updated_at";

/// A resource of the library.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Resource {
    pub id: ResourceId,
    pub title: String,
    pub kind: ResourceKind,
    pub url: String,
    pub provider: String,
    /// An ISO 8601 duration (`PT8H`).
    pub duration: Option<String>,
    pub language: LanguageTag,
    pub description: String,
    pub competencies: Json<Vec<CatalogKey>>,
    /// The title and description in other languages than the tenant's default.
    pub translations: Json<Translations<ResourceText>>,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Which resources to list.
#[derive(Debug, Clone, Default)]
pub struct ResourceFilter {
    pub active: Option<bool>,
    pub kind: Option<ResourceKind>,
    /// Only resources that develop this competency.
    pub competency: Option<CatalogKey>,
    /// Keyset position: resources created after this one.
    pub after: Option<ResourceId>,
}

/// The most ids one `resources` statement binds (20 actions of 5 resources).
const IDS_PER_STATEMENT: usize = 100;

impl Db<'_> {
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn insert_resource(
        &mut self,
        tenant: &TenantId,
        resource: &NewResource,
        at: DateTime<Utc>,
    ) -> StorageResult<Resource> {
        let sql = format!(
            "insert into development_resources
               (tenant_id, id, title, kind, url, provider, duration, language, description,
                competencies, translations, active, version, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $12, true, 1, $11, $11)
             returning {RESOURCE_COLUMNS}"
        );
        let created = on_db!(self, c => sqlx::query_as::<_, Resource>(AssertSqlSafe(sql.as_str()))
                .bind(tenant)
                .bind(ResourceId::generate())
                .bind(resource.title.as_str())
                .bind(resource.kind)
                .bind(resource.url.as_str())
                .bind(resource.provider.as_str())
                .bind(resource.duration.as_ref().map(|d| d.as_str()))
                .bind(&resource.language)
                .bind(resource.description.as_str())
                .bind(Json(&resource.competencies))
                .bind(at)
                .bind(Json(&resource.translations))
                .fetch_one(&mut *c)
                .await)?;
        self.index_competencies(tenant, created.id, &resource.competencies)
            .await?;
        Ok(created)
    }

    async fn index_competencies(
        &mut self,
        tenant: &TenantId,
        id: ResourceId,
        competencies: &[CatalogKey],
    ) -> StorageResult<()> {
        on_db!(self, c => sqlx::query(
                "delete from resource_competencies where tenant_id = $1 and resource_id = $2")
            .bind(tenant)
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|_| ()))?;
        for competency in competencies {
            on_db!(self, c => sqlx::query(
                    "insert into resource_competencies (tenant_id, competency, resource_id)
                     values ($1, $2, $3)")
                .bind(tenant)
                .bind(competency)
                .bind(id)
                .execute(&mut *c)
                .await
                .map(|_| ()))?;
        }
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn get_resource(
        &mut self,
        tenant: &TenantId,
        id: ResourceId,
    ) -> StorageResult<Option<Resource>> {
        let sql = format!(
            "select {RESOURCE_COLUMNS} from development_resources where tenant_id = $1 and id = $2"
        );
        Ok(
            on_db!(self, c => sqlx::query_as::<_, Resource>(AssertSqlSafe(sql.as_str()))
                .bind(tenant)
                .bind(id)
                .fetch_optional(&mut *c)
                .await)?,
        )
    }

    /// Up to `limit` resources in the order they were created, after `filter.after`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_resources(
        &mut self,
        tenant: &TenantId,
        filter: &ResourceFilter,
        limit: u32,
    ) -> StorageResult<Vec<Resource>> {
        let sql = format!(
            "select {RESOURCE_COLUMNS} from development_resources
             where tenant_id = $1
               and ($2 is null or id > $2)
               and ($3 is null or active = $3)
               and ($4 is null or kind = $4)
               and ($5 is null or id in (select resource_id from resource_competencies
                                         where tenant_id = $1 and competency = $5))
             order by id
             limit $6"
        );
        Ok(
            on_db!(self, c => sqlx::query_as::<_, Resource>(AssertSqlSafe(sql.as_str()))
                .bind(tenant)
                .bind(filter.after)
                .bind(filter.active)
                .bind(filter.kind)
                .bind(filter.competency.as_ref())
                .bind(i64::from(limit))
                .fetch_all(&mut *c)
                .await)?,
        )
    }

    /// The resources with these ids (active or retired), in id order; ids of nothing are
    /// left out.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn resources(
        &mut self,
        tenant: &TenantId,
        ids: &HashSet<ResourceId>,
    ) -> StorageResult<Vec<Resource>> {
        let mut ids: Vec<ResourceId> = ids.iter().copied().collect();
        ids.sort();
        let mut found = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(IDS_PER_STATEMENT) {
            let sql = format!(
                "select {RESOURCE_COLUMNS} from development_resources
                 where tenant_id = $1 and id in ({}) order by id",
                placeholders(2, chunk.len())
            );
            let rows = on_db!(self, c => {
                let mut query =
                    sqlx::query_as::<_, Resource>(AssertSqlSafe(sql.as_str())).bind(tenant);
                for id in chunk {
                    query = query.bind(*id);
                }
                query.fetch_all(&mut *c).await
            })?;
            found.extend(rows);
        }
        Ok(found)
    }

    /// Applies `change` if the resource is still at `version`; `None` otherwise.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn update_resource(
        &mut self,
        tenant: &TenantId,
        id: ResourceId,
        version: i64,
        change: &ResourceChange,
    ) -> StorageResult<Option<Resource>> {
        let sql = format!(
            "update development_resources
             set title = coalesce($4, title),
                 kind = coalesce($5, kind),
                 url = coalesce($6, url),
                 provider = coalesce($7, provider),
                 duration = case when $8 then $9 else duration end,
                 language = coalesce($10, language),
                 description = coalesce($11, description),
                 competencies = coalesce($12, competencies),
                 active = coalesce($13, active),
                 translations = coalesce($15, translations),
                 version = version + 1,
                 updated_at = $14
             where tenant_id = $1 and id = $2 and version = $3
             returning {RESOURCE_COLUMNS}"
        );
        let duration = change.duration.as_ref();
        let updated = on_db!(self, c => sqlx::query_as::<_, Resource>(AssertSqlSafe(sql.as_str()))
                .bind(tenant)
                .bind(id)
                .bind(version)
                .bind(change.title.as_deref())
                .bind(change.kind)
                .bind(change.url.as_deref())
                .bind(change.provider.as_deref())
                .bind(duration.is_some())
                .bind(duration.and_then(|d| d.as_ref()).map(|d| d.as_str()))
                .bind(change.language.as_ref())
                .bind(change.description.as_deref())
                .bind(change.competencies.as_ref().map(Json))
                .bind(change.active)
                .bind(now())
                .bind(change.translations.as_ref().map(Json))
                .fetch_optional(&mut *c)
                .await)?;
        if let (Some(updated), Some(competencies)) = (&updated, &change.competencies) {
            self.index_competencies(tenant, updated.id, competencies)
                .await?;
        }
        Ok(updated)
    }
}
