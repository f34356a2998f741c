//! Privacy requests (HR): the subject access export, erasure, legal holds and the tenant's
//! retention policy. See `storage::privacy` for what anonymisation changes.

use chrono::{DateTime, Utc};

use crate::auth::policy::Operation;
use crate::domain::events::EventType;
use crate::domain::privacy::ErasureReason;
use crate::domain::{ApplicationId, Checked, EmployeeId, Principal, TenantId};
use crate::storage::{
    now, Acknowledgement, ActionProgress, AuditEvent, AuditFilter, AuditRecord, Db, ErasureCounts,
    Feedback, FollowUp, FollowUpFilter, LegalHold, NewEvent, Resource, SubjectApplication,
};

use super::{actor, authorize, record, App, AppError, AppResult, FeedbackHistory};

pub struct Privacy<'a>(pub(super) &'a App);

/// One feedback document about the subject with everything hanging off it.
#[derive(Debug, Clone)]
pub struct SubjectFeedback {
    pub feedback: Feedback,
    pub history: FeedbackHistory,
    pub acknowledgement: Option<Acknowledgement>,
    pub progress: Vec<ActionProgress>,
    pub follow_ups: Vec<FollowUp>,
}

/// Everything held about one subject in one tenant (GDPR Art. 15).
#[derive(Debug, Clone)]
pub struct SubjectExport {
    pub subject: EmployeeId,
    pub tenant: TenantId,
    pub generated_at: DateTime<Utc>,
    pub applications: Vec<SubjectApplication>,
    pub feedback: Vec<SubjectFeedback>,
    /// The library resources any revision of the subject's feedback names.
    pub resources: Vec<Resource>,
    /// Every audit event about the subject, oldest first.
    pub audit_events: Vec<AuditEvent>,
}

/// Rows read per page while collecting an export.
const PAGE: u32 = 1000;

impl Privacy<'_> {
    /// Everything held about an employee; nothing held (or an id that cannot exist) is
    /// `NotFound`. The export is itself audited.
    pub async fn export(
        &self,
        principal: &Principal,
        subject: Option<EmployeeId>,
    ) -> AppResult<SubjectExport> {
        authorize(principal, Operation::ExportSubject)?;
        let subject = subject.ok_or(AppError::NotFound)?;
        let tenant = principal.tenant();
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut db = connection.db();
        let records = db.subject_records(tenant, &subject).await?;
        let mut feedback = Vec::with_capacity(records.feedback.len());
        for document in records.feedback {
            feedback.push(subject_feedback(&mut db, tenant, document).await?);
        }
        let named: std::collections::HashSet<_> = feedback
            .iter()
            .flat_map(|f| {
                let revisions = f.history.revisions.iter().map(|r| &r.document.0);
                std::iter::once(&f.feedback.document.0).chain(revisions)
            })
            .flat_map(|document| document.resource_ids())
            .collect();
        let resources = if named.is_empty() {
            Vec::new()
        } else {
            db.resources(tenant, &named).await?
        };
        let audit_events = all_audit_events(&mut db, tenant, &subject).await?;
        if records.applications.is_empty() && feedback.is_empty() && audit_events.is_empty() {
            return Err(AppError::NotFound);
        }
        let reads = [(subject.to_string(), subject.clone())];
        db.record_reads(
            tenant,
            &actor(principal),
            "subject.export",
            "subject",
            &reads,
        )
        .await?;
        tracing::info!("subject access export");
        Ok(SubjectExport {
            subject,
            tenant: tenant.clone(),
            generated_at: now(),
            applications: records.applications,
            feedback,
            resources,
            audit_events,
        })
    }

    /// Erases an employee (GDPR Art. 17): every application of theirs and everything about it
    /// is anonymised under one pseudonym, the audit events about them are re-pointed to it,
    /// and remembered create responses that name them are deleted. A legal hold on any of
    /// their applications refuses the request, changing nothing.
    pub async fn erase(
        &self,
        principal: &Principal,
        subject: Option<EmployeeId>,
    ) -> AppResult<(EmployeeId, ErasureCounts)> {
        authorize(principal, Operation::EraseSubject)?;
        let subject = subject.ok_or(AppError::NotFound)?;
        let tenant = principal.tenant();
        let audit = actor(principal);
        let pseudonym = EmployeeId::pseudonym();
        let at = now();
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut tx = connection.begin().await?;
        let mut db = tx.db();
        db.record_erasure(
            tenant,
            &pseudonym,
            ErasureReason::SubjectRequest,
            &audit.actor,
            at,
        )
        .await?;
        let applications = db.subject_applications(tenant, &subject).await?;
        let held: Vec<String> = applications
            .iter()
            .filter(|(_, held)| *held)
            .map(|(id, _)| id.to_string())
            .collect();
        if !held.is_empty() {
            tx.rollback().await?;
            return Err(AppError::Conflict(format!(
                "Applications under legal hold block the erasure: {}.",
                held.join(", ")
            )));
        }
        let mut counts = ErasureCounts::default();
        for (application, _) in &applications {
            let anonymised = db
                .anonymise_application(tenant, *application, &subject, &pseudonym, at)
                .await?
                .ok_or_else(|| {
                    AppError::Conflict(format!(
                        "application {application} is under legal hold or already anonymised"
                    ))
                })?;
            counts.add(anonymised);
        }
        counts.audit_events += db
            .repoint_audit_events(tenant, &subject, &pseudonym)
            .await?;
        counts.idempotency_records = db.delete_subject_keys(tenant, &subject).await?;
        if counts == ErasureCounts::default() {
            tx.rollback().await?;
            return Err(AppError::NotFound);
        }
        // Events keep their shape; the subject becomes the pseudonym there too.
        db.pseudonymise_events(tenant, &subject, &pseudonym).await?;
        db.insert_event(
            tenant,
            NewEvent {
                kind: EventType::SubjectErased,
                candidate: Some(&pseudonym),
                author: None,
                data: serde_json::json!({"applications": counts.applications}),
            },
            at,
        )
        .await?;
        db.record_audit(
            tenant,
            &audit,
            AuditRecord {
                action: "subject.erase",
                resource_type: "subject",
                resource_id: pseudonym.to_string(),
                candidate: Some(&pseudonym),
                details: serde_json::json!({
                    "applications": counts.applications,
                    "feedback": counts.feedback,
                    "follow_ups": counts.follow_ups,
                    "audit_events": counts.audit_events,
                    "idempotency_records": counts.idempotency_records,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        tracing::info!(pseudonym = %pseudonym, applications = counts.applications, "subject erased");
        Ok((pseudonym, counts))
    }

    /// The legal hold on an application; `NotFound` if there is none or it is not held.
    pub async fn legal_hold(
        &self,
        principal: &Principal,
        application: ApplicationId,
    ) -> AppResult<LegalHold> {
        authorize(principal, Operation::ReadLegalHold)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        connection
            .db()
            .legal_hold(principal.tenant(), application)
            .await?
            .flatten()
            .ok_or(AppError::NotFound)
    }

    /// Places (or replaces) a legal hold: while it is held, neither erasure nor retention
    /// touches the application.
    pub async fn place_legal_hold(
        &self,
        principal: &Principal,
        application: ApplicationId,
        reason: Checked<String>,
    ) -> AppResult<LegalHold> {
        authorize(principal, Operation::PlaceLegalHold)?;
        let hold = LegalHold {
            reason: reason?,
            placed_by: principal.sub().clone(),
            placed_at: now(),
        };
        let tenant = principal.tenant();
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut tx = connection.begin().await?;
        let mut db = tx.db();
        let candidate = db
            .place_legal_hold(tenant, application, &hold)
            .await?
            .ok_or(AppError::NotFound)?;
        record(
            &mut db,
            principal,
            "legal_hold.place",
            &("application", application.to_string(), Some(&candidate)),
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(application = %application, "legal hold placed");
        Ok(hold)
    }

    /// Lifts a legal hold; `NotFound` if there is no such application or it was not held.
    pub async fn lift_legal_hold(
        &self,
        principal: &Principal,
        application: ApplicationId,
    ) -> AppResult<()> {
        authorize(principal, Operation::ReleaseLegalHold)?;
        let tenant = principal.tenant();
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut tx = connection.begin().await?;
        let mut db = tx.db();
        let candidate = db
            .lift_legal_hold(tenant, application)
            .await?
            .ok_or(AppError::NotFound)?;
        record(
            &mut db,
            principal,
            "legal_hold.release",
            &("application", application.to_string(), Some(&candidate)),
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(application = %application, "legal hold lifted");
        Ok(())
    }

    /// Months after the decision that the tenant keeps an application; `None`: indefinitely.
    pub async fn retention_policy(&self, principal: &Principal) -> AppResult<Option<u32>> {
        authorize(principal, Operation::ReadRetentionPolicy)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        Ok(connection.db().retention_policy(principal.tenant()).await?)
    }

    pub async fn set_retention_policy(
        &self,
        principal: &Principal,
        months: Checked<Option<u32>>,
    ) -> AppResult<Option<u32>> {
        authorize(principal, Operation::UpdateRetentionPolicy)?;
        let months = months?;
        let tenant = principal.tenant();
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut tx = connection.begin().await?;
        let mut db = tx.db();
        db.set_retention_policy(tenant, months).await?;
        record(
            &mut db,
            principal,
            "retention_policy.update",
            &("tenant", tenant.to_string(), None),
            serde_json::json!({"months_after_decision": months}),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(months_after_decision = ?months, "retention policy changed");
        Ok(months)
    }
}

async fn subject_feedback(
    db: &mut Db<'_>,
    tenant: &TenantId,
    feedback: Feedback,
) -> AppResult<SubjectFeedback> {
    let id = feedback.id;
    let mut follow_ups = Vec::new();
    let mut after = None;
    loop {
        let filter = FollowUpFilter {
            feedback_id: Some(id),
            after,
            ..FollowUpFilter::default()
        };
        let page = db.list_follow_ups(tenant, &filter, PAGE).await?;
        let full = page.len() >= PAGE as usize;
        after = page.last().map(|f| f.id);
        follow_ups.extend(page);
        if !full {
            break;
        }
    }
    Ok(SubjectFeedback {
        history: FeedbackHistory {
            events: db.feedback_events(tenant, id).await?,
            revisions: db.feedback_revisions(tenant, id).await?,
        },
        acknowledgement: db.acknowledgement(tenant, id).await?,
        progress: db.action_progress(tenant, id).await?,
        follow_ups,
        feedback,
    })
}

async fn all_audit_events(
    db: &mut Db<'_>,
    tenant: &TenantId,
    subject: &EmployeeId,
) -> AppResult<Vec<AuditEvent>> {
    let mut events = Vec::new();
    let mut filter = AuditFilter::default();
    filter.query.candidate_id = Some(subject.clone());
    loop {
        let page = db.list_audit_events(tenant, &filter, PAGE).await?;
        let full = page.len() >= PAGE as usize;
        filter.after = page.last().map(|e| e.id);
        events.extend(page);
        if !full {
            return Ok(events);
        }
    }
}
