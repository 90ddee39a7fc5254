//! `/contacts`: the people to call about a customer or a site.

use crate::core::contact::{Contact, ContactFields};
use crate::store::contacts::{self as store, ContactFilter, Contacts};

crate::record_routes! {
    name: "contact",
    tag: "contacts",
    repo: Contacts,
    fields: ContactFields,
    view: Contact,
    filter: ContactFilter,
    list: store::list,
    collection: "/contacts",
    item: "/contacts/{id}",
    archive: "/contacts/{id}/archive",
    restore: "/contacts/{id}/restore",
}
