//! The S3 file store against a real S3 protocol peer: moto's server on
//! 127.0.0.1 (`pip install "moto[server]"`), with a bucket made for the test.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use orderly::core::role::Role;
use orderly::files::s3::{S3Files, S3Settings};
use orderly::files::{sha256_hex, FileStore};
use orderly::store::Backend;
use serde_json::json;

use crate::certificates::certificate_pdf;
use crate::on_both_backends;
use crate::support::{day_ahead, TestApp};
use crate::work_orders::{act, customer_with_site, engineer_id, order_in_scheduling};

on_both_backends!(backend: certificates_and_photos_live_in_s3);

/// An S3-compatible server with one empty bucket.
struct S3Server {
    child: Child,
    endpoint: String,
}

impl S3Server {
    async fn start(bucket: &str) -> S3Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server (pip install \"moto[server]\")");
        // Owned at once, so that a failure below still stops the process.
        let server = S3Server {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let client = awc::Client::default();
        for _ in 0..100 {
            if let Ok(r) = client
                .put(format!("{}/{bucket}", server.endpoint))
                .send()
                .await
            {
                assert!(r.status().is_success(), "create bucket: {}", r.status());
                return server;
            }
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("moto_server did not start");
    }

    fn settings(&self, bucket: &str) -> S3Settings {
        S3Settings {
            bucket: bucket.into(),
            region: "us-east-1".into(),
            endpoint: Some(self.endpoint.clone()),
            access_key_id: "test".into(),
            secret_access_key: "test".into(),
            prefix: "orderly/".into(),
        }
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[actix_web::test]
async fn the_s3_store_keeps_files_by_their_hash() {
    let server = S3Server::start("unit").await;
    let store = S3Files::open(&server.settings("unit")).unwrap();
    let (key, again, got, missing) = actix_web::web::block(move || {
        let key = store.put(b"certificate bytes").unwrap();
        let again = store.put(b"certificate bytes").unwrap();
        let got = store.get(&key).unwrap();
        let missing = store.get(&sha256_hex(b"nothing")).unwrap();
        (key, again, got, missing)
    })
    .await
    .unwrap();
    assert_eq!(key, sha256_hex(b"certificate bytes"));
    assert_eq!(again, key);
    assert_eq!(got.as_deref(), Some(&b"certificate bytes"[..]));
    assert_eq!(missing, None);
    // Another instance, with its own client, finds it.
    let other = S3Files::open(&server.settings("unit")).unwrap();
    let found = actix_web::web::block(move || other.get(&key).unwrap())
        .await
        .unwrap();
    assert_eq!(found.as_deref(), Some(&b"certificate bytes"[..]));
}

async fn certificates_and_photos_live_in_s3(backend: Backend) {
    let server = S3Server::start("orderly").await;
    let endpoint = server.endpoint.clone();
    let app = TestApp::spawn_with(
        backend,
        &[
            ("ORDERLY_FILES", "s3"),
            ("ORDERLY_S3_BUCKET", "orderly"),
            ("ORDERLY_S3_ENDPOINT", &endpoint),
            ("ORDERLY_S3_ACCESS_KEY_ID", "test"),
            ("ORDERLY_S3_SECRET_ACCESS_KEY", "test"),
            ("ORDERLY_S3_PREFIX", "orderly/"),
        ],
    )
    .await;
    let (customer, site, contact, _) = customer_with_site(&app, "Олена Коваленко").await;
    let (order, v) = order_in_scheduling(&app, &customer, &site).await;
    for (role, action, body) in [
        (
            Role::Administrator,
            "schedule",
            json!({"version": v, "engineer_id": engineer_id(&app),
            "start": format!("{}T08:00:00Z", day_ahead(2)), "end": format!("{}T10:00:00Z", day_ahead(2)), "on_site_contact_id": contact}),
        ),
        (Role::Engineer, "start-travel", json!({"version": v + 1})),
        (Role::Engineer, "arrive", json!({"version": v + 2})),
    ] {
        assert_eq!(
            act(&app, role, &order, action, body).await.status,
            200,
            "{action}"
        );
    }
    let visit = app
        .as_administrator()
        .get(&format!("/api/v1/work-orders/{order}"))
        .await["visits"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8, y as u8, 7]));
    let mut jpeg = std::io::Cursor::new(Vec::new());
    img.write_to(&mut jpeg, image::ImageFormat::Jpeg).unwrap();
    let jpeg = jpeg.into_inner();
    let r = app
        .as_engineer()
        .raw(
            "POST",
            &format!("/api/v1/my/visits/{visit}/photos"),
            Some(jpeg.clone()),
            &[("Content-Type", "image/jpeg")],
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    for (role, action, body) in [
        (Role::Engineer, "finish", json!({"version": v + 3})),
        (
            Role::Administrator,
            "certify",
            json!({"version": v + 4, "summary": "Готово."}),
        ),
    ] {
        assert_eq!(
            act(&app, role, &order, action, body).await.status,
            200,
            "{action}"
        );
    }
    let pdf = certificate_pdf(&app, &order).await;
    assert_eq!(pdf.status, 200);
    let key = sha256_hex(&pdf.bytes);
    // Both files are objects in the bucket, readable by another instance.
    let other = S3Files::open(&server.settings("orderly")).unwrap();
    let photo = sha256_hex(&jpeg);
    let found =
        actix_web::web::block(move || (other.get(&key).unwrap(), other.get(&photo).unwrap()))
            .await
            .unwrap();
    assert!(
        found.0.as_deref() == Some(&pdf.bytes[..]),
        "the certificate is in the bucket"
    );
    assert!(
        found.1.as_deref() == Some(&jpeg[..]),
        "the photo is in the bucket"
    );
    assert!(
        !app.state.config().data_dir.join("files").exists(),
        "nothing on the local disk"
    );
}
