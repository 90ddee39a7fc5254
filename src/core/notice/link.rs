//! The customer's link: `/v/{token}` opens one visit without a login.
//!
//! The token holds the visit id, the booking it was sent for and an expiry,
//! signed with HMAC-SHA-256 (cut to 80 bits): 43 URL-safe characters, short
//! enough for an SMS, and useless to anyone who changes a single character of it.
//! The booking version lets an old link say "this visit has moved" instead of
//! confirming a time it never showed.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use uuid::Uuid;

type HmacSha256 = Hmac<Sha256>;

const MAC_BYTES: usize = 10;
const TOKEN_BYTES: usize = 16 + 4 + 2 + MAC_BYTES;
/// Links sent before booking versions: they name the first booking.
const FIRST_TOKEN_BYTES: usize = 16 + 4 + MAC_BYTES;

/// What a good token names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub id: String,
    /// The visit's booking version when the link was sent (0 for what has none).
    pub version: u16,
}

/// The key links are signed with.
#[derive(Clone)]
pub struct LinkKey([u8; 32]);

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey(..)")
    }
}

/// Why a token opens nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkError {
    Malformed,
    Forged,
    Expired,
}

impl LinkKey {
    /// Derives the link key from the server secret, so links and tokens never share a key.
    pub fn derive(secret: &[u8]) -> LinkKey {
        let mut h = Sha256::new();
        h.update(b"orderly customer link v1\0");
        h.update(secret);
        LinkKey(h.finalize().into())
    }

    fn hmac(&self, data: &[u8]) -> HmacSha256 {
        let mut mac = match HmacSha256::new_from_slice(&self.0) {
            Ok(m) => m,
            Err(_) => unreachable!("HMAC takes keys of any length"),
        };
        mac.update(data);
        mac
    }

    /// A token for the visit's booking `version`, valid until `expires`.
    pub fn sign(&self, visit_id: &str, version: u16, expires: DateTime<Utc>) -> Option<String> {
        let id = Uuid::parse_str(visit_id).ok()?;
        let secs = u32::try_from(expires.timestamp().max(0)).unwrap_or(u32::MAX);
        let mut bytes = Vec::with_capacity(TOKEN_BYTES);
        bytes.extend_from_slice(id.as_bytes());
        bytes.extend_from_slice(&secs.to_be_bytes());
        bytes.extend_from_slice(&version.to_be_bytes());
        let mac = self.hmac(&bytes).finalize().into_bytes();
        bytes.extend_from_slice(&mac[..MAC_BYTES]);
        Some(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The visit id and booking version a token opens at `now`.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Signed, LinkError> {
        if token.len() > 64 {
            return Err(LinkError::Malformed);
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(token)
            .map_err(|_| LinkError::Malformed)?;
        if bytes.len() != TOKEN_BYTES && bytes.len() != FIRST_TOKEN_BYTES {
            return Err(LinkError::Malformed);
        }
        let (data, mac) = bytes.split_at(bytes.len() - MAC_BYTES);
        // A constant-time comparison of the truncated tag.
        self.hmac(data)
            .verify_truncated_left(mac)
            .map_err(|_| LinkError::Forged)?;
        let mut secs = [0u8; 4];
        secs.copy_from_slice(&data[16..20]);
        if i64::from(u32::from_be_bytes(secs)) < now.timestamp() {
            return Err(LinkError::Expired);
        }
        let mut id = [0u8; 16];
        id.copy_from_slice(&data[..16]);
        let version = match data.get(20..22) {
            Some(v) => u16::from_be_bytes([v[0], v[1]]),
            None => 1,
        };
        Ok(Signed {
            id: Uuid::from_bytes(id).to_string(),
            version,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn a_token_opens_its_visit_until_it_expires() {
        let key = LinkKey::derive(b"secret");
        let id = crate::core::ids::new_id();
        let now = Utc::now();
        let token = key.sign(&id, 3, now + Duration::days(2)).unwrap();
        assert_eq!(token.len(), 43);
        assert_eq!(
            key.verify(&token, now),
            Ok(Signed {
                id: id.clone(),
                version: 3
            })
        );
        assert_eq!(
            key.verify(&token, now + Duration::days(3)),
            Err(LinkError::Expired)
        );
        let other = LinkKey::derive(b"other");
        assert_eq!(other.verify(&token, now), Err(LinkError::Forged));
    }

    #[test]
    fn a_changed_character_is_refused() {
        let key = LinkKey::derive(b"secret");
        let token = key
            .sign(
                &crate::core::ids::new_id(),
                1,
                Utc::now() + Duration::days(1),
            )
            .unwrap();
        let mut chars: Vec<char> = token.chars().collect();
        chars[3] = if chars[3] == 'A' { 'B' } else { 'A' };
        let bad: String = chars.into_iter().collect();
        assert_eq!(key.verify(&bad, Utc::now()), Err(LinkError::Forged));
        assert_eq!(key.verify("short", Utc::now()), Err(LinkError::Malformed));
    }
}
