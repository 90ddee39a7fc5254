//! Access tokens (JWT, short-lived) and refresh tokens (random, stored hashed, rotated).

use std::time::Duration;

use base64::Engine;
use jsonwebtoken::{
    decode, encode, errors::ErrorKind, Algorithm, DecodingKey, EncodingKey, Header, Validation,
};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// What an access token says: whose it is, which token version and which login
/// (session) it belongs to.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    /// The user's token version when issued; raised by password change,
    /// deactivation and "sign out everywhere".
    pub ver: i64,
    /// The login it was issued for (the refresh tokens' family): signing out
    /// ends it, and its access tokens stop working on the next request.
    pub sid: String,
    pub iat: u64,
    pub exp: u64,
}

/// Signs and checks access tokens.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub access_ttl: Duration,
}

impl TokenKeys {
    pub fn new(secret: &[u8], access_ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub"]);
        // The tokens are ours alone: nothing but HS256 is accepted.
        validation.algorithms = vec![Algorithm::HS256];
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            access_ttl,
        }
    }

    /// A signed access token for the user's login `session_id`.
    pub fn issue(
        &self,
        user_id: &str,
        token_version: i64,
        session_id: &str,
    ) -> Result<String, AppError> {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub: user_id.to_owned(),
            ver: token_version,
            sid: session_id.to_owned(),
            iat: now,
            exp: now + self.access_ttl.as_secs(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(AppError::internal)
    }

    /// The claims of a valid token, or 401 saying why.
    pub fn check(&self, token: &str) -> Result<Claims, AppError> {
        decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|d| d.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => AppError::Unauthorized {
                    code: "token_expired",
                    message: "the access token has expired; refresh it".into(),
                },
                _ => invalid_token(),
            })
    }
}

/// 401 for a token that is not (or no longer) good.
pub fn invalid_token() -> AppError {
    AppError::Unauthorized {
        code: "invalid_token",
        message: "the token is not valid; log in again".into(),
    }
}

/// A new refresh token: 256 random bits, URL-safe.
pub fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored for a refresh token: its SHA-256, so a database leak yields no tokens.
pub fn hash_refresh_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_tampering() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef", Duration::from_secs(60));
        let token = keys.issue("user-1", 3, "s").unwrap();
        let claims = keys.check(&token).unwrap();
        assert_eq!(claims.sub, "user-1");
        assert_eq!(claims.ver, 3);
        let other = TokenKeys::new(b"another-secret-another-secret-xx", Duration::from_secs(60));
        assert!(other.check(&token).is_err());
    }

    #[test]
    fn expired_tokens_say_so() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef", Duration::from_secs(0));
        let claims = Claims {
            sub: "u".into(),
            ver: 0,
            sid: "s".into(),
            iat: 1,
            exp: 2,
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding).unwrap();
        assert!(matches!(
            keys.check(&token),
            Err(AppError::Unauthorized {
                code: "token_expired",
                ..
            })
        ));
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let a = new_refresh_token();
        assert_ne!(a, new_refresh_token());
        assert_eq!(hash_refresh_token(&a).len(), 64);
        assert_eq!(hash_refresh_token(&a), hash_refresh_token(&a));
    }
}
