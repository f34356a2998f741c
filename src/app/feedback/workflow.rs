//! The review workflow: submit, return, approve, release, amend. Every step is the pure
//! `transition` applied as one conditional update guarded by the version read, with its
//! workflow event, audit event and (on release and amendment) a revision snapshot, in one
//! transaction.

use crate::auth::policy::Operation;
use std::collections::BTreeMap;

use crate::domain::events::EventType;
use crate::domain::feedback::quality::{counts, FindingCode, Severity};
use crate::domain::feedback::{
    transition, FeedbackAction, FeedbackDocument, FeedbackStatus, QualityEnforcement, ReviewPolicy,
};
use crate::domain::hiring::ApplicationStatus;
use crate::domain::{bounded_text, Checked, FeedbackId, Precondition, Principal};
use crate::storage::{
    now, AuditRecord, CheckedAt, Connection, Feedback, FeedbackUpdate, RecordedStep,
};

use super::quality::Checker;
use super::{checked, under_document, visible, Amendment, Draft, FeedbackUseCases};
use crate::app::{
    actor, authorize, expected_version, record, AppError, AppResult, Audited, ATTEMPTS,
};

/// One workflow step to apply.
struct Step<'a> {
    action: FeedbackAction,
    /// The version the caller saw, for edits and amendments.
    expected_version: Option<i64>,
    document: Option<&'a FeedbackDocument>,
    internal_notes: Option<&'a str>,
    /// The HR comment of a return, or the note of an amendment.
    comment: Option<&'a str>,
    policy: ReviewPolicy,
    /// A release's business days since the decision (the timeliness report's figure).
    release_days: Option<u32>,
    /// The quality findings per code to keep (at submit and at release).
    findings: Option<(CheckedAt, BTreeMap<FindingCode, u32>)>,
}

impl Step<'_> {
    fn new(action: FeedbackAction) -> Self {
        Self {
            action,
            expected_version: None,
            document: None,
            internal_notes: None,
            comment: None,
            policy: ReviewPolicy::default(),
            release_days: None,
            findings: None,
        }
    }
}

/// Where a step left the feedback.
enum Stepped {
    Done(Feedback),
    /// The caller's version (or, after retries, the version read) is no longer current.
    Stale,
    /// The current state does not allow the step.
    Illegal(Feedback),
}

impl FeedbackUseCases<'_> {
    /// Replaces the content of draft or returned feedback, at the caller's version.
    pub async fn edit(
        &self,
        principal: &Principal,
        id: FeedbackId,
        draft: Draft,
        precondition: Precondition,
    ) -> AppResult<Feedback> {
        authorize(principal, Operation::EditFeedback)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let current = visible(&mut connection.db(), principal, id).await?;
        let (document, notes) = checked(
            self.0,
            &mut connection.db(),
            principal,
            draft.document,
            Some(&draft.internal_notes),
            Some(&current),
        )
        .await?;
        let version = expected_version(precondition)?;
        // Saving what is already there is a no-op: the same version and ETag, no workflow
        // event, no audit row (an editor that autosaves does not invalidate HR's If-Match).
        let unchanged = document == current.document.0
            && notes
                .as_deref()
                .is_none_or(|notes| notes == current.internal_notes);
        if unchanged && version == current.version && current.status.is_editable() {
            return Ok(current);
        }
        let step = Step {
            expected_version: Some(version),
            document: Some(&document),
            internal_notes: notes.as_deref(),
            ..Step::new(FeedbackAction::Edit)
        };
        let stepped = apply(&mut connection, principal, current, &step).await?;
        outcome(stepped, FeedbackAction::Edit)
    }

    /// Submits for HR review; needs a reason, a summary and a development action, and no
    /// `error` finding of the quality checks unless the tenant's review policy is warn-only.
    /// With the tenant's `skip_hr_review`, submitting approves.
    pub async fn submit(&self, principal: &Principal, id: FeedbackId) -> AppResult<Feedback> {
        authorize(principal, Operation::SubmitFeedback)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let (policy, _) = connection.db().review_policy(principal.tenant()).await?;
        let checker = Checker::load(&mut connection.db(), principal).await?;
        // The checks and the submit apply to the same version: an edit in between makes the
        // submit stale, and the checks run again on the new content.
        for _ in 0..ATTEMPTS {
            let current = visible(&mut connection.db(), principal, id).await?;
            let found = checker.check(&current.document.0, &current.internal_notes);
            if current.status.is_editable() {
                let missing = under_document(current.document.0.completeness());
                if !missing.is_empty() {
                    return Err(AppError::Validation(missing));
                }
                let errors: Vec<_> = found
                    .iter()
                    .filter(|f| f.severity == Severity::Error)
                    .cloned()
                    .collect();
                if !errors.is_empty() && policy.quality_checks == QualityEnforcement::Block {
                    return Err(AppError::Quality(errors));
                }
            }
            let step = Step {
                policy,
                expected_version: Some(current.version),
                findings: Some((CheckedAt::Submit, counts(&found))),
                ..Step::new(FeedbackAction::Submit)
            };
            match apply(&mut connection, principal, current, &step).await? {
                Stepped::Stale => continue,
                stepped => return outcome(stepped, FeedbackAction::Submit),
            }
        }
        Err(AppError::Conflict(
            "The feedback is being changed concurrently; retry.".into(),
        ))
    }

    /// Sends submitted feedback back to its author with a comment (HR).
    pub async fn return_to_author(
        &self,
        principal: &Principal,
        id: FeedbackId,
        comment: Checked<String>,
    ) -> AppResult<Feedback> {
        authorize(principal, Operation::ReturnFeedback)?;
        let comment = comment?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let current = visible(&mut connection.db(), principal, id).await?;
        let step = Step {
            comment: Some(&comment),
            ..Step::new(FeedbackAction::Return)
        };
        let stepped = apply(&mut connection, principal, current, &step).await?;
        outcome(stepped, FeedbackAction::Return)
    }

    pub async fn approve(&self, principal: &Principal, id: FeedbackId) -> AppResult<Feedback> {
        authorize(principal, Operation::ApproveFeedback)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let current = visible(&mut connection.db(), principal, id).await?;
        let stepped = apply(
            &mut connection,
            principal,
            current,
            &Step::new(FeedbackAction::Approve),
        )
        .await?;
        outcome(stepped, FeedbackAction::Approve)
    }

    /// Releases approved feedback to the candidate; the application must be rejected.
    /// Releasing released feedback again changes nothing (a retry is safe).
    pub async fn release(&self, principal: &Principal, id: FeedbackId) -> AppResult<Feedback> {
        authorize(principal, Operation::ReleaseFeedback)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let current = visible(&mut connection.db(), principal, id).await?;
        if current.status == FeedbackStatus::Released {
            return Ok(current);
        }
        let application = connection
            .db()
            .get_application(principal.tenant(), current.application_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if application.status != ApplicationStatus::Rejected {
            return Err(AppError::Conflict(format!(
                "Feedback is released on rejected applications only; this one is {}.",
                application.status
            )));
        }
        let (policy, _) = connection.db().deadline_policy(principal.tenant()).await?;
        let release_days = application.decided_at.map(|decided| {
            policy.business_days_between(policy.local_day(decided), policy.local_day(now()))
        });
        let checker = Checker::load(&mut connection.db(), principal).await?;
        let found = checker.check(&current.document.0, &current.internal_notes);
        let step = Step {
            release_days,
            findings: Some((CheckedAt::Release, counts(&found))),
            ..Step::new(FeedbackAction::Release)
        };
        match apply(&mut connection, principal, current, &step).await? {
            // A concurrent release won: answer as a retry would.
            Stepped::Illegal(current) if current.status == FeedbackStatus::Released => Ok(current),
            stepped => outcome(stepped, FeedbackAction::Release),
        }
    }

    /// Amends released feedback (HR): a new revision the candidate sees marked as amended;
    /// earlier revisions stay in the history.
    pub async fn amend(
        &self,
        principal: &Principal,
        id: FeedbackId,
        amendment: Amendment,
        precondition: Precondition,
    ) -> AppResult<Feedback> {
        authorize(principal, Operation::AmendFeedback)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let current = visible(&mut connection.db(), principal, id).await?;
        let mut note_errors = Vec::new();
        let note = bounded_text("note", &amendment.note, 1, 1000, &mut note_errors);
        let checked = checked(
            self.0,
            &mut connection.db(),
            principal,
            amendment.document,
            amendment.internal_notes.as_deref(),
            Some(&current),
        )
        .await;
        let (document, notes) = match checked {
            Ok(checked) if note_errors.is_empty() => checked,
            Ok(_) => return Err(AppError::Validation(note_errors)),
            Err(AppError::Validation(mut errors)) => {
                errors.extend(note_errors);
                return Err(AppError::Validation(errors));
            }
            Err(other) => return Err(other),
        };
        let missing = under_document(document.completeness());
        if !missing.is_empty() {
            return Err(AppError::Validation(missing));
        }
        let step = Step {
            expected_version: Some(expected_version(precondition)?),
            document: Some(&document),
            internal_notes: notes.as_deref(),
            comment: Some(&note),
            ..Step::new(FeedbackAction::Amend)
        };
        let stepped = apply(&mut connection, principal, current, &step).await?;
        outcome(stepped, FeedbackAction::Amend)
    }
}

/// The result of a step, as the caller gets it.
fn outcome(stepped: Stepped, action: FeedbackAction) -> AppResult<Feedback> {
    match stepped {
        Stepped::Done(feedback) => {
            tracing::info!(feedback = %feedback.id, action = %action, status = %feedback.status, "feedback workflow step");
            Ok(feedback)
        }
        Stepped::Stale => Err(AppError::Stale),
        Stepped::Illegal(current) => Err(AppError::Conflict(format!(
            "Feedback that is {} cannot be {}.",
            current.status,
            action.done()
        ))),
    }
}

/// Applies a step to `read` (the record as the caller just read it, to authorize and
/// validate). A concurrent change makes a versioned step stale; other steps are re-evaluated
/// against the new state.
async fn apply(
    connection: &mut Connection,
    principal: &Principal,
    read: Feedback,
    step: &Step<'_>,
) -> AppResult<Stepped> {
    let tenant = principal.tenant();
    let id = read.id;
    let mut known = Some(read);
    for _ in 0..ATTEMPTS {
        let current = match known.take() {
            Some(current) => current,
            None => connection
                .db()
                .get_feedback(tenant, id, None)
                .await?
                .ok_or(AppError::NotFound)?,
        };
        if step.expected_version.is_some_and(|v| v != current.version) {
            return Ok(Stepped::Stale);
        }
        let Ok(to) = transition(current.status, step.action, step.policy) else {
            return Ok(Stepped::Illegal(current));
        };
        let next = advance(&current, to, step);
        let update = FeedbackUpdate {
            action: step.action,
            from: Some(current.status),
            actor: principal.sub(),
            comment: step.comment,
        };
        let action = format!("feedback.{}", step.action);
        let details =
            serde_json::json!({"from": current.status, "to": to, "revision": next.revision});
        // A step that writes only the record, its workflow event and its audit row (an edit)
        // is written whole at once: one round trip on PostgreSQL.
        let plain = step.findings.is_none()
            && step.action != FeedbackAction::Release
            && !step.action.makes_revision()
            && EventType::caused_by(&action).is_none();
        if plain {
            let (resource_type, resource_id, candidate) = next.about();
            let audit = actor(principal);
            let written = RecordedStep {
                version: current.version,
                next: &next,
                update,
                audit: &audit,
                record: AuditRecord {
                    action: &action,
                    resource_type,
                    resource_id,
                    candidate,
                    details,
                },
            };
            if !connection.write_step(tenant, written).await? {
                if step.expected_version.is_some() {
                    return Ok(Stepped::Stale);
                }
                known = None;
                continue;
            }
            return Ok(Stepped::Done(next));
        }
        let mut tx = connection.begin().await?;
        let mut db = tx.db();
        if !db.replace_feedback(tenant, current.version, &next).await? {
            tx.rollback().await?;
            if step.expected_version.is_some() {
                return Ok(Stepped::Stale);
            }
            known = None;
            continue;
        }
        db.record_step(tenant, &next, update).await?;
        if let Some((at, counts)) = &step.findings {
            db.record_findings(tenant, next.id, *at, counts).await?;
        }
        if step.action == FeedbackAction::Release {
            let released_at = next.released_at.unwrap_or(next.updated_at);
            db.record_release(tenant, next.application_id, released_at, step.release_days)
                .await?;
        }
        record(&mut db, principal, &action, &next, details).await?;
        if step.action.makes_revision() {
            db.insert_revision(tenant, &next, step.comment, principal.sub())
                .await?;
        }
        tx.commit().await?;
        return Ok(Stepped::Done(next));
    }
    Ok(Stepped::Stale)
}

/// The record after the step: the new status, a new version, and what the step changes.
fn advance(current: &Feedback, to: FeedbackStatus, step: &Step<'_>) -> Feedback {
    let at = now();
    let mut next = current.clone();
    next.status = to;
    next.version += 1;
    next.updated_at = at;
    if let Some(document) = step.document {
        next.document = sqlx::types::Json(document.clone());
    }
    if let Some(notes) = step.internal_notes {
        next.internal_notes = notes.to_owned();
    }
    match step.action {
        FeedbackAction::Return => next.review_comment = step.comment.map(str::to_owned),
        FeedbackAction::Release => {
            next.revision = 1;
            next.released_at = Some(at);
        }
        FeedbackAction::Amend => next.revision += 1,
        _ => {}
    }
    next
}
