//! Prometheus metrics: request counts and latency by route and status, and pool gauges.

use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::storage::PoolStats;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    /// The route pattern (`/v1/catalogs/{catalog}`), never the raw path: ids stay out of labels.
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    /// `delivered`, `retrying` (failed, tried again later), `failed` (for good), `cancelled`.
    outcome: &'static str,
}

/// The webhook deliveries as `/metrics` reports them: attempts of this process by outcome, and
/// the queue of every process.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeliveryReport {
    pub delivered: u64,
    pub retrying: u64,
    pub failed: u64,
    pub cancelled: u64,
    /// `None` when the database did not answer.
    pub pending: Option<i64>,
    pub oldest_pending_seconds: Option<f64>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: &'static str,
    commit: &'static str,
}

type LatencyFamily = Family<RequestLabels, Histogram, fn() -> Histogram>;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

type CostFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

fn cost_histogram() -> Histogram {
    Histogram::new([
        0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0, 16.0, 24.0, 32.0, 64.0,
    ])
}

fn latency_histogram() -> Histogram {
    // 0.5 ms .. ~16 s
    Histogram::new(exponential_buckets(0.000_5, 2.0, 16))
}

/// The service's metrics registry.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    pool_size: Gauge,
    pool_idle: Gauge,
    pool_max: Gauge<u64, AtomicU64>,
    deliveries: Family<OutcomeLabels, Counter>,
    queue_pending: Gauge,
    queue_oldest: Gauge<f64, AtomicU64>,
    statements: CostFamily,
    checkouts: CostFamily,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("debrief");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = LatencyFamily::new_with_constructor(latency_histogram);
        let pool_size = Gauge::default();
        let pool_idle = Gauge::default();
        let pool_max = Gauge::<u64, AtomicU64>::default();
        registry.register("http_requests", "HTTP requests served", requests.clone());
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency",
            latency.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Open database connections",
            pool_size.clone(),
        );
        registry.register(
            "db_pool_idle_connections",
            "Idle database connections",
            pool_idle.clone(),
        );
        let build = Family::<BuildLabels, Gauge>::default();
        build
            .get_or_create(&BuildLabels {
                version: crate::build_info::VERSION,
                commit: crate::build_info::COMMIT,
            })
            .set(1);
        registry.register(
            "build_info",
            "The running build: always 1, labelled with version and commit",
            build,
        );
        registry.register(
            "db_pool_max_connections",
            "Configured maximum of database connections",
            pool_max.clone(),
        );
        let deliveries = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "webhook_deliveries",
            "Webhook delivery attempts of this process, by outcome",
            deliveries.clone(),
        );
        let queue_pending = Gauge::default();
        registry.register(
            "webhook_queue_pending",
            "Webhook deliveries waiting for an attempt (every process)",
            queue_pending.clone(),
        );
        let queue_oldest = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "webhook_queue_oldest_pending_age_seconds",
            "Age of the oldest webhook delivery still pending (0 when none)",
            queue_oldest.clone(),
        );
        let statements = CostFamily::new_with_constructor(cost_histogram);
        registry.register(
            "db_statements_per_request",
            "Database statements (round trips, BEGIN and COMMIT included) one request sent",
            statements.clone(),
        );
        let checkouts = CostFamily::new_with_constructor(cost_histogram);
        registry.register(
            "db_checkouts_per_request",
            "Pool checkouts of one request (each also costs the pool's ping)",
            checkouts.clone(),
        );
        Self {
            statements,
            checkouts,
            registry,
            requests,
            latency,
            pool_size,
            pool_idle,
            pool_max,
            deliveries,
            queue_pending,
            queue_oldest,
        }
    }
}

impl Metrics {
    pub fn observe_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let labels = RequestLabels {
            method: method.to_owned(),
            route: route.to_owned(),
            status,
        };
        self.requests.get_or_create(&labels).inc();
        self.latency.get_or_create(&labels).observe(seconds);
    }

    /// What one request cost the database.
    pub fn observe_database(&self, method: &str, route: &str, statements: u32, checkouts: u32) {
        let labels = RouteLabels {
            method: method.to_owned(),
            route: route.to_owned(),
        };
        self.statements
            .get_or_create(&labels)
            .observe(f64::from(statements));
        self.checkouts
            .get_or_create(&labels)
            .observe(f64::from(checkouts));
    }

    /// The Prometheus text exposition, with the pool and delivery figures read now.
    pub fn render(&self, pool: PoolStats, deliveries: DeliveryReport) -> String {
        for (outcome, total) in [
            ("delivered", deliveries.delivered),
            ("retrying", deliveries.retrying),
            ("failed", deliveries.failed),
            ("cancelled", deliveries.cancelled),
        ] {
            let counter = self.deliveries.get_or_create(&OutcomeLabels { outcome });
            let seen = counter.get();
            if total > seen {
                counter.inc_by(total - seen);
            }
        }
        if let Some(pending) = deliveries.pending {
            self.queue_pending.set(pending);
            self.queue_oldest
                .set(deliveries.oldest_pending_seconds.unwrap_or(0.0));
        }
        self.pool_size.set(i64::from(pool.size));
        self.pool_idle
            .set(i64::try_from(pool.idle).unwrap_or(i64::MAX));
        self.pool_max.set(u64::from(pool.max));
        let mut out = String::new();
        if encode(&mut out, &self.registry).is_err() {
            tracing::error!("metrics encoding failed");
        }
        out
    }
}

/// The classic Prometheus text format (0.0.4) of an OpenMetrics exposition: what `promtool
/// check metrics` and scrapers that do not ask for OpenMetrics read. A counter family is named
/// by its samples (`…_total`) there, and there is no `# EOF` or `# UNIT`.
pub fn text_format(openmetrics: &str) -> String {
    let counters: std::collections::HashSet<&str> = openmetrics
        .lines()
        .filter_map(|line| line.strip_prefix("# TYPE ")?.strip_suffix(" counter"))
        .collect();
    let mut out = String::with_capacity(openmetrics.len());
    for line in openmetrics.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        let renamed = ["# HELP ", "# TYPE "].iter().find_map(|prefix| {
            let rest = line.strip_prefix(prefix)?;
            let (name, tail) = rest.split_once(' ')?;
            counters
                .contains(name)
                .then(|| format!("{prefix}{name}_total {tail}"))
        });
        match renamed {
            Some(line) => out.push_str(&line),
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_format_names_counters_by_their_samples_and_has_no_eof() {
        let open = "# HELP x_requests Requests.\n# TYPE x_requests counter\nx_requests_total 3\n# HELP g A gauge.\n# TYPE g gauge\ng 1\n# EOF\n";
        assert_eq!(
            text_format(open),
            "# HELP x_requests_total Requests.\n# TYPE x_requests_total counter\nx_requests_total 3\n# HELP g A gauge.\n# TYPE g gauge\ng 1\n"
        );
    }
}
