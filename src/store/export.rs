//! Every record, table by table, as JSON objects read page by page: the
//! company's way out (no lock-in) and a customer's copy of their own data.
//!
//! Columns come from the database's own catalogue, so a column a migration adds
//! is exported without a change here. Secrets (password hashes, token hashes,
//! saved provider keys) and what is derived from other rows (search text,
//! analytics totals) are left out.

use crate::core::ids::CustomerId;
use diesel::prelude::*;
use diesel::sql_types::Text;
use serde_json::{Map, Value};

use super::sql::Sql;
use super::DbConnection;
use crate::error::AppError;

/// One exported table: its name and the unique expression its pages follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    pub name: &'static str,
    key: &'static str,
}

const fn by_id(name: &'static str) -> Table {
    Table { name, key: "id" }
}

/// The tables of an export, parents before children (the order an import needs).
pub const TABLES: &[Table] = &[
    by_id("users"),
    Table {
        name: "engineer_profiles",
        key: "user_id",
    },
    by_id("parts"),
    by_id("stock_locations"),
    by_id("customers"),
    by_id("sites"),
    by_id("contacts"),
    by_id("equipment"),
    by_id("meters"),
    by_id("meter_readings"),
    by_id("devices"),
    by_id("maintenance_plans"),
    by_id("agreements"),
    by_id("reminders"),
    Table {
        name: "service_requests",
        key: "reminder_id",
    },
    by_id("work_orders"),
    by_id("visits"),
    by_id("visit_files"),
    Table {
        name: "stock_levels",
        key: "location_id || '/' || part_id",
    },
    by_id("stock_movements"),
    Table {
        name: "stock_alerts",
        key: "location_id || '/' || part_id",
    },
    Table {
        name: "parts_used",
        key: "visit_id || '/' || part_id",
    },
    Table {
        name: "stock_reservations",
        key: "work_order_id || '/' || part_id",
    },
    by_id("certificates"),
    Table {
        name: "certificate_counters",
        key: "CAST(year AS TEXT)",
    },
    by_id("route_plans"),
    by_id("segments"),
    by_id("campaigns"),
    by_id("notifications"),
    by_id("notification_attempts"),
    Table {
        name: "notification_templates",
        key: "event || '/' || channel || '/' || locale",
    },
    by_id("surveys"),
    Table {
        name: "import_keys",
        key: "source || '/' || entity || '/' || external_id",
    },
    by_id("events"),
    by_id("audit_events"),
];

/// Tables left out of an export, and why.
pub const NOT_EXPORTED: &[(&str, &str)] = &[
    ("refresh_tokens", "sign-in secrets"),
    (
        "login_failures",
        "failed sign-ins of the last day, by address: kept for throttling only",
    ),
    ("calendar_feeds", "secret feed addresses"),
    (
        "device_signatures",
        "the last minutes' request signatures of devices: kept against replays only",
    ),
    (
        "link_versions",
        "the version of papers and sticker links: a key, not data",
    ),
    (
        "company_settings",
        "provider keys and passwords; the settings API shows the rest",
    ),
    (
        "customer_totals",
        "kept sums, computed again from the orders",
    ),
    (
        "customer_years",
        "kept sums, computed again from the orders",
    ),
    (
        "analytics_days",
        "kept sums, computed again from the orders",
    ),
    (
        "client_requests",
        "a phone's request ids, forgotten after 30 days",
    ),
    (
        "__diesel_schema_migrations",
        "the schema's version, in the manifest's binary",
    ),
];

/// Columns never exported: secrets, and text kept only for searching.
const LEFT_OUT: &[&str] = &["password_hash", "token_version", "search_text"];

/// The table of that name, if it is exported.
pub fn table(name: &str) -> Option<Table> {
    TABLES.iter().copied().find(|t| t.name == name)
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Found {
    #[diesel(sql_type = Text)]
    object: String,
    #[diesel(sql_type = Text)]
    page_key: String,
}

/// The table's exported columns, in the database's order.
pub fn columns(conn: &mut DbConnection, table: Table) -> Result<Vec<String>, AppError> {
    let mut q = Sql::new(conn);
    match conn {
        DbConnection::Sqlite(_) => q
            .push("SELECT name FROM pragma_table_info(")
            .text(table.name)
            .push(") ORDER BY cid"),
        DbConnection::Postgresql(_) => q
            .push("SELECT CAST(column_name AS TEXT) AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ")
            .text(table.name)
            .push(" ORDER BY ordinal_position"),
    };
    Ok(q.load::<Name>(conn)?
        .into_iter()
        .map(|n| n.name)
        .filter(|c| !LEFT_OUT.contains(&c.as_str()))
        .collect())
}

/// Which rows of a table: all, or those that belong to one customer.
#[derive(Debug, Clone, Copy)]
pub enum Rows<'a> {
    All,
    OfCustomer(&'a str),
}

/// The condition that picks one customer's rows of a table, with `?` for the id;
/// `None` when the table holds nothing of a customer's.
fn of_customer(table: &str) -> Option<&'static str> {
    const ORDERS: &str = "work_order_id IN (SELECT id FROM work_orders WHERE customer_id = ?)";
    Some(match table {
        "customers" => "id = ?",
        "sites" | "contacts" | "equipment" | "meters" | "devices" | "maintenance_plans" | "agreements" | "reminders"
        | "service_requests" | "work_orders" | "notifications" | "surveys" | "events" => "customer_id = ?",
        "visits" | "certificates" => ORDERS,
        "visit_files" => {
            "visit_id IN (SELECT v.id FROM visits v JOIN work_orders o ON o.id = v.work_order_id WHERE o.customer_id = ?)"
        }
        "meter_readings" => "meter_id IN (SELECT id FROM meters WHERE customer_id = ?)",
        "notification_attempts" => {
            "notification_id IN (SELECT id FROM notifications WHERE customer_id = ?)"
        }
        _ => return None,
    })
}

/// The tables that hold something of a customer's.
pub fn customer_tables() -> impl Iterator<Item = Table> {
    TABLES
        .iter()
        .copied()
        .filter(|t| of_customer(t.name).is_some())
}

/// Rows as JSON objects, and the page key to go on from (none after the last page).
pub type RowsPage = (Vec<Map<String, Value>>, Option<String>);

/// A page of rows as JSON objects (columns in `columns`' order) after `after`
/// (a page key from the last page; `None` for the first), and the next key.
pub fn page(
    conn: &mut DbConnection,
    table: Table,
    columns: &[String],
    rows: Rows,
    after: Option<&str>,
    limit: usize,
) -> Result<RowsPage, AppError> {
    let pairs: Vec<String> = columns.iter().map(|c| format!("'{c}', \"{c}\"")).collect();
    let object = match conn {
        DbConnection::Sqlite(_) => format!("json_object({})", pairs.join(", ")),
        DbConnection::Postgresql(_) => {
            format!("CAST(json_build_object({}) AS TEXT)", pairs.join(", "))
        }
    };
    let mut q = Sql::new(conn);
    q.push(&format!(
        "SELECT {object} AS object, CAST({key} AS TEXT) AS page_key FROM {name} WHERE 1 = 1",
        key = table.key,
        name = table.name
    ));
    if let Rows::OfCustomer(id) = rows {
        let Some(condition) = of_customer(table.name) else {
            return Ok((Vec::new(), None));
        };
        let (before, after_id) = condition.split_once('?').unwrap_or((condition, ""));
        q.push(" AND ").push(before).text(id).push(after_id);
    }
    if let Some(after) = after {
        q.push(&format!(" AND {} > ", table.key)).text(after);
    }
    q.push(&format!(" ORDER BY {} LIMIT {limit}", table.key));
    let found: Vec<Found> = q.load(conn)?;
    let next = if found.len() == limit {
        found.last().map(|r| r.page_key.clone())
    } else {
        None
    };
    let objects = found
        .into_iter()
        .map(|r| match serde_json::from_str(&r.object) {
            Ok(Value::Object(m)) => Ok(m),
            _ => Err(AppError::Internal(format!(
                "{}: a row that is not a JSON object",
                table.name
            ))),
        })
        .collect::<Result<_, _>>()?;
    Ok((objects, next))
}

/// True when the customer exists (archived or not).
pub fn customer_exists(conn: &mut DbConnection, id: &CustomerId) -> Result<bool, AppError> {
    use super::schema::customers;
    let n: i64 = customers::table
        .find(id.as_str())
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Runs `f` on one consistent view of the database that writers do not wait
/// for: SQLite's read snapshot, PostgreSQL's repeatable read.
pub fn snapshot<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, AppError>,
) -> Result<T, AppError> {
    use diesel::connection::SimpleConnection;
    conn.transaction(|conn| {
        if let DbConnection::Postgresql(c) = conn {
            c.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
        }
        f(conn)
    })
}

/// Rows of a table in the database.
pub fn count(conn: &mut DbConnection, table: Table) -> Result<i64, AppError> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut q = Sql::new(conn);
    q.push(&format!("SELECT COUNT(*) AS n FROM {}", table.name));
    Ok(q.load::<Count>(conn)?.first().map_or(0, |c| c.n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_customer_condition_has_one_placeholder() {
        for t in customer_tables() {
            let c = of_customer(t.name).unwrap();
            assert_eq!(c.matches('?').count(), 1, "{}", t.name);
        }
        assert_eq!(customer_tables().count(), 19);
        assert!(table("refresh_tokens").is_none());
        assert!(table("company_settings").is_none());
    }
}
