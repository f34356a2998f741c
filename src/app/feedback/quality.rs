//! Quality checks (docs/quality-checks.md): a draft checked without saving it (the author's
//! editor, live), saved feedback checked (its authors and HR's review view), and the tenant's
//! phrase settings (HR, with `If-Match`). The submit refusal and the counts kept at submit
//! and release live in the workflow (`workflow.rs`), which uses the `Checker` here.

use crate::auth::policy::Operation;
use crate::domain::feedback::quality::{
    self, CheckContext, Finding, FindingCode, PhraseSettings, ReasonText, Severity,
};
use crate::domain::feedback::FeedbackDocument;
use crate::domain::{Checked, FeedbackId, Precondition, Principal};
use crate::storage::{now, Db};

use super::{checked, visible, Draft, FeedbackUseCases};
use crate::app::settings::SettingChange;
use crate::app::{authorize, AppResult};

impl FeedbackUseCases<'_> {
    /// Checks a draft without saving it: the same validation as saving, then the findings.
    pub async fn check_draft(
        &self,
        principal: &Principal,
        draft: Draft,
    ) -> AppResult<Vec<Finding>> {
        authorize(principal, Operation::CheckDraft)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut db = connection.db();
        let (document, notes) = checked(
            self.0,
            &mut db,
            principal,
            draft.document,
            Some(&draft.internal_notes),
            None,
        )
        .await?;
        let checker = Checker::load(&mut db, principal).await?;
        Ok(checker.check(&document, notes.as_deref().unwrap_or("")))
    }

    /// The findings on saved feedback (its requisition's hiring managers, HR).
    pub async fn checks(&self, principal: &Principal, id: FeedbackId) -> AppResult<Vec<Finding>> {
        authorize(principal, Operation::ReadFeedbackChecks)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut db = connection.db();
        let feedback = visible(&mut db, principal, id).await?;
        let checker = Checker::load(&mut db, principal).await?;
        Ok(checker.check(&feedback.document.0, &feedback.internal_notes))
    }

    /// The built-in phrases, with what each finds (HR, to retire some).
    pub fn builtin_phrases(
        &self,
        principal: &Principal,
    ) -> AppResult<Vec<(&'static str, FindingCode, Severity)>> {
        authorize(principal, Operation::ListBuiltinPhrases)?;
        Ok(quality::builtin_phrases().collect())
    }

    /// The tenant's phrase settings and their version (HR).
    pub async fn quality_phrases(&self, principal: &Principal) -> AppResult<(PhraseSettings, i64)> {
        authorize(principal, Operation::ReadQualityPhrases)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        Ok(connection.db().quality_phrases(principal.tenant()).await?)
    }

    /// Replaces the tenant's phrase settings at the caller's version (HR).
    pub async fn set_quality_phrases(
        &self,
        principal: &Principal,
        settings: Checked<PhraseSettings>,
        precondition: Precondition,
    ) -> AppResult<(PhraseSettings, i64)> {
        let change = SettingChange {
            operation: Operation::UpdateQualityPhrases,
            action: "quality_phrases.update",
            value: settings,
            precondition,
        };
        let tenant = principal.tenant();
        let write = async |db: &mut Db<'_>, settings: &PhraseSettings, version: i64| {
            db.set_quality_phrases(tenant, settings, version).await
        };
        self.0
            .replace_setting(principal, change, write, |settings| {
                serde_json::json!({"added": settings.added.len(), "retired": settings.retired.len()})
            })
            .await
    }
}

/// What the checks of one tenant need, read once for the documents of a request.
pub(super) struct Checker {
    today: chrono::NaiveDate,
    reasons: Vec<ReasonText>,
    phrases: PhraseSettings,
}

impl Checker {
    /// The tenant's reason codes, phrase settings and local day (by its deadline policy's
    /// time zone).
    pub(super) async fn load(db: &mut Db<'_>, principal: &Principal) -> AppResult<Self> {
        let tenant = principal.tenant();
        let (policy, _) = db.deadline_policy(tenant).await?;
        let reasons = db.reason_texts(tenant).await?;
        let (phrases, _) = db.quality_phrases(tenant).await?;
        Ok(Self {
            today: policy.local_day(now()),
            reasons,
            phrases,
        })
    }

    pub(super) fn check(&self, document: &FeedbackDocument, notes: &str) -> Vec<Finding> {
        let context = CheckContext {
            today: self.today,
            reasons: &self.reasons,
            phrases: &self.phrases,
        };
        quality::check(document, notes, &context)
    }
}
