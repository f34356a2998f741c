//! Logging setup and the per-request id.
//!
//! Every log line of a request carries its id: the request middleware opens a span that holds it,
//! and stores it in a task-local so that error bodies can quote it too.

use std::io::IsTerminal;
use std::time::Instant;

use tracing::span::{Attributes, Id};
use tracing::Subscriber;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

use crate::config::LogFormat;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being served on this task, if any.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// Runs `future` with `request_id` as the current request id.
pub async fn with_request_id<F: std::future::Future>(request_id: String, future: F) -> F::Output {
    REQUEST_ID.scope(request_id, future).await
}

/// Where the log goes: `serve` logs on stdout (the stream a container platform collects; the
/// human banner goes to stderr), the other commands on stderr, so that their stdout is their
/// output (`TOKEN=$(debrief token …)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogStream {
    Stdout,
    Stderr,
}

/// Installs the global subscriber. `filter` uses `RUST_LOG` syntax (`info,debrief=debug`).
/// Calling it twice is harmless: the second call keeps the first.
pub fn init(format: LogFormat, filter: &str, stream: LogStream) {
    let format = match format {
        LogFormat::Auto => {
            let terminal = match stream {
                LogStream::Stdout => std::io::stdout().is_terminal(),
                LogStream::Stderr => std::io::stderr().is_terminal(),
            };
            if terminal {
                LogFormat::Text
            } else {
                LogFormat::Json
            }
        }
        chosen => chosen,
    };
    match stream {
        LogStream::Stdout => init_with_writer(format, filter, std::io::stdout),
        LogStream::Stderr => init_with_writer(format, filter, std::io::stderr),
    }
}

/// Like `init`, with another destination (tests capture the logs this way).
pub fn init_with_writer<W>(format: LogFormat, filter: &str, writer: W)
where
    W: for<'a> fmt::MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let json = match format {
        LogFormat::Json => true,
        LogFormat::Text => false,
        LogFormat::Auto => !std::io::stderr().is_terminal(),
    };
    let registry = tracing_subscriber::registry()
        .with(filter)
        .with(StatementTimings);
    let result = if json {
        registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_span_list(false)
                    .with_writer(writer),
            )
            .try_init()
    } else {
        registry.with(fmt::layer().with_writer(writer)).try_init()
    };
    // A subscriber is already installed (tests build many applications in one process).
    drop(result);
}

/// The target of the database statements' spans (`#[tracing::instrument]` on `storage::Db`).
const STORAGE_TARGET: &str = "debrief::storage";

/// When a statement's span closes (with `debrief::storage=debug`), logs how long it took,
/// inside the request's span: a request's log shows each statement's time.
struct StatementTimings;

struct Started(Instant);

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for StatementTimings {
    fn on_new_span(&self, attributes: &Attributes<'_>, id: &Id, context: Context<'_, S>) {
        if attributes.metadata().target().starts_with(STORAGE_TARGET) {
            if let Some(span) = context.span(id) {
                span.extensions_mut().insert(Started(Instant::now()));
            }
        }
    }

    fn on_close(&self, id: Id, context: Context<'_, S>) {
        let Some(span) = context.span(&id) else {
            return;
        };
        let elapsed = span.extensions().get::<Started>().map(|s| s.0.elapsed());
        if let Some(elapsed) = elapsed {
            tracing::debug!(
                target: "debrief::storage",
                statement = span.name(),
                elapsed_us = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
                "statement finished"
            );
        }
    }
}
