//! The one error type of the application, shared by store, adapters and handlers.
//!
//! It knows nothing of HTTP; `api::error` maps it to a status and a JSON body.

use crate::core::ValidationError;

/// Why a request or a job could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The body or query could not be read (malformed JSON, wrong type, unknown field).
    #[error("{message}")]
    BadRequest {
        field: Option<String>,
        message: String,
    },
    /// A value was read but breaks a rule (empty name, invalid phone, unknown site).
    #[error("{0}")]
    Invalid(ValidationError),
    /// No valid credentials or token.
    #[error("{message}")]
    Unauthorized { code: &'static str, message: String },
    /// Authenticated, but the role may not do this.
    #[error("this action is not allowed for your role")]
    Forbidden,
    /// A page's request without the session's CSRF token: another site's doing.
    #[error("the request did not carry this session's CSRF token; reload the page")]
    CsrfRejected,
    /// The record does not exist, or the caller may not know it exists.
    #[error("{entity} not found")]
    NotFound { entity: &'static str },
    /// The body is larger than the route takes.
    #[error("{message}")]
    TooLarge { message: String },
    /// It existed, but is no longer available (an expired customer link).
    #[error("{message}")]
    Gone { message: String },
    /// Well-formed, but refused for a reason with its own code (an
    /// `Idempotency-Key` sent before with another request).
    #[error("{message}")]
    Unprocessable {
        code: &'static str,
        field: Option<String>,
        message: String,
    },
    /// The request clashes with the current state (duplicate e-mail, stale version, …).
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: String,
        details: Option<serde_json::Value>,
    },
    /// Too many attempts; try again after the given number of seconds.
    #[error("too many attempts; try again in {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: u64 },
    /// The database could not be reached in time.
    #[error("the service is busy; try again")]
    Unavailable(String),
    /// A service Orderly relies on (the OSRM travel service) failed.
    #[error("{0}")]
    Upstream(String),
    /// A bug or an I/O failure; the cause is logged, never shown.
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    /// A typed id from a path the page reads itself; text that is not an id
    /// is 404 naming the kind of record, as an unknown id is.
    pub fn known_id<T: crate::core::ids::TypedId>(raw: &str) -> Result<T, AppError> {
        T::parse(raw).ok_or(AppError::NotFound { entity: T::ENTITY })
    }

    /// A rule broken by `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Invalid(ValidationError::new(field, message))
    }

    /// A conflict with a stable code and a message.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Conflict {
            code,
            message: message.into(),
            details: None,
        }
    }

    /// An `Idempotency-Key` already used for another request: a client bug or a
    /// replay, never answered with what the first request did.
    pub fn key_reused() -> Self {
        AppError::Unprocessable {
            code: "idempotency_key_reused",
            field: Some("Idempotency-Key".into()),
            message: "this Idempotency-Key was sent before with another request; use a new key for each request".into(),
        }
    }

    /// An internal failure with its cause, for the log.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        AppError::Internal(cause.to_string())
    }
}

impl From<ValidationError> for AppError {
    fn from(e: ValidationError) -> Self {
        AppError::Invalid(e)
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => AppError::NotFound { entity: "record" },
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => AppError::conflict(
                "already_exists",
                format!(
                    "a record with this value already exists ({})",
                    info.message()
                ),
            ),
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => AppError::conflict(
                "referenced",
                "a referenced record does not exist or is in use",
            ),
            other => AppError::internal(other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        AppError::Unavailable(e.to_string())
    }
}

impl From<serde_json::Error> for AppError {
    fn from(e: serde_json::Error) -> Self {
        AppError::internal(e)
    }
}

/// Reads a JSON value into `T`, naming the field that does not fit.
///
/// serde's own messages say "invalid type: integer, expected a string" without
/// saying where; `serde_path_to_error` adds the path (`phones[1]`, `latitude`).
pub fn from_json<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, AppError> {
    serde_path_to_error::deserialize(value).map_err(json_error)
}

/// Parses a request body into `T`, naming the field that does not fit.
pub fn from_json_bytes<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(json_error)?;
    de.end().map_err(|e| AppError::BadRequest {
        field: None,
        message: format!("malformed JSON: {e}"),
    })?;
    Ok(value)
}

fn json_error(err: serde_path_to_error::Error<serde_json::Error>) -> AppError {
    let path = err.path().to_string();
    let inner = err.into_inner();
    let message = inner.to_string();
    if inner.is_syntax() || inner.is_eof() {
        return AppError::BadRequest {
            field: None,
            message: format!("malformed JSON: {message}"),
        };
    }
    // The path of a missing field is its parent object; the name is in the message.
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    let field = match (missing, path.as_str()) {
        (Some(name), ".") => name.to_owned(),
        (Some(name), parent) => format!("{parent}.{name}"),
        (None, p) => p.to_owned(),
    };
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_owned();
    AppError::BadRequest {
        field: (field != ".").then_some(field),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        inner: Option<Inner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        n: i64,
    }

    fn field_of(json: &str) -> Option<String> {
        match from_json_bytes::<Body>(json.as_bytes()) {
            Err(AppError::BadRequest { field, .. }) => field,
            other => panic!("expected a bad request, got {other:?}"),
        }
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(field_of(r#"{"name": 5}"#).as_deref(), Some("name"));
        assert_eq!(
            field_of(r#"{"name": "a", "extra": 1}"#).as_deref(),
            Some("extra")
        );
        assert_eq!(field_of(r#"{}"#).as_deref(), Some("name"));
        assert_eq!(
            field_of(r#"{"name":"a","inner":{"n":"x"}}"#).as_deref(),
            Some("inner.n")
        );
        assert_eq!(field_of(r#"{"name":"a","#), None);
    }
}
