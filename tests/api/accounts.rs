//! Logging in, token rotation, logout, throttling, deactivation, password change.

use orderly::core::role::Role;
use serde_json::json;

use crate::on_both_backends;
use crate::support::{TestApp, PASSWORD};

on_both_backends!(
    login_refresh_rotates_and_logout_revokes,
    a_replayed_refresh_token_ends_the_login,
    repeated_failures_answer_429_even_with_the_right_password,
    deactivation_stops_tokens_at_once,
    password_change_revokes_every_token,
    the_last_owner_cannot_be_removed,
    owner_manages_users,
    bad_tokens_answer_401,
);

async fn login_refresh_rotates_and_logout_revokes(app: TestApp) {
    let login = app.login("MANAGER@test.orderly", PASSWORD).await;
    assert_eq!(login.status, 200, "{login:?}");
    assert_eq!(login["expires_in"], 900);
    let access = login["access_token"].as_str().unwrap();
    let me = app.with_token(access).get("/api/v1/auth/me").await;
    assert_eq!(me.status, 200);
    assert_eq!(me["roles"], json!(["manager"]));

    let refreshed = app
        .anonymous()
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": login["refresh_token"]}),
        )
        .await;
    assert_eq!(refreshed.status, 200);
    assert_ne!(refreshed["refresh_token"], login["refresh_token"]);
    let new_access = refreshed["access_token"].as_str().unwrap();
    assert_eq!(
        app.with_token(new_access)
            .get("/api/v1/auth/me")
            .await
            .status,
        200
    );

    let out = app
        .anonymous()
        .post(
            "/api/v1/auth/logout",
            json!({"refresh_token": refreshed["refresh_token"]}),
        )
        .await;
    assert_eq!(out.status, 204);
    let again = app
        .anonymous()
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": refreshed["refresh_token"]}),
        )
        .await;
    assert_eq!(again.status, 401);
}

async fn a_replayed_refresh_token_ends_the_login(app: TestApp) {
    let login = app.login("manager@test.orderly", PASSWORD).await;
    let first = login["refresh_token"].clone();
    let second = app
        .anonymous()
        .post("/api/v1/auth/refresh", json!({"refresh_token": first}))
        .await;
    assert_eq!(second.status, 200);
    let replay = app
        .anonymous()
        .post("/api/v1/auth/refresh", json!({"refresh_token": first}))
        .await;
    assert_eq!(replay.status, 401);
    assert_eq!(replay.code(), Some("invalid_token"));
    let victim = app
        .anonymous()
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": second["refresh_token"]}),
        )
        .await;
    assert_eq!(
        victim.status, 401,
        "the whole family is revoked after a replay"
    );
}

async fn repeated_failures_answer_429_even_with_the_right_password(app: TestApp) {
    for _ in 0..5 {
        let r = app.login("engineer@test.orderly", "wrong-password").await;
        assert_eq!(r.status, 401);
        assert_eq!(r.code(), Some("invalid_credentials"));
    }
    let locked = app.login("engineer@test.orderly", PASSWORD).await;
    assert_eq!(locked.status, 429, "{locked:?}");
    assert_eq!(locked.code(), Some("too_many_requests"));
    let unknown = app.login("nobody@test.orderly", "whatever-password").await;
    assert_eq!(
        unknown.status, 401,
        "another account from the same address is not locked yet"
    );
}

async fn deactivation_stops_tokens_at_once(app: TestApp) {
    let engineer = app.login("engineer@test.orderly", PASSWORD).await;
    let access = engineer["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        app.with_token(&access).get("/api/v1/auth/me").await.status,
        200
    );
    let id = &app.users[&Role::Engineer].0;
    let r = app
        .as_owner()
        .patch(&format!("/api/v1/users/{id}"), json!({"active": false}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r["active"], false);
    assert_eq!(
        app.with_token(&access).get("/api/v1/auth/me").await.status,
        401
    );
    let refresh = app
        .anonymous()
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": engineer["refresh_token"]}),
        )
        .await;
    assert_eq!(refresh.status, 401);
    assert_eq!(
        app.login("engineer@test.orderly", PASSWORD).await.status,
        401
    );
}

async fn password_change_revokes_every_token(app: TestApp) {
    let login = app.login("administrator@test.orderly", PASSWORD).await;
    let access = login["access_token"].as_str().unwrap().to_owned();
    let short = app
        .with_token(&access)
        .post(
            "/api/v1/auth/password",
            json!({"current_password": PASSWORD, "new_password": "short"}),
        )
        .await;
    assert_eq!((short.status, short.field()), (422, Some("new_password")));
    let wrong = app
        .with_token(&access)
        .post(
            "/api/v1/auth/password",
            json!({"current_password": "nope-nope-nope", "new_password": "a new long password"}),
        )
        .await;
    assert_eq!(
        (wrong.status, wrong.field()),
        (422, Some("current_password"))
    );
    let ok = app
        .with_token(&access)
        .post(
            "/api/v1/auth/password",
            json!({"current_password": PASSWORD, "new_password": "a new long password"}),
        )
        .await;
    assert_eq!(ok.status, 204);
    assert_eq!(
        app.with_token(&access).get("/api/v1/auth/me").await.status,
        401
    );
    let refresh = app
        .anonymous()
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": login["refresh_token"]}),
        )
        .await;
    assert_eq!(refresh.status, 401);
    assert_eq!(
        app.login("administrator@test.orderly", PASSWORD)
            .await
            .status,
        401
    );
    assert_eq!(
        app.login("administrator@test.orderly", "a new long password")
            .await
            .status,
        200
    );
}

async fn the_last_owner_cannot_be_removed(app: TestApp) {
    let id = &app.users[&Role::Owner].0;
    let r = app
        .as_owner()
        .patch(
            &format!("/api/v1/users/{id}"),
            json!({"roles": ["manager"]}),
        )
        .await;
    assert_eq!((r.status, r.code()), (409, Some("last_owner")));
    let r = app
        .as_owner()
        .patch(&format!("/api/v1/users/{id}"), json!({"active": false}))
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(
        app.as_owner().get("/api/v1/auth/me").await.status,
        200,
        "nothing changed"
    );
}

async fn owner_manages_users(app: TestApp) {
    let body = json!({"email": "New.Admin@Test.orderly", "name": "New Admin", "roles": ["administrator", "engineer"], "password": "long enough password"});
    let created = app.as_owner().post("/api/v1/users", body.clone()).await;
    assert_eq!(created.status, 201, "{created:?}");
    assert_eq!(created["email"], "new.admin@test.orderly");
    assert_eq!(created["roles"], json!(["administrator", "engineer"]));
    let dup = app.as_owner().post("/api/v1/users", body).await;
    assert_eq!((dup.status, dup.code()), (409, Some("email_taken")));
    let bad_role = app
        .as_owner()
        .post("/api/v1/users", json!({"email": "x@test.orderly", "name": "X", "roles": ["boss"], "password": "long enough password"}))
        .await;
    assert_eq!((bad_role.status, bad_role.field()), (400, Some("roles[0]")));
    let login = app
        .login("new.admin@test.orderly", "long enough password")
        .await;
    assert_eq!(login.status, 200);
    let list = app.as_owner().get("/api/v1/users?limit=2").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    assert!(list["next_cursor"].is_string());
    let id = created["id"].as_str().unwrap();
    let renamed = app
        .as_owner()
        .patch(&format!("/api/v1/users/{id}"), json!({"name": "Renamed"}))
        .await;
    assert_eq!(renamed["name"], "Renamed");
}

async fn bad_tokens_answer_401(app: TestApp) {
    let r = app.with_token("not-a-jwt").get("/api/v1/customers").await;
    assert_eq!((r.status, r.code()), (401, Some("invalid_token")));
    let r = app.anonymous().get("/api/v1/customers").await;
    assert_eq!((r.status, r.code()), (401, Some("unauthorized")));
}
