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

#[test]
fn token_mints_a_token_that_migrate_and_serve_share_a_secret_for() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = debrief()
        .args(["token", "--sub", "E42", "--role", "hr", "--tenant", "acme"])
        .env("DEBRIEF_DATA_DIR", dir.path())
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let token = String::from_utf8(output.stdout).expect("utf8");
    assert_eq!(token.trim().split('.').count(), 3);
    assert!(dir.path().join("dev-hs256-secret").is_file());

    let bad_role = debrief()
        .args(["token", "--role", "admin"])
        .env("DEBRIEF_DATA_DIR", dir.path())
        .output()
        .expect("run");
    assert!(!bad_role.status.success());
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("unknown role"));
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
