//! The manager's pages: the reminders inbox, customers, the customer card,
//! work orders, the lost-customers list.

pub mod customers;
pub mod lost;
pub mod orders;
pub mod records;
pub mod reminders;

/// Registers the pages.
pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(reminders::inbox)
        .service(customers::search)
        .service(orders::new_order)
        .service(customers::card)
        .service(orders::order)
        .service(lost::list);
}
