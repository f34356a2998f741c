//! The candidate's language: the languages a tenant offers (HR), and the labeller that names a
//! document's keys in the language a candidate's `Accept-Language` negotiates.

use crate::auth::policy::Operation;
use crate::domain::labels::{LabelSource, Labeller, TenantLanguages};
use crate::domain::{Checked, Precondition, Principal, TenantId};
use crate::storage::{Db, LabelVersions};

use super::cache::TenantCache;
use super::settings::SettingChange;
use super::{authorize, App, AppResult};

pub struct Languages<'a>(pub(super) &'a App);

/// A candidate-facing answer and the labeller of the language it is in.
#[derive(Debug)]
pub struct Localized<T> {
    pub value: T,
    pub labeller: Labeller,
}

impl Languages<'_> {
    /// The tenant's languages and their version (everyone in the tenant).
    pub async fn settings(&self, principal: &Principal) -> AppResult<(TenantLanguages, i64)> {
        authorize(principal, Operation::ReadLanguageSettings)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        Ok(connection
            .db()
            .language_settings(principal.tenant())
            .await?)
    }

    /// Replaces the tenant's languages at the caller's version (HR); a no-op keeps the
    /// version (other clients' `If-Match` stays valid).
    pub async fn set_settings(
        &self,
        principal: &Principal,
        settings: Checked<TenantLanguages>,
        precondition: Precondition,
    ) -> AppResult<(TenantLanguages, i64)> {
        let change = SettingChange {
            operation: Operation::UpdateLanguageSettings,
            action: "language_settings.update",
            value: settings,
            precondition,
        };
        let tenant = principal.tenant();
        let write = async |db: &mut Db<'_>, settings: &TenantLanguages, version: i64| {
            let (current, current_version) = db.language_settings(tenant).await?;
            if current_version != version {
                return Ok(None);
            }
            if current == *settings {
                return Ok(Some(version));
            }
            db.set_language_settings(tenant, settings, version).await
        };
        self.0
            .replace_setting(principal, change, write, |languages| {
                let settings = &languages.settings;
                let offered: Vec<&str> = settings.offered().iter().map(|t| t.as_str()).collect();
                serde_json::json!({
                    "default_language": settings.default_language(),
                    "languages": offered,
                    "named_languages": languages.names.to_raw().keys().collect::<Vec<_>>(),
                })
            })
            .await
    }
}

/// The label sources of the tenants this process has answered, by the versions of their
/// catalogs and languages.
pub(super) type LabelCache = TenantCache<LabelVersions, LabelSource>;

impl App {
    /// The labeller for one candidate-facing answer: the language negotiated from the caller's
    /// `Accept-Language` among the tenant's offered languages, over the tenant's catalog texts.
    /// `known`: the versions the answer's own statement read; when the cache holds them, no
    /// statement is sent.
    pub(super) async fn labeller(
        &self,
        db: &mut Db<'_>,
        tenant: &TenantId,
        accept_language: Option<&str>,
        known: Option<LabelVersions>,
    ) -> AppResult<Labeller> {
        if let Some(source) = self.labels.get(tenant, known) {
            return Ok(source.labeller(accept_language));
        }
        let (source, versions) = db.labelling(tenant).await?;
        Ok(self
            .labels
            .put(tenant, versions, source)
            .labeller(accept_language))
    }
}
