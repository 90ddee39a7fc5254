//! HTML pages. For now the customer's visit page behind their signed link;
//! the engineer's and the office's pages come with their issues.

pub mod visit_link;

/// Registers the pages (outside `/api/v1`, without staff login).
pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(visit_link::page)
        .service(visit_link::confirm)
        .service(visit_link::ask_to_move);
}
