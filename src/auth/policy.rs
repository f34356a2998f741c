//! The access policy, in one place. Handlers ask it; they never re-implement a rule.
//!
//! Two levels (SPEC §1): the caller's **role** grants a capability (function level, denied with
//! 403); the caller's **relation** to an object grants the object (object level, denied with 404,
//! exactly like a missing id, so that nothing leaks whether it exists). Every query is scoped to
//! the caller's tenant, so another tenant's objects are always "missing".
//!
//! `MATRIX` is the policy as data: every operation of the API, who may call it and how objects
//! are related to the caller. A test walks every route of the OpenAPI document against it, with
//! a token per role and an object per relation; a route that is not in the matrix fails it.

use crate::domain::{EmployeeId, Principal, Role};

/// Every operation of the `/v1` API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    ListCatalogEntries,
    ReadCatalogEntry,
    CreateCatalogEntry,
    UpdateCatalogEntry,
    ListResources,
    ReadResource,
    CreateResource,
    UpdateResource,
    ListRequisitions,
    ReadRequisition,
    CreateRequisition,
    UpdateRequisition,
    UpsertRequisition,
    SyncRequisitions,
    CloseRequisition,
    CancelRequisition,
    ReopenRequisition,
    ListApplications,
    ReadApplication,
    CreateApplication,
    UpsertApplication,
    DecideApplication,
    ListOwnApplications,
    RequestFeedback,
    ListFeedbackDue,
    ReadDeadlinePolicy,
    UpdateDeadlinePolicy,
    ReadTimelinessReport,
    ReadOutcomesReport,
    ReadReasonsReport,
    ReadCompetencyGapsReport,
    ReadReportSettings,
    ReadLanguageSettings,
    UpdateLanguageSettings,
    UpdateReportSettings,
    ListFeedback,
    ReadFeedback,
    CreateFeedback,
    EditFeedback,
    SubmitFeedback,
    ReturnFeedback,
    ApproveFeedback,
    ReleaseFeedback,
    AmendFeedback,
    ReadFeedbackHistory,
    CheckDraft,
    ReadFeedbackChecks,
    ReadQualityPhrases,
    UpdateQualityPhrases,
    ListBuiltinPhrases,
    ReadReviewPolicy,
    UpdateReviewPolicy,
    ListOwnFeedback,
    ReadOwnFeedback,
    AcknowledgeFeedback,
    UpdateActionProgress,
    ReadOwnPlan,
    RequestFollowUp,
    ListOwnFollowUps,
    ListFollowUps,
    AnswerFollowUp,
    ReadCandidateActivity,
    ListFeedbackOnBehalf,
    ReadFeedbackOnBehalf,
    ListAuditEvents,
    ListEvents,
    ListWebhooks,
    CreateWebhook,
    ReadWebhook,
    UpdateWebhook,
    DeleteWebhook,
    RotateWebhookSecret,
    PingWebhook,
    ListWebhookDeliveries,
    RedeliverWebhook,
    ListWebhookAttempts,
    ExportSubject,
    EraseSubject,
    ReadLegalHold,
    PlaceLegalHold,
    ReleaseLegalHold,
    ReadRetentionPolicy,
    UpdateRetentionPolicy,
}

/// Which roles hold the capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    /// Any authenticated caller of the tenant (every token has `employee`).
    AnyRole,
    /// Only callers holding one of these roles.
    Roles(&'static [Role]),
}

/// How the objects an operation touches relate to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Tenant-wide data (catalogs): every object of the caller's tenant, none of another's.
    Tenant,
    /// Hiring data: HR and the integration account see the whole tenant; a hiring manager sees
    /// the requisitions that list them, and their applications.
    Requisition,
    /// The caller's own records (`/v1/me/…`).
    Own,
}

/// One row of the matrix.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub operation: Operation,
    pub method: &'static str,
    /// The route as the OpenAPI document names it.
    pub path: &'static str,
    pub capability: Capability,
    pub scope: Scope,
}

const ANY: Capability = Capability::AnyRole;
const HR: Capability = Capability::Roles(&[Role::Hr]);
const HR_OR_PORTAL: Capability = Capability::Roles(&[Role::Hr, Role::Integration]);
const HIRING_READERS: Capability =
    Capability::Roles(&[Role::Hr, Role::Integration, Role::HiringManager]);
const FEEDBACK_WRITERS: Capability = Capability::Roles(&[Role::Hr, Role::HiringManager]);
const PORTAL: Capability = Capability::Roles(&[Role::Integration]);

use Operation::*;
use Scope::{Own, Requisition, Tenant};

const fn row(
    operation: Operation,
    method: &'static str,
    path: &'static str,
    capability: Capability,
    scope: Scope,
) -> Rule {
    Rule {
        operation,
        method,
        path,
        capability,
        scope,
    }
}

/// The authorization matrix: operation, method, route, who may, how objects relate.
#[rustfmt::skip]
pub const MATRIX: &[Rule] = &[
    row(ListCatalogEntries,    "GET",    "/v1/catalogs/{catalog}",                      ANY,              Tenant),
    row(ReadCatalogEntry,      "GET",    "/v1/catalogs/{catalog}/{key}",                ANY,              Tenant),
    row(CreateCatalogEntry,    "POST",   "/v1/catalogs/{catalog}",                      HR,               Tenant),
    row(UpdateCatalogEntry,    "PATCH",  "/v1/catalogs/{catalog}/{key}",                HR,               Tenant),
    row(ListResources,         "GET",    "/v1/resources",                               ANY,              Tenant),
    row(ReadResource,          "GET",    "/v1/resources/{id}",                          ANY,              Tenant),
    row(CreateResource,        "POST",   "/v1/resources",                               HR,               Tenant),
    row(UpdateResource,        "PATCH",  "/v1/resources/{id}",                          HR,               Tenant),
    row(ListRequisitions,      "GET",    "/v1/requisitions",                            HIRING_READERS,   Requisition),
    row(ReadRequisition,       "GET",    "/v1/requisitions/{id}",                       HIRING_READERS,   Requisition),
    row(CreateRequisition,     "POST",   "/v1/requisitions",                            HR_OR_PORTAL,     Requisition),
    row(UpdateRequisition,     "PATCH",  "/v1/requisitions/{id}",                       HR_OR_PORTAL,     Requisition),
    row(UpsertRequisition,     "PUT",    "/v1/requisitions/by-ref/{external_ref}",      HR_OR_PORTAL,     Requisition),
    row(SyncRequisitions,      "POST",   "/v1/requisitions:sync",                       HR_OR_PORTAL,     Requisition),
    row(CloseRequisition,      "POST",   "/v1/requisitions/{id}/close",                 HR_OR_PORTAL,     Requisition),
    row(CancelRequisition,     "POST",   "/v1/requisitions/{id}/cancel",                HR_OR_PORTAL,     Requisition),
    row(ReopenRequisition,     "POST",   "/v1/requisitions/{id}/reopen",                HR_OR_PORTAL,     Requisition),
    row(ListApplications,      "GET",    "/v1/applications",                            HIRING_READERS,   Requisition),
    row(ReadApplication,       "GET",    "/v1/applications/{id}",                       HIRING_READERS,   Requisition),
    row(CreateApplication,     "POST",   "/v1/applications",                            HR_OR_PORTAL,     Requisition),
    row(UpsertApplication,     "PUT",    "/v1/applications/by-ref/{external_ref}",      HR_OR_PORTAL,     Requisition),
    row(DecideApplication,     "POST",   "/v1/applications/{id}/decision",              HR_OR_PORTAL,     Requisition),
    row(ListOwnApplications,   "GET",    "/v1/me/applications",                         ANY,              Own),
    row(RequestFeedback,       "POST",   "/v1/me/applications/{id}/feedback-request",   ANY,              Own),
    row(ListFeedbackDue,       "GET",    "/v1/feedback-due",                            FEEDBACK_WRITERS, Requisition),
    row(ReadDeadlinePolicy,    "GET",    "/v1/deadline-policy",                         HR,               Tenant),
    row(UpdateDeadlinePolicy,  "PUT",    "/v1/deadline-policy",                         HR,               Tenant),
    row(ReadTimelinessReport,  "GET",    "/v1/reports/timeliness",                      HR,               Tenant),
    row(ReadOutcomesReport,    "GET",    "/v1/reports/outcomes",                        HR,               Tenant),
    row(ReadReasonsReport,     "GET",    "/v1/reports/rejection-reasons",               HR,               Tenant),
    row(ReadCompetencyGapsReport, "GET", "/v1/reports/competency-gaps",                 HR,               Tenant),
    row(ReadReportSettings,    "GET",    "/v1/report-settings",                         HR,               Tenant),
    row(UpdateReportSettings,  "PUT",    "/v1/report-settings",                         HR,               Tenant),
    row(ReadLanguageSettings,  "GET",    "/v1/language-settings",                       ANY,              Tenant),
    row(UpdateLanguageSettings, "PUT",   "/v1/language-settings",                       HR,               Tenant),
    row(ListFeedback,          "GET",    "/v1/feedback",                                FEEDBACK_WRITERS, Requisition),
    row(ReadFeedback,          "GET",    "/v1/feedback/{id}",                           FEEDBACK_WRITERS, Requisition),
    row(CreateFeedback,        "POST",   "/v1/applications/{id}/feedback",              FEEDBACK_WRITERS, Requisition),
    row(EditFeedback,          "PUT",    "/v1/feedback/{id}",                           FEEDBACK_WRITERS, Requisition),
    row(SubmitFeedback,        "POST",   "/v1/feedback/{id}/submit",                    FEEDBACK_WRITERS, Requisition),
    row(ReturnFeedback,        "POST",   "/v1/feedback/{id}/return",                    HR,               Requisition),
    row(ApproveFeedback,       "POST",   "/v1/feedback/{id}/approve",                   HR,               Requisition),
    row(ReleaseFeedback,       "POST",   "/v1/feedback/{id}/release",                   HR,               Requisition),
    row(AmendFeedback,         "POST",   "/v1/feedback/{id}/amend",                     HR,               Requisition),
    row(ReadFeedbackHistory,   "GET",    "/v1/feedback/{id}/history",                   HR,               Requisition),
    row(CheckDraft,            "POST",   "/v1/feedback/checks",                         FEEDBACK_WRITERS, Tenant),
    row(ReadFeedbackChecks,    "GET",    "/v1/feedback/{id}/checks",                    FEEDBACK_WRITERS, Requisition),
    row(ReadQualityPhrases,    "GET",    "/v1/quality-phrases",                         HR,               Tenant),
    row(UpdateQualityPhrases,  "PUT",    "/v1/quality-phrases",                         HR,               Tenant),
    row(ListBuiltinPhrases,    "GET",    "/v1/quality-phrases/builtin",                 HR,               Tenant),
    row(ReadReviewPolicy,      "GET",    "/v1/review-policy",                           HR,               Tenant),
    row(UpdateReviewPolicy,    "PUT",    "/v1/review-policy",                           HR,               Tenant),
    row(ListOwnFeedback,       "GET",    "/v1/me/feedback",                             ANY,              Own),
    row(ReadOwnFeedback,       "GET",    "/v1/me/feedback/{id}",                        ANY,              Own),
    row(AcknowledgeFeedback,   "POST",   "/v1/me/feedback/{id}/acknowledge",            ANY,              Own),
    row(UpdateActionProgress,  "PUT",    "/v1/me/feedback/{id}/actions/{action_id}",    ANY,              Own),
    row(ReadOwnPlan,           "GET",    "/v1/me/feedback/{id}/plan",                   ANY,              Own),
    row(RequestFollowUp,       "POST",   "/v1/me/feedback/{id}/follow-ups",             ANY,              Own),
    row(ListOwnFollowUps,      "GET",    "/v1/me/follow-ups",                           ANY,              Own),
    row(ListFollowUps,         "GET",    "/v1/follow-ups",                              FEEDBACK_WRITERS, Requisition),
    row(AnswerFollowUp,        "POST",   "/v1/follow-ups/{id}/answer",                  FEEDBACK_WRITERS, Requisition),
    row(ReadCandidateActivity, "GET",    "/v1/feedback/{id}/candidate-activity",        FEEDBACK_WRITERS, Requisition),
    row(ListFeedbackOnBehalf,  "GET",    "/v1/employees/{employee_id}/feedback",        PORTAL,           Tenant),
    row(ReadFeedbackOnBehalf,  "GET",    "/v1/employees/{employee_id}/feedback/{id}",   PORTAL,           Tenant),
    row(ListAuditEvents,       "GET",    "/v1/audit-events",                            HR,               Tenant),
    row(ListEvents,            "GET",    "/v1/events",                                  HR_OR_PORTAL,     Tenant),
    row(ListWebhooks,          "GET",    "/v1/webhooks",                                HR_OR_PORTAL,     Tenant),
    row(CreateWebhook,         "POST",   "/v1/webhooks",                                HR_OR_PORTAL,     Tenant),
    row(ReadWebhook,           "GET",    "/v1/webhooks/{id}",                           HR_OR_PORTAL,     Tenant),
    row(UpdateWebhook,         "PATCH",  "/v1/webhooks/{id}",                           HR_OR_PORTAL,     Tenant),
    row(DeleteWebhook,         "DELETE", "/v1/webhooks/{id}",                           HR_OR_PORTAL,     Tenant),
    row(RotateWebhookSecret,   "POST",   "/v1/webhooks/{id}/rotate-secret",             HR_OR_PORTAL,     Tenant),
    row(PingWebhook,           "POST",   "/v1/webhooks/{id}/ping",                      HR_OR_PORTAL,     Tenant),
    row(ListWebhookDeliveries, "GET",    "/v1/webhooks/{id}/deliveries",                HR_OR_PORTAL,     Tenant),
    row(RedeliverWebhook,      "POST",   "/v1/webhooks/{id}/deliveries/{event_id}/redeliver", HR_OR_PORTAL, Tenant),
    row(ListWebhookAttempts,   "GET",    "/v1/webhooks/{id}/attempts",                  HR_OR_PORTAL,     Tenant),
    row(ExportSubject,         "GET",    "/v1/subjects/{employee_id}/export",           HR,               Tenant),
    row(EraseSubject,          "POST",   "/v1/subjects/{employee_id}/erasure",          HR,               Tenant),
    row(ReadLegalHold,         "GET",    "/v1/applications/{id}/legal-hold",            HR,               Requisition),
    row(PlaceLegalHold,        "PUT",    "/v1/applications/{id}/legal-hold",            HR,               Requisition),
    row(ReleaseLegalHold,      "DELETE", "/v1/applications/{id}/legal-hold",            HR,               Requisition),
    row(ReadRetentionPolicy,   "GET",    "/v1/retention-policy",                        HR,               Tenant),
    row(UpdateRetentionPolicy, "PUT",    "/v1/retention-policy",                        HR,               Tenant),
];

/// The matrix row of `operation`.
pub fn rule(operation: Operation) -> Option<&'static Rule> {
    MATRIX.iter().find(|rule| rule.operation == operation)
}

/// Whether a caller with `roles` holds the capability for `operation`.
pub fn permits(roles: &[Role], operation: Operation) -> bool {
    match rule(operation).map(|rule| rule.capability) {
        Some(Capability::AnyRole) => true,
        Some(Capability::Roles(allowed)) => allowed.iter().any(|role| roles.contains(role)),
        // An operation missing from the matrix is denied (and fails the matrix test).
        None => false,
    }
}

/// How much of the tenant's hiring data (requisitions, their applications, feedback and
/// follow-ups) a caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HiringView<'a> {
    /// HR and the HR portal: the whole tenant.
    Tenant,
    /// A hiring manager: the requisitions that list them, and what hangs off those.
    ManagedBy(&'a EmployeeId),
    /// Anyone else: nothing.
    Nothing,
}

impl<'a> HiringView<'a> {
    pub fn of(principal: &'a Principal) -> Self {
        if principal.has(Role::Hr) || principal.has(Role::Integration) {
            Self::Tenant
        } else if principal.has(Role::HiringManager) {
            Self::ManagedBy(principal.sub())
        } else {
            Self::Nothing
        }
    }

    /// The manager a query must be narrowed to, if any.
    pub fn manager(self) -> Option<&'a EmployeeId> {
        match self {
            Self::ManagedBy(manager) => Some(manager),
            Self::Tenant | Self::Nothing => None,
        }
    }

    /// Whether a requisition listing `hiring_manager_ids` is in view.
    pub fn sees(self, hiring_manager_ids: &[EmployeeId]) -> bool {
        match self {
            Self::Tenant => true,
            Self::ManagedBy(manager) => hiring_manager_ids.contains(manager),
            Self::Nothing => false,
        }
    }
}

/// Internal notes and HR's review comments are for HR and the feedback's author only; never
/// for the candidate, other hiring managers, or the HR portal.
pub fn sees_internal_notes(principal: &Principal, author: &EmployeeId) -> bool {
    principal.has(Role::Hr) || principal.is(author)
}

/// A caller whose roles do not grant the operation (function level: 403).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Denied(pub Operation);

impl Denied {
    /// Who may, in words (`only HR and the HR portal`).
    pub fn who_may(self) -> String {
        rule(self.0).map_or_else(|| "nobody".into(), Rule::who_may)
    }
}

impl Rule {
    /// Who holds the capability, in words, from the matrix.
    pub fn who_may(&self) -> String {
        match self.capability {
            Capability::AnyRole => "every authenticated employee".into(),
            Capability::Roles(roles) => {
                let names: Vec<&str> = roles
                    .iter()
                    .map(|role| match role {
                        Role::Employee => "employees",
                        Role::HiringManager => "hiring managers",
                        Role::Hr => "HR",
                        Role::Integration => "the HR portal",
                    })
                    .collect();
                let list = match names.as_slice() {
                    [] => "nobody".to_owned(),
                    [one] => (*one).to_owned(),
                    [init @ .., last] => format!("{} and {last}", init.join(", ")),
                };
                format!("only {list}")
            }
        }
    }

    /// Whether some role is refused this operation.
    pub fn can_deny(&self) -> bool {
        matches!(self.capability, Capability::Roles(_))
    }
}

/// Function-level check: `Denied` when the caller's roles do not grant `operation`.
pub fn authorize(principal: &Principal, operation: Operation) -> Result<(), Denied> {
    if permits(principal.roles(), operation) {
        Ok(())
    } else {
        Err(Denied(operation))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_exactly_one_rule() {
        for rule in MATRIX {
            let rows = MATRIX
                .iter()
                .filter(|r| r.operation == rule.operation)
                .count();
            assert_eq!(rows, 1, "{:?}", rule.operation);
            let routes = MATRIX
                .iter()
                .filter(|r| r.method == rule.method && r.path == rule.path)
                .count();
            assert_eq!(routes, 1, "{} {}", rule.method, rule.path);
        }
    }

    #[test]
    fn denials_say_who_may_from_the_matrix() {
        assert_eq!(
            Denied(Operation::CreateRequisition).who_may(),
            "only HR and the HR portal"
        );
        assert_eq!(
            Denied(Operation::ListRequisitions).who_may(),
            "only HR, the HR portal and hiring managers"
        );
    }

    #[test]
    fn catalogs_are_read_by_everyone_and_maintained_by_hr() {
        for role in Role::ALL.iter().copied() {
            assert!(permits(
                &[Role::Employee, role],
                Operation::ListCatalogEntries
            ));
            assert_eq!(
                permits(&[Role::Employee, role], Operation::UpdateCatalogEntry),
                role == Role::Hr
            );
        }
    }
}
