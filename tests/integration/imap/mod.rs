//! The mediation's mailboxes read over IMAP, against a real dovecot (`server.rs`); messages
//! are placed with IMAP APPEND (`client.rs`) and recorded by a sink writing to the test's own
//! database (`sink.rs`): the boundary where the application takes over.

mod client;
mod fetch;
mod races;
mod server;
mod settings;
mod sink;
mod tls;
mod worker;

use std::future::Future;

use mediation::imap::{Account, FetchOptions};

pub use client::{append, folders, messages};
pub use server::shared as dovecot;
pub use sink::DbSink;

/// Runs async code from a plain test thread, on a runtime of its own.
pub fn block_on<F: Future>(future: F) -> F::Output {
    rocket::tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(future)
}

/// A user of its own on the shared server, and the account reading its mailbox.
pub fn account(user: &str, mailbox: &str) -> Account {
    let server = dovecot();
    server.user(user);
    Account::parse(&server.url(user, mailbox), false).expect("adresse de la boîte")
}

pub fn options() -> FetchOptions {
    FetchOptions::new("Traités")
}

/// A message as a person's mail client writes it: CRLF, UTF-8 text in 8 bits.
pub fn message(id: &str, subject: &str) -> Vec<u8> {
    format!(
        "From: =?UTF-8?Q?Am=C3=A9lie_Ma=C3=AFt=C3=A9?= <amelie@exemple.fr>\r\n\
         To: mediation@cpam.test\r\n\
         Subject: {subject}\r\n\
         Date: Sun, 29 Mar 2026 01:30:00 +0100\r\n\
         Message-ID: <{id}@exemple.fr>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\
         \r\n\
         Bonjour,\r\n\
         je conteste la décision du 12 février : l'indemnité journalière a été refusée.\r\n\
         Ci-joint l'arrêt de travail. Merci d'avance, Amélie Maïté\r\n"
    )
    .into_bytes()
}
