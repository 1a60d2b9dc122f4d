//! The letters of a saisine: which templates exist, which one each step proposes, to whom a
//! letter goes and how, and the checks on what a mediator or an administrator typed.

use serde::Serialize;

use super::codes::Outcome;
use super::error::{DomainError, FieldError};
use super::lifecycle::Action;
use super::placeholders::LetterText;

/// What a template is for. Its code is its key in the database and in URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LetterKind {
    TakeUp,
    DocumentsRequest,
    Reminder,
    Answer(Outcome),
    PartnerAcknowledgement,
}

impl LetterKind {
    /// Every template, in the order the administration page lists them.
    pub fn all() -> Vec<LetterKind> {
        let mut all = vec![LetterKind::TakeUp, LetterKind::DocumentsRequest, LetterKind::Reminder];
        all.extend(Outcome::ALL.iter().map(|o| LetterKind::Answer(*o)));
        all.push(LetterKind::PartnerAcknowledgement);
        all
    }

    pub fn code(self) -> String {
        match self {
            LetterKind::TakeUp => "accuse_prise_en_charge".into(),
            LetterKind::DocumentsRequest => "demande_pieces".into(),
            LetterKind::Reminder => "relance".into(),
            LetterKind::Answer(outcome) => format!("reponse_{}", outcome.code()),
            LetterKind::PartnerAcknowledgement => "accuse_partenaire".into(),
        }
    }

    pub fn from_code(code: &str) -> Option<LetterKind> {
        LetterKind::all().into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> String {
        match self {
            LetterKind::TakeUp => "Accusé de prise en charge".into(),
            LetterKind::DocumentsRequest => "Demande de pièces".into(),
            LetterKind::Reminder => "Relance pour les pièces demandées".into(),
            LetterKind::Answer(outcome) => format!("Réponse de clôture : {}", outcome.label()),
            LetterKind::PartnerAcknowledgement => "Accusé de réception au partenaire (courriel)".into(),
        }
    }

    /// Who the letter is written to.
    pub fn recipient(self) -> Recipient {
        match self {
            LetterKind::PartnerAcknowledgement => Recipient::Partner,
            _ => Recipient::Person,
        }
    }

    /// The letter a lifecycle move proposes, if any.
    pub fn for_action(action: &Action) -> Option<LetterKind> {
        match action {
            Action::TakeUp { .. } => Some(LetterKind::TakeUp),
            Action::RequestDocuments { .. } => Some(LetterKind::DocumentsRequest),
            Action::Close { outcome: Some(outcome), .. } => Some(LetterKind::Answer(*outcome)),
            _ => None,
        }
    }
}

/// To whom a letter or a message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Recipient {
    Person,
    Partner,
}

impl Recipient {
    pub fn code(self) -> &'static str {
        match self {
            Recipient::Person => "personne",
            Recipient::Partner => "partenaire",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Recipient::Person => "la personne",
            Recipient::Partner => "le partenaire",
        }
    }

    pub fn from_code(code: &str) -> Option<Recipient> {
        [Recipient::Person, Recipient::Partner].into_iter().find(|r| r.code() == code)
    }
}

/// How a letter leaves: by e-mail through the outbox, or as a PDF to print and post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Delivery {
    Email,
    Post,
}

impl Delivery {
    pub fn code(self) -> &'static str {
        match self {
            Delivery::Email => "courriel",
            Delivery::Post => "courrier",
        }
    }

    pub fn from_code(code: &str) -> Option<Delivery> {
        [Delivery::Email, Delivery::Post].into_iter().find(|d| d.code() == code)
    }
}

const MAX_SUBJECT: usize = 200;
const MAX_BODY: usize = 20_000;

/// A template as an administrator saved it: subject and body, both checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateText {
    pub subject: String,
    pub body: String,
}

impl TemplateText {
    /// Checks both parts: length, one line for the subject, only known placeholders.
    pub fn check(subject: &str, body: &str) -> Result<(TemplateText, LetterText, LetterText), DomainError> {
        let mut errors = Vec::new();
        check_subject(subject, &mut errors);
        check_body(body, &mut errors);
        let parsed_subject =
            LetterText::parse(subject, "subject").map_err(|e| errors.extend_from_slice(e.field_errors()));
        let parsed_body = LetterText::parse(body, "body").map_err(|e| errors.extend_from_slice(e.field_errors()));
        match (parsed_subject, parsed_body) {
            (Ok(s), Ok(b)) if errors.is_empty() => {
                Ok((TemplateText { subject: subject.trim().to_string(), body: normalise(body) }, s, b))
            }
            _ => Err(DomainError::Invalid(errors)),
        }
    }
}

/// A letter as the mediator finally wrote it: plain text, no placeholder left to fill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LetterDraft {
    pub subject: String,
    pub body: String,
}

impl LetterDraft {
    pub fn check(subject: &str, body: &str) -> Result<LetterDraft, DomainError> {
        let mut errors = Vec::new();
        check_subject(subject, &mut errors);
        check_body(body, &mut errors);
        if errors.is_empty() {
            Ok(LetterDraft { subject: subject.trim().to_string(), body: normalise(body) })
        } else {
            Err(DomainError::Invalid(errors))
        }
    }
}

fn check_subject(subject: &str, errors: &mut Vec<FieldError>) {
    let subject = subject.trim();
    if subject.is_empty() {
        errors.push(FieldError::new("subject", "required", "indiquez l'objet"));
    } else if subject.chars().count() > MAX_SUBJECT || subject.contains(['\r', '\n']) {
        errors.push(FieldError::new(
            "subject",
            "too_long",
            format!("l'objet tient sur une ligne de {MAX_SUBJECT} caractères au plus"),
        ));
    }
}

fn check_body(body: &str, errors: &mut Vec<FieldError>) {
    if body.trim().is_empty() {
        errors.push(FieldError::new("body", "required", "écrivez le texte"));
    } else if body.chars().count() > MAX_BODY {
        errors.push(FieldError::new("body", "too_long", format!("le texte dépasse {MAX_BODY} caractères")));
    }
}

/// The caisse's letterhead, printed on every letter and PDF.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Letterhead {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    /// The mediator's signature block, under each letter.
    pub signature: String,
    /// A PNG or JPEG image, and its media type.
    #[serde(skip)]
    pub logo: Option<(Vec<u8>, String)>,
}

const MAX_LOGO: usize = 512 * 1024;

impl Letterhead {
    /// Checks what an administrator typed; the logo is checked by [`Letterhead::check_logo`].
    pub fn check(
        name: &str,
        address: &str,
        phone: &str,
        email: &str,
        signature: &str,
    ) -> Result<Letterhead, DomainError> {
        let mut errors = Vec::new();
        if name.trim().is_empty() {
            errors.push(FieldError::new("name", "required", "indiquez le nom de la caisse ou de la médiation"));
        }
        for (field, value, max) in [
            ("name", name, 200),
            ("address", address, 500),
            ("phone", phone, 50),
            ("email", email, 200),
            ("signature", signature, 1000),
        ] {
            if value.chars().count() > max {
                errors.push(FieldError::new(field, "too_long", format!("{max} caractères au plus")));
            }
        }
        let email = email.trim();
        if !email.is_empty() && email.parse::<super::contact::Email>().is_err() {
            errors.push(FieldError::new("email", "invalid_email", "adresse électronique invalide"));
        }
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        Ok(Letterhead {
            name: name.trim().to_string(),
            address: normalise(address),
            phone: phone.trim().to_string(),
            email: email.to_string(),
            signature: normalise(signature),
            logo: None,
        })
    }

    /// A logo is a PNG or a JPEG of 512 KiB at most, recognised by its first bytes.
    pub fn check_logo(bytes: &[u8]) -> Result<&'static str, DomainError> {
        let kind = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            "image/png"
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            "image/jpeg"
        } else {
            return Err(DomainError::invalid("logo", "invalid_image", "le logo doit être une image PNG ou JPEG"));
        };
        if bytes.len() > MAX_LOGO {
            return Err(DomainError::invalid("logo", "too_large", "le logo dépasse 512 Ko"));
        }
        Ok(kind)
    }

    /// The address lines of the letterhead's block, empty ones left out.
    pub fn contact_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> =
            self.address.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
        if !self.phone.is_empty() {
            lines.push(format!("Téléphone : {}", self.phone));
        }
        if !self.email.is_empty() {
            lines.push(format!("Courriel : {}", self.email));
        }
        lines
    }
}

/// Line breaks as browsers send them (CRLF) become `\n`; trailing blanks go.
fn normalise(body: &str) -> String {
    body.replace("\r\n", "\n").replace('\r', "\n").trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_typed_letter_or_template_is_checked_without_panic(subject in "\\PC{0,80}", body in "\\PC{0,200}") {
            let _ = TemplateText::check(&subject, &body);
            let _ = LetterDraft::check(&subject, &body);
            let _ = Letterhead::check(&subject, &body, &subject, &subject, &body);
        }
    }

    #[test]
    fn every_kind_has_a_unique_code_that_reads_back() {
        let all = LetterKind::all();
        assert_eq!(all.len(), 3 + Outcome::ALL.len() + 1);
        for kind in all {
            assert_eq!(LetterKind::from_code(&kind.code()), Some(kind));
        }
        assert_eq!(LetterKind::from_code("config"), None);
    }

    #[test]
    fn templates_with_unknown_placeholders_or_two_line_subjects_are_refused() {
        let e = TemplateText::check("Objet\nsuite", "{{ config }}").unwrap_err();
        let fields: Vec<&str> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["subject", "body"]);
        let (t, _, _) = TemplateText::check(" Objet {{ reference }} ", "Ligne 1\r\nLigne 2\r\n").unwrap();
        assert_eq!((t.subject.as_str(), t.body.as_str()), ("Objet {{ reference }}", "Ligne 1\nLigne 2"));
    }
}
