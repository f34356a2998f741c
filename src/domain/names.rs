//! Closed sets of names (statuses, stages, kinds): one definition gives the Rust enum, its JSON
//! names, its stored names and its parser, so the three cannot drift apart.

/// A closed set of names, sent in JSON and stored in the database as the same text.
pub trait Named: Sized + Copy + PartialEq + 'static {
    /// What the set is called in messages (`feedback status`).
    const WHAT: &'static str;
    /// Every member, in declaration order.
    const ALL: &'static [Self];

    fn as_str(self) -> &'static str;

    fn parse(raw: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|member| member.as_str() == raw)
    }

    /// Like `parse`, with an error that names the value (for stored values, which must parse).
    fn parse_stored(raw: &str) -> Result<Self, UnknownName> {
        Self::parse(raw).ok_or_else(|| UnknownName {
            what: Self::WHAT,
            value: raw.to_owned(),
        })
    }
}

/// A stored or received name that is not a member of its set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?}")]
pub struct UnknownName {
    pub what: &'static str,
    pub value: String,
}

/// Declares an enum whose members are names (`snake_case` in JSON and in the database).
macro_rules! named {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $text:tt ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
        )]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant ),+
        }

        impl $crate::domain::Named for $name {
            const WHAT: &'static str = $what;
            const ALL: &'static [Self] = &[$(Self::$variant),+];

            fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text),+
                }
            }
        }

        impl $name {
            /// Every member, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The name, as sent and stored.
            pub fn as_str(self) -> &'static str {
                <Self as $crate::domain::Named>::as_str(self)
            }

            pub fn parse(raw: &str) -> Option<Self> {
                <Self as $crate::domain::Named>::parse(raw)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use named;

#[cfg(test)]
mod tests {
    use super::*;

    named! {
        /// A test set.
        pub enum Colour ("colour") {
            Red = "red",
            DarkBlue = "dark_blue",
        }
    }

    #[test]
    fn names_round_trip_through_text_and_json() {
        for colour in Colour::ALL {
            assert_eq!(Colour::parse(colour.as_str()), Some(*colour));
            let json = serde_json::to_string(colour).expect("json");
            assert_eq!(json, format!("\"{}\"", colour.as_str()));
        }
        assert_eq!(
            Colour::parse_stored("green")
                .expect_err("unknown")
                .to_string(),
            "unknown colour \"green\""
        );
    }
}
