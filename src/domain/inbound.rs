//! An e-mail received in the mediation's mailbox, read with `mail-parser` (MIME, charsets,
//! encoded words and dates are its business), and the rules that say what it is: an automatic
//! message, a reply to a known conversation, or a new request.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use mail_parser::{MessageParser, MimeHeaders};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::reference::Reference;

/// The longest Message-ID kept as a key; a longer one is keyed by its digest.
const MAX_ID: usize = 400;

/// Why a message makes no saisine. Stored as its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum IgnoredReason {
    /// An absence message, a robot's answer, a list or bulk mailing.
    AutoReply,
    /// A delivery failure report (bounce).
    DeliveryFailure,
    /// A message the application sent itself.
    OwnMessage,
}

impl IgnoredReason {
    pub const ALL: [IgnoredReason; 3] =
        [IgnoredReason::AutoReply, IgnoredReason::DeliveryFailure, IgnoredReason::OwnMessage];

    pub fn code(self) -> &'static str {
        match self {
            IgnoredReason::AutoReply => "reponse_automatique",
            IgnoredReason::DeliveryFailure => "echec_distribution",
            IgnoredReason::OwnMessage => "message_application",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            IgnoredReason::AutoReply => "Réponse automatique ou envoi en nombre",
            IgnoredReason::DeliveryFailure => "Avis de non-distribution",
            IgnoredReason::OwnMessage => "Message envoyé par l'application",
        }
    }

    pub fn from_code(code: &str) -> Option<IgnoredReason> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// A file joined to a message, as it came.
#[derive(Debug, Clone)]
pub struct InboundFile {
    pub name: String,
    pub data: Vec<u8>,
}

/// What the application needs of a message it could read.
#[derive(Debug, Clone)]
pub struct InboundMail {
    /// Normalised (no angle brackets, trimmed, lower case).
    pub message_id: Option<String>,
    /// `In-Reply-To` then `References`, normalised.
    pub thread: Vec<String>,
    pub from_address: Option<String>,
    pub from_name: Option<String>,
    pub subject: String,
    pub date: Option<DateTime<Utc>>,
    /// The first text part, or the HTML part turned into text.
    pub text: String,
    pub files: Vec<InboundFile>,
    /// Set when standard headers say it was written by a robot.
    pub automatic: Option<IgnoredReason>,
}

/// Text without control characters (a NUL is refused by PostgreSQL, the others mean nothing
/// on a page); line ends and tabs stay.
pub fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')).collect()
}

/// A Message-ID in the form it is compared and keyed in.
pub fn normalise_id(id: &str) -> Option<String> {
    let id = clean(id);
    let id = id.trim().trim_start_matches('<').trim_end_matches('>').trim().to_lowercase();
    (!id.is_empty()).then_some(id)
}

/// The exactly-once key of a message: its normalised Message-ID, or the SHA-256 of its bytes
/// when it has none (or an unreasonable one).
pub fn message_key(mail: Option<&InboundMail>, raw: &[u8]) -> String {
    match mail.and_then(|m| m.message_id.as_deref()) {
        Some(id) if id.len() <= MAX_ID => format!("id:{id}"),
        Some(id) => format!("sha256:{}", hex::encode(Sha256::digest(id.as_bytes()))),
        None => format!("sha256:{}", hex::encode(Sha256::digest(raw))),
    }
}

/// Reads a raw message; `None` when it is not a message at all (no header).
pub fn read(raw: &[u8]) -> Option<InboundMail> {
    let message = MessageParser::default().parse(raw)?;
    if message.headers().is_empty() {
        return None;
    }
    let from = message.from().and_then(|a| a.first());
    let from_address =
        from.and_then(|a| a.address()).map(|a| clean(a).trim().to_lowercase()).filter(|a| a.contains('@'));
    let from_name = from.and_then(|a| a.name()).map(|n| clean(n).trim().to_string()).filter(|n| !n.is_empty());
    let mut thread: Vec<String> = Vec::new();
    for header in [message.in_reply_to(), message.references()] {
        let ids: Vec<Cow<str>> = match header.as_text_list() {
            Some(list) => list.to_vec(),
            None => header.as_text().map(|t| vec![Cow::Borrowed(t)]).unwrap_or_default(),
        };
        thread.extend(ids.iter().filter_map(|id| normalise_id(id)));
    }
    let date =
        message.date().filter(|d| d.is_valid()).and_then(|d| DateTime::<Utc>::from_timestamp(d.to_timestamp(), 0));
    let files = message
        .attachments()
        .map(|part| InboundFile {
            name: clean(part.attachment_name().unwrap_or("piece-jointe")),
            data: part.contents().to_vec(),
        })
        .collect();
    let headers: Vec<(String, String)> =
        message.headers_raw().map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_string())).collect();
    let report = message.root_part().content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report"))
            && ct.attribute("report-type").is_some_and(|r| r.eq_ignore_ascii_case("delivery-status"))
    });
    let automatic = automatic(&headers, report, from_address.as_deref());
    Some(InboundMail {
        message_id: message.message_id().and_then(normalise_id),
        thread,
        from_address,
        from_name,
        subject: clean(message.subject().unwrap_or_default()).trim().to_string(),
        date,
        text: message.body_text(0).map(|t| clean(&t.replace("\r\n", "\n"))).unwrap_or_default(),
        files,
        automatic,
    })
}

/// Delivery failures first (a bounce often says Auto-Submitted too), then automatic replies.
fn automatic(headers: &[(String, String)], report: bool, from: Option<&str>) -> Option<IgnoredReason> {
    let value = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.to_ascii_lowercase());
    let daemon = from.is_some_and(|a| {
        let local = a.split('@').next().unwrap_or_default();
        local == "mailer-daemon" || local == "postmaster"
    });
    let null_sender = value("return-path").is_some_and(|v| v.trim() == "<>");
    if report || daemon || null_sender {
        return Some(IgnoredReason::DeliveryFailure);
    }
    let submitted = value("auto-submitted").is_some_and(|v| v.split(';').next().unwrap_or_default().trim() != "no");
    let flagged = value("x-autoreply").is_some() || value("x-autorespond").is_some();
    let bulk = value("precedence").is_some_and(|v| matches!(v.trim(), "bulk" | "auto_reply" | "junk" | "list"));
    (submitted || flagged || bulk).then_some(IgnoredReason::AutoReply)
}

/// The reference a subject carries as `[Médiation 2026-0042]`, if any.
pub fn subject_reference(subject: &str) -> Option<Reference> {
    const TAG: &str = "[médiation ";
    let lower = subject.to_lowercase();
    let mut rest = lower.as_str();
    while let Some(start) = rest.find(TAG) {
        let after = &rest[start + TAG.len()..];
        if let Some(reference) = after.split(']').next().and_then(|r| r.trim().parse().ok()) {
            return Some(reference);
        }
        rest = after;
    }
    None
}

/// The part of a text a person wrote, and the quoted history below it (if any).
pub fn split_quoted(text: &str) -> (String, Option<String>) {
    let lines: Vec<&str> = text.lines().collect();
    let start = (0..lines.len()).find(|&i| starts_quote(&lines, i));
    match start {
        Some(i) if lines[..i].iter().any(|l| !l.trim().is_empty()) => {
            let quoted = lines[i..].join("\n").trim().to_string();
            (lines[..i].join("\n").trim().to_string(), (!quoted.is_empty()).then_some(quoted))
        }
        _ => (text.trim().to_string(), None),
    }
}

/// A `>` line, or the line announcing a quotation (« Le … a écrit : », « On … wrote: »,
/// Outlook's « -----Message d'origine----- »), possibly wrapped over two lines.
fn starts_quote(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim();
    if line.starts_with('>') {
        return true;
    }
    let lower = line.to_lowercase();
    if lower.starts_with("-----original message") || lower.starts_with("-----message d'origine") {
        return true;
    }
    // The announcing line may be wrapped: « … Médiation <m@cpam.fr> a » then « écrit : ».
    let joined = if lower.ends_with(':') {
        lower
    } else {
        format!("{lower} {}", lines.get(i + 1).map(|l| l.trim().to_lowercase()).unwrap_or_default())
    };
    let Some(head) = joined.strip_suffix(':') else { return false };
    let head = head.trim_end();
    (joined.starts_with("le ") && head.ends_with(" a écrit")) || (joined.starts_with("on ") && head.ends_with(" wrote"))
}

/// At most `max` characters of `text`, cut on a character boundary, with an ellipsis.
pub fn bounded(text: &str, max: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{} […]", text[..cut].trim_end()),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_history_is_set_apart() {
        let text = "Voici mes pièces.\n\nLe lun. 15 juin 2026 à 10:00, Médiation <m@cpam.test> a écrit :\n> Bonjour\n";
        let (own, quoted) = split_quoted(text);
        assert_eq!(own, "Voici mes pièces.");
        assert!(quoted.unwrap().starts_with("Le lun."));
        let wrapped = "Merci.\nLe 15/06/2026 à 10:00, Médiation <m@cpam.test> a\nécrit :\n> x";
        assert_eq!(split_quoted(wrapped).0, "Merci.");
        assert_eq!(split_quoted("Thanks\nOn Mon, Jun 15, 2026, X wrote:\n> y").0, "Thanks");
        assert_eq!(split_quoted("> only quoted"), ("> only quoted".to_string(), None));
        assert_eq!(split_quoted("Le dossier est complet.\nMerci"), ("Le dossier est complet.\nMerci".into(), None));
    }

    #[test]
    fn references_come_from_the_subject_tag() {
        assert_eq!(subject_reference("RE: [Médiation 2026-0042] Votre demande").unwrap().to_string(), "2026-0042");
        assert_eq!(subject_reference("TR: [MÉDIATION 2026-0007]").unwrap().to_string(), "2026-0007");
        assert!(subject_reference("[Médiation] vos saisines").is_none());
        assert!(subject_reference("Médiation 2026-0042").is_none());
    }

    #[test]
    fn automatic_messages_are_recognised() {
        let h = |n: &str, v: &str| vec![(n.to_string(), v.to_string())];
        assert_eq!(automatic(&h("auto-submitted", "auto-replied"), false, None), Some(IgnoredReason::AutoReply));
        assert_eq!(automatic(&h("auto-submitted", "no"), false, None), None);
        assert_eq!(automatic(&h("precedence", "bulk"), false, None), Some(IgnoredReason::AutoReply));
        assert_eq!(automatic(&h("x-autoreply", "yes"), false, None), Some(IgnoredReason::AutoReply));
        assert_eq!(automatic(&[], true, None), Some(IgnoredReason::DeliveryFailure));
        assert_eq!(automatic(&[], false, Some("mailer-daemon@mx.test")), Some(IgnoredReason::DeliveryFailure));
        assert_eq!(automatic(&h("return-path", "<>"), false, None), Some(IgnoredReason::DeliveryFailure));
    }

    #[test]
    fn texts_are_bounded_on_characters() {
        assert_eq!(bounded("ééé", 2), "éé […]");
        assert_eq!(bounded(" court ", 10), "court");
    }
}
