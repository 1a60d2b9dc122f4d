//! What the dense list shows: one line per saisine, the active filters as removable chips,
//! the column headers that sort.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::db::list::Due;
use crate::db::reference_lists::ReferenceLists;
use crate::db::users::User;
use crate::domain::dates::french;
use crate::domain::{Channel, Process, Saisine, Status};
use crate::web::params::{urlencode, ListQuery};
use crate::web::sorting::{Column, Sorting};
use crate::web::view::ListItem;

/// A channel in a word or two (the full label is on the saisine's page).
pub fn channel_short(channel: Channel) -> &'static str {
    match channel {
        Channel::Courriel => "Courriel",
        Channel::CompteAmeli => "Compte ameli",
        Channel::Telephone => "Téléphone",
        Channel::Courrier => "Courrier",
        Channel::Accueil => "Accueil",
        Channel::BoiteGenerique => "Boîte générique",
    }
}

pub fn process_short(process: Process) -> &'static str {
    match process {
        Process::RevenusRemplacement => "IJ, invalidité",
        Process::FraisSante => "Frais de santé",
        Process::Css => "CSS",
        Process::Droits => "Droits",
        Process::CarteVitale => "Carte Vitale",
        Process::AtMp => "AT-MP",
        Process::Autre => "Autre",
    }
}

pub fn status_short(status: Status) -> &'static str {
    match status {
        Status::Recue => "Reçue",
        Status::EnCours => "En cours",
        Status::AttentePieces => "En attente",
        Status::Cloturee => "Clôturée",
    }
}

/// One line of the list.
#[derive(Debug, Serialize)]
pub struct Row {
    #[serde(flatten)]
    pub item: ListItem,
    pub channel_short: &'static str,
    pub process_short: &'static str,
    pub status_short: &'static str,
    pub assignee: Option<String>,
    pub next_due_on: Option<String>,
    /// « en retard » since this day, when it is today or before.
    pub late_since: Option<String>,
    /// Days since reception.
    pub age: i64,
    /// The value of the sorted column when it is not one of the usual ones.
    pub extra: Option<String>,
    /// The saisine's page, carrying the list (its previous and next).
    pub link: String,
    pub checked: bool,
}

/// Builds the lines; `list` is the list's query string (filters and sort).
pub struct RowContext<'a> {
    pub lists: &'a ReferenceLists,
    pub users: HashMap<i32, String>,
    pub today: NaiveDate,
    pub reveal: bool,
    pub sorting: Sorting,
    pub list: String,
}

impl RowContext<'_> {
    pub fn row(&self, saisine: &Saisine, due: Due, checked: bool) -> Row {
        let reference = saisine.reference.to_string();
        let link = if self.list.is_empty() {
            format!("/saisines/{reference}")
        } else {
            format!("/saisines/{reference}?liste={}", urlencode(&self.list))
        };
        let late_since = due.late_from.filter(|day| *day <= self.today).map(french);
        let extra = match self.sorting.column {
            Column::LateFrom => Some(due.late_from.map(french).unwrap_or_else(|| "—".into())),
            Column::Closed => Some(saisine.lifecycle.closed_on().map(french).unwrap_or_else(|| "—".into())),
            Column::Updated => Some(crate::domain::paris::paris_datetime(saisine.updated_at)),
            _ => None,
        };
        Row {
            item: ListItem::new(saisine, self.lists, self.today, self.reveal),
            channel_short: channel_short(saisine.facts.channel),
            process_short: process_short(saisine.facts.process),
            status_short: status_short(saisine.lifecycle.status()),
            assignee: saisine.assigned_to.and_then(|id| self.users.get(&id.0).cloned()),
            next_due_on: due.next_due_on.map(french),
            late_since,
            age: (self.today - saisine.facts.received_on).num_days(),
            extra,
            link,
            checked,
        }
    }
}

pub fn user_names(users: &[User]) -> HashMap<i32, String> {
    users.iter().map(|u| (u.id.0, u.display_name.clone())).collect()
}

/// An active filter, and the same list without it.
#[derive(Debug, Serialize)]
pub struct Chip {
    pub label: &'static str,
    pub value: String,
    pub remove: String,
}

/// The active filters, each with its label and its value in words.
pub fn chips(query: &ListQuery, lists: &ReferenceLists, users: &HashMap<i32, String>) -> Vec<Chip> {
    let value = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let label_of =
        |text: String, parse: &dyn Fn(&str) -> Option<&'static str>| parse(&text).map(str::to_string).unwrap_or(text);
    let found: [(&'static str, &'static str, Option<String>); 11] = [
        ("q", "Recherche", value(&query.q)),
        (
            "status",
            "Statut",
            value(&query.status).map(|v| {
                label_of(v, &|c| match c {
                    crate::web::params::OPEN => Some("Non clôturées"),
                    other => other.parse::<Status>().ok().map(Status::label),
                })
            }),
        ),
        ("assigned", "Attribution", value(&query.assigned).map(|v| assigned_label(&v, users))),
        (
            "echeance",
            "Échéance",
            value(&query.echeance)
                .map(|v| label_of(v, &|c| crate::db::list::DueFilter::from_code(c).map(|d| d.label()))),
        ),
        (
            "channel",
            "Canal",
            value(&query.channel).map(|v| label_of(v, &|c| c.parse::<Channel>().ok().map(channel_short))),
        ),
        (
            "process",
            "Processus",
            value(&query.process).map(|v| label_of(v, &|c| c.parse::<Process>().ok().map(process_short))),
        ),
        ("motif", "Motif", value(&query.motif).map(|v| lists.motif_label(&v))),
        ("partner", "Partenaire", value(&query.partner).map(|v| lists.partner_label(&v))),
        ("year", "Année", value(&query.year)),
        ("cloture", "Clôture", value(&query.cloture).map(|v| label_of(v, &|c| (c == "mois").then_some("ce mois-ci")))),
        (
            "a_qualifier",
            "À qualifier",
            value(&query.a_qualifier).map(|v| label_of(v, &|c| (c == "oui").then_some("oui"))),
        ),
    ];
    found
        .into_iter()
        .filter_map(|(field, label, value)| {
            value.map(|value| Chip { label, value, remove: link(&query.without(field)) })
        })
        .collect()
}

fn assigned_label(code: &str, users: &HashMap<i32, String>) -> String {
    match code {
        "me" => "mes saisines".into(),
        "none" => "non attribuées".into(),
        other => other.parse().ok().and_then(|id| users.get(&id).cloned()).unwrap_or_else(|| other.to_string()),
    }
}

/// `/saisines?…`, or `/saisines` alone.
pub fn link(query: &ListQuery) -> String {
    let text = query.to_query_string();
    if text.is_empty() {
        "/saisines".into()
    } else {
        format!("/saisines?{text}")
    }
}

/// A sortable column's header: its link and, when the list is sorted by it, `aria-sort`.
#[derive(Debug, Serialize)]
pub struct Header {
    pub label: &'static str,
    pub link: String,
    pub aria_sort: Option<&'static str>,
    /// What a click does, for screen readers.
    pub action: String,
}

pub fn header(query: &ListQuery, sorting: Sorting, column: Column, label: &'static str) -> Header {
    let next = sorting.toggled(column);
    let aria_sort = (sorting.column == column).then_some(if sorting.descending { "descending" } else { "ascending" });
    Header { label, link: link(&query.with_sort(next)), aria_sort, action: format!("trier {}", next.label()) }
}

/// The sorted column shown after the usual ones, when the list is sorted by another date.
pub fn extra_header(query: &ListQuery, sorting: Sorting) -> Option<Header> {
    let label = match sorting.column {
        Column::LateFrom => "En retard depuis",
        Column::Closed => "Clôturée le",
        Column::Updated => "Modifiée le",
        _ => return None,
    };
    Some(header(query, sorting, sorting.column, label))
}

/// The sort menu's options.
#[derive(Debug, Serialize)]
pub struct SortChoice {
    pub code: &'static str,
    pub label: String,
    pub selected: bool,
}

pub fn sort_choices(sorting: Sorting) -> Vec<SortChoice> {
    Sorting::all()
        .map(|s| {
            let label = s.label();
            let mut chars = label.chars();
            let label = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
            SortChoice { code: s.code(), label, selected: s == sorting }
        })
        .collect()
}
