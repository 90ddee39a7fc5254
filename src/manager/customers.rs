//! `/customers`: private people and organisations.

use crate::core::customer::{Customer, CustomerFields};
use crate::store::customers::{self as store, CustomerFilter, Customers};

crate::record_routes! {
    name: "customer",
    tag: "customers",
    repo: Customers,
    fields: CustomerFields,
    view: Customer,
    filter: CustomerFilter,
    list: store::list,
    collection: "/customers",
    item: "/customers/{id}",
    archive: "/customers/{id}/archive",
    restore: "/customers/{id}/restore",
}
