//! Debrief: structured, reviewed feedback and development plans for rejected internal candidates.
//!
//! The crate is a library plus a thin binary (`src/main.rs`) so that the integration tests can
//! build the real application on port 0 and talk to it over HTTP.

pub mod auth;
pub mod cli;
pub mod config;
pub mod domain;
pub mod error;
pub mod http;
pub mod metrics;
pub mod retention;
pub mod seed;
pub mod startup;
pub mod storage;
pub mod telemetry;
