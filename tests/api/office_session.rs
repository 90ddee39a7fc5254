//! The office's session over plain HTTP: the login sets HttpOnly, SameSite
//! cookies; a page without a session goes to the login; a change made with the
//! cookie needs the CSRF token; a role sees only its own pages; every page is
//! sent with a policy that allows nothing from elsewhere.

use awc::http::header;
use serde_json::json;

use crate::on_both_backends;
use crate::support::{TestApp, PASSWORD};

on_both_backends!(
    a_page_without_a_session_goes_to_the_login,
    the_cookie_session_needs_its_csrf_token_to_change_anything,
);

fn client() -> awc::Client {
    awc::Client::builder().disable_redirects().finish()
}

/// A page asked for with a session's cookies.
async fn page(
    app: &TestApp,
    path: &str,
    cookie: &str,
) -> awc::ClientResponse<impl futures_util::Stream> {
    client()
        .get(format!("{}{path}", app.base))
        .insert_header((header::COOKIE, cookie.to_owned()))
        .send()
        .await
        .unwrap()
}

/// Signs in through the login form: the cookies as one `Cookie` header, and the CSRF token.
async fn sign_in(app: &TestApp, email: &str) -> (String, String) {
    let r = client()
        .post(format!("{}/office/login", app.base))
        .send_form(&[
            ("email", email),
            ("password", PASSWORD),
            ("next", "/office/reminders"),
        ])
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers().get(header::LOCATION).unwrap(),
        "/office/reminders"
    );
    let set: Vec<String> = r
        .headers()
        .get_all(header::SET_COOKIE)
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let find = |name: &str| {
        set.iter()
            .find(|c| c.starts_with(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{name} in {set:?}"))
            .clone()
    };
    let access = find("orderly_access");
    let refresh = find("orderly_refresh");
    let csrf = find("orderly_csrf");
    for c in [&access, &refresh] {
        assert!(
            c.contains("HttpOnly") && c.contains("SameSite=Strict"),
            "{c}"
        );
    }
    assert!(refresh.contains("Path=/office/session"), "{refresh}");
    assert!(!csrf.contains("HttpOnly"), "our script reads it: {csrf}");
    let value = |c: &str| c.split(';').next().unwrap().to_owned();
    let token = value(&csrf).split_once('=').unwrap().1.to_owned();
    (format!("{}; {}", value(&access), value(&csrf)), token)
}

async fn a_page_without_a_session_goes_to_the_login(app: TestApp) {
    let r = client()
        .get(format!("{}/office/reminders?status=open", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers().get(header::LOCATION).unwrap(),
        "/office/session?next=%2Foffice%2Freminders%3Fstatus%3Dopen"
    );
    let r = client()
        .get(format!(
            "{}/office/session?next=%2Foffice%2Freminders",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers().get(header::LOCATION).unwrap(),
        "/office/login?next=%2Foffice%2Freminders"
    );
    // A wrong password: the form again, no cookies.
    let mut r = client()
        .post(format!("{}/office/login", app.base))
        .send_form(&[
            ("email", "manager@test.orderly"),
            ("password", "wrong-password"),
        ])
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers().get(header::SET_COOKIE).is_none());
    let body = String::from_utf8(r.body().await.unwrap().to_vec()).unwrap();
    assert!(body.contains("Wrong e-mail or password"), "{body}");
    // A login form on another site's page is refused.
    let r = client()
        .post(format!("{}/office/login", app.base))
        .insert_header((header::ORIGIN, "http://evil.example"))
        .send_form(&[("email", "manager@test.orderly"), ("password", PASSWORD)])
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.headers().get(header::SET_COOKIE).is_none());
    // Signed in, the page; with its policy.
    let (cookie, _) = sign_in(&app, "manager@test.orderly").await;
    let r = page(&app, "/office/reminders", &cookie).await;
    assert_eq!(r.status(), 200);
    let policy = r
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(policy.starts_with("default-src 'self'"), "{policy}");
    // An engineer has no office pages; a manager no owner's pages.
    let (engineer, _) = sign_in(&app, "engineer@test.orderly").await;
    let r = page(&app, "/office/reminders", &engineer).await;
    assert_eq!(r.status(), 403);
    let (manager, _) = sign_in(&app, "manager@test.orderly").await;
    let r = page(&app, "/office/users", &manager).await;
    assert_eq!(r.status(), 403);
}

async fn the_cookie_session_needs_its_csrf_token_to_change_anything(app: TestApp) {
    let customer = app.customer("Olena").await;
    let reminder = app
        .as_manager()
        .post(
            "/api/v1/reminders",
            json!({"customer_id": customer, "due_on": "2030-01-10", "note": "Call back"}),
        )
        .await;
    let id = reminder["id"].as_str().unwrap().to_owned();
    let (cookie, csrf) = sign_in(&app, "manager@test.orderly").await;
    let snooze = |token: Option<&str>| {
        let mut req = client()
            .post(format!("{}/api/v1/reminders/{id}/snooze", app.base))
            .insert_header((header::COOKIE, cookie.clone()));
        if let Some(t) = token {
            req = req.insert_header(("X-CSRF-Token", t.to_owned()));
        }
        req.send_json(&json!({"until": "2030-02-01"}))
    };
    for token in [
        None,
        Some("0123456789abcdef0123456789abcdef0123456789abcdef"),
    ] {
        let mut r = snooze(token).await.unwrap();
        assert_eq!(r.status(), 403);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "csrf_rejected");
    }
    let r = app
        .as_manager()
        .get(&format!(
            "/api/v1/reminders?customer_id={customer}&status=snoozed"
        ))
        .await;
    assert_eq!(r["items"].as_array().unwrap().len(), 0, "nothing changed");
    let r = snooze(Some(&csrf)).await.unwrap();
    assert_eq!(r.status(), 200);
    // Reading needs no token (the cookie is SameSite=Strict).
    let r = page(&app, "/api/v1/reminders", &cookie).await;
    assert_eq!(r.status(), 200);
}
