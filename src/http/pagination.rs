//! Cursor (keyset) pagination: `limit` and an opaque `cursor` in, `next_cursor` out.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use crate::app::{Page, PageRequest};
use crate::domain::{Checked, Invalid};

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
    /// The page asked for; an invalid `limit` or `cursor` is named.
    pub fn request<K: DeserializeOwned>(&self) -> Checked<PageRequest<K>> {
        let limit = match self.limit {
            None => DEFAULT_LIMIT,
            Some(limit) if (1..=MAX_LIMIT).contains(&limit) => limit,
            Some(_) => {
                return Err(Invalid::field(
                    "limit",
                    format!("must be between 1 and {MAX_LIMIT}"),
                ))
            }
        };
        let after = self.cursor.as_deref().map(Cursor::decode).transpose()?;
        Ok(PageRequest { limit, after })
    }
}

/// An opaque keyset position: the sort key of the last item of a page.
pub struct Cursor;

impl Cursor {
    pub fn encode<T: Serialize>(position: &T) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(position).unwrap_or_default())
    }

    pub fn decode<T: DeserializeOwned>(raw: &str) -> Checked<T> {
        let invalid = || Invalid::field("cursor", "is not a cursor this service issued");
        if raw.len() > 512 {
            return Err(invalid());
        }
        let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?;
        serde_json::from_slice(&bytes).map_err(|_| invalid())
    }

    /// The cursor of the page after `page`, if there is one.
    pub fn next<T, P: Serialize>(page: &Page<T>, position: impl Fn(&T) -> P) -> Option<String> {
        page.more
            .then(|| page.items.last().map(|last| Self::encode(&position(last))))
            .flatten()
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
    fn a_page_with_more_items_has_a_next_cursor() {
        let page = Page {
            items: vec![1, 2],
            more: true,
        };
        let next = Cursor::next(&page, |n| *n).expect("next");
        assert_eq!(Cursor::decode::<i32>(&next).expect("decodes"), 2);
        let last = Page {
            items: vec![1, 2],
            more: false,
        };
        assert!(Cursor::next(&last, |n| *n).is_none());
    }

    #[test]
    fn limits_are_bounded() {
        let params = PageParams {
            limit: Some(0),
            cursor: None,
        };
        assert!(params.request::<u32>().is_err());
        let params = PageParams::default();
        assert_eq!(params.request::<u32>().map(|p| p.limit), Ok(DEFAULT_LIMIT));
    }
}
