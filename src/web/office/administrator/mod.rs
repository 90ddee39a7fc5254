//! The administrator's pages: the scheduling queue, the dispatch board, route
//! planning with its map, the week calendar, the notifications.

pub mod board;
pub mod notifications;
pub mod plan;
pub mod queue;
pub mod week;

/// Registers the pages.
pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(queue::queue)
        .service(board::board)
        .service(plan::plan_form)
        .service(plan::proposal)
        .service(week::week)
        .service(notifications::list);
}
