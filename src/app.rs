//! The composition root: the HTTP app with every route, the OpenAPI document,
//! and `serve`, which starts the scheduler, the delivery worker and the server
//! over one runtime. Nothing below it knows how the pieces are put together.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::HttpServer;
use actix_web::{middleware, web, App, HttpResponse};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::{scope, AppExt};

use crate::api::state::AppState;
use crate::api::{answers, auth, error, health, telemetry};
use crate::runtime::Runtime;
use crate::{administrator, engineer, manager, owner};

#[derive(OpenApi)]
#[openapi(
    info(title = "Orderly", description = "Field-service scheduling and work orders."),
    modifiers(&BearerAuth),
    tags(
        (name = "work-orders", description = "Work orders and the steps of their life. A step (`POST /work-orders/{id}/actions/…`) is allowed only from the states the state machine names (409 `invalid_transition` lists the allowed actions); the version read goes in the body or `If-Match` (409 `stale_version` when the order changed since); the step, its event and any message to the customer are written together. A resend with the same `Idempotency-Key` answers as the first time without acting again; the key reused for another request is 422 `idempotency_key_reused`."),
        (name = "analytics", description = "The owner's and managers' numbers over a period of local days (`from`, `to`; 12 months to today by default, stopping at today), with the customer filters; every figure is defined in docs/analytics.md. Any table comes as CSV with `format=csv&table=…`; a wrong table is 422 naming the right ones."),
    ),
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// Every `/api/v1` route. Each is registered through utoipa, so the OpenAPI
/// document lists exactly the routes that exist (the role-matrix test relies on it).
fn api_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(health::health)
        .service(auth::handlers::login)
        .service(auth::handlers::refresh)
        .service(auth::handlers::logout)
        .service(auth::handlers::logout_everywhere)
        .service(auth::handlers::change_password)
        .service(auth::handlers::me)
        .service(owner::users::list_users)
        .service(owner::users::add_user)
        .service(owner::users::get_user)
        .service(owner::users::update_user)
        .service(owner::audit::list_audit)
        .service(manager::timeline::timeline)
        .configure(manager::customers::routes)
        .configure(manager::contacts::routes)
        .configure(manager::sites::routes)
        .configure(manager::equipment::routes)
        .configure(administrator::site_access::routes)
        .configure(manager::work_orders::routes)
        .configure(manager::actions::routes)
        .configure(manager::reminders::routes)
        .configure(manager::card::routes)
        .configure(manager::papers::routes)
        .configure(manager::stickers::routes)
        .configure(manager::meters::routes)
        .configure(administrator::devices::routes)
        .configure(administrator::parts::routes)
        .configure(administrator::stock::routes)
        .configure(administrator::load_lists::routes)
        .configure(manager::plans::routes)
        .configure(administrator::actions::routes)
        .service(administrator::queue::queue)
        .configure(engineer::actions::routes)
        .configure(engineer::visits::routes)
        .configure(engineer::load_list::routes)
        .configure(administrator::notifications::routes)
        .configure(administrator::self_scheduling::routes)
        .configure(owner::templates::routes)
        .configure(owner::settings::routes)
        .configure(owner::analytics::routes)
        .configure(owner::segments::routes)
        .configure(owner::export::routes)
        .configure(owner::import::routes)
        .configure(manager::certificate::routes)
        .configure(engineer::media::routes)
        .configure(administrator::planning::routes)
        .configure(engineer::calendar::routes);
}

/// The OpenAPI document of every route.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        // Answers under /api/v1 hold what a signed-in user may see: no cache,
        // shared or the browser's, keeps a copy.
        .service(
            scope::scope("/api/v1")
                .configure(api_routes)
                .wrap(middleware::DefaultHeaders::new().add(("Cache-Control", "no-store"))),
        )
        .split_for_parts();
    let mut api = api;
    answers::complete(&mut api);
    api
}

/// The whole application, as `serve` runs it and as tests drive it.
pub fn build_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let https = state.base_config().https;
    let (app, api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .app_data(web::Data::new(state))
        // Before the scope: a scope that matches the prefix answers 404 itself.
        .route("/api/v1/openapi.json", web::get().to(openapi_json))
        // Answers under /api/v1 hold what a signed-in user may see: no cache,
        // shared or the browser's, keeps a copy.
        .service(
            scope::scope("/api/v1")
                .configure(api_routes)
                .wrap(middleware::DefaultHeaders::new().add(("Cache-Control", "no-store"))),
        )
        .split_for_parts();
    let mut api = api;
    answers::complete(&mut api);
    app.app_data(web::Data::new(api))
        .configure(crate::web::routes)
        .service(engineer::calendar::feed)
        .configure(telemetry::probes::routes)
        .default_service(web::to(error::no_route))
        .wrap(middleware::Compress::default())
        .wrap(security_headers(https))
        .wrap(middleware::from_fn(telemetry::observe))
}

/// Headers every answer carries unless it set its own: pages set a stricter
/// content policy, and customers' links (which hold tokens) send no referrer
/// at all. Elsewhere `same-origin`: with `no-referrer` a browser's form posts
/// carry `Origin: null`, and the sign-in form's origin check must see ours.
fn security_headers(https: bool) -> middleware::DefaultHeaders {
    let headers = middleware::DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add((
            "Permissions-Policy",
            "geolocation=(self), camera=(self), microphone=()",
        ))
        .add((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; \
             frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ));
    if https {
        headers.add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ))
    } else {
        headers
    }
}

async fn openapi_json(doc: web::Data<utoipa::openapi::OpenApi>) -> HttpResponse {
    HttpResponse::Ok().json(doc.get_ref())
}

/// Runs the server until it is stopped: the scheduler and the delivery worker
/// (when this instance runs them), the settings watcher, and the HTTP app.
#[actix_web::main]
pub async fn serve(runtime: Runtime, bind: &str, started: Instant) -> Result<(), String> {
    let database = runtime.database.backend.name();
    let _scheduler = if runtime.config().scheduler {
        crate::scheduler::start(runtime.clone()).await?
    } else {
        tracing::info!("ORDERLY_SCHEDULER is off: no scheduled jobs on this instance");
        None
    };
    let worker = if runtime.config().delivery.worker {
        Some(crate::notify::worker::start(&runtime)?)
    } else {
        tracing::info!("ORDERLY_OUTBOX_WORKER is off: this instance delivers no messages");
        None
    };
    // Settings the owner saves on another instance reach this one within seconds.
    let watched = runtime.clone();
    let watcher = actix_web::rt::spawn(async move {
        loop {
            actix_web::rt::time::sleep(std::time::Duration::from_secs(10)).await;
            if let Err(error) = watched.settings.refresh(&watched.database).await {
                tracing::warn!(%error, "the company's settings could not be refreshed");
            }
        }
    });
    // Nagle's algorithm with the client's delayed ACK held every compressed
    // (streamed) answer on a kept-alive connection for 40 ms: send at once.
    let state = AppState::new(runtime);
    let server = HttpServer::new(move || build_app(state.clone()))
        .tcp_nodelay(true)
        .bind(bind)
        .map_err(|e| format!("ORDERLY_BIND: cannot listen on {bind}: {e}"))?;
    tracing::info!(
        %bind,
        database,
        startup_ms = started.elapsed().as_millis() as u64,
        "Orderly is listening on http://{bind}"
    );
    let result = server.run().await.map_err(|e| e.to_string());
    watcher.abort();
    if let Some(worker) = worker {
        // Dropped inside the runtime: its SMTP pool closes its connections on drop.
        worker.abort();
        let _ = worker.await;
    }
    result
}
