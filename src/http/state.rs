//! State shared by every worker.

use crate::app::App;
use crate::auth::Authenticator;

use super::metrics::Metrics;
use super::RouteTable;

pub struct AppState {
    pub app: App,
    pub auth: Authenticator,
    pub metrics: Metrics,
    pub routes: RouteTable,
}
