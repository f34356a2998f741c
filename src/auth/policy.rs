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

use crate::domain::Role;
use crate::error::ApiError;

use super::Principal;

/// Every operation of the `/v1` API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    ListCatalogEntries,
    ReadCatalogEntry,
    CreateCatalogEntry,
    UpdateCatalogEntry,
    ListRequisitions,
    ReadRequisition,
    CreateRequisition,
    UpdateRequisition,
    UpsertRequisition,
    CloseRequisition,
    CancelRequisition,
    ReopenRequisition,
    ListApplications,
    ReadApplication,
    CreateApplication,
    UpsertApplication,
    DecideApplication,
    ListOwnApplications,
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

const HR: &[Role] = &[Role::Hr];
const HR_OR_PORTAL: &[Role] = &[Role::Hr, Role::Integration];
const HIRING_READERS: &[Role] = &[Role::Hr, Role::Integration, Role::HiringManager];
const FEEDBACK_WRITERS: &[Role] = &[Role::Hr, Role::HiringManager];
const PORTAL: &[Role] = &[Role::Integration];

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

/// The authorization matrix.
pub const MATRIX: &[Rule] = &[
    Rule {
        operation: Operation::ListCatalogEntries,
        method: "GET",
        path: "/v1/catalogs/{catalog}",
        capability: Capability::AnyRole,
        scope: Scope::Tenant,
    },
    Rule {
        operation: Operation::ReadCatalogEntry,
        method: "GET",
        path: "/v1/catalogs/{catalog}/{key}",
        capability: Capability::AnyRole,
        scope: Scope::Tenant,
    },
    Rule {
        operation: Operation::CreateCatalogEntry,
        method: "POST",
        path: "/v1/catalogs/{catalog}",
        capability: Capability::Roles(HR),
        scope: Scope::Tenant,
    },
    Rule {
        operation: Operation::UpdateCatalogEntry,
        method: "PATCH",
        path: "/v1/catalogs/{catalog}/{key}",
        capability: Capability::Roles(HR),
        scope: Scope::Tenant,
    },
    row(
        Operation::ListRequisitions,
        "GET",
        "/v1/requisitions",
        Capability::Roles(HIRING_READERS),
        Scope::Requisition,
    ),
    row(
        Operation::ReadRequisition,
        "GET",
        "/v1/requisitions/{id}",
        Capability::Roles(HIRING_READERS),
        Scope::Requisition,
    ),
    row(
        Operation::CreateRequisition,
        "POST",
        "/v1/requisitions",
        Capability::Roles(HR_OR_PORTAL),
        Scope::Requisition,
    ),
    row(
        Operation::UpdateRequisition,
        "PATCH",
        "/v1/requisitions/{id}",
        Capability::Roles(HR_OR_PORTAL),
        Scope::Requisition,
    ),
    row(
        Operation::UpsertRequisition,
        "PUT",
        "/v1/requisitions/by-ref/{external_ref}",
        Capability::Roles(HR_OR_PORTAL),
        Scope::Requisition,
    ),
    row(
        Operation::CloseRequisition,
        "POST",
        "/v1/requisitions/{id}/close",
        Capability::Roles(HR_OR_PORTAL),
        Scope::Requisition,
    ),
    row(
        Operation::CancelRequisition,
        "POST",
        "/v1/requisitions/{id}/cancel",
        Capability::Roles(HR_OR_PORTAL),
        Scope::Requisition,
    ),
    row(
        Operation::ReopenRequisition,
        "POST",
        "/v1/requisitions/{id}/reopen",
        Capability::Roles(HR_OR_PORTAL),
        Scope::Requisition,
    ),
    row(
        Operation::ListApplications,
        "GET",
        "/v1/applications",
        Capability::Roles(HIRING_READERS),
        Scope::Requisition,
    ),
    row(
        Operation::ReadApplication,
        "GET",
        "/v1/applications/{id}",
        Capability::Roles(HIRING_READERS),
        Scope::Requisition,
    ),
    row(
        Operation::CreateApplication,
        "POST",
        "/v1/applications",
        Capability::Roles(HR_OR_PORTAL),
        Scope::Requisition,
    ),
    row(
        Operation::UpsertApplication,
        "PUT",
        "/v1/applications/by-ref/{external_ref}",
        Capability::Roles(HR_OR_PORTAL),
        Scope::Requisition,
    ),
    row(
        Operation::DecideApplication,
        "POST",
        "/v1/applications/{id}/decision",
        Capability::Roles(HR_OR_PORTAL),
        Scope::Requisition,
    ),
    row(
        Operation::ListOwnApplications,
        "GET",
        "/v1/me/applications",
        Capability::AnyRole,
        Scope::Own,
    ),
    row(
        Operation::ListFeedback,
        "GET",
        "/v1/feedback",
        Capability::Roles(FEEDBACK_WRITERS),
        Scope::Requisition,
    ),
    row(
        Operation::ReadFeedback,
        "GET",
        "/v1/feedback/{id}",
        Capability::Roles(FEEDBACK_WRITERS),
        Scope::Requisition,
    ),
    row(
        Operation::CreateFeedback,
        "POST",
        "/v1/applications/{id}/feedback",
        Capability::Roles(FEEDBACK_WRITERS),
        Scope::Requisition,
    ),
    row(
        Operation::EditFeedback,
        "PUT",
        "/v1/feedback/{id}",
        Capability::Roles(FEEDBACK_WRITERS),
        Scope::Requisition,
    ),
    row(
        Operation::SubmitFeedback,
        "POST",
        "/v1/feedback/{id}/submit",
        Capability::Roles(FEEDBACK_WRITERS),
        Scope::Requisition,
    ),
    row(
        Operation::ReturnFeedback,
        "POST",
        "/v1/feedback/{id}/return",
        Capability::Roles(HR),
        Scope::Requisition,
    ),
    row(
        Operation::ApproveFeedback,
        "POST",
        "/v1/feedback/{id}/approve",
        Capability::Roles(HR),
        Scope::Requisition,
    ),
    row(
        Operation::ReleaseFeedback,
        "POST",
        "/v1/feedback/{id}/release",
        Capability::Roles(HR),
        Scope::Requisition,
    ),
    row(
        Operation::AmendFeedback,
        "POST",
        "/v1/feedback/{id}/amend",
        Capability::Roles(HR),
        Scope::Requisition,
    ),
    row(
        Operation::ReadFeedbackHistory,
        "GET",
        "/v1/feedback/{id}/history",
        Capability::Roles(HR),
        Scope::Requisition,
    ),
    row(
        Operation::ReadReviewPolicy,
        "GET",
        "/v1/review-policy",
        Capability::Roles(HR),
        Scope::Tenant,
    ),
    row(
        Operation::UpdateReviewPolicy,
        "PUT",
        "/v1/review-policy",
        Capability::Roles(HR),
        Scope::Tenant,
    ),
    row(
        Operation::ListOwnFeedback,
        "GET",
        "/v1/me/feedback",
        Capability::AnyRole,
        Scope::Own,
    ),
    row(
        Operation::ReadOwnFeedback,
        "GET",
        "/v1/me/feedback/{id}",
        Capability::AnyRole,
        Scope::Own,
    ),
    row(
        Operation::AcknowledgeFeedback,
        "POST",
        "/v1/me/feedback/{id}/acknowledge",
        Capability::AnyRole,
        Scope::Own,
    ),
    row(
        Operation::UpdateActionProgress,
        "PUT",
        "/v1/me/feedback/{id}/actions/{action_id}",
        Capability::AnyRole,
        Scope::Own,
    ),
    row(
        Operation::ReadOwnPlan,
        "GET",
        "/v1/me/feedback/{id}/plan",
        Capability::AnyRole,
        Scope::Own,
    ),
    row(
        Operation::RequestFollowUp,
        "POST",
        "/v1/me/feedback/{id}/follow-ups",
        Capability::AnyRole,
        Scope::Own,
    ),
    row(
        Operation::ListOwnFollowUps,
        "GET",
        "/v1/me/follow-ups",
        Capability::AnyRole,
        Scope::Own,
    ),
    row(
        Operation::ListFollowUps,
        "GET",
        "/v1/follow-ups",
        Capability::Roles(FEEDBACK_WRITERS),
        Scope::Requisition,
    ),
    row(
        Operation::AnswerFollowUp,
        "POST",
        "/v1/follow-ups/{id}/answer",
        Capability::Roles(FEEDBACK_WRITERS),
        Scope::Requisition,
    ),
    row(
        Operation::ReadCandidateActivity,
        "GET",
        "/v1/feedback/{id}/candidate-activity",
        Capability::Roles(FEEDBACK_WRITERS),
        Scope::Requisition,
    ),
    row(
        Operation::ListFeedbackOnBehalf,
        "GET",
        "/v1/employees/{employee_id}/feedback",
        Capability::Roles(PORTAL),
        Scope::Tenant,
    ),
    row(
        Operation::ReadFeedbackOnBehalf,
        "GET",
        "/v1/employees/{employee_id}/feedback/{id}",
        Capability::Roles(PORTAL),
        Scope::Tenant,
    ),
    row(
        Operation::ListAuditEvents,
        "GET",
        "/v1/audit-events",
        Capability::Roles(HR),
        Scope::Tenant,
    ),
    row(
        Operation::ExportSubject,
        "GET",
        "/v1/subjects/{employee_id}/export",
        Capability::Roles(HR),
        Scope::Tenant,
    ),
    row(
        Operation::EraseSubject,
        "POST",
        "/v1/subjects/{employee_id}/erasure",
        Capability::Roles(HR),
        Scope::Tenant,
    ),
    row(
        Operation::ReadLegalHold,
        "GET",
        "/v1/applications/{id}/legal-hold",
        Capability::Roles(HR),
        Scope::Requisition,
    ),
    row(
        Operation::PlaceLegalHold,
        "PUT",
        "/v1/applications/{id}/legal-hold",
        Capability::Roles(HR),
        Scope::Requisition,
    ),
    row(
        Operation::ReleaseLegalHold,
        "DELETE",
        "/v1/applications/{id}/legal-hold",
        Capability::Roles(HR),
        Scope::Requisition,
    ),
    row(
        Operation::ReadRetentionPolicy,
        "GET",
        "/v1/retention-policy",
        Capability::Roles(HR),
        Scope::Tenant,
    ),
    row(
        Operation::UpdateRetentionPolicy,
        "PUT",
        "/v1/retention-policy",
        Capability::Roles(HR),
        Scope::Tenant,
    ),
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

/// Whose requisitions a caller may see: `None` for all of the tenant (HR, the integration
/// account), `Some(sub)` for a hiring manager (only the ones that list them).
pub fn requisition_scope(principal: &Principal) -> Option<&str> {
    if principal.has(Role::Hr) || principal.has(Role::Integration) {
        None
    } else {
        Some(principal.sub().as_str())
    }
}

/// Whose requisitions bound the caller's view of hiring data: `Some(None)` for HR and the
/// integration account (the whole tenant), `Some(Some(sub))` for a hiring manager (the
/// requisitions that list them), `None` for anyone else (nothing).
pub fn hiring_scope(principal: &Principal) -> Option<Option<&str>> {
    match requisition_scope(principal) {
        None => Some(None),
        Some(sub) if principal.has(Role::HiringManager) => Some(Some(sub)),
        Some(_) => None,
    }
}

/// Object-level check for hiring data: a requisition (or an application to it) is visible to
/// HR and the integration account, and to the hiring managers it lists.
pub fn can_see_requisition(principal: &Principal, hiring_manager_ids: &[String]) -> bool {
    match hiring_scope(principal) {
        Some(None) => true,
        Some(Some(sub)) => hiring_manager_ids.iter().any(|id| id == sub),
        None => false,
    }
}

/// Function-level check: 403 when the caller's roles do not grant `operation`.
pub fn authorize(principal: &Principal, operation: Operation) -> Result<(), ApiError> {
    if permits(principal.roles(), operation) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Your role does not allow this operation.",
        ))
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
    fn catalogs_are_read_by_everyone_and_maintained_by_hr() {
        for role in Role::ALL {
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
