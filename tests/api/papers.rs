//! The papers a customer keeps: the signed page with their addresses,
//! equipment, visits and certificates, the PDF download, nothing of another
//! customer, the office withdrawing a link, and the link in the completion e-mail.

use orderly::core::ids::{CustomerId, TypedId};
use orderly::core::role::Role;
use serde_json::json;

use crate::certificates::done;
use crate::on_both_backends;
use crate::support::{Raw, TestApp};
use crate::work_orders::{act, customer_with_site};

/// A customer with a certified order: (customer, certificate number).
async fn certified(app: &TestApp, name: &str) -> (String, String) {
    let (customer, site, contact, _) = customer_with_site(app, name).await;
    let (order, v) = done(app, &customer, &site, &contact, 1).await;
    let r = act(
        app,
        Role::Administrator,
        &order,
        "certify",
        json!({"version": v, "summary": "Cartridges changed, pressure checked."}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    let number = r["certificate"]["number"].as_str().unwrap().to_owned();
    (customer, number)
}

async fn papers_link(app: &TestApp, customer: &str) -> String {
    let r = app
        .as_administrator()
        .post(
            &format!("/api/v1/customers/{customer}/papers-link"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let url = r["link"].as_str().unwrap();
    url[url.find("/p/").unwrap()..].to_owned()
}

async fn get(app: &TestApp, path: &str) -> Raw {
    app.anonymous().raw("GET", path, None, &[]).await
}

async fn a_customer_keeps_their_papers(app: TestApp) {
    let (customer, number) = certified(&app, "Олена Папери").await;
    let (other, other_number) = certified(&app, "Stranger Danger").await;
    let path = papers_link(&app, &customer).await;

    let page = get(&app, &path).await;
    assert_eq!(page.status, 200, "{page:?}");
    assert_eq!(
        page.headers.get("cache-control").map(String::as_str),
        Some("no-store")
    );
    assert!(page.headers["content-security-policy"].starts_with("default-src 'none'"));
    for expected in [
        "Олена Папери",
        "Atoll A-550",
        "Past visits",
        number.as_str(),
    ] {
        assert!(
            page.text.contains(expected),
            "`{expected}` in {}",
            page.text
        );
    }
    assert!(!page.text.contains("Stranger"), "another customer's name");
    assert!(
        !page.text.contains(&other_number),
        "another customer's certificate"
    );

    // The PDF downloads; another customer's number through this link does not.
    let pdf = get(&app, &format!("{path}/certificates/{number}")).await;
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.content_type.as_deref(), Some("application/pdf"));
    assert!(pdf.bytes.starts_with(b"%PDF"));
    let theirs = get(&app, &format!("{path}/certificates/{other_number}")).await;
    assert_eq!(theirs.status, 404, "another customer's certificate");
    let none = get(&app, &format!("{path}/certificates/1999-000001")).await;
    assert_eq!(none.status, 404);

    // Forged, a stranger's key, an expired one: nothing opens.
    let mut forged: Vec<char> = path.chars().collect();
    let i = forged.len() - 3;
    forged[i] = if forged[i] == 'A' { 'B' } else { 'A' };
    let forged: String = forged.into_iter().collect();
    assert_eq!(get(&app, &forged).await.status, 404);
    let key = app.state.config().messaging.link_key.clone();
    let id = CustomerId::parse(&customer).unwrap();
    let expired = key
        .sign(&id, 1, chrono::Utc::now() - chrono::Duration::hours(1))
        .unwrap();
    assert_eq!(get(&app, &format!("/p/{expired}")).await.status, 410);

    // Withdrawn: the old link is gone (also for its PDFs), a new one works.
    let r = app
        .as_manager()
        .send(
            "DELETE",
            &format!("/api/v1/customers/{customer}/papers-link"),
            None,
        )
        .await;
    assert_eq!(r.status, 204, "{r:?}");
    let old = get(&app, &path).await;
    assert_eq!(old.status, 410);
    assert!(old.text.contains("withdrawn"), "{}", old.text);
    assert_eq!(
        get(&app, &format!("{path}/certificates/{number}"))
            .await
            .status,
        410
    );
    let fresh = papers_link(&app, &customer).await;
    assert_ne!(fresh, path);
    assert_eq!(get(&app, &fresh).await.status, 200);
    // The other customer's link still works: each customer has its own version.
    let theirs = papers_link(&app, &other).await;
    assert_eq!(get(&app, &theirs).await.status, 200);
    let r = app
        .as_engineer()
        .post(
            &format!("/api/v1/customers/{customer}/papers-link"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 403);
}

on_both_backends!(a_customer_keeps_their_papers);

/// On a phone: the papers page reads and the certificate downloads.
#[actix_web::test]
async fn the_papers_page_on_a_phone() {
    let app = TestApp::spawn(orderly::store::Backend::Sqlite).await;
    let (customer, number) = certified(&app, "Phone Papers").await;
    let path = papers_link(&app, &customer).await;
    let b = crate::browser::Browser::handset().await;
    b.visit(&app.base, &path).await;
    b.css("a[download]").await;
    b.screenshot("papers-phone").await;
    b.fits_the_phone().await;
    let href = b
        .css("a[download]")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(href.ends_with(&format!("/certificates/{number}")), "{href}");
    let pdf = get(&app, &href).await;
    assert_eq!(pdf.status, 200);
    b.close().await;
}
