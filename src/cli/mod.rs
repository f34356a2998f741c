//! The command line: `serve` (default), `migrate`, `token`, `seed`, `health`, `backup`,
//! `retention`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

mod check;

use crate::app::App;
use crate::auth::{mint_token, TokenRequest};
use crate::config::Settings;
use crate::domain::{EmployeeId, Role, TenantId};
use crate::startup::Application;
use crate::storage::Store;

/// Debrief: structured, reviewed feedback and development plans for rejected internal
/// candidates.
///
/// Configuration comes from DEBRIEF_* environment variables and an optional TOML file; see
/// docs/configuration.md.
#[derive(Debug, Parser)]
#[command(name = "debrief", version = crate::build_info::LONG, about)]
pub struct Cli {
    /// TOML configuration file (also DEBRIEF_CONFIG).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP service (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Mint a development token that this configuration accepts.
    Token(TokenArgs),
    /// Load a demo tenant (requisitions, applications, decisions) to try the API with; safe to
    /// run again.
    Seed {
        /// The tenant to fill.
        #[arg(long, default_value = "demo")]
        tenant: String,
    },
    /// Check the configuration and reach every dependency once (database and its migrations,
    /// the identity provider's keys and discovery document): one line per check, exit code 1
    /// if any fails. Usable as a pre-deploy step or a Kubernetes init container.
    Check,
    /// Probe the running service's liveness endpoint (for container health checks); exits 0
    /// when it answers 200.
    Health,
    /// Copy the embedded (SQLite) database, consistently, while the service runs. To restore,
    /// stop the service and put the copy in place of the database file. (PostgreSQL: use
    /// pg_dump or your provider's backups; see docs/operations.md.)
    Backup {
        /// The file to write; it must not exist yet.
        #[arg(value_name = "FILE")]
        to: PathBuf,
    },
    /// Data retention.
    #[command(subcommand)]
    Retention(RetentionCommand),
}

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Anonymise every application (and everything about it) whose tenant's retention period
    /// after the decision has run out; applications under legal hold are kept. `serve` does
    /// the same periodically.
    Apply {
        /// List what would be anonymised, change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    /// The caller's employee or client id.
    #[arg(long, default_value = "E1001")]
    pub sub: String,
    /// A role to grant: employee, hiring_manager, hr, integration (repeatable).
    #[arg(long = "role", value_name = "ROLE", value_parser = parse_role)]
    pub roles: Vec<Role>,
    /// The tenant (company) id; defaults to DEBRIEF_AUTH_DEFAULT_TENANT or `demo`.
    #[arg(long)]
    pub tenant: Option<String>,
    /// Lifetime in seconds.
    #[arg(long, default_value_t = 8 * 3600, value_parser = clap::value_parser!(i64).range(60..=7 * 24 * 3600))]
    pub ttl: i64,
}

fn parse_role(raw: &str) -> Result<Role, String> {
    Role::parse(raw).ok_or_else(|| {
        format!("unknown role {raw:?}; one of employee, hiring_manager, hr, integration")
    })
}

impl Cli {
    /// Whether this runs the service (its log goes to stdout).
    pub fn serves(&self) -> bool {
        matches!(self.command, None | Some(Command::Serve))
    }

    pub async fn run(self, settings: Settings) -> anyhow::Result<()> {
        match self.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(settings).await,
            Command::Migrate => {
                let store = Store::connect(&settings.database).await?;
                store.migrate().await?;
                tracing::info!(backend = ?store.backend(), "migrations applied");
                store.close().await;
                Ok(())
            }
            Command::Health => probe_liveness(&settings),
            Command::Check => check::check(&settings).await,
            Command::Backup { to } => {
                let store = Store::connect(&settings.database).await?;
                let result = store.backup(&to).await;
                store.close().await;
                result?;
                println!("backed up to {}", to.display());
                Ok(())
            }
            Command::Retention(RetentionCommand::Apply { dry_run }) => {
                let store = Store::connect(&settings.database).await?;
                store.migrate().await?;
                let bar = Bar::new("anonymising");
                let report = crate::app::retention::apply_with_progress(
                    &store,
                    crate::storage::now(),
                    dry_run,
                    settings.event_retention_days,
                    &bar,
                )
                .await;
                bar.finish();
                store.close().await;
                print_retention(&report?, dry_run);
                Ok(())
            }
            Command::Seed { tenant } => {
                let tenant = TenantId::parse(&tenant).map_err(anyhow::Error::msg)?;
                let store = Store::connect(&settings.database).await?;
                store.migrate().await?;
                let app = App::new(store.clone(), settings.webhooks.clone())
                    .map_err(anyhow::Error::msg)?;
                let bar = Bar::new("seeding");
                let report = crate::app::seed::seed_with_progress(&app, &tenant, &bar).await;
                bar.finish();
                let report = report?;
                store.close().await;
                println!(
                    "Seeded tenant {tenant}: {} requisitions, {} applications, {} new decisions.",
                    report.requisitions, report.applications, report.decisions
                );
                println!("Try it as:");
                for (who, sub, role) in [
                    ("HR partner", "H1001", "hr"),
                    (
                        "hiring manager of DEMO-REQ-1 and DEMO-REQ-3",
                        "M1001",
                        "hiring_manager",
                    ),
                    ("rejected candidate", "E1001", "employee"),
                    ("HR portal", "hr-portal", "integration"),
                ] {
                    println!(
                        "  {who:<45} {} token --sub {sub} --role {role} --tenant {tenant}",
                        invocation()
                    );
                }
                Ok(())
            }
            Command::Token(args) => {
                let tenant = args
                    .tenant
                    .clone()
                    .or_else(|| {
                        settings
                            .auth
                            .default_tenant
                            .as_ref()
                            .map(|t| t.as_str().to_owned())
                    })
                    .unwrap_or_else(|| "demo".into());
                TenantId::parse(&tenant).map_err(anyhow::Error::msg)?;
                EmployeeId::parse(&args.sub).map_err(anyhow::Error::msg)?;
                if settings.is_development() {
                    development_secret_exists(&settings)?;
                }
                let token = mint_token(
                    &settings,
                    &TokenRequest {
                        sub: args.sub,
                        roles: args.roles,
                        tenant,
                        ttl_secs: args.ttl,
                    },
                )?;
                if settings.is_development() && running_server_refuses(&settings, &token) {
                    anyhow::bail!(
                        "the service on {} does not accept tokens signed with the development \
                         secret in {}: it runs with another data directory. Run this command \
                         from the folder where `serve` runs, or set DEBRIEF_DATA_DIR to its data \
                         directory.",
                        settings.listen,
                        absolute(&settings.data_dir).display()
                    );
                }
                println!("{token}");
                Ok(())
            }
        }
    }
}

fn print_retention(report: &crate::app::retention::RetentionReport, dry_run: bool) {
    let verb = if dry_run {
        "would anonymise"
    } else {
        "anonymised"
    };
    println!(
        "{verb} {} application(s); {} kept under legal hold.",
        report.anonymised.len(),
        report.held.len()
    );
    for (list, state) in [(&report.anonymised, verb), (&report.held, "held")] {
        for item in list {
            println!(
                "  {state:<16} tenant={} application={} decided_at={}",
                item.tenant_id,
                item.application_id,
                item.decided_at.to_rfc3339()
            );
        }
    }
    if !dry_run {
        println!(
            "deleted {} expired Idempotency-Key record(s) and {} event(s) older than {} days.",
            report.idempotency_records, report.events, report.event_days
        );
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let application = Application::build(&settings).await?;
    let host = settings.listen.ip();
    let base = format!("http://{host}:{}", application.port());
    tracing::info!(
        %base,
        backend = ?application.store().backend(),
        auth = ?settings.auth.mode(),
        "debrief listening"
    );
    if settings.is_development() {
        // For a person at a terminal, on stderr: stdout carries only the logs.
        let secret_file = absolute(&settings.data_dir).join(crate::auth::DEV_SECRET_FILE);
        let run = invocation();
        eprintln!();
        eprintln!("  Debrief is running with development auth (loopback only).");
        eprintln!("  API reference:  {base}/docs/");
        eprintln!("  OpenAPI:        {base}/openapi.json");
        eprintln!("  Get a token:    TOKEN=$({run} token --sub H1001 --role hr --tenant demo)");
        eprintln!("  Demo data:      {run} seed   (then see the tokens it suggests)");
        eprintln!("  Use it:         curl -H \"Authorization: Bearer $TOKEN\" {base}/v1/catalogs/competencies");
        eprintln!("  Dev secret:     {}", secret_file.display());
        eprintln!("  (run the commands from this folder, or set DEBRIEF_DATA_DIR to the same data directory)");
        eprintln!();
    }
    application.run_until_stopped().await?;
    Ok(())
}

/// A dependency-free HTTP/1.0 probe of `/health/live` on the configured listen address.
fn probe_liveness(settings: &Settings) -> anyhow::Result<()> {
    let status = probe(settings, "/health/live", None)?;
    if status == 200 {
        Ok(())
    } else {
        anyhow::bail!("liveness probe answered {status}")
    }
}

/// The status code of one HTTP/1.0 `GET path` (with a bearer token) to the service on the
/// configured listen address; an error when nothing answers within 2 s.
fn probe(settings: &Settings, path: &str, token: Option<&str>) -> anyhow::Result<u16> {
    use std::io::{Read, Write};
    use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
    use std::time::Duration;

    let mut address = settings.listen;
    if address.ip().is_unspecified() {
        address = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), address.port());
    }
    let timeout = Duration::from_secs(2);
    let mut stream = TcpStream::connect_timeout(&address, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    let authorization = token
        .map(|token| format!("Authorization: Bearer {token}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: localhost\r\n{authorization}\r\n"
    )?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head)?;
    let status = head
        .starts_with(b"HTTP/1.")
        .then(|| std::str::from_utf8(&head[9..12]).ok()?.parse::<u16>().ok())
        .flatten();
    status
        .ok_or_else(|| anyhow::anyhow!("not an HTTP answer: {:?}", String::from_utf8_lossy(&head)))
}

/// How the user started this program, for the commands we suggest: `cargo run --` under cargo,
/// the path they typed for the binary (`debrief` when it came from `PATH`).
pub fn invocation() -> String {
    if std::env::var_os("CARGO_MANIFEST_DIR").is_some() && std::env::var_os("CARGO").is_some() {
        return "cargo run --".into();
    }
    match std::env::args().next() {
        Some(typed) if typed.contains('/') => typed,
        _ => "debrief".into(),
    }
}

fn absolute(path: &std::path::Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `token` never makes a development secret: one it made would not be the running service's.
fn development_secret_exists(settings: &Settings) -> anyhow::Result<()> {
    let file = settings.data_dir.join(crate::auth::DEV_SECRET_FILE);
    if file.is_file() {
        return Ok(());
    }
    anyhow::bail!(
        "no development secret at {}: `serve` creates it in its data directory on first start \
         (DEBRIEF_DATA_DIR, default ./data where it runs). Start the service first, and run this \
         command from the same folder or with DEBRIEF_DATA_DIR set to that data directory.",
        absolute(&file).display()
    )
}

/// Whether a service answering on the configured address refuses `token` (401): it was
/// started with another data directory. No service answering is not a refusal.
fn running_server_refuses(settings: &Settings, token: &str) -> bool {
    probe(settings, "/v1/catalogs/competencies?limit=1", Some(token)).is_ok_and(|s| s == 401)
}

/// A progress bar on stderr when it is a terminal; nothing otherwise (the one-line summary on
/// stdout is the record).
struct Bar(indicatif::ProgressBar);

impl Bar {
    fn new(what: &'static str) -> Self {
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} ({eta})")
        {
            bar.set_style(style);
        }
        bar.set_message(what);
        Self(bar)
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl crate::app::Progress for Bar {
    fn length(&self, total: u64) {
        self.0.set_length(total);
    }

    fn advance(&self) {
        self.0.inc(1);
    }
}
