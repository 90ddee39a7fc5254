//! A device that sends meter readings on its own (a flow meter with a modem,
//! a boiler's controller). Each signs its requests with its own key: an
//! HMAC-SHA-256 over the timestamp and the body, so a changed body, another
//! device's key or an old request are all refused. The key is derived from
//! the server's secret and the device's id — nothing secret is stored — and
//! a device is withdrawn by revoking it.

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::ids::MeterId;
use super::meter::ReadingKind;
use super::ValidationError;

type HmacSha256 = Hmac<Sha256>;

/// How far a request's timestamp may be from the server's clock.
pub const TOLERANCE_SECONDS: i64 = 300;
/// The most readings one request may carry.
pub const MAX_BATCH: usize = 1000;

/// The key device keys are derived from.
#[derive(Clone)]
pub struct DeviceKeys([u8; 32]);

impl std::fmt::Debug for DeviceKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceKeys(..)")
    }
}

/// Why a device's request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// No timestamp or signature header, or not in their form.
    Unsigned,
    /// The timestamp is too far from now.
    Stale,
    /// The signature does not match the body with this device's key.
    Forged,
}

fn mac(key: &[u8]) -> HmacSha256 {
    match HmacSha256::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    }
}

impl DeviceKeys {
    /// Derived from the server secret, apart from every other key it signs with.
    pub fn derive(secret: &[u8]) -> DeviceKeys {
        let mut h = Sha256::new();
        h.update(b"orderly device keys v1\0");
        h.update(secret);
        DeviceKeys(h.finalize().into())
    }

    /// The device's own key, as the owner copies it into the device (hex).
    pub fn key_of(&self, device_id: &str) -> String {
        let mut m = mac(&self.0);
        m.update(device_id.as_bytes());
        hex(&m.finalize().into_bytes())
    }

    /// Checks a request: `timestamp` (Unix seconds) within
    /// [`TOLERANCE_SECONDS`] of `now`, and `signature` (`sha256=<hex>`) the
    /// HMAC of `"{timestamp}.{body}"` under the device's key.
    pub fn verify(
        &self,
        device_id: &str,
        timestamp: Option<&str>,
        signature: Option<&str>,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<DateTime<Utc>, Refused> {
        let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
            return Err(Refused::Unsigned);
        };
        let secs: i64 = timestamp.trim().parse().map_err(|_| Refused::Unsigned)?;
        let at = DateTime::<Utc>::from_timestamp(secs, 0).ok_or(Refused::Unsigned)?;
        let hex_sig = signature
            .trim()
            .strip_prefix("sha256=")
            .ok_or(Refused::Unsigned)?;
        let sig = unhex(hex_sig).ok_or(Refused::Unsigned)?;
        if (at - now).abs() > Duration::seconds(TOLERANCE_SECONDS) {
            return Err(Refused::Stale);
        }
        let mut m = mac(self.key_of(device_id).as_bytes());
        m.update(timestamp.trim().as_bytes());
        m.update(b".");
        m.update(body);
        m.verify_slice(&sig).map_err(|_| Refused::Forged)?;
        Ok(at)
    }
}

/// How a device signs a request: the value of its `X-Orderly-Signature`
/// header (for the device's makers, the tests and the benchmark).
pub fn sign(key: &str, timestamp: i64, body: &[u8]) -> String {
    let mut m = mac(key.as_bytes());
    m.update(timestamp.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    format!("sha256={}", hex(&m.finalize().into_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// One reading in a device's batch.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceReading {
    /// One of the meters of the device's equipment.
    pub meter_id: MeterId,
    pub value: f64,
    pub read_at: DateTime<Utc>,
    #[serde(default = "reading")]
    pub kind: ReadingKind,
}

fn reading() -> ReadingKind {
    ReadingKind::Reading
}

/// What a device sends.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceBatch {
    pub readings: Vec<DeviceReading>,
}

impl DeviceBatch {
    /// At least one reading and at most [`MAX_BATCH`].
    pub fn check(&self) -> Result<(), ValidationError> {
        if self.readings.is_empty() || self.readings.len() > MAX_BATCH {
            return Err(ValidationError::new(
                "readings",
                format!("send 1 to {MAX_BATCH} readings at a time"),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_request_is_taken_and_any_change_refused() {
        let keys = DeviceKeys::derive(b"server secret");
        let device = crate::core::ids::new_id();
        let key = keys.key_of(&device);
        assert_eq!(key.len(), 64);
        let now = Utc::now();
        let ts = now.timestamp();
        let body = br#"{"readings":[]}"#;
        let sig = sign(&key, ts, body);
        let check =
            |ts: &str, sig: &str, body: &[u8]| keys.verify(&device, Some(ts), Some(sig), body, now);
        assert!(check(&ts.to_string(), &sig, body).is_ok());
        // Another body, another device's key, another server: forged.
        assert_eq!(check(&ts.to_string(), &sig, b"{}"), Err(Refused::Forged));
        let other = sign(&keys.key_of("another"), ts, body);
        assert_eq!(check(&ts.to_string(), &other, body), Err(Refused::Forged));
        let elsewhere = DeviceKeys::derive(b"other secret").key_of(&device);
        assert_eq!(
            check(&ts.to_string(), &sign(&elsewhere, ts, body), body),
            Err(Refused::Forged)
        );
        // The timestamp is signed: moving it breaks the signature.
        assert_eq!(
            check(&(ts + 1).to_string(), &sig, body),
            Err(Refused::Forged)
        );
        // Too old, too far ahead.
        let old = ts - TOLERANCE_SECONDS - 1;
        assert_eq!(
            check(&old.to_string(), &sign(&key, old, body), body),
            Err(Refused::Stale)
        );
        let ahead = ts + TOLERANCE_SECONDS + 1;
        assert_eq!(
            check(&ahead.to_string(), &sign(&key, ahead, body), body),
            Err(Refused::Stale)
        );
        // Missing or malformed headers.
        assert_eq!(
            keys.verify(&device, None, Some(&sig), body, now),
            Err(Refused::Unsigned)
        );
        assert_eq!(check("soon", &sig, body), Err(Refused::Unsigned));
        assert_eq!(
            check(&ts.to_string(), "md5=abc", body),
            Err(Refused::Unsigned)
        );
        assert_eq!(
            check(&ts.to_string(), "sha256=zz", body),
            Err(Refused::Unsigned)
        );
        assert_eq!(
            check("99999999999999999999", &sig, body),
            Err(Refused::Unsigned)
        );
    }
}
