//! `/office/`: the pages of managers, administrators and the owner.
//!
//! Server-rendered HTML (maud) in English and Ukrainian; a small script of our
//! own sends the forms as JSON to the same `/api/v1` as every client, with the
//! session in HttpOnly cookies and a CSRF token. Lists are paginated; no page
//! loads every customer.

pub mod administrator;
pub mod charts;
pub mod manager;
pub mod owner;
pub mod page;
pub mod session;
pub mod words;

use actix_web::{get, web, HttpRequest, HttpResponse};

use super::engineer::asset;

static OFFICE_JS: &str = include_str!("../../../assets/office/office.js");
static OFFICE_CSS: &str = include_str!("../../../assets/office/office.css");

#[get("/office/office.js")]
pub async fn script(req: HttpRequest) -> HttpResponse {
    asset(&req, "text/javascript; charset=utf-8", OFFICE_JS)
}

#[get("/office/office.css")]
pub async fn styles(req: HttpRequest) -> HttpResponse {
    asset(&req, "text/css; charset=utf-8", OFFICE_CSS)
}

/// Registers every office page.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(script)
        .service(styles)
        .configure(session::routes)
        .configure(manager::routes)
        .configure(administrator::routes)
        .configure(owner::routes);
}
