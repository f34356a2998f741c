//! State shared by every worker.

use crate::app::App;
use crate::auth::Authenticator;

use super::error::{ApiError, ApiResult};
use super::limits::RateLimits;
use super::metrics::Metrics;
use super::pagination::CursorKey;
use super::RouteTable;

pub struct AppState {
    pub app: App,
    pub auth: Authenticator,
    pub metrics: Metrics,
    pub routes: RouteTable,
    /// Signs and checks pagination cursors; read from the database on first use, so that a
    /// database that is down at start shows in readiness, not as a crash loop.
    pub cursors: tokio::sync::OnceCell<CursorKey>,
    pub limits: RateLimits,
}

impl AppState {
    /// The key pagination cursors are signed with, shared by every replica through the
    /// database (made by the first replica that needs it).
    pub async fn cursors(&self) -> ApiResult<&CursorKey> {
        self.cursors
            .get_or_try_init(|| async {
                let mut fresh = [0u8; 32];
                aws_lc_rs::rand::fill(&mut fresh).map_err(|_| {
                    ApiError::Internal("the system random number generator failed".into())
                })?;
                let fresh: String = fresh.iter().map(|b| format!("{b:02x}")).collect();
                let secret = self.app.service_secret(CursorKey::SECRET, &fresh).await?;
                Ok(CursorKey::new(secret.as_bytes()))
            })
            .await
    }
}
