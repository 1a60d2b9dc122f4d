//! What one pass over a mailbox did: counts and references only (never an address or a
//! subject), so that it can be printed and logged.

use super::{ImapError, SinkOutcome};

#[derive(Debug, Clone, Default)]
pub struct MailboxReport {
    /// The account's label (`user@host/mailbox`).
    pub mailbox: String,
    /// Messages read from the server (each handed to the sink).
    pub read: usize,
    /// References of the saisines created, and of those a message joined.
    pub created: Vec<String>,
    pub joined: Vec<String>,
    pub ignored: usize,
    pub unparsed: usize,
    pub already_recorded: usize,
    /// Messages moved to the processed folder (a message that another pass moved first may be
    /// counted by both: the server answers such a move with OK).
    pub moved: usize,
    /// Messages left in the mailbox because they are over the size bound.
    pub too_large: usize,
    /// Messages left in the mailbox because the sink or the move failed (tried again next pass).
    pub errors: usize,
    /// Why the pass stopped early (or could not start): the connection, the login, the folders.
    pub failure: Option<ImapError>,
}

impl MailboxReport {
    pub fn new(mailbox: String) -> MailboxReport {
        MailboxReport { mailbox, ..MailboxReport::default() }
    }

    pub fn count(&mut self, outcome: SinkOutcome) {
        match outcome {
            SinkOutcome::Created { reference } => self.created.push(reference),
            SinkOutcome::Joined { reference } => self.joined.push(reference),
            SinkOutcome::Ignored { .. } => self.ignored += 1,
            SinkOutcome::Unparsed => self.unparsed += 1,
            SinkOutcome::AlreadyRecorded => self.already_recorded += 1,
        }
    }

    /// Nothing read, nothing left over, nothing failed.
    pub fn is_idle(&self) -> bool {
        self.read == 0 && self.too_large == 0 && self.errors == 0 && self.failure.is_none()
    }

    /// One line in French: « 3 message(s) lu(s) : 1 saisine(s) créée(s), … ».
    pub fn summary(&self) -> String {
        let mut parts = vec![
            format!("{} saisine(s) créée(s)", self.created.len()),
            format!("{} rattaché(s) à une saisine", self.joined.len()),
            format!("{} ignoré(s)", self.ignored),
            format!("{} non traité(s)", self.unparsed),
            format!("{} déjà enregistré(s)", self.already_recorded),
            format!("{} déplacé(s) dans le dossier des messages traités", self.moved),
        ];
        if self.too_large > 0 {
            parts.push(format!("{} trop volumineux, laissé(s) dans la boîte", self.too_large));
        }
        parts.push(format!("{} erreur(s)", self.errors));
        format!("{} message(s) lu(s) : {}", self.read, parts.join(", "))
    }
}
