//! `/q/{token}`: the page a QR sticker on a piece of equipment opens, in the
//! customer's language, with no login and no script: the piece, its last and
//! next service, "what's wrong?" with an optional photo and a phone to call
//! back, and "book my next service" when one is due. A withdrawn sticker shows
//! only whom to call.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use maud::{html, Markup};
use serde::Deserialize;

use super::visit_link::{answered, layout, respond};
use crate::api::auth::address;
use crate::api::state::AppState;
use crate::core::contact_info::readable_phone;
use crate::core::media::{self, MediaKind};
use crate::core::notice::{format, Locale};
use crate::error::AppError;
use crate::files::images;
use crate::flow::stickers::{self, Booking, Next, Request, Scan};

/// The page's words in one language.
struct Words {
    title: &'static str,
    serial: &'static str,
    last: &'static str,
    next: &'static str,
    never: &'static str,
    booked: &'static str,
    choose: &'static str,
    arranging: &'static str,
    due: &'static str,
    book: &'static str,
    problem: &'static str,
    what: &'static str,
    photo: &'static str,
    phone: &'static str,
    send: &'static str,
    sent: &'static str,
    too_many: &'static str,
    call: &'static str,
    withdrawn: &'static str,
    unknown: &'static str,
    bad_photo: &'static str,
    no_what: &'static str,
    bad_phone: &'static str,
}

const EN: Words = Words {
    title: "Your equipment",
    serial: "Serial number",
    last: "Last service",
    next: "Next service",
    never: "not yet",
    booked: "Booked",
    choose: "Choose a time for your visit",
    arranging: "We will call you to agree a time.",
    due: "Due",
    book: "Book my next service",
    problem: "Something wrong?",
    what: "What's wrong?",
    photo: "A photo (optional)",
    phone: "Your phone, for us to call back (optional)",
    send: "Send",
    sent: "Thank you! We have your message and will be in touch soon.",
    too_many: "We have had several messages from here in a short time. Please call us instead.",
    call: "Call us",
    withdrawn: "This sticker is no longer in use.",
    unknown: "This code does not open anything.",
    bad_photo: "The photo could not be read: send a JPEG or PNG up to 10 MB, or send without it.",
    no_what: "Please tell us what's wrong (up to 500 characters).",
    bad_phone: "This phone number does not look right: check it, or leave it empty.",
};

const UK: Words = Words {
    title: "Ваше обладнання",
    serial: "Серійний номер",
    last: "Останнє обслуговування",
    next: "Наступне обслуговування",
    never: "ще не було",
    booked: "Заплановано",
    choose: "Оберіть час візиту",
    arranging: "Ми зателефонуємо, щоб узгодити час.",
    due: "Час обслуговування",
    book: "Записатися на обслуговування",
    problem: "Щось не так?",
    what: "Що сталося?",
    photo: "Фото (необов'язково)",
    phone: "Ваш телефон, щоб ми передзвонили (необов'язково)",
    send: "Надіслати",
    sent: "Дякуємо! Ми отримали ваше повідомлення і скоро зв'яжемося з вами.",
    too_many: "Звідси надійшло кілька повідомлень за короткий час. Будь ласка, зателефонуйте нам.",
    call: "Зателефонуйте нам",
    withdrawn: "Ця наліпка більше не діє.",
    unknown: "Цей код нічого не відкриває.",
    bad_photo: "Фото не вдалося прочитати: надішліть JPEG або PNG до 10 МБ або надішліть без фото.",
    no_what: "Опишіть, будь ласка, що сталося (до 500 символів).",
    bad_phone: "Номер телефону виглядає неправильно: перевірте його або залиште поле порожнім.",
};

fn words(locale: Locale) -> &'static Words {
    match locale {
        Locale::En => &EN,
        Locale::Uk => &UK,
    }
}

/// What the customer typed, kept when the page comes back with an error.
#[derive(Debug, Default, Clone)]
struct Typed {
    what: String,
    phone: String,
}

/// The company's phone as a link to call.
fn call_us(w: &Words, phone: Option<&str>) -> Markup {
    html! {
        @if let Some(p) = phone {
            p { a.call href={ "tel:" (p) } { (w.call) ": " bdi { (readable_phone(p)) } } }
        }
    }
}

fn scan_page(
    token: &str,
    s: &Scan,
    typed: &Typed,
    note: Option<&str>,
    error: Option<&str>,
) -> Markup {
    let w = words(s.locale);
    let day = |d| format::full_date(d, s.locale);
    let body = html! {
        p { (s.company) }
        h1 { (w.title) }
        p.what {
            strong { (s.kind) }
            @if s.model.is_some() || s.city.is_some() { br; }
            (s.model.as_deref().unwrap_or(""))
            @if let (Some(_), Some(_)) = (&s.model, &s.city) { " · " }
            (s.city.as_deref().unwrap_or(""))
        }
        dl {
            @if let Some(sn) = &s.serial_number { dt { (w.serial) } dd { bdi { (sn) } } }
            dt { (w.last) } dd { (s.last_service.map(day).unwrap_or_else(|| w.never.to_owned())) }
            @match &s.next {
                Next::Booked { start, end, .. } => {
                    dt { (w.next) } dd { (w.booked) ": " (format::date(format::local_day(*start, s.timezone), s.locale)) ", " (format::window(*start, *end, s.timezone)) }
                }
                Next::Due { on } => { dt { (w.next) } dd { (w.due) ": " (day(*on)) } }
                Next::Planned { on } => { dt { (w.next) } dd { (day(*on)) } }
                _ => {}
            }
        }
        @if let Some(n) = note { p.note role="status" { (n) } }
        @match &s.next {
            Next::Choose { link } => { a.button href=(link) { (w.choose) } }
            Next::Arranging => { p { (w.arranging) } }
            Next::Due { .. } => {
                form method="post" action={ "/q/" (token) "/book" } {
                    button type="submit" { (w.book) }
                }
            }
            _ => {}
        }
        h2 { (w.problem) }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        form method="post" action={ "/q/" (token) } enctype="multipart/form-data" {
            label for="what" { (w.what) }
            textarea id="what" name="what" maxlength="500" required { (typed.what) }
            label for="photo" { (w.photo) }
            input id="photo" type="file" name="photo" accept="image/jpeg,image/png";
            label for="phone" { (w.phone) }
            input id="phone" type="tel" name="phone" autocomplete="tel" maxlength="40" value=(typed.phone);
            button.secondary type="submit" { (w.send) }
        }
        (call_us(w, s.phone.as_deref()))
    };
    layout(s.locale.as_str(), w.title, body)
}

/// A sticker that opens nothing: withdrawn (410) or unknown (404); both say whom to call.
fn nothing_page(state: &AppState, e: &AppError) -> HttpResponse {
    let m = &state.config().messaging;
    let w = words(m.locale);
    let (status, text) = match e {
        AppError::Gone { .. } => (StatusCode::GONE, w.withdrawn),
        AppError::NotFound { .. } => (StatusCode::NOT_FOUND, w.unknown),
        _ => return actix_web::ResponseError::error_response(e),
    };
    respond(
        status,
        layout(
            m.locale.as_str(),
            &m.company,
            html! {
                p { (m.company) }
                p.error { (text) }
                (call_us(w, m.company_phone.as_deref()))
            },
        ),
    )
}

/// Why a request was not taken, to be said in the customer's language.
#[derive(Debug, Clone)]
enum Problem {
    What,
    Phone,
    Photo,
    TooMany,
    Other(String),
}

impl Problem {
    fn words(&self, w: &Words) -> String {
        match self {
            Problem::What => w.no_what.to_owned(),
            Problem::Phone => w.bad_phone.to_owned(),
            Problem::Photo => w.bad_photo.to_owned(),
            Problem::TooMany => w.too_many.to_owned(),
            Problem::Other(text) => text.clone(),
        }
    }
}

/// The page again, with what the customer typed and why it was not taken
/// (or, with no problem, the thanks for what was).
async fn show(
    state: &AppState,
    token: String,
    status: StatusCode,
    typed: Typed,
    thanks: bool,
    problem: Option<Problem>,
) -> HttpResponse {
    let m = state.config().messaging.clone();
    let t = token.clone();
    match state.db(move |conn| stickers::open(conn, &m, &t)).await {
        Ok(s) => {
            let w = words(s.locale);
            let note = thanks.then_some(w.sent);
            let error = problem.map(|p| p.words(w));
            respond(
                status,
                scan_page(&token, &s, &typed, note, error.as_deref()),
            )
        }
        Err(e) => nothing_page(state, &e),
    }
}

#[derive(Deserialize)]
struct Shown {
    sent: Option<String>,
}

/// The piece behind the sticker.
#[get("/q/{token}")]
pub async fn page(
    state: web::Data<AppState>,
    token: web::Path<String>,
    req: HttpRequest,
) -> HttpResponse {
    let sent = web::Query::<Shown>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.into_inner().sent)
        .is_some();
    show(
        &state,
        token.into_inner(),
        StatusCode::OK,
        Typed::default(),
        sent,
        None,
    )
    .await
}

/// The form as sent: its words and the photo's bytes, bounded while read.
struct Sent {
    typed: Typed,
    photo: Vec<u8>,
}

/// The most a text field of the form may hold, in bytes.
const MAX_TEXT: usize = 4 * 1024;
/// The most a whole form may hold: one photo and the words.
const MAX_FORM: usize = 10 * 1024 * 1024 + 4 * MAX_TEXT;
/// The most parts a form may have: three fields, with room for a browser's extras.
const MAX_PARTS: usize = 8;

/// Reads the multipart form: unknown parts are read and dropped, a text
/// field past [`MAX_TEXT`], a photo past its limit or a form past
/// [`MAX_FORM`] is refused before the rest is read.
async fn read_form(mut form: Multipart) -> Result<Sent, AppError> {
    let mut sent = Sent {
        typed: Typed::default(),
        photo: Vec::new(),
    };
    let malformed = |_| AppError::BadRequest {
        field: None,
        message: "the form could not be read".into(),
    };
    let (mut parts, mut total) = (0, 0);
    while let Some(part) = form.next().await {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(AppError::BadRequest {
                field: None,
                message: "the form has too many parts".into(),
            });
        }
        let mut part = part.map_err(malformed)?;
        let name = part.name().unwrap_or_default().to_owned();
        let limit = match name.as_str() {
            "photo" => MediaKind::Photo.max_bytes(),
            _ => MAX_TEXT,
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(malformed)?;
            total += chunk.len();
            if bytes.len() + chunk.len() > limit || total > MAX_FORM {
                return Err(AppError::invalid(
                    if name == "photo" { "photo" } else { "what" },
                    "is too large",
                ));
            }
            bytes.extend_from_slice(&chunk);
        }
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "what" => sent.typed.what = text(),
            "phone" => sent.typed.phone = text(),
            "photo" => sent.photo = bytes,
            _ => {}
        }
    }
    Ok(sent)
}

/// The photo as kept, decoded off the async threads; `None` when none came.
async fn kept_photo(bytes: Vec<u8>) -> Result<Option<Vec<u8>>, AppError> {
    if bytes.is_empty() {
        return Ok(None);
    }
    let info = media::check(MediaKind::Photo, &bytes)
        .map_err(|_| AppError::invalid("photo", "is not a JPEG or PNG photo"))?;
    let kept = web::block(move || {
        let _give_back = crate::memory::GiveBackOnDrop;
        images::keep(MediaKind::Photo, info, bytes)
    })
    .await
    .map_err(AppError::internal)?
    .map_err(|_| AppError::invalid("photo", "cannot be decoded"))?;
    Ok(Some(kept.bytes))
}

/// After a request: the page with its thanks, or again with what was typed.
async fn answer(
    state: &AppState,
    token: String,
    typed: Typed,
    result: Result<(), AppError>,
) -> HttpResponse {
    let (status, problem) = match result {
        Ok(()) => return answered(&format!("/q/{token}?sent=1")),
        Err(AppError::Invalid(v)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            match v.field.as_str() {
                "phone" => Problem::Phone,
                "photo" => Problem::Photo,
                _ => Problem::What,
            },
        ),
        Err(AppError::TooManyRequests { .. }) => (StatusCode::TOO_MANY_REQUESTS, Problem::TooMany),
        Err(AppError::BadRequest { message, .. }) => {
            (StatusCode::BAD_REQUEST, Problem::Other(message))
        }
        Err(AppError::Conflict { message, .. }) => (StatusCode::CONFLICT, Problem::Other(message)),
        Err(e) => return nothing_page(state, &e),
    };
    show(state, token, status, typed, false, Some(problem)).await
}

/// "What's wrong?" sent from the sticker.
#[post("/q/{token}")]
pub async fn report(
    state: web::Data<AppState>,
    token: web::Path<String>,
    req: HttpRequest,
    form: Multipart,
) -> HttpResponse {
    let token = token.into_inner();
    let from = address::of_request(&req, &state);
    let sent = match read_form(form).await {
        Ok(s) => s,
        Err(e) => return answer(&state, token, Typed::default(), Err(e)).await,
    };
    let typed = sent.typed.clone();
    // The sticker and the limits before the photo: a refused request is not decoded.
    let (m, t, f) = (
        state.config().messaging.clone(),
        token.clone(),
        from.clone(),
    );
    if let Err(e) = state.db(move |c| stickers::admit(c, &m, &t, &f)).await {
        return answer(&state, token, typed, Err(e)).await;
    }
    let photo = match kept_photo(sent.photo).await {
        Ok(p) => p,
        Err(e) => return answer(&state, token, typed, Err(e)).await,
    };
    let actor = state.customer_actor();
    let region = state.config().phone_region;
    let t = token.clone();
    let result = state
        .db(move |c| {
            stickers::request(
                c,
                &actor,
                region,
                &t,
                &Request {
                    what: &sent.typed.what,
                    phone: Some(&sent.typed.phone),
                    photo: photo.as_deref(),
                    address: &from,
                },
            )
            .map(|_| ())
        })
        .await;
    answer(&state, token, typed, result).await
}

/// "Book my next service" when a plan's service is due: on to choosing a
/// time where the customer may, else a request to the managers.
#[post("/q/{token}/book")]
pub async fn book(
    state: web::Data<AppState>,
    token: web::Path<String>,
    req: HttpRequest,
) -> HttpResponse {
    let token = token.into_inner();
    let from = address::of_request(&req, &state);
    let actor = state.customer_actor();
    let region = state.config().phone_region;
    let t = token.clone();
    let result = state
        .db_sending(move |c, outbox| stickers::ask_to_book(c, outbox, &actor, region, &t, &from))
        .await;
    match result {
        Ok(Booking::Choose(link)) => answered(&link),
        Ok(Booking::Asked) => answer(&state, token, Typed::default(), Ok(())).await,
        Err(e) => answer(&state, token, Typed::default(), Err(e)).await,
    }
}
