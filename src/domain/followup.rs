//! What is said and checked about the follow-ups of a documents request: the reminder a
//! mediator sends, the overdue note and the automatic abandonment that the sweep writes.

use chrono::NaiveDate;

use super::dates::french;
use super::deadlines::{DeadlineSettings, Wait};
use super::error::DomainError;
use super::lifecycle::check_text;

/// A reminder is dated between the request it follows and today.
pub fn check_reminder(wait: Wait, on: NaiveDate, note: &str, today: NaiveDate) -> Result<(), DomainError> {
    if on > today {
        return Err(DomainError::invalid("date", "date_future", "la date ne peut pas être dans le futur"));
    }
    if on < wait.since {
        return Err(DomainError::invalid(
            "date",
            "date_before_request",
            format!("la relance ne peut pas précéder la demande de pièces du {}", french(wait.since)),
        ));
    }
    if !note.trim().is_empty() {
        check_text("text", note, "")?;
    }
    Ok(())
}

/// The refusal when a reminder or a documents follow-up finds no wait.
pub fn not_waiting() -> DomainError {
    DomainError::refused("not_waiting", "aucune demande de pièces n'est en attente sur cette saisine")
}

/// The timeline text of the overdue note.
pub fn overdue_note(wait: Wait, settings: &DeadlineSettings) -> String {
    format!(
        "Les pièces demandées le {} n'ont pas été reçues à l'échéance du {}. Sans réponse, la saisine sera \
         clôturée pour abandon le {}.",
        french(wait.since),
        french(wait.due_on),
        french(settings.abandonment_on(wait.due_on))
    )
}

/// The closing summary of an automatic abandonment: it says why.
pub fn abandonment_summary(wait: Wait, grace_days: u32) -> String {
    format!(
        "Clôture automatique pour abandon : les pièces demandées le {} n'ont pas été reçues à l'échéance du {}, \
         ni dans les {grace_days} jours de grâce qui ont suivi. La saisine peut être rouverte si la personne se \
         manifeste.",
        french(wait.since),
        french(wait.due_on)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_reminder_is_dated_within_the_wait() {
        let wait = Wait { since: d("2026-06-01"), due_on: d("2026-07-01") };
        assert!(check_reminder(wait, d("2026-06-10"), "", d("2026-06-15")).is_ok());
        assert_eq!(
            check_reminder(wait, d("2026-05-31"), "", d("2026-06-15")).unwrap_err().code(),
            "date_before_request"
        );
        assert_eq!(check_reminder(wait, d("2026-06-16"), "", d("2026-06-15")).unwrap_err().code(), "date_future");
    }
}
