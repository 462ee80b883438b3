//! The language an agreement's messages and reports are written in.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::calendar::holidays::Region;

/// The language of everything vakt sends or exports about a major incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    /// Norwegian Bokmål.
    #[serde(rename = "nb")]
    Nb,
    /// Swedish.
    #[serde(rename = "sv")]
    Sv,
    /// English.
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// The language of a region's agreements.
    pub fn of_region(region: Region) -> Self {
        match region {
            Region::No => Lang::Nb,
            Region::Se => Lang::Sv,
        }
    }

    /// The BCP 47 tag, for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}
