//! The owner's pages: users and roles, company settings, message templates, the audit trail.

pub mod analytics;
pub mod audit;
pub mod settings;
pub mod templates;
pub mod users;

/// Registers the pages.
pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(users::list)
        .service(settings::settings)
        .service(templates::list)
        .service(analytics::dashboard_page)
        .service(audit::list);
}
