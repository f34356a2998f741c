//! How domain types are bound and decoded on both backends: names and ids are text, UUID ids
//! are UUIDs (a 16-byte BLOB on SQLite). A stored value that does not parse is a decode error
//! that names the value, never a silent fallback.

use sqlx::database::Database;
use sqlx::decode::Decode;
use sqlx::encode::{Encode, IsNull};
use sqlx::error::BoxDynError;
use sqlx::types::Type;
use uuid::Uuid;

use crate::domain::candidate::{Addressee, FollowUpStatus, ProgressStatus};
use crate::domain::catalog::CatalogKey;
use crate::domain::events::EventType;
use crate::domain::feedback::{FeedbackAction, FeedbackStatus, QualityEnforcement};
use crate::domain::hiring::{
    ApplicationStatus, ExternalRef, RequisitionAction, RequisitionStatus, Stage,
};
use crate::domain::language::LanguageTag;
use crate::domain::privacy::ErasureReason;
use crate::domain::resources::ResourceKind;
use crate::domain::webhooks::{DeliveryState, DisabledReason};
use crate::domain::{
    ActionId, ApplicationId, AttemptId, AuditEventId, EmployeeId, EventId, FeedbackId, FollowUpId,
    Named, RequisitionId, ResourceId, Role, SubscriptionId, TenantId,
};

/// A type stored as text on both backends.
macro_rules! text_type {
    ($name:ty) => {
        impl<DB: Database> Type<DB> for $name
        where
            String: Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <String as Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <String as Type<DB>>::compatible(ty)
            }
        }
    };
}

/// Names (`Named` enums) stored as their text.
macro_rules! name_codec {
    ($($name:ty),+ $(,)?) => {$(
        text_type!($name);

        impl<'q, DB: Database> Encode<'q, DB> for $name
        where
            &'q str: Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as Database>::ArgumentBuffer,
            ) -> Result<IsNull, BoxDynError> {
                <&'q str as Encode<'q, DB>>::encode(Named::as_str(*self), buf)
            }
        }

        impl<'r, DB: Database> Decode<'r, DB> for $name
        where
            String: Decode<'r, DB>,
        {
            fn decode(value: <DB as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
                let raw = <String as Decode<'r, DB>>::decode(value)?;
                Ok(<$name as Named>::parse_stored(&raw)?)
            }
        }
    )+};
}

name_codec!(
    RequisitionStatus,
    RequisitionAction,
    ApplicationStatus,
    Stage,
    FeedbackStatus,
    FeedbackAction,
    ProgressStatus,
    Addressee,
    FollowUpStatus,
    ErasureReason,
    Role,
    EventType,
    DisabledReason,
    DeliveryState,
    QualityEnforcement,
    ResourceKind,
);

/// String ids stored as their text; decoding parses them again.
macro_rules! text_id_codec {
    ($($name:ty),+ $(,)?) => {$(
        text_type!($name);

        impl<'q, DB: Database> Encode<'q, DB> for $name
        where
            String: Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as Database>::ArgumentBuffer,
            ) -> Result<IsNull, BoxDynError> {
                <String as Encode<'q, DB>>::encode(self.as_str().to_owned(), buf)
            }
        }

        impl<'r, DB: Database> Decode<'r, DB> for $name
        where
            String: Decode<'r, DB>,
        {
            fn decode(value: <DB as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
                let raw = <String as Decode<'r, DB>>::decode(value)?;
                <$name>::parse(&raw).map_err(|message| {
                    format!("stored {} {raw:?} is invalid: {message}", stringify!($name)).into()
                })
            }
        }
    )+};
}

text_id_codec!(TenantId, EmployeeId, ExternalRef, CatalogKey, LanguageTag);

/// UUID ids stored as UUIDs.
macro_rules! uuid_id_codec {
    ($($name:ty),+ $(,)?) => {$(
        impl<DB: Database> Type<DB> for $name
        where
            Uuid: Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <Uuid as Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <Uuid as Type<DB>>::compatible(ty)
            }
        }

        impl<'q, DB: Database> Encode<'q, DB> for $name
        where
            Uuid: Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as Database>::ArgumentBuffer,
            ) -> Result<IsNull, BoxDynError> {
                <Uuid as Encode<'q, DB>>::encode(self.as_uuid(), buf)
            }
        }

        impl<'r, DB: Database> Decode<'r, DB> for $name
        where
            Uuid: Decode<'r, DB>,
        {
            fn decode(value: <DB as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
                Ok(<$name>::from_uuid(<Uuid as Decode<'r, DB>>::decode(value)?))
            }
        }
    )+};
}

uuid_id_codec!(
    RequisitionId,
    ApplicationId,
    FeedbackId,
    ActionId,
    FollowUpId,
    AuditEventId,
    EventId,
    SubscriptionId,
    AttemptId,
    ResourceId,
);
