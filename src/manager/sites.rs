//! `/sites`: the addresses where equipment stands.

use crate::core::site::{Site, SiteFields};
use crate::store::sites::{self as store, SiteFilter, Sites};

crate::record_routes! {
    name: "site",
    tag: "sites",
    repo: Sites,
    fields: SiteFields,
    view: Site,
    filter: SiteFilter,
    list: store::list,
    collection: "/sites",
    item: "/sites/{id}",
    archive: "/sites/{id}/archive",
    restore: "/sites/{id}/restore",
}
