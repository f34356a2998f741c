//! Cursor (keyset) pagination.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use crate::error::{ApiError, FieldError};

/// Default page size.
pub const DEFAULT_LIMIT: u32 = 50;
/// Largest page size.
pub const MAX_LIMIT: u32 = 200;

/// `limit` and `cursor`, accepted by every collection.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page; omit for the first page.
    #[param(max_length = 512)]
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn limit(&self) -> Result<u32, ApiError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(limit) if (1..=MAX_LIMIT).contains(&limit) => Ok(limit),
            Some(_) => Err(ApiError::validation(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            )),
        }
    }

    /// The decoded cursor, if any.
    pub fn position<T: DeserializeOwned>(&self) -> Result<Option<T>, ApiError> {
        self.cursor.as_deref().map(Cursor::decode).transpose()
    }
}

/// An opaque keyset position: the sort key of the last item of a page.
pub struct Cursor;

impl Cursor {
    pub fn encode<T: Serialize>(position: &T) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(position).unwrap_or_default())
    }

    pub fn decode<T: DeserializeOwned>(raw: &str) -> Result<T, ApiError> {
        let invalid = || {
            ApiError::Validation(vec![FieldError::new(
                "cursor",
                "is not a cursor this service issued",
            )])
        };
        if raw.len() > 512 {
            return Err(invalid());
        }
        let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?;
        serde_json::from_slice(&bytes).map_err(|_| invalid())
    }

    /// Trims a page fetched with `limit + 1` rows to `limit` and returns the next cursor.
    pub fn page<T, P: Serialize>(
        mut rows: Vec<T>,
        limit: u32,
        position: impl Fn(&T) -> P,
    ) -> (Vec<T>, Option<String>) {
        let limit = limit as usize;
        if rows.len() > limit {
            rows.truncate(limit);
            let next = rows.last().map(|last| Self::encode(&position(last)));
            (rows, next)
        } else {
            (rows, None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_tampering_is_refused() {
        let raw = Cursor::encode(&("skills_gap",));
        let back: (String,) = Cursor::decode(&raw).expect("decodes");
        assert_eq!(back.0, "skills_gap");
        assert!(Cursor::decode::<(String,)>("not-a-cursor!").is_err());
        assert!(Cursor::decode::<(String,)>(&"A".repeat(600)).is_err());
    }

    #[test]
    fn a_page_of_limit_plus_one_rows_has_a_next_cursor() {
        let (rows, next) = Cursor::page(vec![1, 2, 3], 2, |n| *n);
        assert_eq!(rows, [1, 2]);
        assert_eq!(
            Cursor::decode::<i32>(&next.expect("next")).expect("decodes"),
            2
        );
        let (rows, next) = Cursor::page(vec![1, 2], 2, |n| *n);
        assert_eq!(rows, [1, 2]);
        assert!(next.is_none());
    }
}
