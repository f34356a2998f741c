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
