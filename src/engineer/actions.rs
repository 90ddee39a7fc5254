//! The engineer's actions, allowed only on its own visit (another's answers 404).

use crate::api::auth::Engineer;
use actix_web::post;

use crate::flow::bodies;
use crate::work_order_action;

work_order_action!(
    /// Set out for the site.
    ///
    /// Roles: engineer.
    start_travel, "/work-orders/{id}/actions/start-travel", Engineer, StartTravel, bodies::StartTravel
);
work_order_action!(
    /// Arrive on site.
    ///
    /// Roles: engineer.
    arrive, "/work-orders/{id}/actions/arrive", Engineer, Arrive, bodies::VersionOnly
);
work_order_action!(
    /// Report the work done: notes, lines done, parts used.
    ///
    /// Roles: engineer.
    finish, "/work-orders/{id}/actions/finish", Engineer, Finish, bodies::Finish
);
work_order_action!(
    /// Nobody let the engineer in: the order goes back to scheduling with the reason.
    ///
    /// Roles: engineer.
    no_access, "/work-orders/{id}/actions/no-access", Engineer, NoAccess, bodies::Reason
);

/// Registers the routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(start_travel)
        .service(arrive)
        .service(finish)
        .service(no_access);
}
