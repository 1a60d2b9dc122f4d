//! Domain types and rules: codes, checked values, the life of a saisine. No I/O here.

pub mod account;
pub mod attachment;
pub mod changes;
pub mod clock;
pub mod codes;
pub mod contact;
pub mod dates;
pub mod deadlines;
pub mod error;
pub mod event;
pub mod figures;
pub mod followup;
pub mod holidays;
pub mod indicators;
pub mod interchange;
pub mod lifecycle;
pub mod nir;
pub mod paris;
pub mod queue;
pub mod reference;
pub mod referral;
pub mod replay;
pub mod retention;
pub mod saisine;
pub mod schedule;
pub mod search;
pub mod text;

pub use codes::{Channel, Outcome, Process, RequesterType, Status};
pub use error::{DomainError, FieldError};
pub use event::{EventDetails, EventKind};
pub use lifecycle::{Action, Lifecycle, Stage};
pub use reference::Reference;
pub use saisine::{AllowedCodes, MotifCode, PartnerCode, Requester, Saisine, SaisineDraft, SaisineFacts, SaisineId};
