//! The administrator's work-order actions: booking visits and recording completion.

use crate::api::auth::Dispatcher;
use actix_web::post;

use crate::flow::bodies;
use crate::work_order_action;

work_order_action!(
    /// Book the visit: engineer, time window, on-site contact.
    ///
    /// Roles: owner, administrator.
    schedule, "/work-orders/{id}/actions/schedule", Dispatcher, Schedule, bodies::Schedule
);
work_order_action!(
    /// Move the booked visit to another time or engineer.
    ///
    /// Roles: owner, administrator.
    reschedule, "/work-orders/{id}/actions/reschedule", Dispatcher, Reschedule, bodies::Schedule
);
work_order_action!(
    /// Release the booked visit; the order waits for scheduling again.
    ///
    /// Roles: owner, administrator.
    unschedule, "/work-orders/{id}/actions/unschedule", Dispatcher, Unschedule, bodies::Reason
);
work_order_action!(
    /// Record completion of the work done.
    ///
    /// Roles: owner, administrator.
    certify, "/work-orders/{id}/actions/certify", Dispatcher, Certify, bodies::Certify
);

/// Registers the routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(schedule)
        .service(reschedule)
        .service(unschedule)
        .service(certify);
}
