//! Prometheus metrics, rendered at `/metrics` in the OpenMetrics text format.
//!
//! Counters and latencies are this instance's own; the outbox gauges are read
//! from the database at each scrape, so every instance reports the same depth.

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

/// The content type of [`Metrics::render`].
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    job: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: String,
}

/// 1 ms to about 16 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// Outbox states worth watching: waiting, in flight, and given up on.
pub const OUTBOX_STATES: [&str; 4] = ["queued", "sending", "failed", "dead"];

/// This instance's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    scheduler_runs: Family<JobLabels, Counter>,
    outbox: Family<StatusLabels, Gauge>,
    pool: Family<PoolLabels, Gauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("orderly");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        let scheduler_runs = Family::<JobLabels, Counter>::default();
        let outbox = Family::<StatusLabels, Gauge>::default();
        let pool = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "http_requests",
            "Requests answered, by route pattern and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, by route pattern",
            latency.clone(),
        );
        registry.register(
            "scheduler_runs",
            "Scheduled job runs on this instance, by job and outcome",
            scheduler_runs.clone(),
        );
        registry.register(
            "outbox_messages",
            "Messages in the outbox by state (queued and sending: the depth; failed and dead: the failures)",
            outbox.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Database connections of this instance: idle, in use, and the most allowed",
            pool.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            scheduler_runs,
            outbox,
            pool,
        }
    }
}

impl Metrics {
    /// Counts one answered request. `route` must be a pattern, never a raw path:
    /// paths hold ids and link tokens, and each would make a new series.
    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status: status.to_string(),
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                method: method.to_owned(),
                route: route.to_owned(),
            })
            .observe(seconds);
    }

    /// Counts one run of a scheduled job.
    pub fn scheduler_run(&self, job: &str, ok: bool) {
        self.scheduler_runs
            .get_or_create(&JobLabels {
                job: job.to_owned(),
                outcome: if ok { "ok" } else { "failed" }.to_owned(),
            })
            .inc();
    }

    /// Sets the outbox gauges from a count per state (states missing count 0).
    pub fn outbox(&self, counts: &[(String, i64)]) {
        for state in OUTBOX_STATES {
            let n = counts
                .iter()
                .find(|(s, _)| s == state)
                .map_or(0, |(_, n)| *n);
            self.outbox
                .get_or_create(&StatusLabels {
                    status: state.to_owned(),
                })
                .set(n);
        }
    }

    /// Sets the pool gauges.
    pub fn pool(&self, idle: u32, total: u32, max: u32) {
        for (state, n) in [
            ("idle", idle),
            ("in_use", total - idle.min(total)),
            ("max", max),
        ] {
            self.pool
                .get_or_create(&PoolLabels {
                    state: state.to_owned(),
                })
                .set(i64::from(n));
        }
    }

    /// The metrics in the OpenMetrics text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_requests_by_route_jobs_and_gauges() {
        let m = Metrics::default();
        m.request("GET", "/api/v1/customers/{id}", 200, 0.003);
        m.request("GET", "/api/v1/customers/{id}", 200, 0.020);
        m.scheduler_run("generation", true);
        m.outbox(&[("queued".into(), 7)]);
        m.pool(3, 5, 8);
        let text = m.render();
        assert!(text.contains(
            r#"orderly_http_requests_total{method="GET",route="/api/v1/customers/{id}",status="200"} 2"#
        ), "{text}");
        assert!(text.contains(
            r#"orderly_http_request_duration_seconds_count{method="GET",route="/api/v1/customers/{id}"} 2"#
        ), "{text}");
        assert!(text.contains(r#"orderly_scheduler_runs_total{job="generation",outcome="ok"} 1"#));
        assert!(text.contains(r#"orderly_outbox_messages{status="queued"} 7"#));
        assert!(text.contains(r#"orderly_outbox_messages{status="dead"} 0"#));
        assert!(text.contains(r#"orderly_db_pool_connections{state="in_use"} 2"#));
        assert!(text.ends_with("# EOF\n"));
    }
}
