//! HTML pages: the customer's visit page behind their signed link, the
//! engineer's phone app, and the office's pages.

pub mod choice_link;
pub mod engineer;
pub mod office;
pub mod papers_link;
pub mod sticker_link;
pub mod survey_link;
pub mod visit_link;

/// Registers the pages (outside `/api/v1`).
pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.configure(engineer::routes)
        .configure(office::routes)
        .service(visit_link::page)
        .service(visit_link::confirm)
        .service(visit_link::ask_to_move)
        .service(papers_link::page)
        .service(papers_link::certificate)
        .service(choice_link::page)
        .service(choice_link::book)
        .service(choice_link::cancel)
        .service(sticker_link::page)
        .service(sticker_link::report)
        .service(sticker_link::book)
        .service(survey_link::page)
        .service(survey_link::answer);
}
