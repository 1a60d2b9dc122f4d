//! Accounts and their protections, as plain rules: roles, password policy and hashing,
//! tokens, TOTP, lock-out. No web and no SQL here.

pub mod audit;
pub mod keys;
pub mod lockout;
pub mod password;
pub mod role;
pub mod secret_box;
pub mod tokens;
pub mod totp;

pub use role::Role;
pub mod session_policy;
pub mod signing;

/// An account's database identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct UserId(pub i32);
