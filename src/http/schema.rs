//! Schemas of plain strings with a format, for use as `value_type` in DTOs (utoipa has no
//! attribute for the items of a `Vec<String>`).

use std::borrow::Cow;

use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

use crate::domain::hiring::{EMPLOYEE_ID_PATTERN, EXTERNAL_REF_PATTERN};

/// An employee id as the HRIS knows it (the `sub` of their token).
pub struct EmployeeId;

impl PartialSchema for EmployeeId {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "An employee id as the HRIS knows it (the `sub` of their token).",
            ))
            .min_length(Some(1))
            .max_length(Some(128))
            .pattern(Some(EMPLOYEE_ID_PATTERN))
            .examples([serde_json::json!("E10234")])
            .into()
    }
}

impl ToSchema for EmployeeId {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("EmployeeId")
    }
}

/// The ATS/HRIS id of a record.
pub struct ExternalRef;

impl PartialSchema for ExternalRef {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "The id of the record in the ATS/HRIS; unique per tenant.",
            ))
            .min_length(Some(1))
            .max_length(Some(128))
            .pattern(Some(EXTERNAL_REF_PATTERN))
            .examples([serde_json::json!("REQ-2026-0042")])
            .into()
    }
}

impl ToSchema for ExternalRef {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("ExternalRef")
    }
}
