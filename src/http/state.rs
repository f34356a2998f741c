//! State shared by every worker.

use std::collections::HashSet;
use std::sync::RwLock;

use crate::auth::Authenticator;
use crate::domain::TenantId;
use crate::error::ApiResult;
use crate::metrics::Metrics;
use crate::storage::Store;

use super::RouteTable;

pub struct AppState {
    pub store: Store,
    pub auth: Authenticator,
    pub tenants: TenantCache,
    pub metrics: Metrics,
    pub routes: RouteTable,
}

/// Tenants known to exist, so that provisioning costs one query per tenant and process.
#[derive(Default)]
pub struct TenantCache(RwLock<HashSet<TenantId>>);

impl TenantCache {
    /// Makes sure `tenant` exists with its default catalogs.
    pub async fn ensure(&self, store: &Store, tenant: &TenantId) -> ApiResult<()> {
        let known = self
            .0
            .read()
            .map(|set| set.contains(tenant))
            .unwrap_or(false);
        if !known {
            store.ensure_tenant(tenant).await?;
            if let Ok(mut set) = self.0.write() {
                set.insert(tenant.clone());
            }
        }
        Ok(())
    }
}
