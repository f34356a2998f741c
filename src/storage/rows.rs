//! Rows shared by both backends (`FromRow` decodes the same columns from either).

use chrono::{DateTime, Utc};

/// One entry of a tenant's competency or reason-code catalog.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CatalogEntry {
    pub key: String,
    pub name: String,
    pub description: String,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
