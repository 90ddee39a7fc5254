//! What the database holds is read back as it is or refused: a status, kind or
//! JSON column this version does not know (a newer version's value, a damaged
//! row) is an error answered 500 and logged with the row, never a default that
//! the state machine would then act on (#23).

use diesel::connection::SimpleConnection;
use orderly::core::role::Role;
use orderly::store::Backend;
use serde_json::json;

use crate::on_both_backends;
use crate::support::TestApp;
use crate::work_orders::{act, customer_with_site, order_in_scheduling};

on_both_backends!(
    backend: an_unknown_stored_status_is_refused_not_read_as_new,
    malformed_stored_json_is_refused_not_read_as_empty,
);

fn sql(app: &TestApp, statement: &str) {
    app.state
        .database
        .pool
        .get()
        .unwrap()
        .batch_execute(statement)
        .unwrap();
}

async fn an_unknown_stored_status_is_refused_not_read_as_new(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (customer, site, _, _) = customer_with_site(&app, "Stored").await;
    let (order, version) = order_in_scheduling(&app, &customer, &site).await;
    sql(
        &app,
        &format!("UPDATE work_orders SET status = 'on_hold_v9' WHERE id = '{order}'"),
    );
    let read = app
        .as_manager()
        .get(&format!("/api/v1/work-orders/{order}"))
        .await;
    assert_eq!(read.status, 500, "{read:?}");
    assert!(
        !read.body.to_string().contains("on_hold_v9"),
        "the answer does not show the row: {read:?}"
    );
    // Read as `new`, `agree` would have been allowed; it is refused and nothing changes.
    let agree = act(
        &app,
        Role::Manager,
        &order,
        "agree",
        json!({"version": version}),
    )
    .await;
    assert_eq!(agree.status, 500, "{agree:?}");
    let list = app.as_manager().get("/api/v1/work-orders").await;
    assert_eq!(list.status, 500, "{list:?}");
    sql(
        &app,
        &format!("UPDATE work_orders SET status = 'scheduling' WHERE id = '{order}'"),
    );
    let read = app
        .as_manager()
        .get(&format!("/api/v1/work-orders/{order}"))
        .await;
    assert_eq!(
        (read.status, read["work_order"]["version"].as_i64()),
        (200, Some(version)),
        "{read:?}"
    );
}

async fn malformed_stored_json_is_refused_not_read_as_empty(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (customer, site, _, _) = customer_with_site(&app, "Stored").await;
    let (order, _) = order_in_scheduling(&app, &customer, &site).await;
    sql(
        &app,
        &format!(
            "UPDATE work_orders SET scope_lines = '[{{\"description\": ' WHERE id = '{order}'"
        ),
    );
    let read = app
        .as_manager()
        .get(&format!("/api/v1/work-orders/{order}"))
        .await;
    assert_eq!(read.status, 500, "{read:?}");
    // A customer's tags likewise: not read as none.
    sql(
        &app,
        &format!("UPDATE customers SET tags = 'vip' WHERE id = '{customer}'"),
    );
    let read = app
        .as_manager()
        .get(&format!("/api/v1/customers/{customer}"))
        .await;
    assert_eq!(read.status, 500, "{read:?}");
}
