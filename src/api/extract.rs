//! Body and query extractors whose errors name the field at fault.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use sha2::Digest;

use crate::error::{from_json_bytes, AppError};

/// Largest JSON body accepted (photos come as uploads, not JSON).
pub const MAX_JSON_BYTES: usize = 256 * 1024;

/// A JSON body read with field-naming errors: `{"error": {"field": "phones[1]"}}`.
///
/// A parse error is kept, not raised, until the handler asks with [`Json::into_inner`]:
/// actix resolves extractors together and answers the first to fail, so a bad body
/// would otherwise answer 400 before the role check could answer 401 or 403.
pub struct Json<T>(Result<T, AppError>, String);

impl<T> Json<T> {
    /// The body, or the 400 that names the field at fault.
    pub fn into_inner(self) -> Result<T, AppError> {
        self.0
    }

    /// The SHA-256 of the body's bytes, hex: what binds an `Idempotency-Key` to
    /// the request it was first sent with.
    pub fn digest(&self) -> &str {
        &self.1
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type_ok = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.starts_with("application/json"))
            .unwrap_or(false);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = body.await;
            let digest = bytes
                .as_ref()
                .map(|b| format!("{:x}", sha2::Sha256::digest(b)))
                .unwrap_or_default();
            let parsed = if !content_type_ok {
                Err(AppError::BadRequest {
                    field: None,
                    message: "the body must be JSON (Content-Type: application/json)".into(),
                })
            } else {
                match bytes {
                    Err(e) if e.as_response_error().status_code().as_u16() == 413 => {
                        Err(AppError::TooLarge {
                            message: format!("the body is larger than {MAX_JSON_BYTES} bytes"),
                        })
                    }
                    Err(e) => Err(AppError::BadRequest {
                        field: None,
                        message: format!("cannot read the body: {e}"),
                    }),
                    Ok(b) if b.len() > MAX_JSON_BYTES => Err(AppError::TooLarge {
                        message: format!("the body is larger than {MAX_JSON_BYTES} bytes"),
                    }),
                    Ok(b) => from_json_bytes(&b),
                }
            };
            Ok(Json(parsed, digest))
        })
    }
}

/// Query parameters read with errors that name the parameter; like [`Json`], the
/// error waits for the handler so that the role check answers first.
pub struct Query<T>(Result<T, AppError>);

impl<T> Query<T> {
    /// The parameters, or the 400 that names the one at fault.
    pub fn into_inner(self) -> Result<T, AppError> {
        self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(Query(parse_query(req.query_string()))))
    }
}

/// Reads a query string, naming the parameter at fault.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, AppError> {
    let parsed = serde_urlencoded::Deserializer::new(form_parse(query));
    serde_path_to_error::deserialize(parsed).map_err(|e| {
        let field = e.path().to_string();
        let message = e.into_inner().to_string();
        let field = if field == "." {
            message.split('`').nth(1).map(str::to_owned)
        } else {
            Some(field)
        };
        AppError::BadRequest { field, message }
    })
}

/// A query string without its empty parameters: a filter box left empty
/// on a page's form means "any", not "the empty value".
pub fn without_blanks(query: &str) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_parse(query).filter(|(_, v)| !v.trim().is_empty()) {
        out.append_pair(&k, &v);
    }
    out.finish()
}

/// The query string with one parameter set (or removed when `value` is `None`).
pub fn with_param(query: &str, key: &str, value: Option<&str>) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_parse(query).filter(|(k, _)| k != key) {
        out.append_pair(&k, &v);
    }
    if let Some(v) = value {
        out.append_pair(key, v);
    }
    out.finish()
}

fn form_parse(query: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(query.as_bytes())
}

/// A raw body read up to `max` bytes; a larger one is refused (413) before it
/// is all read. `what` names it in the answer: "a photo", "an import file".
pub async fn limited_body(
    req: &HttpRequest,
    mut payload: web::Payload,
    max: usize,
    what: &str,
) -> Result<Vec<u8>, AppError> {
    use futures_util::StreamExt;
    // Sized once from Content-Length (when it is within the limit): a buffer
    // grown by doubling would hold up to twice the body while it copies.
    let declared = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(AppError::TooLarge {
            message: format!("{what} may be at most {max} bytes"),
        });
    }
    let mut bytes = Vec::with_capacity(declared.unwrap_or(0));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::BadRequest {
            field: Some("body".into()),
            message: format!("the upload broke off: {e}"),
        })?;
        if bytes.len() + chunk.len() > max {
            return Err(AppError::TooLarge {
                message: format!("{what} may be at most {max} bytes"),
            });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// The `{id}` of a route as its typed id, parsed before the handler runs: a
/// malformed id is 404 naming the kind of record, as an unknown one is, so a
/// handler only ever sees an id of the right kind and shape. The refusal needs
/// no database, so it may come before or after the role check (actix runs the
/// extractors side by side); it tells nothing, since no record has such an id.
/// A well-formed id reaches a handler only past its role.
pub struct Id<T>(pub T);

impl<T> Id<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Id<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: crate::core::ids::TypedId> FromRequest for Id<T> {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            req.match_info()
                .get("id")
                .and_then(T::parse)
                .map(Id)
                .ok_or(AppError::NotFound { entity: T::ENTITY }),
        )
    }
}
