//! Who is asking: sessions (cookie) for pages, personal tokens (Bearer) for the API, the
//! role guards every route uses, and CSRF protection of every form.

pub mod address;
pub mod csrf;
pub mod guards;
pub mod session;

pub use csrf::{CsrfOnly, CsrfToken, Protected, ProtectedUpload, SameOriginUpload};
pub use guards::{Admin, ClientIp, CurrentUser, Mediator, Reader, SignedIn};
