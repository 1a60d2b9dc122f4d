//! What each role may do. Checked on the server for every page and API route.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads saisines and reports, changes nothing, sees personal data masked.
    Lecteur,
    /// Works on saisines.
    Mediateur,
    /// Also manages accounts and the reference lists.
    Admin,
}

impl Role {
    pub const ALL: &'static [Role] = &[Role::Admin, Role::Mediateur, Role::Lecteur];

    pub fn code(self) -> &'static str {
        match self {
            Role::Lecteur => "lecteur",
            Role::Mediateur => "mediateur",
            Role::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Lecteur => "Lecteur",
            Role::Mediateur => "Médiateur",
            Role::Admin => "Administrateur",
        }
    }

    pub fn can_work_on_saisines(self) -> bool {
        matches!(self, Role::Mediateur | Role::Admin)
    }

    pub fn sees_personal_data(self) -> bool {
        self.can_work_on_saisines()
    }

    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }

    /// Administrators must sign in with a second factor.
    pub fn requires_second_factor(self) -> bool {
        self.is_admin()
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.iter().copied().find(|r| r.code() == s.trim()).ok_or_else(|| format!("rôle inconnu : « {s} »"))
    }
}
