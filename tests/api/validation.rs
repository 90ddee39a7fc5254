//! Bad input answers 4xx naming the field, and writes nothing.

use serde_json::json;

use crate::on_both_backends;
use crate::support::TestApp;

on_both_backends!(
    bad_bodies_name_the_field_and_change_nothing,
    bad_queries_name_the_parameter,
    patches_follow_the_same_rules
);

async fn bad_bodies_name_the_field_and_change_nothing(app: TestApp) {
    let customer = app.customer("Existing").await;
    let long = "x".repeat(201);
    let cases: Vec<(&str, Option<String>, u16, Option<&str>)> = vec![
        ("/api/v1/customers", Some("{\"kind\": \"person\", ".into()), 400, None),
        ("/api/v1/customers", Some(json!({"kind": "person", "segment": "b2c", "name": 5}).to_string()), 400, Some("name")),
        ("/api/v1/customers", Some(json!({"kind": "robot", "segment": "b2c", "name": "A"}).to_string()), 400, Some("kind")),
        ("/api/v1/customers", Some(json!({"kind": "person", "segment": "b2c", "name": "A", "colour": "red"}).to_string()), 400, Some("colour")),
        ("/api/v1/customers", Some(json!({"kind": "person", "segment": "b2c"}).to_string()), 400, Some("name")),
        ("/api/v1/customers", Some(json!({"kind": "person", "segment": "b2c", "name": "  "}).to_string()), 422, Some("name")),
        ("/api/v1/customers", Some(json!({"kind": "person", "segment": "b2c", "name": long}).to_string()), 422, Some("name")),
        ("/api/v1/customers", Some(json!({"kind": "person", "segment": "b2c", "name": "A", "tags": [""]}).to_string()), 422, Some("tags[0]")),
        ("/api/v1/contacts", Some(json!({"customer_id": customer, "name": "A", "email": "not-an-email"}).to_string()), 422, Some("email")),
        ("/api/v1/contacts", Some(json!({"customer_id": customer, "name": "A", "phones": ["067 123 45 67", "12"]}).to_string()), 422, Some("phones[1]")),
        ("/api/v1/contacts", Some(json!({"customer_id": "nope", "name": "A", "phones": ["0671234567"]}).to_string()), 422, Some("customer_id")),
        ("/api/v1/sites", Some(json!({"customer_id": customer, "address_line1": "A", "city": "Kyiv", "latitude": 91.0, "longitude": 30.0}).to_string()), 422, Some("latitude")),
        ("/api/v1/sites", Some(json!({"customer_id": customer, "address_line1": "A", "city": "Kyiv", "latitude": 50.0, "longitude": 181.0}).to_string()), 422, Some("longitude")),
        ("/api/v1/sites", Some(json!({"customer_id": customer, "address_line1": "A", "city": "Kyiv", "latitude": 50.0}).to_string()), 422, Some("longitude")),
        ("/api/v1/equipment", Some(json!({"site_id": customer, "kind": "boiler", "installed_on": "31.05.2025"}).to_string()), 400, Some("installed_on")),
    ];
    for (path, body, status, field) in cases {
        let r = app.as_manager().send("POST", path, body.clone()).await;
        assert_eq!(r.status, status, "{path} {body:?} → {r:?}");
        assert_eq!(r.field(), field, "{path} {body:?} → {r:?}");
        assert!(r.body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    let customers = app.as_manager().get("/api/v1/customers").await;
    assert_eq!(
        customers["items"].as_array().unwrap().len(),
        1,
        "nothing was written"
    );
    for list in ["/api/v1/contacts", "/api/v1/sites", "/api/v1/equipment"] {
        assert!(
            app.as_manager().get(list).await["items"]
                .as_array()
                .unwrap()
                .is_empty(),
            "{list}"
        );
    }
    let timeline = app
        .as_manager()
        .get(&format!("/api/v1/customers/{customer}/timeline"))
        .await;
    assert_eq!(
        timeline["items"].as_array().unwrap().len(),
        1,
        "only the creation event"
    );
}

async fn bad_queries_name_the_parameter(app: TestApp) {
    for (query, field) in [
        ("limit=abc", "limit"),
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("cursor=zzz", "cursor"),
        ("segment=b2x", "segment"),
        ("archived=maybe", "archived"),
    ] {
        let r = app
            .as_manager()
            .get(&format!("/api/v1/customers?{query}"))
            .await;
        assert_eq!((r.status, r.field()), (400, Some(field)), "{query} → {r:?}");
    }
    let r = app.as_manager().get("/api/v1/customers/not-a-uuid").await;
    assert_eq!(r.status, 404);
    let r = app.as_manager().get("/api/v1/no-such-thing").await;
    assert_eq!((r.status, r.code()), (404, Some("not_found")));
}

async fn patches_follow_the_same_rules(app: TestApp) {
    let id = app.customer("Patched").await;
    let path = format!("/api/v1/customers/{id}");
    let cleared = app.as_manager().patch(&path, json!({"name": null})).await;
    assert_eq!((cleared.status, cleared.field()), (400, Some("name")));
    let blank = app.as_manager().patch(&path, json!({"name": ""})).await;
    assert_eq!((blank.status, blank.field()), (422, Some("name")));
    let unknown = app.as_manager().patch(&path, json!({"nmae": "typo"})).await;
    assert_eq!((unknown.status, unknown.field()), (400, Some("nmae")));
    let not_object = app
        .as_manager()
        .send("PATCH", &path, Some("[1,2]".into()))
        .await;
    assert_eq!(not_object.status, 400);
    let same = app.as_manager().get(&path).await;
    assert_eq!(same["name"], "Patched");
}
