//! Import from another CRM or a spreadsheet: which files exist, which columns
//! each has, and how one cell becomes a field value.
//!
//! A row becomes the same JSON object the API takes, so an imported customer
//! passes exactly the rules a typed-in one does. Rows refer to each other by the
//! other system's ids ("external ids"); the flow resolves them to ours.

pub mod cell;
pub mod history;
pub mod mapping;
pub mod readings;

use serde::Serialize;
use utoipa::ToSchema;

use crate::core::fields::text_enum;

text_enum! {
    /// The kinds of file an import takes, in the order they must be read:
    /// each refers only to kinds before it.
    pub enum Entity {
        /// The parts catalogue: it refers to nothing, and plans may name its parts.
        Parts => "parts",
        Customers => "customers",
        Sites => "sites",
        Contacts => "contacts",
        Equipment => "equipment",
        Plans => "plans",
        WorkOrders => "work_orders",
        Visits => "visits",
        Certificates => "certificates",
    }
}

/// How a cell's text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Text,
    /// Several values separated by `;` (or a JSON array, as Orderly's export writes).
    List,
    Bool,
    Integer,
    Number,
    /// A day, `YYYY-MM-DD` (spreadsheet dates are turned into this on reading).
    Date,
    /// A moment, RFC 3339 or `YYYY-MM-DD HH:MM[:SS]` in UTC.
    Time,
    /// An amount of money in major units, `1250.50`, stored in minor units.
    Money,
    /// The other system's id of a row in an earlier file.
    Ref(Entity),
    /// Several such ids separated by `;`.
    Refs(Entity),
}

/// One column a file of this kind may have.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The field name, and the header looked for unless the mapping says otherwise.
    pub name: &'static str,
    pub cell: Cell,
    /// A file without this column is refused as a whole.
    pub required: bool,
    /// The value when the column is absent or the cell empty.
    pub default: Option<&'static str>,
}

const fn col(name: &'static str, cell: Cell) -> Column {
    Column {
        name,
        cell,
        required: false,
        default: None,
    }
}

const fn must(name: &'static str, cell: Cell) -> Column {
    Column {
        name,
        cell,
        required: true,
        default: None,
    }
}

const fn or(name: &'static str, cell: Cell, default: &'static str) -> Column {
    Column {
        name,
        cell,
        required: false,
        default: Some(default),
    }
}

/// The column that holds the other system's id of the row; `id` is taken too,
/// so a file of Orderly's own export imports as it is.
pub const EXTERNAL_ID: &str = "external_id";

use Cell::*;

const PARTS: &[Column] = &[
    must("sku", Text),
    must("name", Text),
    // Names in other languages: a JSON object (`{"uk": "…"}`, as Orderly's
    // export writes it), or a column per language.
    col("names", Text),
    col("name_en", Text),
    col("name_uk", Text),
    col("name_ka", Text),
    col("name_bg", Text),
    col("name_fa", Text),
    or("unit", Text, "pcs"),
    must("kind", Text),
    must("price", Money),
    must("cost", Money),
    col("compatible", List),
    col("barcode", Text),
    col("active", Bool),
];

const CUSTOMERS: &[Column] = &[
    or("kind", Text, "person"),
    or("segment", Text, "b2c"),
    must("name", Text),
    col("legal_name", Text),
    col("tax_id", Text),
    col("legal_address", Text),
    col("notes", Text),
    col("tags", List),
];

const SITES: &[Column] = &[
    must("customer_id", Ref(Entity::Customers)),
    col("label", Text),
    must("address_line1", Text),
    col("address_line2", Text),
    must("city", Text),
    col("postal_code", Text),
    col("latitude", Number),
    col("longitude", Number),
    col("access_notes", Text),
];

const CONTACTS: &[Column] = &[
    must("customer_id", Ref(Entity::Customers)),
    col("site_id", Ref(Entity::Sites)),
    must("name", Text),
    col("phones", List),
    col("email", Text),
    col("role", Text),
    col("availability", Text),
    col("preferred_channel", Text),
    col("consent_service", Bool),
    col("consent_marketing", Bool),
    col("opted_out", List),
    col("locale", Text),
];

const EQUIPMENT: &[Column] = &[
    must("site_id", Ref(Entity::Sites)),
    must("kind", Text),
    col("model", Text),
    col("serial_number", Text),
    col("installed_on", Date),
    col("status", Text),
    col("notes", Text),
];

const PLANS: &[Column] = &[
    must("equipment_id", Ref(Entity::Equipment)),
    must("service_kind", Text),
    col("estimated_minutes", Integer),
    col("required_skills", List),
    col("lead_days", Integer),
    col("notify_customer", Bool),
    col("active", Bool),
    col("ends_on", Date),
    must("recurrence", Text),
    col("rrule", Text),
    col("starts_on", Date),
    col("every", Integer),
    col("unit", Text),
    col("last_completed_on", Date),
];

const WORK_ORDERS: &[Column] = &[
    must("site_id", Ref(Entity::Sites)),
    col("equipment_ids", Refs(Entity::Equipment)),
    or("kind", Text, "service"),
    or("status", Text, "closed"),
    col("description", Text),
    col("total", Money),
    col("currency", Text),
    must("created_at", Time),
    col("completed_at", Time),
    col("completion_summary", Text),
    col("engineer_notes", Text),
];

const VISITS: &[Column] = &[
    must("work_order_id", Ref(Entity::WorkOrders)),
    must("engineer", Text),
    must("planned_start", Time),
    must("planned_end", Time),
    col("arrived_at", Time),
    col("finished_at", Time),
    or("outcome", Text, "done"),
    col("result_notes", Text),
    col("customer_rating", Integer),
    col("customer_comment", Text),
    col("photos", List),
];

const CERTIFICATES: &[Column] = &[
    must("work_order_id", Ref(Entity::WorkOrders)),
    must("number", Text),
    must("issued_at", Time),
    col("file", Text),
];

impl Entity {
    /// The columns of a file of this kind, besides [`EXTERNAL_ID`].
    pub fn columns(self) -> &'static [Column] {
        match self {
            Entity::Parts => PARTS,
            Entity::Customers => CUSTOMERS,
            Entity::Sites => SITES,
            Entity::Contacts => CONTACTS,
            Entity::Equipment => EQUIPMENT,
            Entity::Plans => PLANS,
            Entity::WorkOrders => WORK_ORDERS,
            Entity::Visits => VISITS,
            Entity::Certificates => CERTIFICATES,
        }
    }

    /// The name a record of this kind has on the timeline (`customer`, `site`, …).
    pub fn record_name(self) -> &'static str {
        use crate::core::Fields;
        match self {
            Entity::Parts => "part",
            Entity::Customers => crate::core::customer::CustomerFields::ENTITY,
            Entity::Sites => crate::core::site::SiteFields::ENTITY,
            Entity::Contacts => crate::core::contact::ContactFields::ENTITY,
            Entity::Equipment => crate::core::equipment::EquipmentFields::ENTITY,
            Entity::Plans => "maintenance_plan",
            Entity::WorkOrders => "work_order",
            Entity::Visits => "visit",
            Entity::Certificates => "certificate",
        }
    }

    /// The kind a file is of, from its name: `customers.csv`, `Sites.xlsx`, `work-orders.csv`.
    pub fn of_file_name(name: &str) -> Option<Entity> {
        let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
        Entity::parse(&mapping::header_key(stem))
    }
}

/// One row that cannot be imported, and why, where a person finds it in the file.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RowError {
    /// The line in the file: the header is line 1, so the first data row is 2.
    pub line: usize,
    /// The field, as named in Orderly; `None` when the row as a whole is wrong.
    pub field: Option<String>,
    /// The header the field was read from in this file.
    pub column: Option<String>,
    pub message: String,
}

/// What importing (or trying to import) one file did.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct FileReport {
    pub entity: String,
    /// Data rows read.
    pub rows: usize,
    /// Rows new to Orderly (or that would be, on a dry run).
    pub created: usize,
    /// Rows imported before from the same source, updated in place.
    pub updated: usize,
    /// Photos or certificate files stored.
    pub files: usize,
    /// Every bad row; when there is one, nothing of the file was written.
    pub errors: Vec<RowError>,
    /// Headers of the file that no field reads.
    pub ignored_columns: Vec<String>,
    /// Whether the file's rows were written: never on a dry run or with a bad row.
    pub written: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_say_what_they_hold() {
        assert_eq!(
            Entity::of_file_name("Customers.csv"),
            Some(Entity::Customers)
        );
        assert_eq!(
            Entity::of_file_name("work-orders.xlsx"),
            Some(Entity::WorkOrders)
        );
        assert_eq!(Entity::of_file_name("equipment"), Some(Entity::Equipment));
        assert_eq!(Entity::of_file_name("invoices.csv"), None);
    }

    #[test]
    fn every_reference_points_to_an_earlier_kind() {
        for (i, entity) in Entity::ALL.iter().enumerate() {
            for column in entity.columns() {
                if let Cell::Ref(to) | Cell::Refs(to) = column.cell {
                    let j = Entity::ALL.iter().position(|e| *e == to).unwrap();
                    assert!(j < i, "{} refers to {}", entity.as_str(), to.as_str());
                }
            }
        }
    }
}
