//! Verified tokens, remembered until they expire, so that a client sending the same token again
//! does not pay for another signature verification (an ES256 or RS256 verify is the largest CPU
//! cost of a small read: docs/performance.md).
//!
//! An entry answers only while
//! - the token's `exp` has not passed (no leeway: stricter than verification), and
//! - the key set that verified it is still current: HS256 secrets and PEM keys never change;
//!   a JWKS starts a new generation on every successful fetch and is used from the cache only
//!   while fresh (fetched within its max age), so a key the provider removed stops working
//!   exactly when it would without the cache.
//!
//! Entries are keyed by the SHA-256 of the whole token, so any change to its header, claims or
//! signature misses and is verified in full. The map is bounded: when full, it is emptied.

use std::collections::HashMap;
use std::sync::Mutex;

use aws_lc_rs::digest::{digest, SHA256};
use prometheus_client::metrics::counter::Counter;

use super::Principal;

struct Entry {
    principal: Principal,
    /// The token's `exp`, in seconds since the epoch.
    expires: i64,
    generation: u64,
}

pub struct VerifiedCache {
    capacity: usize,
    entries: Mutex<HashMap<[u8; 32], Entry>>,
    /// Requests answered from the cache, and tokens verified in full.
    pub hits: Counter,
    pub misses: Counter,
}

fn fingerprint(token: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    key.copy_from_slice(digest(&SHA256, token.as_bytes()).as_ref());
    key
}

impl VerifiedCache {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: Mutex::new(HashMap::new()),
            hits: Counter::default(),
            misses: Counter::default(),
        }
    }

    /// The principal of `token` if it was verified under key-set `generation` and has not
    /// expired at `now`.
    pub fn get(&self, token: &str, generation: u64, now: i64) -> Option<Principal> {
        let key = fingerprint(token);
        let mut entries = self.entries.lock().ok()?;
        let found = match entries.get(&key) {
            Some(entry) if entry.generation == generation && now < entry.expires => {
                Some(entry.principal.clone())
            }
            Some(_) => {
                entries.remove(&key);
                None
            }
            None => None,
        };
        drop(entries);
        match &found {
            Some(_) => self.hits.inc(),
            None => self.misses.inc(),
        };
        found
    }

    pub fn insert(&self, token: &str, principal: Principal, expires: i64, generation: u64) {
        if self.capacity == 0 {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= self.capacity {
            entries.clear();
        }
        entries.insert(
            fingerprint(token),
            Entry {
                principal,
                expires,
                generation,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Role, SubjectId, TenantId};

    fn principal() -> Principal {
        Principal::new(
            SubjectId::parse("E1").expect("sub"),
            vec![Role::Employee],
            TenantId::parse("acme").expect("tenant"),
        )
    }

    #[test]
    fn an_entry_answers_only_for_the_same_token_generation_and_before_expiry() {
        let cache = VerifiedCache::new(10);
        cache.insert("a.b.c", principal(), 1_000, 7);
        assert!(cache.get("a.b.c", 7, 999).is_some());
        assert!(cache.get("a.b.d", 7, 999).is_none(), "another token");
        assert!(cache.get("a.b.c", 8, 999).is_none(), "another key set");
        // The stale generation evicted it.
        assert!(cache.get("a.b.c", 7, 999).is_none());
        cache.insert("a.b.c", principal(), 1_000, 7);
        assert!(cache.get("a.b.c", 7, 1_000).is_none(), "expired");
        assert_eq!(cache.hits.get(), 1);
        assert_eq!(cache.misses.get(), 4);
    }

    #[test]
    fn it_stays_within_its_capacity() {
        let cache = VerifiedCache::new(2);
        for token in ["t1", "t2", "t3"] {
            cache.insert(token, principal(), i64::MAX, 0);
        }
        assert!(cache.get("t3", 0, 0).is_some());
        assert!(cache.get("t1", 0, 0).is_none());
        let disabled = VerifiedCache::new(0);
        disabled.insert("t1", principal(), i64::MAX, 0);
        assert!(disabled.get("t1", 0, 0).is_none());
    }
}
