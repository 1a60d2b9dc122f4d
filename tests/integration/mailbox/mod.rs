//! The mediation's mailbox: what each received message becomes. Every test hands its messages
//! over through `support::deliver`.

mod messages;
mod replies;
pub mod support;
