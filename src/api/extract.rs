//! Body and query extractors whose errors name the field at fault.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use crate::error::{from_json_bytes, AppError};

/// Largest JSON body accepted (photos come as uploads, not JSON).
const MAX_JSON_BYTES: usize = 256 * 1024;

/// A JSON body read with field-naming errors: `{"error": {"field": "phones[1]"}}`.
pub struct Json<T>(pub T);

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
            if !content_type_ok {
                return Err(AppError::BadRequest {
                    field: None,
                    message: "the body must be JSON (Content-Type: application/json)".into(),
                });
            }
            let bytes = body.await.map_err(|e| AppError::BadRequest {
                field: None,
                message: format!("cannot read the body: {e}"),
            })?;
            if bytes.len() > MAX_JSON_BYTES {
                return Err(AppError::BadRequest {
                    field: None,
                    message: format!("the body is larger than {MAX_JSON_BYTES} bytes"),
                });
            }
            from_json_bytes(&bytes).map(Json)
        })
    }
}

/// Query parameters read with errors that name the parameter.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let parsed = serde_urlencoded::Deserializer::new(form_parse(req.query_string()));
        std::future::ready(
            serde_path_to_error::deserialize(parsed)
                .map(Query)
                .map_err(|e| {
                    let field = e.path().to_string();
                    let message = e.into_inner().to_string();
                    let field = if field == "." {
                        message.split('`').nth(1).map(str::to_owned)
                    } else {
                        Some(field)
                    };
                    AppError::BadRequest { field, message }
                }),
        )
    }
}

fn form_parse(query: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(query.as_bytes())
}
