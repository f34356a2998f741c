//! Tenants, their settings and their catalogs.

use sqlx::types::Json;
use sqlx::AssertSqlSafe;
use std::collections::HashSet;

use chrono::{DateTime, Utc};

use crate::domain::catalog::{CatalogKey, CatalogKind, EntryChange, EntryText, NewEntry};
use crate::domain::feedback::{QualityEnforcement, ReviewPolicy};
use crate::domain::labels::{CatalogText, LabelSource, RawNames, TenantLanguages};
use crate::domain::language::Translations;
use crate::domain::TenantId;

use super::rows::CatalogEntry;
use super::{now, on_db, Db, StorageError, StorageResult};

const ENTRY_COLUMNS: &str =
    "key, name, description, translations, active, version, created_at, updated_at";

/// The versions of what a tenant's labels are made of: its catalogs and its language
/// settings. Equal versions mean equal texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LabelVersions {
    pub catalog: i64,
    pub languages: i64,
}

/// The keys of both catalogs that are active now.
#[derive(Debug, Clone, Default)]
pub struct ActiveKeys {
    pub reasons: HashSet<String>,
    pub competencies: HashSet<String>,
}

/// Which entries to list.
#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    /// Only active (`Some(true)`) or only retired (`Some(false)`) entries.
    pub active: Option<bool>,
    /// Keyset position: entries with a key after this one.
    pub after: Option<String>,
}

impl Db<'_> {
    /// Creates the tenant unless it exists; `true` when this call created it. Safe to race:
    /// the losing insert does nothing.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn insert_tenant(&mut self, tenant: &TenantId) -> StorageResult<bool> {
        let inserted = on_db!(self, c => sqlx::query(
                "insert into tenants (id, created_at) values ($1, $2) on conflict (id) do nothing")
            .bind(tenant)
            .bind(now())
            .execute(&mut *c)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(inserted == 1)
    }

    /// Adds an active entry; a key already in the catalog (active or retired) is a conflict.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn insert_entry(
        &mut self,
        tenant: &TenantId,
        kind: CatalogKind,
        entry: &NewEntry,
        at: DateTime<Utc>,
    ) -> StorageResult<CatalogEntry> {
        let sql = format!(
            "insert into catalog_entries
               (tenant_id, kind, key, name, description, translations, active, version,
                created_at, updated_at)
             values ($1, $2, $3, $4, $5, $7, true, 1, $6, $6)
             returning {ENTRY_COLUMNS}"
        );
        Ok(
            on_db!(self, c => sqlx::query_as::<_, CatalogEntry>(AssertSqlSafe(sql.as_str()))
            .bind(tenant)
            .bind(kind.as_str())
            .bind(&entry.key)
            .bind(entry.name.as_str())
            .bind(entry.description.as_str())
            .bind(at)
            .bind(Json(&entry.translations))
            .fetch_one(&mut *c)
            .await)?,
        )
    }

    /// Up to `limit` entries in key order, after `filter.after`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_entries(
        &mut self,
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
        Ok(
            on_db!(self, c => sqlx::query_as::<_, CatalogEntry>(AssertSqlSafe(sql.as_str()))
            .bind(tenant)
            .bind(kind.as_str())
            .bind(filter.after.as_deref().unwrap_or(""))
            .bind(filter.active)
            .bind(i64::from(limit))
            .fetch_all(&mut *c)
            .await)?,
        )
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn get_entry(
        &mut self,
        tenant: &TenantId,
        kind: CatalogKind,
        key: &CatalogKey,
    ) -> StorageResult<Option<CatalogEntry>> {
        let sql = format!(
            "select {ENTRY_COLUMNS} from catalog_entries where tenant_id = $1 and kind = $2 and key = $3"
        );
        Ok(
            on_db!(self, c => sqlx::query_as::<_, CatalogEntry>(AssertSqlSafe(sql.as_str()))
            .bind(tenant)
            .bind(kind.as_str())
            .bind(key)
            .fetch_optional(&mut *c)
            .await)?,
        )
    }

    /// Applies `change` if the entry is still at `version`; `None` otherwise.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn update_entry(
        &mut self,
        tenant: &TenantId,
        kind: CatalogKind,
        key: &CatalogKey,
        version: i64,
        change: &EntryChange,
    ) -> StorageResult<Option<CatalogEntry>> {
        let sql = format!(
            "update catalog_entries
             set name = coalesce($5, name),
                 description = coalesce($6, description),
                 active = coalesce($7, active),
                 translations = coalesce($9, translations),
                 version = version + 1,
                 updated_at = $8
             where tenant_id = $1 and kind = $2 and key = $3 and version = $4
             returning {ENTRY_COLUMNS}"
        );
        Ok(
            on_db!(self, c => sqlx::query_as::<_, CatalogEntry>(AssertSqlSafe(sql.as_str()))
            .bind(tenant)
            .bind(kind.as_str())
            .bind(key)
            .bind(version)
            .bind(change.name.as_deref())
            .bind(change.description.as_deref())
            .bind(change.active)
            .bind(now())
            .bind(change.translations.as_ref().map(Json))
            .fetch_optional(&mut *c)
            .await)?,
        )
    }

    /// The keys of both catalogs that are active now, and the catalogs' version, in one
    /// statement.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn active_keys(&mut self, tenant: &TenantId) -> StorageResult<(ActiveKeys, i64)> {
        let rows: Vec<(i64, Option<String>, Option<String>)> = on_db!(self, c => sqlx::query_as(
                "select t.catalog_version, e.kind, e.key
                   from tenants t left join catalog_entries e
                     on e.tenant_id = t.id and e.active = $2
                  where t.id = $1")
            .bind(tenant)
            .bind(true)
            .fetch_all(&mut *c)
            .await)?;
        let version = rows.first().map_or(0, |r| r.0);
        let mut keys = ActiveKeys::default();
        for (_, kind, key) in rows {
            let (Some(kind), Some(key)) = (kind, key) else {
                continue;
            };
            if kind == CatalogKind::ReasonCodes.as_str() {
                keys.reasons.insert(key);
            } else if kind == CatalogKind::Competencies.as_str() {
                keys.competencies.insert(key);
            }
        }
        Ok((keys, version))
    }

    /// What the labeller needs, in one statement: the tenant's languages and every entry of
    /// both catalogs with its translations, and the versions they are at.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn labelling(
        &mut self,
        tenant: &TenantId,
    ) -> StorageResult<(LabelSource, LabelVersions)> {
        type Row = (
            String,
            Json<Vec<String>>,
            Json<RawNames>,
            i64,
            i64,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<Json<Translations<EntryText>>>,
        );
        let rows: Vec<Row> = on_db!(self, c => sqlx::query_as(
                "select t.default_language, t.languages, t.name_translations,
                        t.catalog_version, t.language_settings_version,
                        e.kind, e.key, e.name, e.description, e.translations
                   from tenants t left join catalog_entries e on e.tenant_id = t.id
                  where t.id = $1")
            .bind(tenant)
            .fetch_all(&mut *c)
            .await)?;
        let Some((default, offered, names, catalog, languages, ..)) = rows.first() else {
            let versions = LabelVersions {
                catalog: 0,
                languages: 0,
            };
            return Ok((
                LabelSource::new(TenantLanguages::default(), Vec::new()),
                versions,
            ));
        };
        let versions = LabelVersions {
            catalog: *catalog,
            languages: *languages,
        };
        let languages = TenantLanguages::parse(default, &offered.0, &names.0)
            .map_err(|_| StorageError::Other("stored language settings are invalid".into()))?;
        let entries = rows
            .into_iter()
            .filter_map(
                |(_, _, _, _, _, kind, key, name, description, translations)| {
                    let kind = CatalogKind::ALL
                        .into_iter()
                        .find(|k| Some(k.as_str()) == kind.as_deref())?;
                    Some(CatalogText {
                        kind,
                        key: key?,
                        name: name?,
                        description: description?,
                        translations: translations.map(|t| t.0).unwrap_or_default(),
                    })
                },
            )
            .collect();
        Ok((LabelSource::new(languages, entries), versions))
    }

    /// Marks a change to the tenant's catalogs (in the change's transaction).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn bump_catalog_version(&mut self, tenant: &TenantId) -> StorageResult<()> {
        on_db!(self, c => sqlx::query(
                "update tenants set catalog_version = catalog_version + 1 where id = $1")
            .bind(tenant)
            .execute(&mut *c)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// The tenant's languages and their version.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn language_settings(
        &mut self,
        tenant: &TenantId,
    ) -> StorageResult<(TenantLanguages, i64)> {
        type Row = (String, Json<Vec<String>>, Json<RawNames>, i64);
        let row = on_db!(self, c => sqlx::query_as::<_, Row>(
                "select default_language, languages, name_translations, language_settings_version
                   from tenants where id = $1")
            .bind(tenant)
            .fetch_optional(&mut *c)
            .await)?;
        let Some((default, offered, names, version)) = row else {
            return Ok((TenantLanguages::default(), 1));
        };
        let languages = TenantLanguages::parse(&default, &offered.0, &names.0)
            .map_err(|_| StorageError::Other("stored language settings are invalid".into()))?;
        Ok((languages, version))
    }

    /// Replaces the tenant's languages if they are still at `version`; the new version, or
    /// `None` if stale.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn set_language_settings(
        &mut self,
        tenant: &TenantId,
        languages: &TenantLanguages,
        version: i64,
    ) -> StorageResult<Option<i64>> {
        let settings = &languages.settings;
        let offered: Vec<&str> = settings.offered().iter().map(|t| t.as_str()).collect();
        Ok(on_db!(self, c => sqlx::query_scalar::<_, i64>(
                "update tenants set default_language = $2, languages = $3, name_translations = $5,
                        language_settings_version = language_settings_version + 1
                  where id = $1 and language_settings_version = $4
                 returning language_settings_version")
            .bind(tenant)
            .bind(settings.default_language().as_str())
            .bind(Json(&offered))
            .bind(version)
            .bind(Json(languages.names.to_raw()))
            .fetch_optional(&mut *c)
            .await)?)
    }

    /// The tenant's review policy and its version.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn review_policy(&mut self, tenant: &TenantId) -> StorageResult<(ReviewPolicy, i64)> {
        let row = on_db!(self, c => sqlx::query_as::<_, (bool, QualityEnforcement, i64)>(
                "select skip_hr_review, quality_enforcement, review_policy_version
                   from tenants where id = $1")
            .bind(tenant)
            .fetch_optional(&mut *c)
            .await)?;
        let Some((skip_hr_review, quality_checks, version)) = row else {
            return Ok((ReviewPolicy::default(), 1));
        };
        let policy = ReviewPolicy {
            skip_hr_review,
            quality_checks,
        };
        Ok((policy, version))
    }

    /// Replaces the review policy if it is still at `version`; the new version, or `None` if
    /// stale.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn set_review_policy(
        &mut self,
        tenant: &TenantId,
        policy: ReviewPolicy,
        version: i64,
    ) -> StorageResult<Option<i64>> {
        Ok(on_db!(self, c => sqlx::query_scalar::<_, i64>(
                "update tenants set skip_hr_review = $2, quality_enforcement = $3,
                        review_policy_version = review_policy_version + 1
                  where id = $1 and review_policy_version = $4
                 returning review_policy_version")
            .bind(tenant)
            .bind(policy.skip_hr_review)
            .bind(policy.quality_checks)
            .bind(version)
            .fetch_optional(&mut *c)
            .await)?)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn retention_policy(&mut self, tenant: &TenantId) -> StorageResult<Option<u32>> {
        let months = on_db!(self, c => sqlx::query_scalar::<_, Option<i32>>(
                "select retention_months from tenants where id = $1")
            .bind(tenant)
            .fetch_optional(&mut *c)
            .await)?;
        Ok(months.flatten().and_then(|m| u32::try_from(m).ok()))
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn set_retention_policy(
        &mut self,
        tenant: &TenantId,
        months: Option<u32>,
    ) -> StorageResult<()> {
        let months = months.map(|m| i32::try_from(m).unwrap_or(i32::MAX));
        on_db!(self, c => sqlx::query("update tenants set retention_months = $2 where id = $1")
            .bind(tenant)
            .bind(months)
            .execute(&mut *c)
            .await
            .map(|_| ()))?;
        Ok(())
    }
}
