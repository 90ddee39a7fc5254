//! The company's settings as the owner saves them: checked as the configuration
//! reads them, secrets kept when not resent, the currency fixed once orders
//! exist, and the change on the record.

use crate::config::company::CompanySettings;
use crate::config::live::Live;
use crate::core::ValidationError;
use crate::error::AppError;
use crate::store::events::{self, NewEvent};
use crate::store::{settings, transaction, DbConnection};

/// Saves the settings; returns them as stored and their version, for the
/// caller to put in force once committed.
pub fn save(
    conn: &mut DbConnection,
    live: &Live,
    actor: &str,
    next: CompanySettings,
) -> Result<(CompanySettings, i64), AppError> {
    transaction(conn, |c| {
        let before = live.saved(c)?;
        // Stored as the validated configuration reads them: trimmed,
        // defaults filled in, nothing of a provider not chosen.
        let merged = CompanySettings::of(&live.base().with_company(&next.keep_secrets(&before))?);
        if merged.currency != before.currency {
            if let Some(kept) = crate::store::work_orders::other_currency(c, &merged.currency)? {
                return Err(ValidationError::new(
                    "currency",
                    format!("orders are kept in {kept}: a company keeps one currency, so it can change only before the first order"),
                )
                .into());
            }
        }
        let version = settings::save(c, &merged.to_stored_json().to_string(), actor)?;
        events::record(
            c,
            NewEvent {
                actor_id: Some(actor),
                customer_id: None,
                entity_type: "company_settings",
                entity_id: "company",
                action: "updated",
                changes: serde_json::Value::Object(crate::core::changes::diff(
                    &serde_json::to_value(&before)?,
                    &serde_json::to_value(&merged)?,
                    &[],
                )),
            },
        )?;
        Ok((merged, version))
    })
}
