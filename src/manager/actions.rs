//! The manager's work-order actions, and those a manager shares with administrators.

use crate::api::auth::{Manager, Office};
use actix_web::post;

use crate::flow::bodies;
use crate::work_order_action;

work_order_action!(
    /// Agree price and scope with the customer.
    ///
    /// Roles: owner, manager.
    agree, "/work-orders/{id}/actions/agree", Manager, Agree, bodies::Agree
);
work_order_action!(
    /// Hand the agreed order to the administrators.
    ///
    /// Roles: owner, manager.
    send_to_scheduling, "/work-orders/{id}/actions/send-to-scheduling", Manager, SendToScheduling, bodies::VersionOnly
);
work_order_action!(
    /// Close a certified order with the next step; a follow-up date becomes a reminder.
    ///
    /// Roles: owner, manager.
    close, "/work-orders/{id}/actions/close", Manager, Close, bodies::Close
);
work_order_action!(
    /// Put the order off until a date; a booked visit is released.
    ///
    /// Roles: owner, manager, administrator.
    postpone, "/work-orders/{id}/actions/postpone", Office, Postpone, bodies::Postpone
);
work_order_action!(
    /// Cancel the order with a reason; a booked visit is released.
    ///
    /// Roles: owner, manager, administrator.
    cancel, "/work-orders/{id}/actions/cancel", Office, Cancel, bodies::Reason
);
work_order_action!(
    /// Bring a postponed order back to where it was.
    ///
    /// Roles: owner, manager, administrator.
    reopen, "/work-orders/{id}/actions/reopen", Office, Reopen, bodies::VersionOnly
);

/// Registers the routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(agree)
        .service(send_to_scheduling)
        .service(close)
        .service(postpone)
        .service(cancel)
        .service(reopen);
}
