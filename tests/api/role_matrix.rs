//! Every route × every role: who is let in and who gets 403.
//!
//! The table must list exactly the routes the OpenAPI document lists, and every
//! route is registered through utoipa, so a new route without a row here fails.

use std::collections::BTreeSet;

use orderly::core::ids;
use orderly::core::role::Role;
use orderly::core::role::Role::{Administrator as A, Engineer as E, Manager as M, Owner as O};
use orderly::core::work_order::Action;

use crate::on_both_backends;
use crate::support::TestApp;

/// Who may call a route.
#[derive(Clone)]
enum Allowed {
    /// No token needed.
    Public,
    /// A device's signed request: no token lets anyone in.
    Device,
    Roles(&'static [Role]),
}
use Allowed::{Device, Public, Roles};

const ALL: &[Role] = &[O, M, A, E];
const OWNER: &[Role] = &[O];
const MANAGERS: &[Role] = &[O, M];
const OFFICE: &[Role] = &[O, M, A];
const DISPATCH: &[Role] = &[O, A];
const ENGINEER: &[Role] = &[E];

/// Every route but the work-order actions, whose rows come from `core` (below).
const MATRIX: &[(&str, &str, Allowed)] = &[
    ("GET", "/api/v1/health", Public),
    ("POST", "/api/v1/auth/login", Public),
    ("POST", "/api/v1/auth/refresh", Public),
    ("POST", "/api/v1/auth/logout", Public),
    ("POST", "/api/v1/auth/password", Roles(ALL)),
    ("GET", "/api/v1/auth/me", Roles(ALL)),
    ("POST", "/api/v1/auth/logout-everywhere", Roles(ALL)),
    ("GET", "/api/v1/audit", Roles(OWNER)),
    ("GET", "/api/v1/export", Roles(OWNER)),
    ("GET", "/api/v1/export/{table}", Roles(OWNER)),
    ("POST", "/api/v1/import/{entity}", Roles(OWNER)),
    ("GET", "/api/v1/customers/{id}/data", Roles(MANAGERS)),
    ("POST", "/api/v1/customers/{id}/erase", Roles(OWNER)),
    ("GET", "/api/v1/users", Roles(OWNER)),
    ("POST", "/api/v1/users", Roles(OWNER)),
    ("GET", "/api/v1/users/{id}", Roles(OWNER)),
    ("PATCH", "/api/v1/users/{id}", Roles(OWNER)),
    ("GET", "/api/v1/customers", Roles(OFFICE)),
    ("POST", "/api/v1/customers", Roles(MANAGERS)),
    ("GET", "/api/v1/customers/{id}", Roles(OFFICE)),
    ("PATCH", "/api/v1/customers/{id}", Roles(MANAGERS)),
    ("POST", "/api/v1/customers/{id}/archive", Roles(MANAGERS)),
    ("POST", "/api/v1/customers/{id}/restore", Roles(MANAGERS)),
    ("GET", "/api/v1/customers/{id}/timeline", Roles(OFFICE)),
    ("GET", "/api/v1/contacts", Roles(OFFICE)),
    ("POST", "/api/v1/contacts", Roles(MANAGERS)),
    ("GET", "/api/v1/contacts/{id}", Roles(OFFICE)),
    ("PATCH", "/api/v1/contacts/{id}", Roles(MANAGERS)),
    ("POST", "/api/v1/contacts/{id}/archive", Roles(MANAGERS)),
    ("POST", "/api/v1/contacts/{id}/restore", Roles(MANAGERS)),
    ("PATCH", "/api/v1/contacts/{id}/availability", Roles(OFFICE)),
    ("GET", "/api/v1/sites", Roles(OFFICE)),
    ("POST", "/api/v1/sites", Roles(MANAGERS)),
    ("GET", "/api/v1/sites/{id}", Roles(OFFICE)),
    ("PATCH", "/api/v1/sites/{id}", Roles(MANAGERS)),
    ("POST", "/api/v1/sites/{id}/archive", Roles(MANAGERS)),
    ("POST", "/api/v1/sites/{id}/restore", Roles(MANAGERS)),
    ("PATCH", "/api/v1/sites/{id}/access-notes", Roles(OFFICE)),
    ("GET", "/api/v1/equipment", Roles(OFFICE)),
    ("POST", "/api/v1/equipment", Roles(MANAGERS)),
    ("GET", "/api/v1/equipment/{id}", Roles(OFFICE)),
    ("PATCH", "/api/v1/equipment/{id}", Roles(MANAGERS)),
    ("POST", "/api/v1/equipment/{id}/archive", Roles(MANAGERS)),
    ("POST", "/api/v1/equipment/{id}/restore", Roles(MANAGERS)),
    ("GET", "/api/v1/customers/{id}/card", Roles(MANAGERS)),
    ("GET", "/api/v1/customers/{id}/agreements", Roles(OFFICE)),
    ("POST", "/api/v1/customers/{id}/agreements", Roles(MANAGERS)),
    ("GET", "/api/v1/work-orders", Roles(OFFICE)),
    ("POST", "/api/v1/work-orders", Roles(MANAGERS)),
    ("GET", "/api/v1/work-orders/{id}", Roles(OFFICE)),
    ("GET", "/api/v1/reminders", Roles(OFFICE)),
    ("POST", "/api/v1/reminders", Roles(MANAGERS)),
    ("POST", "/api/v1/reminders/{id}/convert", Roles(MANAGERS)),
    ("POST", "/api/v1/reminders/{id}/snooze", Roles(MANAGERS)),
    ("POST", "/api/v1/reminders/{id}/dismiss", Roles(MANAGERS)),
    ("GET", "/api/v1/scheduling-queue", Roles(DISPATCH)),
    ("GET", "/api/v1/my/load-list", Roles(ENGINEER)),
    ("POST", "/api/v1/my/load-list/load", Roles(ENGINEER)),
    ("GET", "/api/v1/my/visits", Roles(ENGINEER)),
    ("GET", "/api/v1/my/visits/{id}", Roles(ENGINEER)),
    ("GET", "/api/v1/equipment/{id}/plans", Roles(MANAGERS)),
    ("POST", "/api/v1/equipment/{id}/plans", Roles(MANAGERS)),
    ("GET", "/api/v1/plans/{id}", Roles(MANAGERS)),
    ("PATCH", "/api/v1/plans/{id}", Roles(MANAGERS)),
    ("GET", "/api/v1/lost-customers", Roles(MANAGERS)),
    ("GET", "/api/v1/work-orders/{id}/certificate", Roles(OFFICE)),
    ("POST", "/api/v1/my/visits/{id}/photos", Roles(ENGINEER)),
    ("POST", "/api/v1/my/visits/{id}/readings", Roles(ENGINEER)),
    ("POST", "/api/v1/my/visits/{id}/signature", Roles(ENGINEER)),
    ("GET", "/api/v1/visits/{id}/files/{file_id}", Roles(ALL)),
    ("GET", "/api/v1/notifications", Roles(DISPATCH)),
    ("GET", "/api/v1/notifications/{id}", Roles(DISPATCH)),
    ("POST", "/api/v1/notifications/{id}/retry", Roles(DISPATCH)),
    ("GET", "/api/v1/self-scheduling/waiting", Roles(OFFICE)),
    ("POST", "/api/v1/equipment/{id}/meters", Roles(OFFICE)),
    ("GET", "/api/v1/equipment/{id}/meters", Roles(OFFICE)),
    ("POST", "/api/v1/meters/{id}/readings", Roles(OFFICE)),
    ("POST", "/api/v1/readings/import", Roles(OFFICE)),
    ("GET", "/api/v1/customers/{id}/consumption", Roles(OFFICE)),
    ("GET", "/api/v1/meters/{id}/readings", Roles(OFFICE)),
    ("POST", "/api/v1/equipment/{id}/devices", Roles(DISPATCH)),
    ("GET", "/api/v1/equipment/{id}/devices", Roles(OFFICE)),
    ("POST", "/api/v1/devices/{id}/revoke", Roles(DISPATCH)),
    ("POST", "/api/v1/devices/{id}/readings", Device),
    ("GET", "/api/v1/parts", Roles(OFFICE)),
    ("POST", "/api/v1/parts", Roles(DISPATCH)),
    ("GET", "/api/v1/parts/export", Roles(OFFICE)),
    ("GET", "/api/v1/parts/{id}", Roles(OFFICE)),
    ("PUT", "/api/v1/parts/{id}", Roles(DISPATCH)),
    ("GET", "/api/v1/parts/{id}/stock", Roles(OFFICE)),
    ("GET", "/api/v1/parts/{id}/movements", Roles(OFFICE)),
    ("GET", "/api/v1/stock-locations", Roles(OFFICE)),
    ("POST", "/api/v1/stock-locations", Roles(DISPATCH)),
    ("PUT", "/api/v1/stock-locations/{id}", Roles(DISPATCH)),
    ("GET", "/api/v1/stock-locations/{id}/stock", Roles(OFFICE)),
    (
        "GET",
        "/api/v1/stock-locations/{id}/movements",
        Roles(OFFICE),
    ),
    (
        "POST",
        "/api/v1/stock-locations/{id}/minimums",
        Roles(DISPATCH),
    ),
    (
        "GET",
        "/api/v1/stock-locations/{id}/purchase-list",
        Roles(OFFICE),
    ),
    ("POST", "/api/v1/stock/receipts", Roles(DISPATCH)),
    ("POST", "/api/v1/stock/transfers", Roles(DISPATCH)),
    ("POST", "/api/v1/stock/adjustments", Roles(DISPATCH)),
    ("POST", "/api/v1/stock/counts", Roles(DISPATCH)),
    ("POST", "/api/v1/stock/returns", Roles(DISPATCH)),
    ("GET", "/api/v1/stock/load-lists", Roles(OFFICE)),
    ("GET", "/api/v1/stock/alerts", Roles(OFFICE)),
    (
        "POST",
        "/api/v1/stock/load-lists/{id}/load",
        Roles(DISPATCH),
    ),
    ("POST", "/api/v1/stickers", Roles(OFFICE)),
    ("GET", "/api/v1/customers/{id}/stickers", Roles(OFFICE)),
    ("GET", "/api/v1/equipment/{id}/sticker", Roles(OFFICE)),
    ("DELETE", "/api/v1/equipment/{id}/sticker", Roles(OFFICE)),
    (
        "GET",
        "/api/v1/reminders/{id}/service-request",
        Roles(OFFICE),
    ),
    ("GET", "/api/v1/reminders/{id}/photo", Roles(OFFICE)),
    ("POST", "/api/v1/customers/{id}/papers-link", Roles(OFFICE)),
    (
        "DELETE",
        "/api/v1/customers/{id}/papers-link",
        Roles(OFFICE),
    ),
    (
        "POST",
        "/api/v1/work-orders/{id}/choice-link",
        Roles(DISPATCH),
    ),
    ("GET", "/api/v1/notification-templates", Roles(OWNER)),
    ("GET", "/api/v1/settings", Roles(OWNER)),
    ("PUT", "/api/v1/settings", Roles(OWNER)),
    ("POST", "/api/v1/settings/test-message", Roles(OWNER)),
    ("GET", "/api/v1/analytics/customers", Roles(MANAGERS)),
    ("GET", "/api/v1/analytics/revenue", Roles(MANAGERS)),
    ("GET", "/api/v1/analytics/parts", Roles(MANAGERS)),
    ("GET", "/api/v1/analytics/lifetime-value", Roles(MANAGERS)),
    ("GET", "/api/v1/analytics/rfm", Roles(MANAGERS)),
    ("GET", "/api/v1/analytics/funnel", Roles(MANAGERS)),
    ("GET", "/api/v1/analytics/satisfaction", Roles(MANAGERS)),
    ("GET", "/api/v1/analytics/activity", Roles(MANAGERS)),
    ("GET", "/api/v1/analytics/field-quality", Roles(MANAGERS)),
    ("GET", "/api/v1/analytics/dashboard", Roles(MANAGERS)),
    ("GET", "/api/v1/segments", Roles(MANAGERS)),
    ("POST", "/api/v1/segments", Roles(MANAGERS)),
    ("POST", "/api/v1/segments/count", Roles(MANAGERS)),
    ("GET", "/api/v1/segments/{id}", Roles(MANAGERS)),
    ("PUT", "/api/v1/segments/{id}", Roles(MANAGERS)),
    ("DELETE", "/api/v1/segments/{id}", Roles(MANAGERS)),
    ("POST", "/api/v1/segments/{id}/messages", Roles(MANAGERS)),
    ("GET", "/api/v1/segments/{id}/messages", Roles(MANAGERS)),
    ("GET", "/api/v1/campaigns/{id}", Roles(MANAGERS)),
    ("GET", "/api/v1/engineers", Roles(OFFICE)),
    ("PUT", "/api/v1/engineers/{id}/profile", Roles(DISPATCH)),
    ("GET", "/api/v1/engineers/{id}/route", Roles(OFFICE)),
    (
        "POST",
        "/api/v1/engineers/{id}/route/reorder",
        Roles(DISPATCH),
    ),
    ("GET", "/api/v1/engineers/{id}/calendar", Roles(ALL)),
    ("POST", "/api/v1/engineers/{id}/calendar-feed", Roles(ALL)),
    ("DELETE", "/api/v1/engineers/{id}/calendar-feed", Roles(ALL)),
    ("POST", "/api/v1/route-plans", Roles(DISPATCH)),
    ("GET", "/api/v1/route-plans/{id}", Roles(DISPATCH)),
    ("POST", "/api/v1/route-plans/{id}/accept", Roles(DISPATCH)),
    (
        "PUT",
        "/api/v1/notification-templates/{event}/{channel}/{locale}",
        Roles(OWNER),
    ),
    (
        "DELETE",
        "/api/v1/notification-templates/{event}/{channel}/{locale}",
        Roles(OWNER),
    ),
    (
        "POST",
        "/api/v1/notification-templates/{event}/{channel}/{locale}/preview",
        Roles(OWNER),
    ),
];

/// Every route: the table, and one row per work-order action with the roles
/// `core::work_order::Action::roles` gives it. The running server must let in
/// exactly those roles, so a handler's extractor that disagrees with `core`
/// (a `Manager` where the action is the administrators') fails here.
fn matrix() -> Vec<(&'static str, String, Allowed)> {
    let actions = Action::ALL.iter().map(|a| {
        (
            "POST",
            format!("/api/v1/work-orders/{{id}}/actions/{}", a.as_str()),
            Roles(a.roles()),
        )
    });
    MATRIX
        .iter()
        .map(|(m, p, a)| (*m, p.to_string(), a.clone()))
        .chain(actions)
        .collect()
}

#[test]
fn the_table_lists_exactly_the_routes_that_exist() {
    let doc = serde_json::to_value(orderly::app::openapi()).unwrap();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                documented.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    let rows = matrix();
    let listed: BTreeSet<(String, String)> = rows
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    let missing: Vec<_> = documented.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the role matrix: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "rows for routes that do not exist: {stale:?}"
    );
    assert_eq!(listed.len(), rows.len(), "a route is listed twice");
}

/// The OpenAPI document says, for every operation, what it does (a summary)
/// and who may call it — the same roles this table lets in, which the test
/// below checks against the running server.
#[test]
fn every_operation_says_what_it_does_and_who_may_call_it() {
    let doc = serde_json::to_value(orderly::app::openapi()).unwrap();
    let mut faults = Vec::new();
    for (method, path, allowed) in matrix() {
        let op = &doc["paths"][&path][method.to_lowercase()];
        let summary = op["summary"].as_str().unwrap_or("");
        let description = op["description"].as_str().unwrap_or("");
        if summary.trim().len() < 8 {
            faults.push(format!("{method} {path}: no summary"));
        }
        let who = match allowed {
            Public => "Public: no sign-in needed.".to_owned(),
            Device => "Devices: signed with the device's key".to_owned(),
            Roles(roles) => format!(
                "Roles: {}.",
                roles
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        if !description.contains(&who) {
            faults.push(format!(
                "{method} {path}: the description does not say `{who}`"
            ));
        }
    }
    assert!(
        faults.is_empty(),
        "{} faults:\n{}",
        faults.len(),
        faults.join("\n")
    );
}

on_both_backends!(
    every_route_lets_in_exactly_its_roles,
    the_openapi_document_is_served
);

async fn every_route_lets_in_exactly_its_roles(app: TestApp) {
    let id = ids::new_id();
    for (method, template, allowed) in matrix() {
        let path = template
            .replace("{id}", &id)
            .replace("{event}", "visit_scheduled")
            .replace("{channel}", "sms")
            .replace("{locale}", "en")
            .replace("{file_id}", &id);
        let body = (method != "GET").then(|| "{}".to_owned());
        let anonymous = app.anonymous().send(method, &path, body.clone()).await;
        match allowed {
            Public => assert_ne!(anonymous.status, 401, "{method} {path} is public"),
            Device | Roles(_) => {
                assert_eq!(anonymous.status, 401, "{method} {path} without a token")
            }
        }
        for role in Role::ALL {
            let r = app.as_role(role).send(method, &path, body.clone()).await;
            let let_in = match allowed {
                Public => true,
                Device => {
                    assert_eq!(
                        r.status, 401,
                        "{method} {path}: a token is not a device's signature"
                    );
                    continue;
                }
                Roles(roles) => roles.contains(&role),
            };
            if let_in {
                assert!(
                    ![401, 403].contains(&r.status),
                    "{method} {path} as {role:?} should be let in: {r:?}"
                );
                assert!(r.status < 500, "{method} {path} as {role:?}: {r:?}");
            } else {
                assert_eq!(
                    r.status, 403,
                    "{method} {path} as {role:?} should be refused: {r:?}"
                );
            }
        }
    }
}

async fn the_openapi_document_is_served(app: TestApp) {
    let r = app.anonymous().get("/api/v1/openapi.json").await;
    assert_eq!(r.status, 200);
    assert!(r["paths"]["/api/v1/customers/{id}/timeline"]["get"].is_object());
    assert!(r["components"]["securitySchemes"]["bearer"].is_object());
    // Enums are listed by the names the API speaks, not the Rust variants'.
    assert_eq!(
        r["components"]["schemas"]["ContactRole"]["enum"],
        serde_json::json!(["payer", "decision_maker", "on_site", "accountant", "other"])
    );
    // A record's fields are a part of the record answered: open, or no record fits.
    let fields = &r["components"]["schemas"]["CustomerFields"];
    assert!(fields.is_object() && fields.get("additionalProperties").is_none());
    // Every secured operation says it may answer 401 and 403, with the error body.
    for (path, item) in r["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if op.get("security").is_some() {
                for code in ["401", "403"] {
                    assert!(
                        op["responses"][code].is_object(),
                        "{method} {path} lacks {code}"
                    );
                }
            }
        }
    }
}
