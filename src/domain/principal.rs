//! Who is calling: the verified identity every use case acts for.

use super::names::named;
use super::{EmployeeId, TenantId};

named! {
    /// What a caller may do, granted by the identity provider. `employee` is implicit for every
    /// valid token.
    pub enum Role ("role") {
        Employee = "employee",
        HiringManager = "hiring_manager",
        Hr = "hr",
        Integration = "integration",
    }
}

/// The authenticated caller: their id, their roles (always including `employee`) and their
/// tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    sub: EmployeeId,
    roles: Vec<Role>,
    tenant: TenantId,
}

impl Principal {
    pub fn new(sub: EmployeeId, mut roles: Vec<Role>, tenant: TenantId) -> Self {
        roles.push(Role::Employee);
        roles.sort();
        roles.dedup();
        Self { sub, roles, tenant }
    }

    pub fn sub(&self) -> &EmployeeId {
        &self.sub
    }

    pub fn tenant(&self) -> &TenantId {
        &self.tenant
    }

    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Whether `person` is the caller.
    pub fn is(&self, person: &EmployeeId) -> bool {
        &self.sub == person
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(*role));
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn every_principal_is_an_employee() {
        let sub = EmployeeId::parse("E1").expect("id");
        let tenant = TenantId::parse("acme").expect("tenant");
        let principal = Principal::new(sub, vec![Role::Hr, Role::Hr], tenant);
        assert_eq!(principal.roles(), [Role::Employee, Role::Hr]);
    }
}
