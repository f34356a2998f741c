//! Structured feedback: hiring managers write it for their requisitions; HR reviews, returns,
//! approves, releases and amends it. Every step is the pure `transition` applied as one
//! conditional update with its workflow event, audit event and (on release and amendment) a
//! revision snapshot in one transaction.

mod quality;
mod workflow;

use chrono::{DateTime, Utc};

use crate::auth::policy::{HiringView, Operation};
use crate::domain::feedback::quality::Finding;
use crate::domain::feedback::{
    internal_notes, AllowedKeys, FeedbackAction, FeedbackDocument, FeedbackStatus, ReviewPolicy,
};
use crate::domain::{
    ApplicationId, Checked, FeedbackId, FieldError, Precondition, Principal, RequisitionId,
};
use crate::storage::{
    now, Db, Feedback, FeedbackEvent, FeedbackFilter, FeedbackRevision, FeedbackUpdate, NewFeedback,
};

use super::idempotency::{create_once, Created, Once};
use super::settings::SettingChange;
use super::{
    applications, audit_reads, authorize, ensure_requisition_visible, record, App, AppError,
    AppResult, Page, PageRequest,
};

pub struct FeedbackUseCases<'a>(pub(super) &'a App);

/// What a hiring manager writes. Drafts may be incomplete.
#[derive(Debug, Clone)]
pub struct Draft {
    pub document: FeedbackDocument,
    pub internal_notes: String,
}

/// HR's amendment of released feedback: a new revision, with why.
#[derive(Debug, Clone)]
pub struct Amendment {
    pub document: FeedbackDocument,
    /// Replaces the internal notes when given.
    pub internal_notes: Option<String>,
    pub note: String,
}

/// The filters of the feedback list.
#[derive(Debug, Clone, Default)]
pub struct FeedbackQuery {
    pub status: Option<FeedbackStatus>,
    pub requisition_id: Option<RequisitionId>,
    /// Only feedback unchanged since before this instant (the review queue's oldest first).
    pub updated_before: Option<DateTime<Utc>>,
}

/// The workflow log and every released revision.
#[derive(Debug, Clone)]
pub struct FeedbackHistory {
    pub events: Vec<FeedbackEvent>,
    pub revisions: Vec<FeedbackRevision>,
}

impl FeedbackUseCases<'_> {
    /// Starts the feedback for an application (its requisition's hiring managers, HR). One
    /// per application.
    pub async fn create(
        &self,
        principal: &Principal,
        application: ApplicationId,
        draft: Draft,
        once: Option<Once<'_, Feedback>>,
    ) -> AppResult<Created<Feedback>> {
        authorize(principal, Operation::CreateFeedback)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let application =
            applications::visible(&mut connection.db(), principal, application).await?;
        let (document, notes) = checked(
            self.0,
            &mut connection.db(),
            principal,
            draft.document,
            Some(&draft.internal_notes),
            None,
        )
        .await?;
        let notes = notes.unwrap_or_default();
        let tenant = principal.tenant();
        let created = create_once(&mut connection, principal, once, async |db| {
            let new = NewFeedback {
                application: &application,
                // The author is whoever starts the draft.
                author: principal.sub(),
                document: &document,
                internal_notes: &notes,
                at: now(),
            };
            let created = db.insert_feedback(tenant, new).await?;
            let step = FeedbackUpdate {
                action: FeedbackAction::Create,
                from: None,
                actor: principal.sub(),
                comment: None,
            };
            db.record_step(tenant, &created, step).await?;
            record(
                db,
                principal,
                "feedback.create",
                &created,
                serde_json::json!({"application_id": created.application_id}),
            )
            .await?;
            Ok(created)
        })
        .await;
        match created {
            Err(AppError::Conflict(_)) => Err(AppError::Conflict(
                "this application already has feedback".into(),
            )),
            other => other,
        }
    }

    /// HR's review queue or a hiring manager's feedback on their requisitions, oldest first.
    pub async fn list(
        &self,
        principal: &Principal,
        query: FeedbackQuery,
        page: Checked<PageRequest<FeedbackId>>,
    ) -> AppResult<Page<Feedback>> {
        authorize(principal, Operation::ListFeedback)?;
        let page = page?;
        let filter = FeedbackFilter {
            status: query.status,
            requisition_id: query.requisition_id,
            hiring_manager: HiringView::of(principal).manager().cloned(),
            updated_before: query.updated_before,
            after: page.after,
        };
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut db = connection.db();
        let rows = db
            .list_feedback(principal.tenant(), &filter, page.fetch())
            .await?;
        let page = Page::of(rows, page.limit);
        let reads = page
            .items
            .iter()
            .map(|f| (f.id.to_string(), &f.candidate_id));
        audit_reads(&mut db, principal, "feedback.read", "feedback", reads).await?;
        Ok(page)
    }

    /// The feedback with what the quality checks find on it (the review view).
    pub async fn get(
        &self,
        principal: &Principal,
        id: FeedbackId,
    ) -> AppResult<(Feedback, Vec<Finding>)> {
        authorize(principal, Operation::ReadFeedback)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut db = connection.db();
        let feedback = visible(&mut db, principal, id).await?;
        let read = [(feedback.id.to_string(), &feedback.candidate_id)];
        audit_reads(&mut db, principal, "feedback.read", "feedback", read).await?;
        let findings = quality::Checker::load(&mut db, principal)
            .await?
            .check(&feedback.document.0, &feedback.internal_notes);
        Ok((feedback, findings))
    }

    /// The workflow log and every released revision (HR).
    pub async fn history(
        &self,
        principal: &Principal,
        id: FeedbackId,
    ) -> AppResult<FeedbackHistory> {
        authorize(principal, Operation::ReadFeedbackHistory)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut db = connection.db();
        let feedback = visible(&mut db, principal, id).await?;
        let read = [(feedback.id.to_string(), &feedback.candidate_id)];
        audit_reads(
            &mut db,
            principal,
            "feedback.history.read",
            "feedback",
            read,
        )
        .await?;
        Ok(FeedbackHistory {
            events: db.feedback_events(principal.tenant(), id).await?,
            revisions: db.feedback_revisions(principal.tenant(), id).await?,
        })
    }

    /// The tenant's review policy and its version (HR).
    pub async fn review_policy(&self, principal: &Principal) -> AppResult<(ReviewPolicy, i64)> {
        authorize(principal, Operation::ReadReviewPolicy)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        Ok(connection.db().review_policy(principal.tenant()).await?)
    }

    /// Replaces the review policy at the caller's version (HR).
    pub async fn set_review_policy(
        &self,
        principal: &Principal,
        policy: ReviewPolicy,
        precondition: Precondition,
    ) -> AppResult<(ReviewPolicy, i64)> {
        let change = SettingChange {
            operation: Operation::UpdateReviewPolicy,
            action: "review_policy.update",
            value: Ok(policy),
            precondition,
        };
        let tenant = principal.tenant();
        let write = async |db: &mut Db<'_>, policy: &ReviewPolicy, version: i64| {
            db.set_review_policy(tenant, *policy, version).await
        };
        self.0
            .replace_setting(principal, change, write, |policy| {
                serde_json::json!({
                    "skip_hr_review": policy.skip_hr_review,
                    "quality_checks": policy.quality_checks,
                })
            })
            .await
    }
}

/// Feedback the caller may see (HR, or a hiring manager of its requisition), or `NotFound`:
/// one statement for the record and the caller's right to it.
pub(super) async fn visible(
    db: &mut Db<'_>,
    principal: &Principal,
    id: FeedbackId,
) -> AppResult<Feedback> {
    let view = HiringView::of(principal);
    if view == HiringView::Nothing {
        return Err(AppError::NotFound);
    }
    db.get_feedback(principal.tenant(), id, view.manager())
        .await?
        .ok_or(AppError::NotFound)
}

/// Feedback whose requisition the caller may see (through `ensure_requisition_visible`).
pub(super) async fn on_visible_requisition(
    db: &mut Db<'_>,
    principal: &Principal,
    id: FeedbackId,
) -> AppResult<Feedback> {
    let feedback = db
        .get_feedback(principal.tenant(), id, None)
        .await?
        .ok_or(AppError::NotFound)?;
    ensure_requisition_visible(db, principal, feedback.requisition_id).await?;
    Ok(feedback)
}

fn under_document(errors: Vec<FieldError>) -> Vec<FieldError> {
    errors.into_iter().map(|e| e.under("document")).collect()
}

/// Validates a document against the tenant's catalogs (keys on `previous`, the record being
/// changed, stay valid; its catalog version lets the key cache answer).
async fn checked(
    app: &App,
    db: &mut Db<'_>,
    principal: &Principal,
    mut document: FeedbackDocument,
    notes: Option<&str>,
    previous: Option<&Feedback>,
) -> AppResult<(FeedbackDocument, Option<String>)> {
    let keys = app
        .active_keys(db, principal.tenant(), previous.map(|p| p.catalog_version))
        .await?;
    let named = document.resource_ids().collect();
    let resources = super::resources::active_among(db, principal, &named).await?;
    let allowed = AllowedKeys {
        reasons: &keys.reasons,
        competencies: &keys.competencies,
        resources: &resources,
    };
    let previous = previous.map(|p| &p.document.0);
    let mut errors = under_document(document.normalise(&allowed, previous));
    let notes = notes.map(|notes| internal_notes(notes, &mut errors));
    if errors.is_empty() {
        Ok((document, notes))
    } else {
        Err(AppError::Validation(errors))
    }
}
