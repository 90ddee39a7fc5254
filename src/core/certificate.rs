//! Completion certificates: their numbers, and what the office sees of one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// "2026-000042": the year and the certificate's place in it, without gaps.
pub fn number(year: i32, sequence: i32) -> String {
    format!("{year}-{sequence:06}")
}

/// The company as an act of work names it: its registered name, address and
/// tax code (ЄДРПОУ, VAT number). All optional, so a company can start before
/// it has them; the certificate then shows what there is.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LegalDetails {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub tax_code: Option<String>,
}

/// A certificate as the order's detail shows it; the PDF is at `…/certificate`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CertificateInfo {
    pub number: String,
    /// SHA-256 of the stored PDF, in hex: the file never changes.
    pub sha256: String,
    pub size_bytes: i64,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_are_padded() {
        assert_eq!(super::number(2026, 42), "2026-000042");
        assert_eq!(super::number(2027, 1_234_567), "2027-1234567");
    }
}
