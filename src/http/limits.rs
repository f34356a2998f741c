//! Rate limits (OWASP API4), in memory per replica: reads and writes per principal, failed
//! authentications per client address. A limit of 0 turns its class off.
//!
//! The limiter is GCRA (`governor`): a quota of N per minute allows a burst of N and then one
//! request every 60/N seconds. Answers carry `RateLimit-Limit`, `RateLimit-Remaining` and
//! `RateLimit-Reset` (draft-ietf-httpapi-ratelimit-headers-07); a refusal is 429 with
//! `Retry-After`.

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::config::RateLimitSettings;
use crate::domain::Principal;

pub const RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
pub const RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
pub const RATELIMIT_RESET: HeaderName = HeaderName::from_static("ratelimit-reset");

/// Where a request stands against its limit: the headers every limited answer carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the quota is whole again (`remaining == limit`).
    pub reset_secs: u64,
}

impl Allowance {
    pub fn write_headers(&self, headers: &mut HeaderMap) {
        for (name, value) in [
            (RATELIMIT_LIMIT, u64::from(self.limit)),
            (RATELIMIT_REMAINING, u64::from(self.remaining)),
            (RATELIMIT_RESET, self.reset_secs),
        ] {
            headers.insert(name, HeaderValue::from(value));
        }
    }
}

/// A refused request: over its limit until `retry_after_secs` have passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exceeded {
    pub limit: u32,
    pub retry_after_secs: u64,
}

/// Which budget a request spends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Read,
    Write,
}

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock, StateInformationMiddleware>;

struct Limiter<K: Hash + Eq + Clone> {
    per_minute: u32,
    limiter: Keyed<K>,
}

impl<K: Hash + Eq + Clone> Limiter<K> {
    fn new(per_minute: u32) -> Option<Self> {
        let quota = Quota::per_minute(NonZeroU32::new(per_minute)?);
        Some(Self {
            per_minute,
            limiter: RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(),
        })
    }

    /// Seconds to replenish `cells` requests, rounded up.
    fn seconds_for(&self, cells: u32) -> u64 {
        (u64::from(cells) * 60).div_ceil(u64::from(self.per_minute))
    }

    fn check(&self, key: &K) -> Result<Allowance, Exceeded> {
        match self.limiter.check_key(key) {
            Ok(state) => {
                let remaining = state.remaining_burst_capacity();
                Ok(Allowance {
                    limit: self.per_minute,
                    remaining,
                    reset_secs: self.seconds_for(self.per_minute.saturating_sub(remaining)),
                })
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.limiter.clock().now());
                Err(Exceeded {
                    limit: self.per_minute,
                    retry_after_secs: round_up(wait),
                })
            }
        }
    }

    fn forget_idle(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

fn round_up(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

/// Every limiter of this replica.
pub struct RateLimits {
    reads: Option<Limiter<(String, String)>>,
    writes: Option<Limiter<(String, String)>>,
    auth_failures: Option<Limiter<IpAddr>>,
}

impl RateLimits {
    pub fn new(settings: &RateLimitSettings) -> Self {
        Self {
            reads: Limiter::new(settings.reads_per_minute),
            writes: Limiter::new(settings.writes_per_minute),
            auth_failures: Limiter::new(settings.auth_failures_per_minute),
        }
    }

    /// Spends one request of `principal`'s budget for `class`; `None` when the class is off.
    pub fn principal(
        &self,
        principal: &Principal,
        class: Class,
    ) -> Option<Result<Allowance, Exceeded>> {
        let limiter = match class {
            Class::Read => self.reads.as_ref(),
            Class::Write => self.writes.as_ref(),
        }?;
        let key = (
            principal.tenant().as_str().to_owned(),
            principal.sub().as_str().to_owned(),
        );
        Some(limiter.check(&key))
    }

    /// Counts a failed authentication from `address`; `Err` once it has failed too often.
    pub fn auth_failure(&self, address: IpAddr) -> Result<(), Exceeded> {
        match &self.auth_failures {
            Some(limiter) => limiter.check(&address).map(|_| ()),
            None => Ok(()),
        }
    }

    /// Drops the state of keys that have not been seen for a while, so that memory follows
    /// the active callers (run periodically).
    pub fn forget_idle(&self) {
        if let Some(limiter) = &self.reads {
            limiter.forget_idle();
        }
        if let Some(limiter) = &self.writes {
            limiter.forget_idle();
        }
        if let Some(limiter) = &self.auth_failures {
            limiter.forget_idle();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quota_allows_its_burst_then_refuses_with_a_wait() {
        let limiter = Limiter::<u8>::new(3).expect("on");
        let first = limiter.check(&1).expect("allowed");
        assert_eq!((first.limit, first.remaining), (3, 2));
        assert_eq!(
            first.reset_secs, 20,
            "one request takes 60/3 s to come back"
        );
        limiter.check(&1).expect("allowed");
        let last = limiter.check(&1).expect("allowed");
        assert_eq!((last.remaining, last.reset_secs), (0, 60));
        let refused = limiter.check(&1).expect_err("over the limit");
        assert_eq!(refused.limit, 3);
        assert!((1..=20).contains(&refused.retry_after_secs), "{refused:?}");
        assert!(limiter.check(&2).is_ok(), "another key has its own budget");
    }

    #[test]
    fn zero_turns_a_class_off() {
        assert!(Limiter::<u8>::new(0).is_none());
    }
}
