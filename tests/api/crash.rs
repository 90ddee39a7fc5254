//! The real `orderly` binary killed with SIGKILL in the middle of write load,
//! then started again: every write it answered `201` to is there.

use std::cell::RefCell;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::rc::Rc;
use std::time::{Duration, Instant};

use orderly::store::Backend;
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::operations::customers_and_events;
use crate::support::{fresh_database, PASSWORD};

on_both_backends!(backend: a_server_killed_mid_write_loses_nothing_it_answered);

/// Writers sending customers at once.
const WRITERS: usize = 4;

/// The `orderly` command on the test's database, quiet, with no scheduled jobs.
fn orderly(database_url: &str, data: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_orderly"));
    cmd.env("DATABASE_URL", database_url)
        .env("ORDERLY_DATA_DIR", data)
        .env("ORDERLY_JWT_SECRET", "test-secret-test-secret-test-secret")
        .env("ORDERLY_ARGON2_MEMORY_KIB", "64")
        .env("ORDERLY_SCHEDULER", "false")
        .env("ORDERLY_LOG", "error")
        .env_remove("ORDERLY_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// A server process, killed when the test ends whatever happens.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `orderly serve` on a free port and waits until it is ready.
async fn serve(database_url: &str, data: &Path, client: &awc::Client) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let child = orderly(database_url, data)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .spawn()
        .unwrap();
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let ready = client.get(format!("{}/ready", server.base)).send().await;
        if ready.is_ok_and(|r| r.status().is_success()) {
            return server;
        }
        assert!(Instant::now() < deadline, "the server did not get ready");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn sign_in(server: &Server, client: &awc::Client) -> String {
    let mut r = client
        .post(format!("{}/api/v1/auth/login", server.base))
        .send_json(&json!({"email": "manager@crash.test", "password": PASSWORD}))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

/// Creates customers until the server stops answering; keeps the ids it answered `201` to.
async fn write_until_refused(
    client: awc::Client,
    base: String,
    token: String,
    writer: usize,
    answered: Rc<RefCell<Vec<String>>>,
) {
    for i in 0.. {
        let sent = client
            .post(format!("{base}/api/v1/customers"))
            .bearer_auth(&token)
            .send_json(&json!({"kind": "person", "segment": "b2c", "name": format!("Writer {writer} customer {i}")}))
            .await;
        let Ok(mut res) = sent else { return };
        assert_eq!(res.status(), 201, "a write refused before the crash");
        let Ok(body) = res.json::<Value>().await else {
            return;
        };
        answered
            .borrow_mut()
            .push(body["id"].as_str().unwrap().to_owned());
    }
}

async fn a_server_killed_mid_write_loses_nothing_it_answered(backend: Backend) {
    let (url, _db, data) = fresh_database(backend);
    let added = orderly(&url, data.path())
        .args([
            "user",
            "add",
            "--email",
            "manager@crash.test",
            "--name",
            "Manager",
        ])
        .args(["--role", "manager", "--password", PASSWORD])
        .status()
        .unwrap();
    assert!(added.success());
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(10))
        .finish();

    let mut server = serve(&url, data.path(), &client).await;
    let token = sign_in(&server, &client).await;
    let answered = Rc::new(RefCell::new(Vec::new()));
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let job = write_until_refused(
                client.clone(),
                server.base.clone(),
                token.clone(),
                w,
                answered.clone(),
            );
            actix_web::rt::spawn(job)
        })
        .collect();
    while answered.borrow().len() < 100 {
        actix_web::rt::time::sleep(Duration::from_millis(2)).await;
    }
    server.child.kill().unwrap(); // SIGKILL: no shutdown, no flush
    server.child.wait().unwrap();
    for w in writers {
        w.await.unwrap();
    }
    let answered = answered.take();

    let server = serve(&url, data.path(), &client).await;
    let token = sign_in(&server, &client).await;
    for id in &answered {
        let res = client
            .get(format!("{}/api/v1/customers/{id}", server.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            200,
            "customer {id} was answered 201, then lost"
        );
    }
    // Writes cut short by the kill are there whole or not at all.
    let (pool, _) = orderly::store::connect(&url, 1).unwrap();
    let (customers, events) = customers_and_events(&mut pool.get().unwrap());
    assert_eq!(customers, events, "every customer with its timeline event");
    assert!(customers >= answered.len() as i64);
    // Still writable after the restart.
    write_one(&client, &server, &token).await;
}

async fn write_one(client: &awc::Client, server: &Server, token: &str) {
    let res = client
        .post(format!("{}/api/v1/customers", server.base))
        .bearer_auth(token)
        .send_json(&json!({"kind": "person", "segment": "b2c", "name": "After the restart"}))
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
}
