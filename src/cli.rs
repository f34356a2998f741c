//! The command line: `serve` (default), `migrate`, `token`, `seed`, `health`, `backup`,
//! `retention`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

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
#[command(name = "debrief", version, about)]
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
                let report =
                    crate::app::retention::apply(&store, crate::storage::now(), dry_run).await;
                store.close().await;
                print_retention(&report?, dry_run);
                Ok(())
            }
            Command::Seed { tenant } => {
                let tenant = TenantId::parse(&tenant).map_err(anyhow::Error::msg)?;
                let store = Store::connect(&settings.database).await?;
                store.migrate().await?;
                let app = App::new(store.clone());
                let report = crate::app::seed::seed(&app, &tenant).await?;
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
                    println!("  {who:<45} cargo run -- token --sub {sub} --role {role} --tenant {tenant}");
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
                let token = mint_token(
                    &settings,
                    &TokenRequest {
                        sub: args.sub,
                        roles: args.roles,
                        tenant,
                        ttl_secs: args.ttl,
                    },
                )?;
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
            "deleted {} expired Idempotency-Key record(s).",
            report.idempotency_records
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
        let secret_file = settings.data_dir.join(crate::auth::DEV_SECRET_FILE);
        println!();
        println!("  Debrief is running with development auth (loopback only).");
        println!("  API reference:  {base}/docs/");
        println!("  OpenAPI:        {base}/openapi.json");
        println!("  Get a token:    cargo run -- token --sub H1001 --role hr --tenant demo");
        println!("  Demo data:      cargo run -- seed   (then see the tokens it suggests)");
        println!("  Use it:         curl -H \"Authorization: Bearer $TOKEN\" {base}/v1/catalogs/competencies");
        println!("  Dev secret:     {}", secret_file.display());
        println!();
    }
    application.run_until_stopped().await?;
    Ok(())
}

/// A dependency-free HTTP/1.0 probe of `/health/live` on the configured listen address.
fn probe_liveness(settings: &Settings) -> anyhow::Result<()> {
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
    stream.write_all(b"GET /health/live HTTP/1.0\r\nHost: localhost\r\n\r\n")?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head)?;
    if head.starts_with(b"HTTP/1.") && &head[9..12] == b"200" {
        Ok(())
    } else {
        anyhow::bail!(
            "liveness probe answered {:?}",
            String::from_utf8_lossy(&head)
        )
    }
}
