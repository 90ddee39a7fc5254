//! Users and their roles: add an account, change roles, deactivate.

use actix_web::{get, web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;

use crate::api::auth::caller::OwnerOnly;
use crate::api::state::AppState;
use crate::core::role::Role;
use crate::store::page::PageRequest;
use crate::store::users::{self, User};
use crate::web::office::page::{
    badge, filters, form_error, frame, json_attr, pager, Page, PageError,
};
use crate::web::office::words::Words;

#[derive(Deserialize)]
struct Cursor {
    cursor: Option<String>,
}

fn role_boxes(current: &[Role], w: &Words) -> Markup {
    html! {
        fieldset { legend { (w.role) }
            @for r in Role::ALL {
                label.inline { input type="checkbox" name="roles[]" value=(r.as_str()) checked[current.contains(&r)]; (w.code(r.as_str())) }
            }
        }
    }
}

#[get("/office/users")]
pub async fn list(
    page: Page<OwnerOnly>,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let request = PageRequest {
        limit: 100,
        cursor: filters::<Cursor>(&req)?.cursor,
    };
    let list = state.db(move |c| users::list(c, &request)).await?;
    let w = page.w;
    let body = html! {
        details.card {
            summary { (w.add_user) }
            form data-api="/api/v1/users" {
                div.row {
                    label { (w.name) input name="name" required; }
                    label { (w.email) input type="email" name="email" required; }
                    label { (w.password) input type="password" name="password" autocomplete="new-password" required minlength="10"; }
                }
                (role_boxes(&[], w))
                (form_error())
                button.primary type="submit" { (w.add_user) }
            }
        }
        table {
            thead { tr { th { (w.name) } th { (w.email) } th { (w.role) } th { (w.active) } th { (w.actions) } } }
            tbody { @for u in &list.items { (row(u, w)) } }
        }
        (pager(&req, list.next_cursor.as_deref(), w))
    };
    Ok(frame(&page, w.menu_users, body))
}

fn row(u: &User, w: &Words) -> Markup {
    let patch = format!("/api/v1/users/{}", u.id);
    html! {
        tr {
            td { (u.name) }
            td { (u.email) }
            td { @for r in &u.roles { (badge(r.as_str(), w)) " " } }
            td { @if u.active { (w.active) } @else { span.muted { (w.code("inactive_user")) } } }
            td {
                details.act {
                    summary { (w.role) }
                    form data-api=(patch) data-method="PATCH" {
                        (role_boxes(&u.roles, w))
                        (form_error())
                        button.primary type="submit" { (w.save) }
                    }
                }
                " "
                form.inline data-api=(patch) data-method="PATCH" data-json=(json_attr(serde_json::json!({"active": !u.active}))) {
                    button type="submit" class=[u.active.then_some("danger")] { @if u.active { (w.deactivate) } @else { (w.activate) } }
                }
            }
        }
    }
}
