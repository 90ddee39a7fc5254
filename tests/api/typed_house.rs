//! The typed walls (#23): a path's id is parsed into its typed id before the
//! handler runs, and a well-formed one is looked up only past the caller's
//! role; a unit of work that queued a message rings the delivery worker's bell
//! once it has committed, and one that did not stays quiet.

use std::time::Duration;

use orderly::store::db::Db;
use serde_json::json;

use crate::on_both_backends;
use crate::support::TestApp;

on_both_backends!(
    a_malformed_id_is_refused_before_the_handler_and_after_the_role,
    only_work_that_queued_a_message_wakes_the_worker,
);

async fn a_malformed_id_is_refused_before_the_handler_and_after_the_role(app: TestApp) {
    for (path, kind) in [
        ("/api/v1/customers/1%20or%201=1", "customer"),
        ("/api/v1/sites/nope", "site"),
        ("/api/v1/work-orders/..%2F..%2Fetc", "work order"),
        ("/api/v1/plans/42", "plan"),
    ] {
        let r = app.as_manager().get(path).await;
        assert_eq!(
            (r.status, r.code()),
            (404, Some("not_found")),
            "{path}: {r:?}"
        );
        let message = r.body["error"]["message"].as_str().unwrap_or("");
        assert!(message.contains(kind), "{path} names the {kind}: {r:?}");
    }
    // The id is refused before the body is read: a body that would be a 400 is
    // not looked at for an order that cannot exist.
    let r = app
        .as_manager()
        .post(
            "/api/v1/work-orders/not-an-order/actions/agree",
            json!({"version": "three", "unknown": true}),
        )
        .await;
    assert_eq!(r.status, 404, "{r:?}");
    // A malformed id is refused without a look at the database, whoever asks:
    // 404, or 403 when the role check happens to finish first (the two
    // extractors run side by side); either way nothing that could exist is
    // named. A well-formed id is looked up only for a caller whose role may
    // take the step: the others learn nothing of which records exist.
    let r = app
        .as_engineer()
        .post("/api/v1/work-orders/not-an-order/actions/agree", json!({}))
        .await;
    assert!([403, 404].contains(&r.status), "{r:?}");
    let unknown = orderly::core::ids::new_id();
    let r = app
        .as_engineer()
        .post(
            &format!("/api/v1/work-orders/{unknown}/actions/agree"),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(r.status, 403, "{r:?}");
    let r = app.anonymous().get("/api/v1/customers/nope").await;
    assert_eq!(r.status, 401, "{r:?}");
    // A well-formed id of nothing is the same 404.
    let r = app
        .as_manager()
        .get(&format!(
            "/api/v1/customers/{}",
            orderly::core::ids::new_id()
        ))
        .await;
    assert_eq!(r.status, 404, "{r:?}");
}

async fn only_work_that_queued_a_message_wakes_the_worker(app: TestApp) {
    let db = Db::new(app.state.database.pool.clone(), app.state.database.backend);
    let bell = db.doorbell();
    let quiet = db.sending(|_, _| Ok(())).await;
    assert!(quiet.is_ok());
    assert!(
        tokio::time::timeout(Duration::from_millis(50), bell.notified())
            .await
            .is_err(),
        "nothing was queued: the worker sleeps on"
    );
    db.sending(|_, outbox| {
        outbox.queued();
        Ok(())
    })
    .await
    .unwrap();
    assert!(
        tokio::time::timeout(Duration::from_secs(1), bell.notified())
            .await
            .is_ok(),
        "a message was queued: the worker is woken after the commit"
    );
    // Work that failed rolled back what it queued: nothing to deliver.
    let failed: Result<(), _> = db
        .sending(|_, outbox| {
            outbox.queued();
            Err(orderly::error::AppError::Forbidden)
        })
        .await;
    assert!(failed.is_err());
    assert!(
        tokio::time::timeout(Duration::from_millis(50), bell.notified())
            .await
            .is_err(),
        "a failed unit of work wakes nobody"
    );
}
