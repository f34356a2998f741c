//! The authenticated caller, as an actix extractor.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};

use crate::domain::{Role, SubjectId, TenantId};
use crate::error::ApiError;
use crate::http::AppState;

/// Who is calling: their id, their roles (always including `employee`) and their tenant.
#[derive(Debug, Clone)]
pub struct Principal {
    sub: SubjectId,
    roles: Vec<Role>,
    tenant: TenantId,
}

impl Principal {
    pub fn new(sub: SubjectId, mut roles: Vec<Role>, tenant: TenantId) -> Self {
        roles.sort();
        roles.dedup();
        Self { sub, roles, tenant }
    }

    pub fn sub(&self) -> &SubjectId {
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

    /// Who is acting, for the audit trail (with the current request id).
    pub fn audit(&self) -> crate::storage::AuditContext {
        crate::storage::AuditContext {
            actor: self.sub.as_str().to_owned(),
            roles: self
                .roles
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(","),
            request_id: crate::telemetry::current_request_id(),
        }
    }
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| {
                let (scheme, token) = value.split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then(|| token.trim().to_owned())
            });
        Box::pin(async move {
            let state =
                state.ok_or_else(|| ApiError::Internal("application state missing".into()))?;
            let result = match token {
                Some(token) => state.auth.authenticate(&token).await,
                None => Err(super::AuthError::Missing),
            };
            let principal = result.map_err(|reason| {
                tracing::debug!(%reason, "authentication failed");
                ApiError::Unauthorized
            })?;
            state
                .tenants
                .ensure(&state.store, principal.tenant())
                .await?;
            Ok(principal)
        })
    }
}
