//! Quality checks: the tenant's phrase settings (one JSON document under a version, like the
//! deadline policy), the reason codes as the candidate reads them, and the counts of findings
//! kept when feedback is submitted and released.

use std::collections::BTreeMap;

use sqlx::types::Json;

use crate::domain::catalog::CatalogKind;
use crate::domain::feedback::quality::{
    FindingCode, PhraseSettings, ReasonText, Severity, TenantPhrase,
};
use crate::domain::{FeedbackId, TenantId};

use super::{on_db, Db, StorageError, StorageResult};

/// The phrase settings as stored (JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredPhrases {
    pub added: Vec<StoredPhrase>,
    pub retired: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredPhrase {
    pub phrase: String,
    pub severity: Severity,
    pub suggestion: String,
}

impl From<&PhraseSettings> for StoredPhrases {
    fn from(settings: &PhraseSettings) -> Self {
        let mut retired: Vec<String> = settings.retired.iter().cloned().collect();
        retired.sort();
        Self {
            added: settings
                .added
                .iter()
                .map(|p| StoredPhrase {
                    phrase: p.phrase.clone(),
                    severity: p.severity,
                    suggestion: p.suggestion.clone(),
                })
                .collect(),
            retired,
        }
    }
}

impl From<StoredPhrases> for PhraseSettings {
    fn from(stored: StoredPhrases) -> Self {
        Self {
            added: stored
                .added
                .into_iter()
                .map(|p| TenantPhrase {
                    phrase: p.phrase,
                    severity: p.severity,
                    suggestion: p.suggestion,
                })
                .collect(),
            retired: stored.retired.into_iter().collect(),
        }
    }
}

/// When findings were counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckedAt {
    Submit,
    Release,
}

impl Db<'_> {
    /// The tenant's phrase settings (none until HR sets them) and their version.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn quality_phrases(
        &mut self,
        tenant: &TenantId,
    ) -> StorageResult<(PhraseSettings, i64)> {
        let row = on_db!(self, c => sqlx::query_as::<_, (Option<Json<StoredPhrases>>, i64)>(
            "select quality_phrases, quality_phrases_version from tenants where id = $1")
            .bind(tenant)
            .fetch_optional(&mut *c)
            .await)?;
        Ok(match row {
            Some((stored, version)) => (stored.map(|s| s.0.into()).unwrap_or_default(), version),
            None => (PhraseSettings::default(), 1),
        })
    }

    /// Replaces the phrase settings if they are still at `version`; the new version, or
    /// `None` if stale.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn set_quality_phrases(
        &mut self,
        tenant: &TenantId,
        settings: &PhraseSettings,
        version: i64,
    ) -> StorageResult<Option<i64>> {
        Ok(on_db!(self, c => sqlx::query_scalar::<_, i64>(
            "update tenants set quality_phrases = $2, quality_phrases_version = quality_phrases_version + 1
              where id = $1 and quality_phrases_version = $3
              returning quality_phrases_version")
            .bind(tenant)
            .bind(Json(StoredPhrases::from(settings)))
            .bind(version)
            .fetch_optional(&mut *c)
            .await)?)
    }

    /// Every reason code of the tenant, retired ones too (a draft may still carry them).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn reason_texts(&mut self, tenant: &TenantId) -> StorageResult<Vec<ReasonText>> {
        let rows: Vec<(String, String, String)> = on_db!(self, c => sqlx::query_as(
                "select key, name, description from catalog_entries
                  where tenant_id = $1 and kind = $2 order by key")
            .bind(tenant)
            .bind(CatalogKind::ReasonCodes.as_str())
            .fetch_all(&mut *c)
            .await)?;
        Ok(rows
            .into_iter()
            .map(|(key, name, description)| ReasonText {
                key,
                name,
                description,
            })
            .collect())
    }

    /// Keeps how many findings of each code the feedback had when it was submitted or
    /// released (the latest submit and release count).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn record_findings(
        &mut self,
        tenant: &TenantId,
        feedback: FeedbackId,
        at: CheckedAt,
        counts: &BTreeMap<FindingCode, u32>,
    ) -> StorageResult<()> {
        let sql = match at {
            CheckedAt::Submit => {
                "update feedback set findings_at_submit = $3 where tenant_id = $1 and id = $2"
            }
            CheckedAt::Release => {
                "update feedback set findings_at_release = $3 where tenant_id = $1 and id = $2"
            }
        };
        let updated = on_db!(self, c => sqlx::query(sql)
            .bind(tenant)
            .bind(feedback)
            .bind(Json(counts))
            .execute(&mut *c)
            .await
            .map(|done| done.rows_affected()))?;
        if updated == 1 {
            Ok(())
        } else {
            Err(StorageError::Other(
                "the feedback whose findings were counted is gone".into(),
            ))
        }
    }
}
