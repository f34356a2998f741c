//! Cursor (keyset) pagination: `limit` and an opaque `cursor` in, `next_cursor` out.

use aws_lc_rs::hmac;
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
    /// The page asked for on the list `pager` signs for; an invalid `limit` or `cursor` is
    /// named.
    pub fn request<K: DeserializeOwned>(&self, pager: &Pager<'_>) -> Checked<PageRequest<K>> {
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
        let after = self
            .cursor
            .as_deref()
            .map(|raw| pager.decode(raw))
            .transpose()?;
        Ok(PageRequest { limit, after })
    }
}

/// The key cursors are signed with (HMAC-SHA-256). It is a service secret kept in the database,
/// so every replica signs and accepts the same cursors.
pub struct CursorKey(hmac::Key);

impl CursorKey {
    /// The name of the service secret the key is made from.
    pub const SECRET: &'static str = "cursor-hmac";

    pub fn new(secret: &[u8]) -> Self {
        Self(hmac::Key::new(hmac::HMAC_SHA256, secret))
    }

    /// Signs and checks the cursors of one list: a cursor of another list is not accepted.
    pub fn list<'k>(&'k self, list: &'k str) -> Pager<'k> {
        Pager { key: &self.0, list }
    }
}

impl std::fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorKey(..)")
    }
}

/// Bytes of the MAC a cursor carries: 128 bits, as many as a forger has to guess.
const TAG_BYTES: usize = 16;

/// The cursors of one list: an opaque keyset position (the sort key of a page's last item),
/// signed together with the list's name.
pub struct Pager<'k> {
    key: &'k hmac::Key,
    list: &'k str,
}

impl Pager<'_> {
    fn tag(&self, payload: &[u8]) -> hmac::Tag {
        let mut context = hmac::Context::with_key(self.key);
        context.update(self.list.as_bytes());
        context.update(&[0]);
        context.update(payload);
        context.sign()
    }

    pub fn encode<T: Serialize>(&self, position: &T) -> String {
        let payload = serde_json::to_vec(position).unwrap_or_default();
        let tag = self.tag(&payload);
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&payload),
            URL_SAFE_NO_PAD.encode(&tag.as_ref()[..TAG_BYTES])
        )
    }

    pub fn decode<T: DeserializeOwned>(&self, raw: &str) -> Checked<T> {
        let invalid = || Invalid::field("cursor", "is not a cursor this service issued");
        if raw.len() > 512 {
            return Err(invalid());
        }
        let (payload, tag) = raw.split_once('.').ok_or_else(invalid)?;
        let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| invalid())?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| invalid())?;
        let expected = self.tag(&payload);
        // Constant time: the comparison does not tell a forger how much of a guess was right.
        if tag.len() != TAG_BYTES
            || aws_lc_rs::constant_time::verify_slices_are_equal(
                &expected.as_ref()[..TAG_BYTES],
                &tag,
            )
            .is_err()
        {
            return Err(invalid());
        }
        serde_json::from_slice(&payload).map_err(|_| invalid())
    }

    /// The cursor of the page after `page`, if there is one.
    pub fn next<T, P: Serialize>(
        &self,
        page: &Page<T>,
        position: impl Fn(&T) -> P,
    ) -> Option<String> {
        page.more
            .then(|| page.items.last().map(|last| self.encode(&position(last))))
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_tampering_is_refused() {
        let key = CursorKey::new(b"test secret");
        let pager = key.list("catalog");
        let raw = pager.encode(&("skills_gap",));
        let back: (String,) = pager.decode(&raw).expect("decodes");
        assert_eq!(back.0, "skills_gap");
        assert!(pager.decode::<(String,)>("not-a-cursor!").is_err());
        assert!(pager.decode::<(String,)>(&"A".repeat(600)).is_err());
        // Made up, unsigned (the old format), or signed for another list or with another key.
        let unsigned = URL_SAFE_NO_PAD.encode(br#"["skills_gap"]"#);
        assert!(pager.decode::<(String,)>(&unsigned).is_err());
        assert!(pager
            .decode::<(String,)>(&format!("{unsigned}.AAAAAAAAAAAAAAAAAAAAAA"))
            .is_err());
        assert!(key.list("feedback").decode::<(String,)>(&raw).is_err());
        assert!(CursorKey::new(b"other")
            .list("catalog")
            .decode::<(String,)>(&raw)
            .is_err());
        let (payload, tag) = raw.split_once('.').expect("two parts");
        let forged = URL_SAFE_NO_PAD.encode(br#"["zzz"]"#);
        assert!(pager
            .decode::<(String,)>(&format!("{forged}.{tag}"))
            .is_err());
        assert!(pager
            .decode::<(String,)>(&format!("{payload}.{}", &tag[1..]))
            .is_err());
    }

    #[test]
    fn a_page_with_more_items_has_a_next_cursor() {
        let key = CursorKey::new(b"test secret");
        let pager = key.list("numbers");
        let page = Page {
            items: vec![1, 2],
            more: true,
        };
        let next = pager.next(&page, |n| *n).expect("next");
        assert_eq!(pager.decode::<i32>(&next).expect("decodes"), 2);
        let last = Page {
            items: vec![1, 2],
            more: false,
        };
        assert!(pager.next(&last, |n| *n).is_none());
    }

    #[test]
    fn limits_are_bounded() {
        let key = CursorKey::new(b"test secret");
        let pager = key.list("numbers");
        let params = PageParams {
            limit: Some(0),
            cursor: None,
        };
        assert!(params.request::<u32>(&pager).is_err());
        let params = PageParams::default();
        assert_eq!(
            params.request::<u32>(&pager).map(|p| p.limit),
            Ok(DEFAULT_LIMIT)
        );
    }
}
