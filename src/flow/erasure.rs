//! The right to erasure: one customer's personal data goes, the company's
//! financial record stays (see `store::erasure` for what changes).

use crate::core::ids::{CustomerId, UserId};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::AppError;
use crate::store::erasure::{self, Erased};
use crate::store::{export, DbConnection};

/// Why the data is erased: kept on the timeline (say, "request of 1 Dec 2026 by e-mail"),
/// so the company can show it honoured a request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErasureRequest {
    pub reason: String,
}

impl ErasureRequest {
    /// The reason, trimmed: 1 to 500 characters.
    pub fn check(self) -> Result<String, AppError> {
        let reason = self.reason.trim();
        if reason.is_empty() {
            return Err(AppError::invalid(
                "reason",
                "say why: the request it honours",
            ));
        }
        if reason.chars().count() > 500 {
            return Err(AppError::invalid("reason", "at most 500 characters"));
        }
        Ok(reason.to_owned())
    }
}

/// Erases the customer's personal data in one transaction.
pub fn erase(
    conn: &mut DbConnection,
    customer_id: &CustomerId,
    actor_id: &UserId,
    reason: &str,
) -> Result<Erased, AppError> {
    crate::store::transaction(conn, |conn| {
        if !export::customer_exists(conn, customer_id)? {
            return Err(AppError::NotFound { entity: "customer" });
        }
        // Links the customer was given stop opening what is left.
        use crate::store::link_versions::{withdraw, LinkKind};
        withdraw(conn, LinkKind::Papers, customer_id)?;
        for equipment_id in crate::store::equipment::ids_of_customer(conn, customer_id)? {
            withdraw(conn, LinkKind::Sticker, &equipment_id)?;
        }
        erasure::erase(conn, customer_id, actor_id, reason)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_required_and_short() {
        let ask = |r: &str| ErasureRequest { reason: r.into() }.check();
        assert_eq!(ask("  by e-mail, 1 Dec ").unwrap(), "by e-mail, 1 Dec");
        assert!(ask("   ").is_err());
        assert!(ask(&"x".repeat(501)).is_err());
        assert!(ask(&"ї".repeat(500)).is_ok());
    }
}
