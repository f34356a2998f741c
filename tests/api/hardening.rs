//! Hardening: bad input is a named 4xx that changes nothing, bodies are parsed strictly and in
//! time, cursors are signed, callers are rate limited, and a database that restarts or goes
//! silent costs no 500 and no hang.

use std::time::{Duration, Instant};

use reqwest::Method;
use secrecy::ExposeSecret;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::backend_tests;
use crate::common::proxy::Proxy;
use crate::common::Backend;
use crate::helpers::{assert_problem, ok, portal, spawn_app, spawn_app_with, Caller, TestApp};

backend_tests!(
    control_characters_in_a_query_filter_are_400_naming_it,
    dot_segments_and_control_characters_in_a_path_are_400,
    duplicate_keys_are_refused_at_any_depth_and_change_nothing,
    only_application_json_bodies_are_accepted,
    a_body_that_arrives_too_slowly_is_408,
    a_cursor_that_was_not_issued_for_this_list_is_422,
    a_caller_over_their_rate_limit_gets_429_with_retry_after,
);

fn requisition(title: &str) -> Value {
    json!({"external_ref": "REQ-H1", "title": title, "department": "Finance",
           "hiring_manager_ids": ["M1"]})
}

async fn control_characters_in_a_query_filter_are_400_naming_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let (manager, hr) = (Caller::manager("M1"), Caller::hr("H1"));
    for (caller, path, parameter) in [
        (&manager, "/v1/requisitions?department=%00", "department"),
        (&hr, "/v1/audit-events?resource_type=a%00b", "resource_type"),
        (&hr, "/v1/audit-events?resource_id=a%00b", "resource_id"),
        (&hr, "/v1/feedback?status=draft%0A", "status"),
        (&hr, "/v1/catalogs/competencies?cursor=%7F", "cursor"),
    ] {
        let body = assert_problem(app.get_as(caller, path).await, 400).await;
        let detail = body["detail"].as_str().expect("detail");
        assert!(
            detail.contains(&format!("`{parameter}`")),
            "{path}: {detail}"
        );
    }
}

/// Sends `request` as written (no client-side normalisation of the path) and returns the
/// status code of the answer.
async fn raw_status(app: &TestApp, request: &[u8]) -> u16 {
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    stream.write_all(request).await.expect("send");
    let mut head = [0u8; 12];
    tokio::time::timeout(Duration::from_secs(15), stream.read_exact(&mut head))
        .await
        .expect("an answer in time")
        .expect("read");
    let head = String::from_utf8_lossy(&head).into_owned();
    head[9..12].parse().unwrap_or_else(|_| panic!("{head}"))
}

async fn dot_segments_and_control_characters_in_a_path_are_400(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.token(&portal());
    for path in [
        "/v1/employees/../feedback",
        "/v1/employees/./feedback",
        "/v1/employees/%2e%2e/feedback",
        "/v1/employees/%2E/feedback",
        "/v1/employees/E1%00/feedback",
        "/v1/employees/E1%0D%0A/feedback",
    ] {
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n\
             Connection: close\r\n\r\n"
        );
        assert_eq!(raw_status(&app, request.as_bytes()).await, 400, "{path}");
    }
    // The same request with an id is served.
    let request = format!(
        "GET /v1/employees/E1/feedback HTTP/1.1\r\nHost: localhost\r\n\
         Authorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    assert_eq!(raw_status(&app, request.as_bytes()).await, 200);
}

async fn duplicate_keys_are_refused_at_any_depth_and_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let send = |body: &'static str| {
        app.as_(&portal(), Method::POST, "/v1/requisitions")
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let top = r#"{"external_ref":"REQ-H1","title":"first","title":"second","department":"Finance","hiring_manager_ids":["M1"]}"#;
    let body = assert_problem(send(top).await.expect("request"), 400).await;
    assert!(
        body["detail"]
            .as_str()
            .expect("detail")
            .contains("duplicate key `title`"),
        "{body}"
    );
    let nested = r#"{"title":"Analyst","reasons":[{"key":"a","key":"b"}]}"#;
    assert_problem(send(nested).await.expect("request"), 400).await;
    let list = ok(app.get_as(&portal(), "/v1/requisitions").await).await;
    assert_eq!(list["items"], json!([]), "nothing was created");
    // The same body without the duplicate is accepted.
    let single = r#"{"external_ref":"REQ-H1","title":"second","department":"Finance","hiring_manager_ids":["M1"]}"#;
    assert_eq!(send(single).await.expect("request").status(), 201);
}

async fn only_application_json_bodies_are_accepted(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = requisition("Analyst").to_string();
    for content_type in [
        "application/json-patch+json",
        "application/merge-patch+json",
        "application/vnd.api+json",
        "text/plain",
    ] {
        let response = app
            .as_(&portal(), Method::POST, "/v1/requisitions")
            .header("content-type", content_type)
            .body(body.clone())
            .send()
            .await
            .expect("request");
        assert_problem(response, 415).await;
    }
    let response = app
        .as_(&portal(), Method::POST, "/v1/requisitions")
        .header("content-type", "application/json; charset=utf-8")
        .body(body)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 201);
}

async fn a_body_that_arrives_too_slowly_is_408(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.body_timeout_ms = 500).await;
    let token = app.token(&portal());
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    let head = format!(
        "POST /v1/requisitions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{{"
    );
    let started = Instant::now();
    stream.write_all(head.as_bytes()).await.expect("send");
    let mut answer = [0u8; 12];
    tokio::time::timeout(Duration::from_secs(5), stream.read_exact(&mut answer))
        .await
        .expect("answered within the body timeout, not held open")
        .expect("read");
    assert_eq!(
        &answer[9..12],
        b"408",
        "{}",
        String::from_utf8_lossy(&answer)
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    let list = ok(app.get_as(&portal(), "/v1/requisitions").await).await;
    assert_eq!(list["items"], json!([]));
}

async fn a_cursor_that_was_not_issued_for_this_list_is_422(backend: Backend) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    let page = ok(app.get_as(&hr, "/v1/catalogs/competencies?limit=2").await).await;
    let cursor = page["next_cursor"]
        .as_str()
        .expect("a second page")
        .to_owned();
    let next = app
        .get_as(
            &hr,
            &format!("/v1/catalogs/competencies?limit=2&cursor={cursor}"),
        )
        .await;
    assert_eq!(next.status(), 200);
    // Another list, a made-up cursor (the unsigned form), a tampered one.
    let made_up = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"["communication"]"#)
    };
    let (payload, tag) = cursor.split_once('.').expect("payload.tag");
    let tampered = format!("{payload}A.{tag}");
    for (path, bad) in [
        ("/v1/catalogs/reason-codes", cursor.as_str()),
        ("/v1/audit-events", cursor.as_str()),
        ("/v1/catalogs/competencies", made_up.as_str()),
        ("/v1/catalogs/competencies", tampered.as_str()),
    ] {
        let body = assert_problem(
            app.get_as(&hr, &format!("{path}?limit=2&cursor={bad}"))
                .await,
            422,
        )
        .await;
        assert_eq!(body["errors"][0]["field"], "cursor", "{path}: {body}");
    }
}

async fn a_caller_over_their_rate_limit_gets_429_with_retry_after(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.rate_limit_reads_per_minute = 3;
        s.rate_limit_writes_per_minute = 1;
    })
    .await;
    let hr = Caller::hr("H1");
    let first = app.get_as(&hr, "/v1/catalogs/competencies").await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["ratelimit-limit"], "3");
    assert_eq!(first.headers()["ratelimit-remaining"], "2");
    assert_eq!(first.headers()["ratelimit-reset"], "20");
    for _ in 0..2 {
        assert_eq!(
            app.get_as(&hr, "/v1/catalogs/competencies").await.status(),
            200
        );
    }
    let refused = app.get_as(&hr, "/v1/catalogs/competencies").await;
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=20).contains(&retry_after), "{retry_after}");
    assert_problem(refused, 429).await;
    // Another caller has a budget of their own; writes are a budget of their own.
    assert_eq!(
        app.get_as(&Caller::hr("H2"), "/v1/catalogs/competencies")
            .await
            .status(),
        200
    );
    assert_eq!(
        app.post_as(&portal(), "/v1/requisitions", &requisition("Analyst"))
            .await
            .status(),
        201
    );
    let second = app
        .post_as(&portal(), "/v1/requisitions", &requisition("Analyst"))
        .await;
    assert_problem(second, 429).await;
    // Health and metrics are not limited.
    for _ in 0..5 {
        let live = app
            .request(Method::GET, "/health/live")
            .send()
            .await
            .expect("live");
        assert_eq!(live.status(), 200);
    }
}

// ---- Database faults (PostgreSQL: a server that restarts, or stops answering) ----

/// Ends every connection the application holds to its database, as a restart, a failover or
/// `pg_terminate_backend` does (the shared server itself keeps running); returns how many.
async fn terminate_connections(app: &TestApp) -> i64 {
    let url = app.settings.database.url.expose_secret().to_owned();
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&url)
        .await
        .expect("admin connection");
    let ended: i64 = sqlx::query_scalar(
        "select count(pg_terminate_backend(pid)) from pg_stat_activity \
         where datname = current_database() and pid <> pg_backend_pid() \
           and application_name = 'debrief'",
    )
    .fetch_one(&mut admin)
    .await
    .expect("terminate");
    ended
}

#[tokio::test]
async fn connections_the_server_closed_cost_no_request() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    // Fill the pool: four connections, all idle afterwards.
    let warm = (0..8).map(|_| app.get_as(&hr, "/v1/catalogs/competencies"));
    for response in futures_util::future::join_all(warm).await {
        assert_eq!(response.status(), 200);
    }
    for round in 0..3 {
        assert!(terminate_connections(&app).await >= 1, "round {round}");
        tokio::time::sleep(Duration::from_millis(50)).await;
        // Every stale pooled connection fails its first statement; none of that shows.
        let reads = (0..6).map(|_| app.get_as(&hr, "/v1/catalogs/competencies"));
        for response in futures_util::future::join_all(reads).await {
            assert_eq!(
                response.status(),
                200,
                "round {round}: a read after a restart"
            );
        }
        terminate_connections(&app).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        let write = app
            .post_as(
                &portal(),
                "/v1/requisitions",
                &json!({"external_ref": format!("REQ-R{round}"), "title": "Analyst",
                        "department": "Finance", "hiring_manager_ids": ["M1"]}),
            )
            .await;
        assert_eq!(
            write.status(),
            201,
            "round {round}: a write after a restart"
        );
    }
    let list = ok(app.get_as(&portal(), "/v1/requisitions").await).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn connections_closed_under_load_cost_at_most_the_requests_in_flight() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    let app = std::sync::Arc::new(spawn_app(backend).await);
    let hr = Caller::hr("H1");
    let load = (0..4).map(|_| {
        let (app, hr) = (app.clone(), hr.clone());
        tokio::spawn(async move {
            let mut statuses = Vec::new();
            for _ in 0..60 {
                statuses.push(
                    app.get_as(&hr, "/v1/catalogs/competencies")
                        .await
                        .status()
                        .as_u16(),
                );
            }
            statuses
        })
    });
    let load: Vec<_> = load.collect();
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        terminate_connections(&app).await;
    }
    let mut unavailable = 0;
    for task in load {
        for status in task.await.expect("load task") {
            assert!(
                status == 200 || status == 503,
                "status {status}: never a 500"
            );
            unavailable += usize::from(status == 503);
        }
    }
    // Four clients, three restarts: at most the requests in flight at each one.
    assert!(unavailable <= 12, "{unavailable} requests failed");
}

#[tokio::test]
async fn a_database_that_stops_answering_is_503_in_time_never_a_hang() {
    let Some(Backend::Postgres(admin_url)) = Backend::postgres() else {
        return;
    };
    let parsed = url::Url::parse(&admin_url).expect("URL");
    let host = parsed.host_str().expect("host").to_owned();
    let upstream = tokio::net::lookup_host((host.as_str(), parsed.port().unwrap_or(5432)))
        .await
        .expect("resolve")
        .next()
        .expect("an address");
    let proxy = Proxy::start(upstream).await;
    let port = proxy.addr.port();
    let app = spawn_app_with(Backend::Postgres(admin_url), move |s| {
        let mut url = url::Url::parse(s.database_url.expose_secret()).expect("URL");
        url.set_host(Some("127.0.0.1")).expect("host");
        url.set_port(Some(port)).expect("port");
        s.database_url = url.to_string().into();
        s.db_statement_timeout_ms = 1_000;
        s.db_max_connections = 4;
    })
    .await;
    let hr = Caller::hr("H1");
    // Every connection of the pool must be open (through the proxy) before it goes silent:
    // concurrent requests open them, but a fast machine serves four with fewer, so warm until
    // the pool reports four.
    for attempt in 0.. {
        let warm = (0..4).map(|_| app.get_as(&hr, "/v1/catalogs/competencies"));
        for response in futures_util::future::join_all(warm).await {
            assert_eq!(response.status(), 200);
        }
        let metrics = app.metrics().await;
        if metrics
            .lines()
            .any(|l| l == "debrief_db_pool_connections 4")
        {
            break;
        }
        assert!(
            attempt < 50,
            "the pool never opened four connections:\n{metrics}"
        );
    }
    proxy.silence_open_connections();

    let started = Instant::now();
    let ready = app
        .request(Method::GET, "/health/ready")
        .send()
        .await
        .expect("ready");
    assert_eq!(ready.status(), 503);
    assert!(
        started.elapsed() < Duration::from_millis(1_800),
        "{:?}",
        started.elapsed()
    );

    let started = Instant::now();
    let read = app.get_as(&hr, "/v1/catalogs/competencies").await;
    let elapsed = started.elapsed();
    // The statement timeout (1 s) plus the client's margin (1 s), and some slack.
    assert!(elapsed < Duration::from_secs(4), "{elapsed:?}");
    if read.status() == 503 {
        assert_eq!(read.headers()["retry-after"], "1");
        assert_problem(read, 503).await;
    } else {
        // The silenced connection was closed by the readiness probe and a new one opened.
        assert_eq!(read.status(), 200);
    }
    // Each silenced pooled connection costs one answer in time (it is then closed); the
    // connections opened after the freeze pass, so the service recovers by itself.
    let mut unavailable = 0;
    loop {
        let started = Instant::now();
        let response = app.get_as(&hr, "/v1/catalogs/competencies").await;
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{:?}",
            started.elapsed()
        );
        match response.status().as_u16() {
            200 => break,
            503 => unavailable += 1,
            other => panic!("status {other}"),
        }
        assert!(unavailable <= 4, "more 503s than silenced connections");
    }
}

// ---- A PostgreSQL cluster of the test's own: restarted and frozen for real ----

/// A throwaway PostgreSQL cluster on a free port (never the shared server): `initdb`, then
/// `pg_ctl`, as the `postgres` user when the tests run as root (PostgreSQL refuses root).
struct OwnCluster {
    dir: tempfile::TempDir,
    bin: std::path::PathBuf,
    port: u16,
}

impl OwnCluster {
    /// `None` (with a message) where the server binaries are not installed; in CI that fails.
    fn start() -> Option<OwnCluster> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .and_then(|versions| {
                versions
                    .flatten()
                    .map(|v| v.path().join("bin"))
                    .filter(|bin| bin.join("initdb").is_file())
                    .max()
            });
        let Some(bin) = bin else {
            if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
                panic!(
                    "PostgreSQL server binaries (initdb, pg_ctl) are needed for the fault tests"
                );
            }
            eprintln!("SKIPPED: no PostgreSQL server binaries for an own cluster");
            return None;
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            listener.local_addr().expect("addr").port()
        };
        let cluster = OwnCluster { dir, bin, port };
        if Self::as_root() {
            let status = std::process::Command::new("chown")
                .args(["postgres:postgres"])
                .arg(cluster.dir.path())
                .status()
                .expect("chown");
            assert!(status.success());
        }
        let data = cluster.data();
        cluster.run(
            "initdb",
            &["-D", &data, "-U", "postgres", "--auth=trust", "-E", "UTF8"],
        );
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            cluster.port,
            cluster.dir.path().display()
        );
        cluster.run(
            "pg_ctl",
            &[
                "-D",
                &data,
                "-o",
                &options,
                "-l",
                &format!("{data}.log"),
                "-w",
                "start",
            ],
        );
        Some(cluster)
    }

    fn as_root() -> bool {
        // `id -u` prints 0 for root; asked once.
        static ROOT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *ROOT.get_or_init(|| {
            std::process::Command::new("id")
                .arg("-u")
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
                .unwrap_or(false)
        })
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn run(&self, tool: &str, args: &[&str]) {
        pg_tool(&self.bin, tool, args);
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Every process of the cluster: the postmaster (first line of postmaster.pid) and its
    /// children.
    fn signal_all(&self, signal: &str) {
        let pid_file = std::fs::read_to_string(self.dir.path().join("data/postmaster.pid"))
            .expect("postmaster.pid");
        let pid = pid_file.lines().next().expect("pid").trim().to_owned();
        let children = std::process::Command::new("pkill")
            .args([&format!("-{signal}"), "-P", &pid])
            .status()
            .expect("pkill");
        assert!(children.success(), "signalled the backends");
        let postmaster = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .expect("kill");
        assert!(postmaster.success());
    }
}

/// Runs a PostgreSQL server tool, as `postgres` when the tests run as root.
fn pg_tool(bin: &std::path::Path, tool: &str, args: &[&str]) {
    let program = bin.join(tool);
    let output = if OwnCluster::as_root() {
        std::process::Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(&program)
            .args(args)
            .output()
    } else {
        std::process::Command::new(&program).args(args).output()
    }
    .expect("run a PostgreSQL tool");
    assert!(
        output.status.success(),
        "{tool} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let data = self.data();
        let _ = std::panic::catch_unwind(|| {
            self.signal_all("CONT");
            pg_tool(
                &self.bin,
                "pg_ctl",
                &["-D", &data, "-m", "immediate", "stop"],
            );
        });
    }
}

/// Reads in a loop from `clients` tasks until `stop`; the statuses they saw.
fn load(
    app: &std::sync::Arc<TestApp>,
    clients: usize,
    stop: &std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> Vec<tokio::task::JoinHandle<Vec<(u16, Duration)>>> {
    (0..clients)
        .map(|_| {
            let (app, stop) = (app.clone(), stop.clone());
            tokio::spawn(async move {
                let hr = Caller::hr("H1");
                let mut seen = Vec::new();
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let started = Instant::now();
                    let status = app.get_as(&hr, "/v1/catalogs/competencies").await.status();
                    seen.push((status.as_u16(), started.elapsed()));
                }
                seen
            })
        })
        .collect()
}

#[tokio::test]
async fn a_real_restart_under_load_costs_no_500_and_no_hang() {
    let Some(cluster) = OwnCluster::start() else {
        return;
    };
    let app = std::sync::Arc::new(
        spawn_app_with(Backend::Postgres(cluster.url()), |s| {
            s.db_statement_timeout_ms = 1_000;
        })
        .await,
    );
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let clients = load(&app, 4, &stop);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (bin, data) = (cluster.bin.clone(), cluster.data());
    tokio::task::spawn_blocking(move || {
        pg_tool(
            &bin,
            "pg_ctl",
            // With its log file: the restarted server must not hold the tool's output pipes.
            &[
                "-D",
                &data,
                "-l",
                &format!("{data}.log"),
                "-m",
                "fast",
                "-w",
                "restart",
            ],
        );
    })
    .await
    .expect("restart");
    tokio::time::sleep(Duration::from_millis(700)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut statuses = std::collections::BTreeMap::new();
    for client in clients {
        for (status, took) in client.await.expect("client") {
            assert!(
                status == 200 || status == 503,
                "status {status}: never a 500"
            );
            assert!(took < Duration::from_secs(5), "a request hung for {took:?}");
            *statuses.entry(status).or_insert(0) += 1;
        }
    }
    assert!(statuses.get(&200).copied().unwrap_or(0) > 0, "{statuses:?}");
    // After the restart, every request is served again.
    for _ in 0..5 {
        let response = app
            .get_as(&Caller::hr("H1"), "/v1/catalogs/competencies")
            .await;
        assert_eq!(response.status(), 200);
    }
    eprintln!("statuses during a real restart: {statuses:?}");
}

#[tokio::test]
async fn a_frozen_server_sigstop_is_503_within_the_deadline() {
    let Some(cluster) = OwnCluster::start() else {
        return;
    };
    let app = spawn_app_with(Backend::Postgres(cluster.url()), |s| {
        s.db_statement_timeout_ms = 1_000;
        s.db_max_connections = 4;
    })
    .await;
    let hr = Caller::hr("H1");
    assert_eq!(
        app.get_as(&hr, "/v1/catalogs/competencies").await.status(),
        200
    );
    cluster.signal_all("STOP");
    let started = Instant::now();
    let ready = app
        .request(Method::GET, "/health/ready")
        .send()
        .await
        .expect("ready");
    assert_eq!(ready.status(), 503);
    assert!(
        started.elapsed() < Duration::from_millis(1_800),
        "{:?}",
        started.elapsed()
    );
    for _ in 0..3 {
        let started = Instant::now();
        let read = app.get_as(&hr, "/v1/catalogs/competencies").await;
        let took = started.elapsed();
        assert_eq!(read.status(), 503, "frozen: no answer");
        assert!(
            took < Duration::from_secs(3),
            "{took:?}: statement timeout 1 s + 1 s margin"
        );
        assert_eq!(read.headers()["retry-after"], "1");
    }
    cluster.signal_all("CONT");
    // Thawed: served again (the connections cut short were closed, new ones opened).
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = app.get_as(&hr, "/v1/catalogs/competencies").await.status();
        if status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "still {status} after thawing");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
