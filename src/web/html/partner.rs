//! The public partner form (boîte générique): no account, a signed token instead of a
//! session, submissions straight into the mediators' queue.

use crate::web::template::{context, Template};
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::{get, post, routes, Either, Route, State};

use super::form::FormErrors;
use super::partner_form::{self, PartnerForm, TokenProblem};
use crate::app::{self, AppError};
use crate::db::reference_lists::ReferenceLists;
use crate::db::referrals;
use crate::domain::referral::{ReferralDraft, MAX_ACCOUNT};
use crate::domain::{FieldError, Reference};
use crate::report::pdf::acknowledgement::{self, Acknowledgement};
use crate::web::auth::{ClientIp, SameOriginUpload};
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::state::{AppState, Db};
use crate::web::view::FormChoices;

/// How long a partner's confirmation and acknowledgement links stay valid.
pub const LINK_DAYS: i64 = 7;

async fn form_page(
    db: &Db,
    state: &AppState,
    layout: Layout,
    now: &Now,
    values: &ReferralDraft,
    errors: FormErrors,
) -> Result<Template, PageError> {
    let lists = db.run(ReferenceLists::load).await?;
    let choices = FormChoices::new(&lists, &[], None);
    let token = partner_form::new_token(&state.signer, now.at.and_utc().timestamp());
    let mediation = &state.config.mediation;
    Ok(Template::render(
        "partner/form.html",
        context! { layout, values, errors, choices, token, mediation, max_account: MAX_ACCOUNT, honeypot: partner_form::HONEYPOT },
    ))
}

#[get("/partenaires/saisine")]
async fn show(db: Db, state: &State<AppState>, layout: Layout, now: Now) -> Result<Template, PageError> {
    form_page(&db, state, layout, &now, &ReferralDraft::default(), FormErrors::default()).await
}

type Outcome = Either<Redirect, (Status, Template)>;

fn one_error(field: &str, code: &'static str, message: &str) -> FormErrors {
    FormErrors::new(&[FieldError::new(field, code, message)])
}

/// A signed link to a submission's confirmation (and its acknowledgement), valid 7 days.
pub fn signed_query(state: &AppState, reference: Reference, now: &Now) -> String {
    let expires = now.at.and_utc().timestamp() + LINK_DAYS * 24 * 3600;
    let signature = state.signer.sign(&format!("accuse|{reference}|{expires}"));
    format!("expire={expires}&signature={signature}")
}

/// Whether the request announced a body larger than the multipart limit: such a body is
/// answered 413 as a whole, not reported as one refused file.
pub struct Oversized(bool);

#[rocket::async_trait]
impl<'r> rocket::request::FromRequest<'r> for Oversized {
    type Error = ();
    async fn from_request(request: &'r rocket::Request<'_>) -> rocket::request::Outcome<Self, ()> {
        let limit = request.limits().get("data-form").map(|l| l.as_u64()).unwrap_or(u64::MAX);
        let announced = request.headers().get_one("Content-Length").and_then(|l| l.parse::<u64>().ok());
        rocket::request::Outcome::Success(Oversized(announced.is_some_and(|length| length > limit)))
    }
}

#[post("/partenaires/saisine", data = "<form>")]
async fn submit(
    oversized: Oversized,
    form: SameOriginUpload<'_, PartnerForm<'_>>,
    db: Db,
    state: &State<AppState>,
    ip: ClientIp,
    layout: Layout,
    now: Now,
) -> Result<Outcome, PageError> {
    if oversized.0 {
        return Err(PageError::TooLarge);
    }
    let form = form.0;
    if partner_form::body_too_large(&form) {
        return Err(PageError::TooLarge);
    }
    let values = partner_form::draft(&form);
    let files_refused = partner_form::files_refused(&form);
    let token = partner_form::token_of(&form);
    if partner_form::honeypot_filled(&form) {
        tracing::warn!("formulaire partenaire : champ piège rempli, envoi ignoré");
        return Ok(Either::Right((Status::Ok, Template::render("partner/received.html", context! { layout }))));
    }
    let config = &state.config;
    let checked = partner_form::check_token(
        &state.signer,
        &token,
        now.at.and_utc().timestamp(),
        config.partner_form_min_seconds,
        config.partner_form_max_minutes,
    );
    let checked = match checked {
        Ok(checked) => checked,
        Err(problem) => {
            let message = match problem {
            TokenProblem::TooFast => {
                "Le formulaire a été envoyé trop vite après son ouverture. Vérifiez vos informations puis renvoyez-le."
            }
            TokenProblem::Expired => {
                "Le formulaire a expiré (ouvert depuis trop longtemps). Vérifiez vos informations puis renvoyez-le."
            }
            TokenProblem::Invalid => {
                "Le formulaire n'a pas pu être authentifié. Vérifiez vos informations puis renvoyez-le."
            }
        };
            let page =
                form_page(&db, state, layout, &now, &values, one_error("form_token", "form_token", message)).await?;
            return Ok(Either::Right((Status::UnprocessableEntity, page)));
        }
    };
    let (address, at) = (ip.0.clone(), now.at);
    let limit = config.partner_form_per_hour;
    if db.run(move |conn| referrals::limit_reached(conn, &address, at, limit)).await? {
        let page = Template::render("partner/throttled.html", context! { layout, mediation: &config.mediation });
        return Ok(Either::Right((Status::TooManyRequests, page)));
    }
    let uploads = form.value.map(|v| v.attachments).unwrap_or_default();
    let files = match partner_form::read_files(uploads, files_refused).await {
        Ok(files) => files,
        Err(error) => {
            let mut errors = match values.validate(&db.run(ReferenceLists::load).await?.allowed(&[], None), now.today) {
                Err(e) => e.field_errors().to_vec(),
                Ok(_) => Vec::new(),
            };
            errors.push(error);
            let page = form_page(&db, state, layout, &now, &values, FormErrors::new(&errors)).await?;
            return Ok(Either::Right((Status::UnprocessableEntity, page)));
        }
    };
    let (draft, address) = (values.clone(), ip.0.clone());
    let (settings, team) = (crate::app::letters::MailSettings::from_config(config), config.team_address.clone());
    let (signer, base) = (state.signer.clone(), config.public_url.clone().unwrap_or_default());
    let expires = now.at.and_utc().timestamp() + LINK_DAYS * 24 * 3600;
    let link = move |reference: Reference| {
        let signature = signer.sign(&format!("accuse|{reference}|{expires}"));
        format!("{}/partenaires/accuse/{reference}?expire={expires}&signature={signature}", base.trim_end_matches('/'))
    };
    let expires_at = chrono::DateTime::from_timestamp(checked.expires_at, 0).unwrap_or_default().naive_utc();
    let submitted = db.act(move |conn| {
        let token = referrals::FormToken { nonce: &checked.nonce, expires_at };
        let notice = app::notifications::PartnerNotice { settings: &settings, team: team.as_deref(), link: &link };
        app::notifications::partner_submission(conn, &draft, &files, &token, &address, at, &notice)
    });
    match submitted.await {
        Ok(reference) => {
            tracing::info!(%reference, "saisine déposée par un partenaire");
            Ok(Either::Left(Redirect::to(format!(
                "/partenaires/saisine/{reference}?{}",
                signed_query(state, reference, &now)
            ))))
        }
        Err(AppError::Domain(e)) => {
            let page = form_page(&db, state, layout, &now, &values, FormErrors::new(e.field_errors())).await?;
            Ok(Either::Right((Status::UnprocessableEntity, page)))
        }
        Err(other) => Err(other.into()),
    }
}

/// Whether a partner's link is genuine and still valid.
pub fn link_valid(state: &AppState, reference: Reference, expires: i64, signature: &str, now: &Now) -> bool {
    expires >= now.at.and_utc().timestamp() && state.signer.verify(&format!("accuse|{reference}|{expires}"), signature)
}

#[get("/partenaires/saisine/<reference>?<expire>&<signature>")]
async fn confirmation(
    reference: Reference,
    expire: i64,
    signature: &str,
    db: Db,
    state: &State<AppState>,
    layout: Layout,
    now: Now,
) -> Result<Template, PageError> {
    if !link_valid(state, reference, expire, signature, &now) {
        return Err(PageError::NotFound);
    }
    let created_at = db.run(move |conn| Ok(crate::db::saisines::find(conn, reference)?.created_at)).await?;
    let received_at = crate::domain::paris::paris_datetime(created_at);
    let link = format!("/partenaires/accuse/{reference}?expire={expire}&signature={signature}");
    Ok(Template::render(
        "partner/confirmation.html",
        context! { layout, reference: reference.to_string(), received_at, link, mediation: &state.config.mediation, days: LINK_DAYS },
    ))
}

/// The acknowledgement's content, from the saisine as recorded.
fn acknowledgement(
    saisine: &crate::domain::Saisine,
    lists: &ReferenceLists,
    head: &crate::domain::letters::Letterhead,
    now: &Now,
) -> Acknowledgement {
    let facts = &saisine.facts;
    let referral = saisine.referral.as_ref();
    let partner_label = facts.partner.as_ref().map(|p| lists.partner_label(&p.0)).unwrap_or_default();
    Acknowledgement {
        reference: saisine.reference.to_string(),
        received_at: crate::domain::paris::paris_datetime(saisine.created_at),
        partner: referral.map(|r| format!("{partner_label} — {}", r.organisation)).unwrap_or(partner_label),
        contact: referral.map(|r| format!("{}, {}", r.contact_name, r.contact_email)).unwrap_or_default(),
        person: facts.requester.name.clone().unwrap_or_default(),
        process: facts.process.label().to_string(),
        motifs: facts.motifs.iter().map(|m| lists.motif_label(&m.0)).collect(),
        // The letterhead set by an administrator, as on every letter.
        mediation: head.name.clone(),
        mediation_contact: head.contact_lines(),
        issued_on: crate::domain::dates::french(now.today),
        logo: head.logo.as_ref().map(|(bytes, _)| bytes.clone()),
    }
}

#[derive(rocket::Responder)]
#[response(content_type = "pdf")]
struct PdfFile {
    body: Vec<u8>,
    disposition: rocket::http::Header<'static>,
}

/// The acknowledgement of receipt, for the partner holding the signed link.
#[get("/partenaires/accuse/<reference>?<expire>&<signature>")]
async fn acknowledgement_pdf(
    reference: Reference,
    expire: i64,
    signature: &str,
    db: Db,
    state: &State<AppState>,
    now: Now,
) -> Result<PdfFile, PageError> {
    if !link_valid(state, reference, expire, signature, &now) {
        return Err(PageError::NotFound);
    }
    let fallback = state.config.mediation.clone();
    let (saisine, lists, head) = db
        .run(move |conn| {
            let head = crate::db::letters::letterhead(conn, &fallback)?;
            Ok((crate::db::saisines::find(conn, reference)?, ReferenceLists::load(conn)?, head))
        })
        .await?;
    let body = acknowledgement::render(&acknowledgement(&saisine, &lists, &head, &now))
        .map_err(|e| PageError::Internal(e.to_string()))?;
    let disposition = format!("attachment; filename=\"accuse-reception-{reference}.pdf\"");
    Ok(PdfFile { body, disposition: rocket::http::Header::new("Content-Disposition", disposition) })
}

pub fn routes() -> Vec<Route> {
    routes![show, submit, confirmation, acknowledgement_pdf]
}
