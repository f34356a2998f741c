//! Per-process copies of what a tenant's catalogs and languages make (the labels' sources, the
//! active keys), each kept with the versions it was read at and used only when a request's own
//! statement read the same versions: a change through any replica moves a version, so no copy
//! is ever served stale.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::domain::TenantId;

/// Tenants one cache keeps, at most; past it the cache starts afresh.
const CACHED_TENANTS: usize = 10_000;

/// One value per tenant, with the version `V` it was read at.
pub(super) struct TenantCache<V, T> {
    entries: RwLock<HashMap<TenantId, (V, Arc<T>)>>,
}

impl<V, T> Default for TenantCache<V, T> {
    fn default() -> Self {
        Self {
            entries: RwLock::default(),
        }
    }
}

impl<V: Copy + Eq, T> TenantCache<V, T> {
    /// The tenant's value if it was read at `known` (`None`: no version is known, no hit).
    pub(super) fn get(&self, tenant: &TenantId, known: Option<V>) -> Option<Arc<T>> {
        let known = known?;
        let entries = self.entries.read().ok()?;
        let (version, value) = entries.get(tenant)?;
        (*version == known).then(|| Arc::clone(value))
    }

    /// Keeps `value`, read at `version`, and hands it back shared.
    pub(super) fn put(&self, tenant: &TenantId, version: V, value: T) -> Arc<T> {
        let value = Arc::new(value);
        if let Ok(mut entries) = self.entries.write() {
            if entries.len() >= CACHED_TENANTS {
                entries.clear();
            }
            entries.insert(tenant.clone(), (version, Arc::clone(&value)));
        }
        value
    }
}
