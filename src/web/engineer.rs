//! `/app/`: the engineer's phone app — one page, our own script, a service worker.
//! It speaks the same `/api/v1` as everyone (bearer tokens), queues what the
//! engineer does in IndexedDB and sends it with an `Idempotency-Key`.

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use maud::{html, DOCTYPE};

use crate::api::state::AppState;

static APP_JS: &str = include_str!("../../assets/app/app.js");
static SW_JS: &str = include_str!("../../assets/app/sw.js");
static APP_CSS: &str = include_str!("../../assets/app/app.css");

/// Our own script and styles only; images from the camera are blobs.
const POLICY: &str = "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; \
    script-src 'self'; connect-src 'self'; worker-src 'self'; frame-ancestors 'none'";

/// A script or style sheet, revalidated on every load (a phone online always
/// gets the current app) and answered 304 when the phone's copy is current.
pub fn asset(req: &HttpRequest, content_type: &str, body: &'static str) -> HttpResponse {
    let tag = format!("\"{}\"", &crate::files::sha256_hex(body.as_bytes())[..16]);
    let current = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
    let mut response = if current {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::ETAG, tag));
    if current {
        response.finish()
    } else {
        response.content_type(content_type).body(body)
    }
}

/// The shell; the script fills it in.
#[get("/app/")]
pub async fn shell(state: web::Data<AppState>) -> HttpResponse {
    let zone = state.config().timezone.name();
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="theme-color" content="#0a6e4f";
                meta name="orderly-timezone" content=(zone);
                title { "Orderly" }
                link rel="stylesheet" href="/app/app.css";
            }
            body {
                header {
                    h1 { "Orderly" }
                    span id="net" {}
                    span id="queue" {}
                }
                main id="app" { p { "…" } }
                script src="/app/app.js" defer {}
            }
        }
    };
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::CONTENT_SECURITY_POLICY, POLICY))
        .body(page.into_string())
}

/// `/app` without the slash: the service worker's scope is `/app/`.
#[get("/app")]
pub async fn to_shell() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/app/"))
        .finish()
}

#[get("/app/app.js")]
pub async fn script(req: HttpRequest) -> HttpResponse {
    asset(&req, "text/javascript; charset=utf-8", APP_JS)
}

#[get("/app/sw.js")]
pub async fn worker(req: HttpRequest) -> HttpResponse {
    asset(&req, "text/javascript; charset=utf-8", SW_JS)
}

#[get("/app/app.css")]
pub async fn styles(req: HttpRequest) -> HttpResponse {
    asset(&req, "text/css; charset=utf-8", APP_CSS)
}

/// Registers the app's routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(shell)
        .service(to_shell)
        .service(script)
        .service(worker)
        .service(styles);
}
