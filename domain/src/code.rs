//! Closed sets and ids, declared once.
//!
//! `closed_set!` declares an enum whose every value has a stable snake_case
//! code (sent over the API and stored as text), a Chinese and an English
//! label. The code is written once: serde, the OpenAPI schema (feature
//! `openapi`) and the database mapping (feature `diesel`) all use it.
//!
//! `id_type!` declares an aggregate id: text (a UUIDv7 when generated here),
//! distinct per aggregate so a person id cannot be passed for a grid id.

/// Declares a closed set: `Variant = "code", "中文", "English";` per value.
#[macro_export]
macro_rules! closed_set {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $zh:literal, $en:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[cfg_attr(feature = "diesel", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
        #[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[serde(rename = $code)]
                #[cfg_attr(feature = "openapi", schema(rename = $code))]
                $variant,
            )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [$name; [$($code),+].len()] = [$($name::$variant),+];

            /// The stable code sent over the API and stored in the database.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            pub fn label_zh(self) -> &'static str {
                match self { $($name::$variant => $zh,)+ }
            }

            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en,)+ }
            }

            /// The value with this exact code.
            pub fn parse(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        #[cfg(feature = "diesel")]
        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                self.code().to_sql(out)
            }
        }

        #[cfg(feature = "diesel")]
        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let code = String::from_sql(bytes)?;
                $name::parse(&code).ok_or_else(|| {
                    format!("unknown {} code `{code}` in the database", stringify!($name)).into()
                })
            }
        }
    };
}

/// Why text from a request cannot be an id.
pub fn check_id(text: &str) -> Result<(), &'static str> {
    // every record's id is a UUID in its hyphenated text form
    if text.len() == 36 && uuid::Uuid::try_parse(text).is_ok() {
        Ok(())
    } else {
        Err("an id is a UUID: 36 characters, 8-4-4-4-12 hexadecimal digits")
    }
}

/// Declares an aggregate id newtype over text.
#[macro_export]
macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "diesel", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
        #[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
        pub struct $name(String);

        impl $name {
            /// A fresh, time-ordered id (UUIDv7).
            pub fn generate() -> $name {
                $name(uuid::Uuid::now_v7().to_string())
            }

            /// A time-ordered id for a record made at `millis` (Unix time),
            /// its other bits given: loads that must repeat themselves.
            pub fn at(millis: u64, random: [u8; 10]) -> $name {
                $name(uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid().to_string())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        /// Any text names an id; one that names no record simply finds nothing.
        impl From<String> for $name {
            fn from(id: String) -> $name {
                $name(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> $name {
                $name(id.to_owned())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        /// From a request: a UUID (every record's id is one), so that nothing
        /// else — a NUL, a word — ever reaches a query.
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                let text = String::deserialize(deserializer)?;
                $crate::code::check_id(&text).map_err(serde::de::Error::custom)?;
                Ok($name(text))
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        #[cfg(feature = "diesel")]
        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                self.0.to_sql(out)
            }
        }

        #[cfg(feature = "diesel")]
        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                String::from_sql(bytes).map($name)
            }
        }
    };
}
