//! HTTP behaviour of the real service: real listener, real database (SQLite and PostgreSQL),
//! real JWTs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
pub mod common;
mod helpers;
mod keys;
mod scenario;

mod audit;
mod auth;
mod authz;
mod candidate;
mod catalogs;
mod cli;
mod deadlines;
mod errors;
mod events;
mod feedback;
mod hardening;
mod health;
mod hiring;
mod identity;
mod languages;
mod noop;
mod openapi;
mod privacy;
mod quality;
mod reports;
mod resources;
mod statements;
mod sync;
mod tenancy;
mod webhook_replicas;
mod webhooks;
