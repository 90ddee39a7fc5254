//! The audit trail for the owner: who changed what, when and from where.

use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::auth::Owner;
use crate::api::error::ErrorBody;
use crate::api::extract::Query;
use crate::api::state::AppState;
use crate::error::AppError;
use crate::store::audit::{self, AuditEvent};
use crate::store::page::{Page, PageQuery};

/// `?user_id=&limit=&cursor=`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only this user's requests.
    pub user_id: Option<String>,
    /// How many entries to return, 1 to 200 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The audit trail.
///
/// Every recorded change, newest first, filtered by who, what and when. Roles: owner.
#[utoipa::path(
    tag = "audit",
    params(AuditQuery),
    responses((status = 200, body = Page<AuditEvent>), (status = 403, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/audit")]
pub async fn list_audit(
    state: web::Data<AppState>,
    _caller: Owner,
    query: Query<AuditQuery>,
) -> Result<web::Json<Page<AuditEvent>>, AppError> {
    let AuditQuery {
        user_id,
        limit,
        cursor,
    } = query.into_inner()?;
    let page = PageQuery { limit, cursor }.check()?;
    Ok(web::Json(
        state
            .db(move |c| audit::list(c, user_id.as_deref(), &page))
            .await?,
    ))
}
