use crate::backend_tests;
use crate::common::Backend;
use crate::helpers::{spawn_app, Caller};

backend_tests!(
    liveness_and_readiness_answer_without_a_token,
    metrics_count_requests_by_route_pattern_and_status,
);

async fn liveness_and_readiness_answer_without_a_token(backend: Backend) {
    let app = spawn_app(backend).await;
    let live = app
        .client
        .get(app.url("/health/live"))
        .send()
        .await
        .expect("live");
    assert_eq!(live.status(), 200);
    let live = live.json::<serde_json::Value>().await.expect("json");
    assert_eq!(live["status"], "ok");
    assert_eq!(live["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(live["commit"], debrief::build_info::COMMIT);
    assert!(!debrief::build_info::COMMIT.is_empty());
    let ready = app
        .client
        .get(app.url("/health/ready"))
        .send()
        .await
        .expect("ready");
    assert_eq!(ready.status(), 200);
    assert_eq!(
        ready.json::<serde_json::Value>().await.expect("json")["status"],
        "ready"
    );
}

async fn metrics_count_requests_by_route_pattern_and_status(backend: Backend) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    for _ in 0..3 {
        let response = app
            .get_as(&hr, "/v1/catalogs/reason-codes/skills_gap")
            .await;
        assert_eq!(response.status(), 200);
    }
    let missing = app
        .get_as(&hr, "/v1/catalogs/reason-codes/no_such_key")
        .await;
    assert_eq!(missing.status(), 404);
    // Prometheus asks for OpenMetrics and gets it, said so by the content type.
    let response = app
        .client
        .get(app.url("/metrics"))
        .header(
            "accept",
            "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5",
        )
        .send()
        .await
        .expect("metrics");
    assert_eq!(
        response.headers()["content-type"],
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    );
    let open = response.text().await.expect("text");
    assert!(open.ends_with("# EOF\n"), "{open}");
    assert!(
        open.contains("# TYPE debrief_http_requests counter"),
        "{open}"
    );
    // Anyone else (promtool, curl) gets the classic text format: counters named by their
    // samples, no `# EOF`. (.ci/run checks this answer with `promtool check metrics`.)
    let response = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("metrics");
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let metrics = response.text().await.expect("text");
    assert!(!metrics.contains("# EOF"), "{metrics}");
    assert!(
        metrics.contains("# TYPE debrief_http_requests_total counter"),
        "{metrics}"
    );
    assert!(
        metrics.contains("# TYPE debrief_webhook_queue_pending gauge"),
        "{metrics}"
    );
    assert!(
        metrics.contains(&format!(
            "debrief_build_info{{version=\"{}\",commit=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION"),
            debrief::build_info::COMMIT
        )),
        "{metrics}"
    );
    let line = |status: u16| {
        format!(
            "debrief_http_requests_total{{method=\"GET\",route=\"/v1/catalogs/{{catalog}}/{{key}}\",status=\"{status}\"}}"
        )
    };
    assert!(metrics.contains(&format!("{} 3", line(200))), "{metrics}");
    assert!(metrics.contains(&format!("{} 1", line(404))), "{metrics}");
    assert!(
        metrics.contains("debrief_http_request_duration_seconds_bucket"),
        "{metrics}"
    );
    assert!(
        metrics.contains("debrief_db_pool_max_connections 4"),
        "{metrics}"
    );
    // Raw paths (with ids) never become labels.
    assert!(!metrics.contains("skills_gap"), "{metrics}");
}
