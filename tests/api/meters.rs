//! Meters on equipment and their readings: a counter that only grows unless
//! reset, a gauge with a band, bad readings named and storing nothing, the
//! same reading sent twice, the daily rate from the readings, and the tables
//! in the customer's data export.

use chrono::{Duration, SecondsFormat, Utc};
use orderly::store::Backend;
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::support::TestApp;
use crate::work_orders::customer_with_site;

/// A moment `days` ago, as the API takes it.
pub fn ago(days: i64) -> String {
    (Utc::now() - Duration::days(days)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub async fn meter(app: &TestApp, equipment: &str, body: Value) -> Value {
    let r = app
        .as_administrator()
        .post(&format!("/api/v1/equipment/{equipment}/meters"), body)
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    r.body
}

pub async fn read(app: &TestApp, meter: &str, body: Value) -> crate::support::Resp {
    app.as_manager()
        .post(&format!("/api/v1/meters/{meter}/readings"), body)
        .await
}

async fn a_counter_only_grows_unless_reset(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (customer, _, _, piece) = customer_with_site(&app, "Meter Reader").await;
    let m = meter(
        &app,
        &piece,
        json!({"kind": "litres", "mode": "cumulative"}),
    )
    .await;
    assert_eq!(m["unit"], "L");
    assert_eq!(m["last"], Value::Null);
    let id = m["id"].as_str().unwrap();

    // Forty litres a day over a month.
    for (days, value) in [(30, 1000.0), (20, 1400.0), (10, 1800.0), (0, 2200.0)] {
        let r = read(&app, id, json!({"value": value, "read_at": ago(days)})).await;
        assert_eq!(r.status, 201, "{r:?}");
        assert_eq!(r["source"], "office");
    }
    let listed = app
        .as_manager()
        .get(&format!("/api/v1/equipment/{piece}/meters"))
        .await;
    assert_eq!(listed.status, 200, "{listed:?}");
    let rate = listed.body[0]["daily_rate"].as_f64().unwrap();
    assert!((rate - 40.0).abs() < 0.5, "{rate}");
    assert_eq!(listed.body[0]["last"]["value"], 2200.0);

    // Below the reading before it, above the one after it: named, and nothing stored.
    let bad = [
        (json!({"value": 1300.0, "read_at": ago(15)}), "value"),
        (json!({"value": 1900.0, "read_at": ago(15)}), "value"),
        (
            json!({"value": -5.0, "read_at": ago(15), "kind": "reset"}),
            "value",
        ),
        (json!({"value": 1e13}), "value"),
        (
            json!({"value": 2300.0, "read_at": "9999-12-31T00:00:00Z"}),
            "read_at",
        ),
        (
            json!({"value": 2300.0, "read_at": (Utc::now() + Duration::hours(2)).to_rfc3339()}),
            "read_at",
        ),
        (
            json!({"value": 2300.0, "read_at": "1989-12-31T00:00:00Z"}),
            "read_at",
        ),
    ];
    for (body, field) in bad {
        let r = read(&app, id, body.clone()).await;
        assert_eq!((r.status, r.field()), (422, Some(field)), "{body}: {r:?}");
    }
    for body in [
        json!({"value": "lots"}),
        json!({"value": 1.0, "extra": 1}),
        json!({}),
    ] {
        let r = read(&app, id, body.clone()).await;
        assert_eq!(r.status, 400, "{body}: {r:?}");
    }
    let history = app
        .as_manager()
        .get(&format!("/api/v1/meters/{id}/readings"))
        .await;
    assert_eq!(history.body.as_array().unwrap().len(), 4, "{history:?}");

    // The same reading again is the same reading; another value at that moment is a conflict.
    let again = read(&app, id, json!({"value": 2200.0, "read_at": ago(0)})).await;
    let moment = history.body[0]["read_at"].as_str().unwrap().to_owned();
    let same = read(&app, id, json!({"value": 2200.0, "read_at": moment})).await;
    assert_eq!(same.status, 200, "{same:?}");
    assert_eq!(same["id"], history.body[0]["id"]);
    let other = read(&app, id, json!({"value": 2250.0, "read_at": moment})).await;
    assert_eq!(other.status, 409, "{other:?}");
    let _ = again;

    // A new counter starts from zero only as a reset; then it grows again.
    let r = read(&app, id, json!({"value": 0.0, "kind": "reset"})).await;
    assert_eq!(r.status, 201, "{r:?}");
    let r = read(&app, id, json!({"value": 10.0})).await;
    assert_eq!(r.status, 201, "{r:?}");

    // The meter is on the customer's timeline and in their data.
    let timeline = app
        .as_manager()
        .get(&format!("/api/v1/customers/{customer}/timeline"))
        .await;
    assert!(timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "meter_added"));
    let data = app
        .as_manager()
        .get(&format!("/api/v1/customers/{customer}/data"))
        .await;
    assert_eq!(data.status, 200, "{data:?}");
    let text = data.body.to_string();
    assert!(
        text.contains("meter_readings") && text.contains("2200"),
        "{text}"
    );
}

async fn alerts(app: &TestApp) -> Vec<Value> {
    app.as_manager()
        .get("/api/v1/reminders?kind=device_alert")
        .await
        .body["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn a_gauge_reads_levels_within_its_band(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, _, _, piece) = customer_with_site(&app, "Gauge Reader").await;
    let bad = [
        (json!({"kind": "custom", "mode": "gauge"}), "unit"),
        (
            json!({"kind": "litres", "mode": "gauge", "unit": "gallons"}),
            "unit",
        ),
        (
            json!({"kind": "custom", "unit": "bar", "mode": "gauge", "low": 3.0, "high": 1.0}),
            "high",
        ),
        (
            json!({"kind": "litres", "mode": "cumulative", "low": 1.0}),
            "low",
        ),
        (
            json!({"kind": "custom", "unit": "x".repeat(41), "mode": "gauge"}),
            "unit",
        ),
    ];
    for (body, field) in bad {
        let r = app
            .as_administrator()
            .post(&format!("/api/v1/equipment/{piece}/meters"), body.clone())
            .await;
        assert_eq!((r.status, r.field()), (422, Some(field)), "{body}: {r:?}");
    }
    let r = app
        .as_administrator()
        .post(
            &format!("/api/v1/equipment/{piece}/meters"),
            json!({"kind": "lumens", "mode": "gauge"}),
        )
        .await;
    assert_eq!(r.status, 400, "{r:?}");
    let m = meter(&app, &piece, json!({"kind": "custom", "unit": "bar", "mode": "gauge", "name": "Inlet pressure", "low": 1.0, "high": 6.0})).await;
    let id = m["id"].as_str().unwrap();
    // A gauge goes up and down, and has nothing to reset.
    for (days, v) in [(3, 2.5), (2, 0.8), (1, 3.1)] {
        let r = read(&app, id, json!({"value": v, "read_at": ago(days)})).await;
        assert_eq!(r.status, 201, "{r:?}");
    }
    let r = read(&app, id, json!({"value": 0.0, "kind": "reset"})).await;
    assert_eq!((r.status, r.field()), (422, Some("kind")));

    // Out of its band: one open alert for the piece, brought up to the latest reading.
    let open = alerts(&app).await;
    assert_eq!(open.len(), 1, "{open:?}");
    assert!(
        open[0]["note"]
            .as_str()
            .unwrap()
            .contains("Inlet pressure read 0.8 bar"),
        "{open:?}"
    );
    assert_eq!(open[0]["equipment_id"], piece);
    let r = read(&app, id, json!({"value": 6.5})).await;
    assert_eq!(r.status, 201, "{r:?}");
    let open = alerts(&app).await;
    assert_eq!(open.len(), 1, "folded into the open alert: {open:?}");
    assert!(
        open[0]["note"].as_str().unwrap().contains("read 6.5 bar"),
        "{open:?}"
    );
    let listed = app
        .as_manager()
        .get(&format!("/api/v1/equipment/{piece}/meters"))
        .await;
    assert_eq!(listed.body[0]["daily_rate"], Value::Null);
    assert_eq!(listed.body[0]["last"]["value"], 6.5);

    // Unknown meters and equipment are 404; an engineer may not enter office readings.
    let nobody = orderly::core::ids::new_id();
    assert_eq!(read(&app, &nobody, json!({"value": 1.0})).await.status, 404);
    let r = app
        .as_administrator()
        .post(
            &format!("/api/v1/equipment/{nobody}/meters"),
            json!({"kind": "litres", "mode": "cumulative"}),
        )
        .await;
    assert_eq!(r.status, 404);
    let r = app
        .as_engineer()
        .post(
            &format!("/api/v1/meters/{id}/readings"),
            json!({"value": 2.0}),
        )
        .await;
    assert_eq!(r.status, 403);
}

on_both_backends!(
    backend: a_counter_only_grows_unless_reset,
    a_gauge_reads_levels_within_its_band,
);

pub mod devices {
    use super::*;
    use orderly::core::device::sign;

    /// Sends a batch signed at `ts` with `key` (as a device does).
    pub async fn send(
        app: &TestApp,
        device: &str,
        key: &str,
        ts: i64,
        body: &Value,
    ) -> crate::support::Raw {
        let bytes = body.to_string().into_bytes();
        let signature = sign(key, ts, &bytes);
        let ts = ts.to_string();
        app.anonymous()
            .raw(
                "POST",
                &format!("/api/v1/devices/{device}/readings"),
                Some(bytes),
                &[
                    ("x-orderly-timestamp", ts.as_str()),
                    ("x-orderly-signature", signature.as_str()),
                ],
            )
            .await
    }

    async fn count(app: &TestApp, meter: &str) -> usize {
        app.as_manager()
            .get(&format!("/api/v1/meters/{meter}/readings"))
            .await
            .body
            .as_array()
            .unwrap()
            .len()
    }

    /// Readings (meter, value, days ago); a negative day is minutes ahead
    /// of the clock, within a device's allowed slack.
    fn batch(items: &[(&str, f64, i64)]) -> Value {
        let at = |days: i64| {
            if days < 0 {
                (Utc::now() + Duration::minutes(-days)).to_rfc3339_opts(SecondsFormat::Secs, true)
            } else {
                ago(days)
            }
        };
        json!({"readings": items.iter().map(|(m, v, days)| json!({"meter_id": m, "value": v, "read_at": at(*days)})).collect::<Vec<_>>()})
    }

    async fn a_device_sends_signed_batches(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let (customer, site, _, piece) = customer_with_site(&app, "Device Owner").await;
        let litres = meter(
            &app,
            &piece,
            json!({"kind": "litres", "mode": "cumulative"}),
        )
        .await;
        let litres = litres["id"].as_str().unwrap();
        let pressure = meter(
            &app,
            &piece,
            json!({"kind": "custom", "unit": "bar", "mode": "gauge", "low": 1.0}),
        )
        .await;
        let pressure = pressure["id"].as_str().unwrap();
        let elsewhere = app
            .as_manager()
            .post(
                "/api/v1/equipment",
                json!({"site_id": site, "kind": "softener"}),
            )
            .await;
        let other = meter(
            &app,
            elsewhere["id"].as_str().unwrap(),
            json!({"kind": "litres", "mode": "cumulative"}),
        )
        .await;
        let other = other["id"].as_str().unwrap();

        let r = app
            .as_administrator()
            .post(
                &format!("/api/v1/equipment/{piece}/devices"),
                json!({"name": "Flow meter, kitchen"}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        let device = r["id"].as_str().unwrap().to_owned();
        let key = r["key"].as_str().unwrap().to_owned();
        assert_eq!(key.len(), 64);
        let listed = app
            .as_manager()
            .get(&format!("/api/v1/equipment/{piece}/devices"))
            .await;
        assert_eq!(listed.body[0]["name"], "Flow meter, kitchen");
        assert!(listed.body[0].get("key").is_none(), "the key is shown once");
        let r = app
            .as_administrator()
            .post(
                &format!("/api/v1/equipment/{piece}/devices"),
                json!({"name": " "}),
            )
            .await;
        assert_eq!((r.status, r.field()), (422, Some("name")));

        let now = Utc::now().timestamp();
        let first = batch(&[(litres, 100.0, 3), (litres, 220.0, 2), (litres, 340.0, 1)]);
        let r = send(&app, &device, &key, now, &first).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(
            serde_json::from_str::<Value>(&r.text).unwrap(),
            json!({"accepted": 3, "duplicates": 0})
        );

        // The same request again is a replay; the same readings in a new request are duplicates.
        let r = send(&app, &device, &key, now, &first).await;
        assert_eq!(r.status, 409, "{}", r.text);
        assert!(r.text.contains("replayed"));
        let mut more = first.clone();
        more["readings"]
            .as_array_mut()
            .unwrap()
            .push(json!({"meter_id": litres, "value": 400.0, "read_at": ago(0)}));
        let r = send(&app, &device, &key, now + 1, &more).await;
        assert_eq!(
            serde_json::from_str::<Value>(&r.text).unwrap(),
            json!({"accepted": 1, "duplicates": 3}),
            "{}",
            r.text
        );
        assert_eq!(count(&app, litres).await, 4);

        // A batch in any order is taken in time order; two values at one moment are a conflict.
        let r = send(
            &app,
            &device,
            &key,
            now + 3,
            &batch(&[(litres, 460.0, -2), (litres, 430.0, -1)]),
        )
        .await;
        assert_eq!(
            serde_json::from_str::<Value>(&r.text).unwrap(),
            json!({"accepted": 2, "duplicates": 0}),
            "{}",
            r.text
        );
        let r = send(
            &app,
            &device,
            &key,
            now + 4,
            &batch(&[(litres, 470.0, -3), (litres, 475.0, -3)]),
        )
        .await;
        assert_eq!(r.status, 409, "{}", r.text);
        assert!(r.text.contains("readings[1]"), "{}", r.text);
        assert_eq!(count(&app, litres).await, 6);

        // Unsigned, stale, forged, changed in transit: 401, nothing stored.
        let body = batch(&[(litres, 500.0, 0)]);
        let r = app
            .anonymous()
            .raw(
                "POST",
                &format!("/api/v1/devices/{device}/readings"),
                Some(body.to_string().into_bytes()),
                &[],
            )
            .await;
        assert_eq!(r.status, 401, "{}", r.text);
        let r = send(&app, &device, &key, now - 600, &body).await;
        assert_eq!(r.status, 401);
        assert!(r.text.contains("stale_timestamp"), "{}", r.text);
        let r = send(&app, &device, &"0".repeat(64), now, &body).await;
        assert!(r.text.contains("bad_signature"), "{}", r.text);
        let signed = sign(&key, now + 2, body.to_string().as_bytes());
        let changed = batch(&[(litres, 999_999.0, 0)]).to_string().into_bytes();
        let ts = (now + 2).to_string();
        let r = app
            .anonymous()
            .raw(
                "POST",
                &format!("/api/v1/devices/{device}/readings"),
                Some(changed),
                &[
                    ("x-orderly-timestamp", ts.as_str()),
                    ("x-orderly-signature", signed.as_str()),
                ],
            )
            .await;
        assert_eq!(r.status, 401, "{}", r.text);
        // Another device's key does not open this one.
        let r = send(&app, &orderly::core::ids::new_id(), &key, now, &body).await;
        assert_eq!(r.status, 401);

        // One bad reading stores none of the batch, and says which.
        let bad = [
            (
                batch(&[(litres, 600.0, -4), (other, 1.0, -4)]),
                "readings[1].meter_id",
            ),
            (
                batch(&[(litres, 600.0, -4), (litres, 50.0, -5)]),
                "readings[1].value",
            ),
            (json!({"readings": []}), "readings"),
        ];
        for (n, (body, field)) in bad.into_iter().enumerate() {
            let r = send(&app, &device, &key, now + 10 + n as i64, &body).await;
            assert_eq!(r.status, 422, "{}", r.text);
            assert!(r.text.contains(field), "{field}: {}", r.text);
        }
        let huge = json!({"readings": vec![json!({"meter_id": litres, "value": 1.0, "read_at": ago(0)}); 1001]});
        let r = send(&app, &device, &key, now + 20, &huge).await;
        assert_eq!(r.status, 422, "{}", r.text);
        assert_eq!(
            count(&app, litres).await,
            6,
            "nothing of the refused batches"
        );

        // A gauge out of its band from a device: an alert, on the timeline as the device's.
        let r = send(&app, &device, &key, now + 30, &batch(&[(pressure, 0.6, 0)])).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(alerts(&app).await.len(), 1);
        let timeline = app
            .as_manager()
            .get(&format!("/api/v1/customers/{customer}/timeline"))
            .await;
        let created = timeline.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["entity_type"] == "reminder" && e["action"] == "created")
            .cloned()
            .unwrap_or_else(|| panic!("{timeline:?}"));
        assert_eq!(created["changes"]["by"], "device");
        assert_eq!(created["actor_id"], Value::Null);

        // Revoked: refused from then on.
        let r = app
            .as_administrator()
            .post(&format!("/api/v1/devices/{device}/revoke"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        assert!(r["revoked_at"].is_string());
        let r = send(&app, &device, &key, now + 40, &batch(&[(litres, 700.0, 0)])).await;
        assert_eq!(r.status, 401, "{}", r.text);
        assert!(r.text.contains("device_unknown"), "{}", r.text);
        assert_eq!(count(&app, litres).await, 6);
    }

    /// A batch spread over more stored readings than a batch may read is refused.
    async fn a_batch_reads_a_bounded_span(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let (_, _, _, piece) = customer_with_site(&app, "Long History").await;
        let m = meter(
            &app,
            &piece,
            json!({"kind": "litres", "mode": "cumulative"}),
        )
        .await;
        let m = m["id"].as_str().unwrap();
        let r = app
            .as_administrator()
            .post(
                &format!("/api/v1/equipment/{piece}/devices"),
                json!({"name": "Logger"}),
            )
            .await;
        let (device, key) = (
            r["id"].as_str().unwrap().to_owned(),
            r["key"].as_str().unwrap().to_owned(),
        );
        let minutes_ago =
            |m: i64| (Utc::now() - Duration::minutes(m)).to_rfc3339_opts(SecondsFormat::Secs, true);
        let now = Utc::now().timestamp();
        let span = orderly::flow::meters::SPAN_ROWS;
        // One reading a minute, oldest first, a thousand at a time, one past the bound.
        for chunk in 0..=(span / 1000) {
            let readings: Vec<Value> = (0..1000)
                .map(|i| chunk * 1000 + i)
                .filter(|k| *k <= span)
                .map(|k| json!({"meter_id": m, "value": k as f64, "read_at": minutes_ago(20_000 - k)}))
                .collect();
            let r = send(
                &app,
                &device,
                &key,
                now + chunk,
                &json!({"readings": readings}),
            )
            .await;
            assert_eq!(r.status, 200, "{}", r.text);
        }
        let wide = json!({"readings": [
            {"meter_id": m, "value": 0.0, "read_at": minutes_ago(30_000), "kind": "reset"},
            {"meter_id": m, "value": 99_999.0, "read_at": minutes_ago(1)},
        ]});
        let r = send(&app, &device, &key, now + 100, &wide).await;
        assert_eq!(r.status, 422, "{}", r.text);
        assert!(r.text.contains("\"readings\""), "{}", r.text);
        // Close in time, the same readings go in.
        let near =
            json!({"readings": [{"meter_id": m, "value": 99_999.0, "read_at": minutes_ago(1)}]});
        let r = send(&app, &device, &key, now + 101, &near).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }

    on_both_backends!(backend: a_device_sends_signed_batches, a_batch_reads_a_bounded_span);
}
