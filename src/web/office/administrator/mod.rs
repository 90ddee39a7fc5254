//! The administrator's pages: the scheduling queue, the dispatch board, route
//! planning with its map, the week calendar, the notifications, the stock
//! and the vans' load lists.

pub mod board;
pub mod load_lists;
pub mod notifications;
pub mod plan;
pub mod queue;
pub mod stock;
pub mod week;

/// Registers the pages.
pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(queue::queue)
        .service(board::board)
        .service(plan::plan_form)
        .service(plan::proposal)
        .service(week::week)
        .service(notifications::list)
        .service(stock::stock_page)
        .service(stock::part_page)
        .service(load_lists::load_lists_page);
}
