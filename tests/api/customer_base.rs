//! Customers, contacts, sites and equipment: create, find, change, archive, and the timeline.

use serde_json::json;

use crate::on_both_backends;
use crate::support::TestApp;

on_both_backends!(
    a_customer_lives_and_its_timeline_tells_the_story,
    contacts_normalise_phones_and_find_their_customer,
    contacts_and_equipment_stay_within_their_customer,
    lists_page_with_a_cursor_without_repeats,
    archived_records_leave_lists_but_keep_history,
    administrators_keep_access_notes_and_availability,
    engineers_see_none_of_the_customer_base,
);

async fn a_customer_lives_and_its_timeline_tells_the_story(app: TestApp) {
    let created = app
        .as_manager()
        .post(
            "/api/v1/customers",
            json!({"kind": "organisation", "segment": "b2b", "name": " Aqua Cafe ", "legal_name": "ТОВ «Аква»",
                   "tax_id": "12345678", "tags": ["VIP", "vip", "horeca"]}),
        )
        .await;
    assert_eq!(created.status, 201, "{created:?}");
    assert_eq!(created["name"], "Aqua Cafe");
    assert_eq!(created["tags"], json!(["vip", "horeca"]));
    let id = created["id"].as_str().unwrap();

    let read = app
        .as_administrator()
        .get(&format!("/api/v1/customers/{id}"))
        .await;
    assert_eq!(read.status, 200);
    assert_eq!(read["legal_name"], "ТОВ «Аква»");

    let patched = app
        .as_manager()
        .patch(
            &format!("/api/v1/customers/{id}"),
            json!({"notes": "Promised 10% off", "legal_name": null}),
        )
        .await;
    assert_eq!(patched.status, 200, "{patched:?}");
    assert_eq!(patched["notes"], "Promised 10% off");
    assert_eq!(patched["legal_name"], json!(null));
    assert_eq!(patched["name"], "Aqua Cafe", "untouched fields stay");

    let archived = app
        .as_manager()
        .post(&format!("/api/v1/customers/{id}/archive"), json!({}))
        .await;
    assert_eq!(archived.status, 200);
    assert!(archived["archived_at"].is_string());

    let timeline = app
        .as_manager()
        .get(&format!("/api/v1/customers/{id}/timeline"))
        .await;
    assert_eq!(timeline.status, 200);
    let events = timeline["items"].as_array().unwrap();
    let actions: Vec<&str> = events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec!["archived", "updated", "created"],
        "newest first"
    );
    let update = &events[1];
    assert_eq!(update["actor_name"], "manager");
    assert_eq!(
        update["changes"]["notes"],
        json!({"from": null, "to": "Promised 10% off"})
    );
    assert_eq!(
        update["changes"]["legal_name"],
        json!({"from": "ТОВ «Аква»", "to": null})
    );
    assert!(
        update["changes"].get("name").is_none(),
        "only what changed is recorded"
    );

    let nothing = app
        .as_manager()
        .patch(
            &format!("/api/v1/customers/{id}"),
            json!({"name": "Aqua Cafe"}),
        )
        .await;
    assert_eq!(nothing.status, 200);
    let timeline = app
        .as_manager()
        .get(&format!("/api/v1/customers/{id}/timeline"))
        .await;
    assert_eq!(
        timeline["items"].as_array().unwrap().len(),
        3,
        "a patch that changes nothing writes no event"
    );
}

async fn contacts_normalise_phones_and_find_their_customer(app: TestApp) {
    let customer = app.customer("Олена Коваленко").await;
    let site = app.site(&customer).await;
    let contact = app
        .as_manager()
        .post(
            "/api/v1/contacts",
            json!({"customer_id": customer, "site_id": site, "name": "Петро (сусід)", "phones": ["067 123 45 67", "+380 67 123 4567"],
                   "role": "on_site", "availability": "вдома у будні після 14:00", "preferred_channel": "sms"}),
        )
        .await;
    assert_eq!(contact.status, 201, "{contact:?}");
    assert_eq!(contact["phones"], json!(["+380671234567"]));
    assert_eq!(contact["consent_service"], true);
    assert_eq!(contact["consent_marketing"], false);

    for q in ["067-123-45-67", "олена", "khreshchatyk", "петро"] {
        let found = app
            .as_manager()
            .get(&format!("/api/v1/customers?q={}", urlencode(q)))
            .await;
        let ids: Vec<&str> = found["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, vec![customer.as_str()], "search for {q}");
    }
    let none = app
        .as_manager()
        .get("/api/v1/customers?q=050%20000%2000%2000")
        .await;
    assert!(none["items"].as_array().unwrap().is_empty());
    let by_customer = app
        .as_manager()
        .get(&format!("/api/v1/contacts?customer_id={customer}"))
        .await;
    assert_eq!(by_customer["items"].as_array().unwrap().len(), 1);
}

async fn contacts_and_equipment_stay_within_their_customer(app: TestApp) {
    let a = app.customer("A").await;
    let b = app.customer("B").await;
    let site_a = app.site(&a).await;
    let site_b = app.site(&b).await;

    let wrong = app
        .as_manager()
        .post(
            "/api/v1/contacts",
            json!({"customer_id": a, "site_id": site_b, "name": "X", "phones": ["0671234567"]}),
        )
        .await;
    assert_eq!((wrong.status, wrong.field()), (422, Some("site_id")));

    let item = app
        .as_manager()
        .post("/api/v1/equipment", json!({"site_id": site_a, "kind": "reverse osmosis filter", "model": "Atoll A-550", "installed_on": "2025-05-31"}))
        .await;
    assert_eq!(item.status, 201, "{item:?}");
    assert_eq!(item["customer_id"], a.as_str());
    assert_eq!(item["status"], "in_service");
    let id = item["id"].as_str().unwrap();

    let moved = app
        .as_manager()
        .patch(
            &format!("/api/v1/equipment/{id}"),
            json!({"site_id": site_b}),
        )
        .await;
    assert_eq!((moved.status, moved.field()), (422, Some("site_id")));
    let site_a2 = app.site(&a).await;
    let moved = app
        .as_manager()
        .patch(
            &format!("/api/v1/equipment/{id}"),
            json!({"site_id": site_a2, "status": "needs_repair"}),
        )
        .await;
    assert_eq!(moved.status, 200, "{moved:?}");
    assert_eq!(moved["status"], "needs_repair");

    let immutable = app
        .as_manager()
        .patch(
            &format!("/api/v1/sites/{site_a}"),
            json!({"customer_id": b}),
        )
        .await;
    assert_eq!(
        (immutable.status, immutable.field()),
        (422, Some("customer_id"))
    );

    app.as_manager()
        .post(&format!("/api/v1/sites/{site_a}/archive"), json!({}))
        .await;
    let on_archived = app
        .as_manager()
        .post(
            "/api/v1/equipment",
            json!({"site_id": site_a, "kind": "boiler"}),
        )
        .await;
    assert_eq!(
        (on_archived.status, on_archived.field()),
        (422, Some("site_id"))
    );

    let equipment = app
        .as_manager()
        .get(&format!(
            "/api/v1/equipment?customer_id={a}&status=needs_repair"
        ))
        .await;
    assert_eq!(equipment["items"].as_array().unwrap().len(), 1);
}

async fn lists_page_with_a_cursor_without_repeats(app: TestApp) {
    for i in 0..5 {
        app.customer(&format!("Customer {i}")).await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/customers?limit=2&cursor={c}"),
            None => "/api/v1/customers?limit=2".to_owned(),
        };
        let page = app.as_manager().get(&path).await;
        assert_eq!(page.status, 200);
        pages += 1;
        for item in page["items"].as_array().unwrap() {
            seen.push(item["name"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(
        seen,
        vec![
            "Customer 4",
            "Customer 3",
            "Customer 2",
            "Customer 1",
            "Customer 0"
        ]
    );
}

async fn archived_records_leave_lists_but_keep_history(app: TestApp) {
    let id = app.customer("Gone Away").await;
    app.customer("Still Here").await;
    app.as_manager()
        .post(&format!("/api/v1/customers/{id}/archive"), json!({}))
        .await;
    let active = app.as_manager().get("/api/v1/customers").await;
    let names: Vec<&str> = active["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["Still Here"]);
    let archived = app
        .as_manager()
        .get("/api/v1/customers?archived=true")
        .await;
    assert_eq!(archived["items"][0]["id"], id.as_str());
    assert_eq!(
        app.as_manager()
            .get(&format!("/api/v1/customers/{id}"))
            .await
            .status,
        200
    );
    let contact = app
        .as_manager()
        .post(
            "/api/v1/contacts",
            json!({"customer_id": id, "name": "X", "email": "x@example.com"}),
        )
        .await;
    assert_eq!(
        (contact.status, contact.field()),
        (422, Some("customer_id"))
    );
    let restored = app
        .as_manager()
        .post(&format!("/api/v1/customers/{id}/restore"), json!({}))
        .await;
    assert_eq!(restored["archived_at"], json!(null));
    let timeline = app
        .as_manager()
        .get(&format!("/api/v1/customers/{id}/timeline"))
        .await;
    assert_eq!(timeline["items"][0]["action"], "restored");
}

async fn administrators_keep_access_notes_and_availability(app: TestApp) {
    let customer = app.customer("C").await;
    let site = app.site(&customer).await;
    let contact = app
        .as_manager()
        .post(
            "/api/v1/contacts",
            json!({"customer_id": customer, "name": "Ivan", "phones": ["0501234567"]}),
        )
        .await;
    let contact_id = contact["id"].as_str().unwrap();

    let notes = app
        .as_administrator()
        .patch(
            &format!("/api/v1/sites/{site}/access-notes"),
            json!({"access_notes": "Gate code 1942"}),
        )
        .await;
    assert_eq!(notes.status, 200, "{notes:?}");
    assert_eq!(notes["access_notes"], "Gate code 1942");
    let availability = app
        .as_administrator()
        .patch(
            &format!("/api/v1/contacts/{contact_id}/availability"),
            json!({"availability": "after 18:00"}),
        )
        .await;
    assert_eq!(availability["availability"], "after 18:00");

    let other = app
        .as_administrator()
        .patch(
            &format!("/api/v1/sites/{site}/access-notes"),
            json!({"city": "Lviv"}),
        )
        .await;
    assert_eq!((other.status, other.field()), (400, Some("city")));
    let full = app
        .as_administrator()
        .patch(&format!("/api/v1/sites/{site}"), json!({"city": "Lviv"}))
        .await;
    assert_eq!(full.status, 403);
    let site_now = app
        .as_administrator()
        .get(&format!("/api/v1/sites/{site}"))
        .await;
    assert_eq!(site_now["city"], "Kyiv");

    let timeline = app
        .as_manager()
        .get(&format!("/api/v1/customers/{customer}/timeline"))
        .await;
    let first = &timeline["items"][0];
    assert_eq!(
        (first["entity_type"].as_str(), first["actor_name"].as_str()),
        (Some("contact"), Some("administrator"))
    );
}

async fn engineers_see_none_of_the_customer_base(app: TestApp) {
    let customer = app.customer("C").await;
    for path in [
        "/api/v1/customers".to_owned(),
        format!("/api/v1/customers/{customer}"),
        "/api/v1/sites".into(),
    ] {
        let r = app.as_engineer().get(&path).await;
        assert_eq!((r.status, r.code()), (403, Some("forbidden")), "{path}");
    }
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
