//! The binary: configuration mistakes are reported before anything starts.

use std::process::Command;

fn debrief() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_debrief"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    command
}

#[test]
fn serve_refuses_a_public_address_with_development_auth() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = debrief()
        .args(["serve"])
        .env("DEBRIEF_LISTEN", "0.0.0.0:0")
        .env("DEBRIEF_DATA_DIR", dir.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("DEBRIEF_LISTEN:"), "{stderr}");
    assert!(stderr.contains("loopback"), "{stderr}");
}

#[test]
fn every_configuration_mistake_is_named_and_no_secret_is_printed() {
    let output = debrief()
        .args(["migrate"])
        .env("DEBRIEF_DB_MAX_CONNECTIONS", "lots")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("DEBRIEF_DB_MAX_CONNECTIONS"), "{stderr}");

    let output = debrief()
        .args(["migrate"])
        .env("DEBRIEF_AUTH_HS256_SECRET", "tooshort-secret-value")
        .env("DEBRIEF_DATABASE_URL", "mysql://root@localhost/x")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("DEBRIEF_AUTH_HS256_SECRET"), "{stderr}");
    assert!(stderr.contains("DEBRIEF_DATABASE_URL"), "{stderr}");
    assert!(!stderr.contains("tooshort-secret-value"), "{stderr}");
}

/// A free loopback port (bound, then released).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// `debrief serve` in the background; its stderr lines arrive on the channel, its stdout is
/// collected when it is stopped.
struct Serving {
    child: std::process::Child,
    stderr: std::sync::mpsc::Receiver<String>,
}

impl Serving {
    fn start(dir: &std::path::Path, port: u16, cargo: bool) -> Serving {
        use std::io::BufRead;
        let mut command = debrief();
        command
            .arg("serve")
            .env("DEBRIEF_DATA_DIR", dir)
            .env("DEBRIEF_LISTEN", format!("127.0.0.1:{port}"))
            .env("DEBRIEF_LOG_FORMAT", "json")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        if cargo {
            command
                .env("CARGO", "cargo")
                .env("CARGO_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR"));
        }
        let mut child = command.spawn().expect("serve");
        let stderr = child.stderr.take().expect("stderr");
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Serving {
            child,
            stderr: receive,
        }
    }

    /// The banner, up to its last line.
    fn banner(&self) -> String {
        let mut banner = String::new();
        loop {
            let line = self
                .stderr
                .recv_timeout(std::time::Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("no banner; so far: {banner}"));
            banner.push_str(&line);
            banner.push('\n');
            if line.contains("DEBRIEF_DATA_DIR") {
                return banner;
            }
        }
    }

    /// Stops the service and returns what it wrote on stdout.
    fn stop(mut self) -> String {
        use std::io::Read;
        let _ = self.child.kill();
        let mut stdout = String::new();
        if let Some(mut out) = self.child.stdout.take() {
            let _ = out.read_to_string(&mut stdout);
        }
        let _ = self.child.wait();
        stdout
    }
}

fn token_in(dir: &std::path::Path, port: u16) -> std::process::Output {
    debrief()
        .args(["token", "--sub", "E42", "--role", "hr", "--tenant", "acme"])
        .env("DEBRIEF_DATA_DIR", dir)
        .env("DEBRIEF_LISTEN", format!("127.0.0.1:{port}"))
        .output()
        .expect("run")
}

#[test]
fn token_uses_the_running_services_secret_or_says_where_it_looked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    // Before the service ever ran: no secret is made, the message names the directory.
    let early = token_in(dir.path(), port);
    assert!(!early.status.success());
    let stderr = String::from_utf8_lossy(&early.stderr);
    assert!(stderr.contains("no development secret"), "{stderr}");
    assert!(stderr.contains("DEBRIEF_DATA_DIR"), "{stderr}");
    assert!(!dir.path().join("dev-hs256-secret").exists());

    let serving = Serving::start(dir.path(), port, false);
    let banner = serving.banner();
    // The binary was started by path: the banner says to run it the same way.
    let binary = env!("CARGO_BIN_EXE_debrief");
    assert!(
        banner.contains(&format!("TOKEN=$({binary} token --sub H1001")),
        "{banner}"
    );
    assert!(!banner.contains("cargo run"), "{banner}");
    let token = token_in(dir.path(), port);
    assert!(
        token.status.success(),
        "{}",
        String::from_utf8_lossy(&token.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&token.stdout)
            .trim()
            .split('.')
            .count(),
        3
    );

    // A second terminal in another folder: its own secret is not the service's.
    let elsewhere = tempfile::tempdir().expect("tempdir");
    std::fs::write(elsewhere.path().join("dev-hs256-secret"), "ab".repeat(32)).expect("write");
    let wrong = token_in(elsewhere.path(), port);
    assert!(!wrong.status.success());
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(stderr.contains("does not accept"), "{stderr}");
    assert!(
        stderr.contains(&elsewhere.path().display().to_string()),
        "{stderr}"
    );

    let bad_role = debrief()
        .args(["token", "--role", "admin"])
        .env("DEBRIEF_DATA_DIR", dir.path())
        .output()
        .expect("run");
    assert!(!bad_role.status.success());
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("unknown role"));

    // With DEBRIEF_LOG_FORMAT=json, stdout is JSON on every line: the banner went to stderr.
    let stdout = serving.stop();
    assert!(stdout.lines().count() >= 1, "the service logged: {stdout}");
    for line in stdout.lines() {
        assert!(
            serde_json::from_str::<serde_json::Value>(line).is_ok(),
            "not JSON: {line}"
        );
    }
}

#[test]
fn under_cargo_the_banner_suggests_cargo_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let serving = Serving::start(dir.path(), free_port(), true);
    let banner = serving.banner();
    serving.stop();
    assert!(
        banner.contains("TOKEN=$(cargo run -- token --sub H1001"),
        "{banner}"
    );
}

#[test]
fn version_names_the_commit_and_the_build_date() {
    let output = debrief().arg("--version").output().expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with(&format!("debrief {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{stdout}"
    );
    assert!(stdout.contains(debrief::build_info::COMMIT), "{stdout}");
    assert!(
        stdout.contains(&format!("built {}", debrief::build_info::DATE)),
        "{stdout}"
    );
}

#[tokio::test]
async fn check_passes_a_good_configuration_and_names_each_broken_dependency() {
    use crate::keys::{JwksServer, SigningKey};
    let run = |envs: Vec<(&'static str, String)>| {
        tokio::task::spawn_blocking(move || {
            let mut command = debrief();
            command.arg("check");
            for (key, value) in envs {
                command.env(key, value);
            }
            command.output().expect("run")
        })
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().display().to_string();
    let good = run(vec![("DEBRIEF_DATA_DIR", data.clone())])
        .await
        .expect("join");
    let stdout = String::from_utf8_lossy(&good.stdout);
    assert!(good.status.success(), "{stdout}");
    assert!(stdout.contains("ok    database"), "{stdout}");

    // A database that cannot be reached.
    let url = format!("postgres://postgres@127.0.0.1:{}/nothing", free_port());
    let down = run(vec![
        ("DEBRIEF_DATA_DIR", data.clone()),
        ("DEBRIEF_DATABASE_URL", url),
    ])
    .await
    .expect("join");
    let stdout = String::from_utf8_lossy(&down.stdout);
    assert_eq!(down.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL  database"), "{stdout}");

    // Migrations pending and not applied at start.
    let pending = run(vec![
        ("DEBRIEF_DATA_DIR", data.clone()),
        ("DEBRIEF_MIGRATE_ON_START", "false".into()),
    ])
    .await
    .expect("join");
    let stdout = String::from_utf8_lossy(&pending.stdout);
    assert_eq!(pending.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("debrief migrate"), "{stdout}");

    // An identity provider: reachable and agreeing, then unreachable, then another issuer.
    let key = SigningKey::rsa("k1");
    let idp = JwksServer::start(&[&key]).await;
    let jwks = |issuer: String, url: String| {
        vec![
            ("DEBRIEF_DATA_DIR", data.clone()),
            ("DEBRIEF_AUTH_JWKS_URL", url),
            ("DEBRIEF_AUTH_ISSUER", issuer),
            ("DEBRIEF_AUTH_ALGORITHMS", "RS256".into()),
        ]
    };
    let agreeing = run(jwks(idp.base.clone(), idp.url())).await.expect("join");
    let stdout = String::from_utf8_lossy(&agreeing.stdout);
    assert!(agreeing.status.success(), "{stdout}");
    assert!(stdout.contains("ok    jwks"), "{stdout}");
    assert!(stdout.contains("ok    issuer"), "{stdout}");

    let unreachable = format!("http://127.0.0.1:{}/jwks", free_port());
    let output = run(jwks(idp.base.clone(), unreachable))
        .await
        .expect("join");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL  jwks"), "{stdout}");

    let wrong_issuer = format!("{}/", idp.base);
    let output = run(jwks(wrong_issuer, idp.url())).await.expect("join");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL  issuer"), "{stdout}");
}

#[tokio::test]
async fn health_probes_a_running_service_and_fails_when_none_answers() {
    let app = crate::helpers::spawn_app(crate::common::Backend::Sqlite).await;
    let port = app.address.rsplit(':').next().expect("port").to_owned();
    let probe = |listen: String| {
        tokio::task::spawn_blocking(move || {
            debrief()
                .args(["health"])
                .env("DEBRIEF_LISTEN", listen)
                .output()
                .expect("run")
        })
    };
    let up = probe(format!("127.0.0.1:{port}")).await.expect("join");
    assert!(
        up.status.success(),
        "{}",
        String::from_utf8_lossy(&up.stderr)
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let free = listener.local_addr().expect("addr").port();
    drop(listener);
    let down = probe(format!("127.0.0.1:{free}")).await.expect("join");
    assert!(!down.status.success());
}

#[test]
fn retention_apply_lists_with_dry_run_and_applies_without() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (args, expected) in [
        (
            &["retention", "apply", "--dry-run"][..],
            "would anonymise 0 application(s); 0 kept under legal hold.",
        ),
        (
            &["retention", "apply"][..],
            "anonymised 0 application(s); 0 kept under legal hold.",
        ),
    ] {
        let output = debrief()
            .args(args)
            .env("DEBRIEF_DATA_DIR", dir.path())
            .env("DEBRIEF_LOG_FILTER", "warn")
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{args:?}: {stdout} {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout.contains(expected), "{args:?}: {stdout}");
    }
}

#[tokio::test]
async fn backup_copies_the_embedded_database_and_the_copy_restores() {
    use crate::helpers::{ok, spawn_app_with, Caller};

    let live = tempfile::tempdir().expect("tempdir");
    let output = debrief()
        .args(["seed", "--tenant", "demo"])
        .env("DEBRIEF_DATA_DIR", live.path())
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let copies = tempfile::tempdir().expect("tempdir");
    let copy = copies.path().join("debrief.db");
    let output = debrief()
        .arg("backup")
        .arg(&copy)
        .env("DEBRIEF_DATA_DIR", live.path())
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(copy.is_file());
    // An existing file is never overwritten.
    let again = debrief()
        .arg("backup")
        .arg(&copy)
        .env("DEBRIEF_DATA_DIR", live.path())
        .output()
        .expect("run");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    // Restore: a service started on the copy serves the seeded data.
    let url = format!("sqlite://{}", copy.display());
    let app = spawn_app_with(crate::common::Backend::Sqlite, move |s| {
        s.database_url = url.into();
    })
    .await;
    let hr = Caller::hr("H1001").in_tenant("demo");
    let list = ok(app.get_as(&hr, "/v1/requisitions").await).await;
    let refs: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|r| r["external_ref"].as_str())
        .collect();
    assert!(refs.contains(&"DEMO-REQ-1"), "{list}");
}
