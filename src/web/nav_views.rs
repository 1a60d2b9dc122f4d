//! The saved views in the navigation, each with its count of saisines. The count is that of
//! the view's list (the same query, checked the same way, filtered by `db::list`), counted up
//! to a bound: each shown view costs one bounded, indexed query, whatever the table holds.

use rocket::form::Form;
use rocket::http::RawStr;
use serde::Serialize;

use super::auth::guards::{CurrentUser, Pending};
use super::params::ListQuery;
use super::state::AppState;
use crate::db::list::{self, Total};
use crate::db::memo::Memo;
use crate::db::saved_views::{self, SavedView};
use crate::db::{DbConn, DbResult};
use crate::domain::saved_view::normalise_query;
use crate::domain::search::SearchTerm;

/// Views shown in the navigation (and counted); the others are on the views page.
pub const SHOWN: usize = 8;
/// A count stops here: « 999+ ».
pub const COUNT_BOUND: i64 = 999;

/// One view as the navigation shows it.
#[derive(Debug, Clone, Serialize)]
pub struct NavView {
    pub id: i32,
    pub name: String,
    /// The list's query string (without `?`), empty for the whole list.
    pub query: String,
    /// `12` or `999+`; `None` when the view cannot be counted (a filter the list refuses).
    pub count: Option<String>,
    /// The same, read aloud: « 12 saisines », « plus de 999 saisines ».
    pub count_words: Option<String>,
    /// The list shown is this view's.
    pub current: bool,
}

/// The navigation's views and what the list page's « Enregistrer cette vue » form needs.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NavViews {
    pub shown: Vec<NavView>,
    /// More views than shown: the link to the views page says so.
    pub more: bool,
    /// The page is the list: its « Enregistrer cette vue » form is shown.
    pub on_list: bool,
    /// On the list page, its query string normalised: what a saved view would keep.
    pub current: Option<String>,
    /// Mediators and administrators share views with the team.
    pub can_share: bool,
}

fn count_text(total: Total) -> (String, String) {
    match (total.exact, total.count) {
        (false, n) => (format!("{n}+"), format!("plus de {n} saisines")),
        (true, n) if n > 1 => (n.to_string(), format!("{n} saisines")),
        (true, n) => (n.to_string(), format!("{n} saisine")),
    }
}

/// The view's count, as its list would filter it for this user today; `None` when the list
/// would refuse the query. A search by personal data is never counted here (the list's own
/// page records such a search in the audit log; the navigation must not).
fn count(
    conn: &mut DbConn,
    memo: &Memo,
    view: &SavedView,
    user: &CurrentUser,
    today: chrono::NaiveDate,
) -> DbResult<Option<Total>> {
    let Ok(query) = Form::<ListQuery>::parse_encoded(RawStr::new(&view.query)) else { return Ok(None) };
    let Ok(request) = query.check(user.id, user.role, today) else { return Ok(None) };
    if request.filter.search.as_ref().and_then(SearchTerm::personal_key).is_some() {
        return Ok(None);
    }
    let key = format!("vue {COUNT_BOUND} {:?}", request.filter);
    Ok(Some(memo.get_or(key, || list::count_bounded(conn, &request.filter, COUNT_BOUND))?))
}

fn load(
    conn: &mut DbConn,
    memo: &Memo,
    user: &CurrentUser,
    today: chrono::NaiveDate,
    current: Option<String>,
) -> DbResult<NavViews> {
    let team = user.role.can_work_on_saisines();
    let views = memo.get_or(format!("vues {:?} {team}", user.id), || saved_views::visible(conn, user.id, team))?;
    let mut shown = Vec::new();
    for view in views.iter().take(SHOWN) {
        let (count, count_words) = match count(conn, memo, view, user, today)? {
            Some(total) => {
                let (text, words) = count_text(total);
                (Some(text), Some(words))
            }
            None => (None, None),
        };
        let is_current = current.as_deref() == Some(view.query.as_str());
        shown.push(NavView {
            id: view.id,
            name: view.name.clone(),
            query: view.query.clone(),
            count,
            count_words,
            current: is_current,
        });
    }
    Ok(NavViews { shown, more: views.len() > SHOWN, on_list: current.is_some(), current, can_share: team })
}

/// The navigation's views for a user ready to work; `None` for everyone else or on failure
/// (a page is still served without them). `list_query` is the list page's raw query string,
/// when the page is the list.
pub async fn nav_views(state: &AppState, user: &CurrentUser, list_query: Option<&str>) -> Option<NavViews> {
    if user.pending != Pending::None {
        return None;
    }
    let current = list_query.map(normalise_query);
    let (pool, today, user, memo) = (state.pool.clone(), state.clock.today(), user.clone(), state.memo.clone());
    let loaded = rocket::tokio::task::spawn_blocking(move || {
        let mut conn = pool.get()?;
        load(&mut conn, &memo, &user, today, current)
    })
    .await;
    match loaded {
        Ok(Ok(views)) => Some(views),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "vues enregistrées : lecture impossible");
            None
        }
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_numbers_and_as_words() {
        assert_eq!(count_text(Total { count: 1, exact: true }), ("1".into(), "1 saisine".into()));
        assert_eq!(count_text(Total { count: 0, exact: true }), ("0".into(), "0 saisine".into()));
        assert_eq!(count_text(Total { count: 999, exact: false }), ("999+".into(), "plus de 999 saisines".into()));
    }
}
