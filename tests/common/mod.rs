//! Test databases for both backends: a fresh one per test, dropped afterwards.

#![allow(dead_code)]

pub mod proxy;
pub mod receiver;

use std::path::PathBuf;
use std::str::FromStr;

use debrief::config::RawSettings;
use debrief::storage::Store;
use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, ConnectOptions, Connection};
use uuid::Uuid;

/// Names the PostgreSQL server the Postgres half of the suite runs against.
pub const POSTGRES_URL_ENV: &str = "DEBRIEF_TEST_POSTGRES_URL";

#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    /// An admin URL of a server where the tests may create databases.
    Postgres(String),
}

impl Backend {
    /// The Postgres backend, if configured. Without it the test is skipped with a message,
    /// except in CI (`CI=true`), where a missing database fails the test.
    pub fn postgres() -> Option<Backend> {
        match std::env::var(POSTGRES_URL_ENV) {
            Ok(url) if !url.is_empty() => Some(Backend::Postgres(url)),
            _ if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") => {
                panic!("{POSTGRES_URL_ENV} is not set: in CI the PostgreSQL half of the suite must run")
            }
            _ => {
                eprintln!("SKIPPED (PostgreSQL): set {POSTGRES_URL_ENV}=postgres://postgres@127.0.0.1:5432/postgres to run it");
                None
            }
        }
    }
}

/// A database that lives as long as the test.
pub struct TestDatabase {
    pub url: String,
    pub dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    pub async fn create(backend: &Backend) -> TestDatabase {
        let dir = tempfile::tempdir().expect("temporary directory");
        match backend {
            Backend::Sqlite => TestDatabase {
                url: format!("sqlite://{}", dir.path().join("debrief.db").display()),
                dir,
                postgres: None,
            },
            Backend::Postgres(admin_url) => {
                let name = format!("debrief_test_{}", Uuid::now_v7().simple());
                let mut admin = PgConnectOptions::from_str(admin_url)
                    .expect("valid postgres URL")
                    .connect()
                    .await
                    .unwrap_or_else(|e| panic!("cannot connect to {POSTGRES_URL_ENV}: {e}"));
                sqlx::query(AssertSqlSafe(format!("create database \"{name}\"")))
                    .execute(&mut admin)
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                TestDatabase {
                    url: with_database(admin_url, &name),
                    dir,
                    postgres: Some((admin_url.clone(), name)),
                }
            }
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// Settings for an application on this database: port 0, one worker, development auth.
    pub fn settings(&self) -> RawSettings {
        RawSettings {
            listen: "127.0.0.1:0".into(),
            database_url: self.url.clone().into(),
            data_dir: self.data_dir(),
            workers: 1,
            db_max_connections: 4,
            // Webhook receivers of the tests listen on loopback.
            webhook_allow_local_destinations: true,
            webhook_poll_interval_ms: 50,
            ..RawSettings::default()
        }
    }

    /// A migrated store on this database.
    pub async fn store(&self) -> Store {
        let settings = self.settings().parse().expect("valid settings");
        let store = Store::connect(&settings.database).await.expect("connect");
        store.migrate().await.expect("migrate");
        store
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.postgres.take() else {
            return;
        };
        // Drop cannot await: a short-lived runtime on its own thread drops the database.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                if let Ok(mut admin) = PgConnectOptions::from_str(&admin_url)
                    .expect("valid postgres URL")
                    .connect()
                    .await
                {
                    let _ = sqlx::query(AssertSqlSafe(format!(
                        "drop database if exists \"{name}\" with (force)"
                    )))
                    .execute(&mut admin)
                    .await;
                }
            });
        })
        .join();
    }
}

/// `postgres://u@h:p/old?x=y` with the database replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

/// Generates a `sqlite` and a `postgres` test for each backend-agnostic test function.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name($crate::common::Backend::Sqlite).await
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(backend) = $crate::common::Backend::postgres() {
                    super::$name(backend).await
                }
            }
        }
    )*};
}

/// Runs one statement on a connection of its own, behind the service's back.
pub async fn raw(
    db: &TestDatabase,
    backend: &Backend,
    statement: &str,
) -> Result<u64, sqlx::Error> {
    match backend {
        Backend::Sqlite => {
            let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(db.dir.path().join("debrief.db"))
                .connect()
                .await
                .expect("connect");
            let result = sqlx::query(AssertSqlSafe(statement.to_owned()))
                .execute(&mut conn)
                .await;
            conn.close().await.ok();
            result.map(|r| r.rows_affected())
        }
        Backend::Postgres(_) => {
            let mut conn = PgConnectOptions::from_str(&db.url)
                .expect("url")
                .connect()
                .await
                .expect("connect");
            let result = sqlx::query(AssertSqlSafe(statement.to_owned()))
                .execute(&mut conn)
                .await;
            conn.close().await.ok();
            result.map(|r| r.rows_affected())
        }
    }
}
