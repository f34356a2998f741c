//! Debrief: structured, reviewed feedback and development plans for rejected internal candidates.
//!
//! The crate is a library plus a thin binary (`src/main.rs`) so that the integration tests can
//! build the real application on port 0 and talk to it over HTTP. Its layers import one way,
//! from the top of this list to the bottom (`tests/layers.rs` checks it):
//!
//! - `startup`, `cli`: wiring — settings → `Application` → run;
//! - `http`: actix, the route table (= the OpenAPI document), extractors, views, problems;
//! - `app`: the use cases, one module per area;
//! - `auth`: token verification → `Principal`; the policy as data;
//! - `storage`: `Store` over both backends, typed rows;
//! - `telemetry`, `config`: logging; typed settings;
//! - `domain`: ids, names, validated inputs, the workflows (pure).

pub mod app;
pub mod auth;
pub mod build_info;
pub mod cli;
pub mod config;
pub mod domain;
pub mod http;
pub mod startup;
pub mod storage;
pub mod telemetry;
