//! Closed sets of names stored as text (kinds, states, channels): one macro gives each `as_str`, `Display`,
//! `FromStr` and serde with the stored name.

/// Defines a closed set of names stored as text, with `as_str` and `Display`.
macro_rules! stored_names {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $text)] $variant),+ }

        impl $name {
            /// Every name, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored (and scripted) name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(text: &str) -> Result<Self, String> {
                let wanted = text.trim().to_lowercase().replace([' ', '-'], "_");
                Self::ALL.iter().copied().find(|v| v.as_str() == wanted).ok_or_else(|| {
                    let known: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    format!("unknown value '{text}' (use one of: {})", known.join(", "))
                })
            }
        }
    };
}

pub(crate) use stored_names;
