//! `/equipment`: installed items, each at a site.

use crate::core::equipment::{Equipment, EquipmentFields};
use crate::store::equipment::{self as store, EquipmentFilter, EquipmentRepo};

crate::record_routes! {
    name: "equipment",
    tag: "equipment",
    repo: EquipmentRepo,
    fields: EquipmentFields,
    view: Equipment,
    filter: EquipmentFilter,
    list: store::list,
    collection: "/equipment",
    item: "/equipment/{id}",
    archive: "/equipment/{id}/archive",
    restore: "/equipment/{id}/restore",
}
