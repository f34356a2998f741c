//! `debrief check`: the configuration, and every dependency reached once, before traffic.

use crate::config::Settings;
use crate::storage::Store;

/// `debrief check`: one line per check, then a verdict.
pub async fn check(settings: &Settings) -> anyhow::Result<()> {
    use crate::auth::{Authenticator, Verdict};
    use std::time::Duration;

    let mut failures = 0;
    let mut report = |verdict: Verdict, what: &str, detail: &str| {
        let label = match verdict {
            Verdict::Ok => "ok",
            Verdict::Warn => "warn",
            Verdict::Fail => "FAIL",
        };
        failures += usize::from(verdict == Verdict::Fail);
        println!("{label:<5} {what:<10} {detail}");
    };
    report(
        Verdict::Ok,
        "config",
        &format!(
            "valid: {:?} database, {:?} auth, listening on {}",
            settings.database.backend,
            settings.auth.mode(),
            settings.listen
        ),
    );
    if settings.is_development() {
        report(
            Verdict::Warn,
            "auth",
            "development auth (a local secret, loopback only): not for a deployment",
        );
    }
    let within = Duration::from_secs(10);
    let database = async {
        let store = Store::connect(&settings.database).await?;
        store.ping().await?;
        let pending = store.pending_migrations().await;
        let row_security = store.row_security();
        store.close().await;
        pending.map(|pending| (pending, row_security))
    };
    let outcome = tokio::time::timeout(within, database).await;
    if let Ok(Ok((_, Some(row_security)))) = &outcome {
        if *row_security {
            report(
                Verdict::Ok,
                "tenancy",
                "row-level security binds the service role: each session sees one tenant",
            );
        } else {
            report(
                Verdict::Warn,
                "tenancy",
                "the service role owns the tables or bypasses row-level security: run the \
                 service as its own role (docs/operations.md, \"Database roles\")",
            );
        }
    }
    match outcome.map(|result| result.map(|(pending, _)| pending)) {
        Err(_) => report(Verdict::Fail, "database", "no answer within 10 s"),
        Ok(Err(error)) => report(Verdict::Fail, "database", &format!("cannot reach it: {error}")),
        Ok(Ok(pending)) if pending.is_empty() => {
            report(Verdict::Ok, "database", "reachable, every migration applied")
        }
        Ok(Ok(pending)) if settings.migrate_on_start => report(
            Verdict::Ok,
            "database",
            &format!("reachable; {} migration(s) pending, applied by `serve` at start", pending.len()),
        ),
        Ok(Ok(pending)) => report(
            Verdict::Fail,
            "database",
            &format!(
                "reachable, but {} migration(s) pending and DEBRIEF_MIGRATE_ON_START is off: run `debrief migrate`",
                pending.len()
            ),
        ),
    }
    match Authenticator::from_settings(settings) {
        Err(error) => report(Verdict::Fail, "keys", &format!("{error:#}")),
        Ok(auth) => match tokio::time::timeout(within, auth.check(&settings.auth.issuer)).await {
            Err(_) => report(
                Verdict::Fail,
                "keys",
                "the identity provider did not answer within 10 s",
            ),
            Ok(findings) => {
                for (verdict, what, detail) in findings {
                    report(verdict, what, &detail);
                }
            }
        },
    }
    if failures > 0 {
        anyhow::bail!("{failures} check(s) failed");
    }
    println!("all checks passed");
    Ok(())
}
