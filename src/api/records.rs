//! The handler bodies shared by every customer-base record: create, read,
//! merge-patch, archive, restore. Role modules wrap them with their routes.

use actix_web::{web, HttpResponse};
use serde_json::Value;

use super::state::AppState;
use crate::core::Fields;
use crate::error::AppError;
use crate::store::records::{self, Repo};

/// Normalises and stores a new record; 201 with the record.
pub async fn create<R>(
    state: &AppState,
    actor: String,
    fields: R::Fields,
) -> Result<HttpResponse, AppError>
where
    R: Repo + 'static,
    R::Fields: Send + 'static,
    R::View: Send + 'static,
{
    let fields = fields.normalise(&state.input_context())?;
    let view = state
        .db(move |conn| records::create::<R>(conn, &actor, fields))
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The record, archived or not.
pub async fn get<R>(state: &AppState, id: String) -> Result<web::Json<R::View>, AppError>
where
    R: Repo + 'static,
    R::View: Send + 'static,
{
    Ok(web::Json(
        state.db(move |conn| records::get::<R>(conn, &id)).await?,
    ))
}

/// Applies an RFC 7386 merge patch.
pub async fn update<R>(
    state: &AppState,
    actor: String,
    id: String,
    patch: Value,
) -> Result<web::Json<R::View>, AppError>
where
    R: Repo + 'static,
    R::View: Send + 'static,
{
    let ctx = state.input_context();
    Ok(web::Json(
        state
            .db(move |conn| records::update::<R>(conn, &actor, &id, &patch, &ctx))
            .await?,
    ))
}

/// Archives (`true`) or restores (`false`).
pub async fn set_archived<R>(
    state: &AppState,
    actor: String,
    id: String,
    archive: bool,
) -> Result<web::Json<R::View>, AppError>
where
    R: Repo + 'static,
    R::View: Send + 'static,
{
    Ok(web::Json(
        state
            .db(move |conn| records::set_archived::<R>(conn, &actor, &id, archive))
            .await?,
    ))
}

/// The six routes of a customer-base record kind: list, create, read, patch,
/// archive, restore. Reading is for office staff; writing for managers (and the owner).
#[macro_export]
macro_rules! record_routes {
    (
        name: $name:tt,
        tag: $tag:tt,
        repo: $repo:ty,
        fields: $fields:ty,
        view: $view:ty,
        filter: $filter:ty,
        list: $list:path,
        collection: $collection:tt,
        item: $item:tt,
        archive: $archive:tt,
        restore: $restore:tt $(,)?
    ) => {
        use actix_web::{get, patch, post, web, HttpResponse};
        use $crate::api::auth::{Manager, Office};
        use $crate::api::error::ErrorBody;
        use $crate::api::extract::{Json, Query};
        use $crate::api::records;
        use $crate::api::state::AppState;
        use $crate::error::AppError;
        use $crate::store::page::{Page, PageQuery};

        #[utoipa::path(
            tag = $tag,
            operation_id = concat!("list_", $name),
            summary = concat!("List ", $name, " records"),
            description = "Newest first, paginated (`limit`, `cursor`), filtered by the query; archived ones only when asked. Roles: owner, manager, administrator.",
            params(PageQuery, $filter),
            responses((status = 200, body = Page<$view>), (status = 400, body = ErrorBody)),
            security(("bearer" = [])),
        )]
        #[get($collection)]
        pub async fn list(
            state: web::Data<AppState>,
            _caller: Office,
            page: Query<PageQuery>,
            filter: Query<$filter>,
        ) -> Result<web::Json<Page<$view>>, AppError> {
            let filter = filter.into_inner()?;
            let page = page.into_inner()?.check()?;
            Ok(web::Json(state.db(move |c| $list(c, &filter, &page)).await?))
        }

        #[utoipa::path(
            tag = $tag,
            operation_id = concat!("create_", $name),
            summary = concat!("Add a ", $name, " record"),
            description = "Every field is checked; a bad one is named (400 or 422) and nothing is written. The change is on the customer's timeline. Roles: owner, manager.",
            request_body = $fields,
            responses(
                (status = 201, body = $view),
                (status = 400, description = "malformed body; `field` names the culprit", body = ErrorBody),
                (status = 422, description = "a value breaks a rule; `field` names it", body = ErrorBody),
            ),
            security(("bearer" = [])),
        )]
        #[post($collection)]
        pub async fn create(
            state: web::Data<AppState>,
            caller: Manager,
            body: Json<$fields>,
        ) -> Result<HttpResponse, AppError> {
            records::create::<$repo>(&state, caller.user_id, body.into_inner()?).await
        }

        #[utoipa::path(
            tag = $tag,
            operation_id = concat!("get_", $name),
            summary = concat!("Read a ", $name, " record"),
            description = "404 when there is no such record. Roles: owner, manager, administrator.",
            params(("id" = String, Path)),
            responses((status = 200, body = $view), (status = 404, body = ErrorBody)),
            security(("bearer" = [])),
        )]
        #[get($item)]
        pub async fn read(
            state: web::Data<AppState>,
            _caller: Office,
            id: web::Path<String>,
        ) -> Result<web::Json<$view>, AppError> {
            records::get::<$repo>(&state, id.into_inner()).await
        }

        #[utoipa::path(
            tag = $tag,
            operation_id = concat!("update_", $name),
            summary = concat!("Change a ", $name, " record"),
            description = "An RFC 7386 merge patch checked as on creation; the change is on the customer's timeline. Roles: owner, manager.",
            params(("id" = String, Path)),
            request_body(
                content = Object,
                description = "An RFC 7386 merge patch of the fields: only the fields to change; `null` clears one.",
            ),
            responses(
                (status = 200, body = $view),
                (status = 400, body = ErrorBody),
                (status = 404, body = ErrorBody),
                (status = 422, body = ErrorBody),
            ),
            security(("bearer" = [])),
        )]
        #[patch($item)]
        pub async fn update(
            state: web::Data<AppState>,
            caller: Manager,
            id: web::Path<String>,
            body: Json<serde_json::Value>,
        ) -> Result<web::Json<$view>, AppError> {
            records::update::<$repo>(&state, caller.user_id, id.into_inner(), body.into_inner()?).await
        }

        #[utoipa::path(
            tag = $tag,
            operation_id = concat!("archive_", $name),
            summary = concat!("Archive a ", $name, " record"),
            description = "It leaves the lists but stays on the timeline and in the history; restore brings it back. Roles: owner, manager.",
            params(("id" = String, Path)),
            responses((status = 200, description = "archived: hidden from lists, history kept", body = $view), (status = 404, body = ErrorBody)),
            security(("bearer" = [])),
        )]
        #[post($archive)]
        pub async fn archive(
            state: web::Data<AppState>,
            caller: Manager,
            id: web::Path<String>,
        ) -> Result<web::Json<$view>, AppError> {
            records::set_archived::<$repo>(&state, caller.user_id, id.into_inner(), true).await
        }

        #[utoipa::path(
            tag = $tag,
            operation_id = concat!("restore_", $name),
            summary = concat!("Restore an archived ", $name, " record"),
            description = "It is back in the lists. Roles: owner, manager.",
            params(("id" = String, Path)),
            responses((status = 200, body = $view), (status = 404, body = ErrorBody)),
            security(("bearer" = [])),
        )]
        #[post($restore)]
        pub async fn restore(
            state: web::Data<AppState>,
            caller: Manager,
            id: web::Path<String>,
        ) -> Result<web::Json<$view>, AppError> {
            records::set_archived::<$repo>(&state, caller.user_id, id.into_inner(), false).await
        }

        /// Registers the six routes.
        pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
            cfg.service(list)
                .service(create)
                .service(read)
                .service(update)
                .service(archive)
                .service(restore);
        }
    };
}
