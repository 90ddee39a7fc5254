//! `TestApp`: the real server on a bound port, on a fresh database, with a client per role.

use std::collections::HashMap;
use std::net::TcpListener;

use actix_web::HttpServer;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use orderly::api::state::AppState;
use orderly::app::build_app;
use orderly::config::Config;
use orderly::core::ids;
use orderly::core::role::Role;
use orderly::runtime::Runtime;
use orderly::store::{self, users, Backend};
use serde_json::Value;

pub const PASSWORD: &str = "test-password-1";

/// A day some days after today (UTC), as `YYYY-MM-DD`: visits are booked no
/// earlier than a day ago and no later than two years ahead, so tests book
/// relative to today.
pub fn day_ahead(days: u64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Days::new(days)).to_string()
}

/// A database made for one test and dropped after it.
pub enum TestDb {
    /// Holds the folder of the SQLite file until the test ends.
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres {
        admin_url: String,
        name: String,
    },
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { admin_url, name } = self {
            if let Ok(mut conn) = diesel::PgConnection::establish(admin_url) {
                let _ =
                    conn.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
            }
        }
    }
}

/// The PostgreSQL server tests use, when `ORDERLY_TEST_POSTGRES_URL` is set.
pub fn postgres_url() -> Option<String> {
    std::env::var("ORDERLY_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// A fresh database of the backend: its URL and the guard that drops it.
pub fn fresh_database(backend: Backend) -> (String, TestDb, tempfile::TempDir) {
    let data = tempfile::tempdir().expect("tempdir");
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("tempdir");
            let url = dir.path().join("test.db").to_string_lossy().into_owned();
            (url, TestDb::Sqlite(dir), data)
        }
        Backend::Postgres => {
            let admin_url = postgres_url().expect("ORDERLY_TEST_POSTGRES_URL");
            let name = format!("orderly_test_{}", ids::new_id().replace('-', ""));
            let mut conn = diesel::PgConnection::establish(&admin_url)
                .expect("connect to the test PostgreSQL");
            conn.batch_execute(&format!("CREATE DATABASE \"{name}\""))
                .expect("create test database");
            let (base, _) = admin_url
                .rsplit_once('/')
                .expect("a database URL with a path");
            let url = format!("{base}/{name}");
            (url, TestDb::Postgres { admin_url, name }, data)
        }
    }
}

/// Settings for a test: a fresh data folder, cheap password hashing, a fixed secret.
pub fn test_config(
    database_url: &str,
    data_dir: &std::path::Path,
    extra: &[(&str, &str)],
) -> Config {
    let mut vars: HashMap<String, String> = [
        ("DATABASE_URL", database_url),
        ("ORDERLY_DATA_DIR", data_dir.to_str().expect("utf-8 path")),
        ("ORDERLY_JWT_SECRET", "test-secret-test-secret-test-secret"),
        ("ORDERLY_ARGON2_MEMORY_KIB", "64"),
        ("ORDERLY_POOL_SIZE", "4"),
        // Tests run at any hour; the quiet-hours test sets its own.
        ("ORDERLY_QUIET_HOURS", "off"),
        // Plans repeat: one solver thread and a generation limit.
        ("ORDERLY_PLAN_THREADS", "1"),
        ("ORDERLY_PLAN_GENERATIONS", "150"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in extra {
        vars.insert(k.to_string(), v.to_string());
    }
    Config::from_vars(vars).expect("test config")
}

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub users: HashMap<Role, (String, String)>,
    client: awc::Client,
    port: u16,
    server: std::sync::Mutex<actix_web::dev::ServerHandle>,
    _data: tempfile::TempDir,
    /// The database, dropped with the instance that made it.
    _db: Option<TestDb>,
}

/// The answer to one request.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub body: Value,
}

impl Resp {
    /// The `field` of an error answer.
    pub fn field(&self) -> Option<&str> {
        self.body["error"]["field"].as_str()
    }

    pub fn code(&self) -> Option<&str> {
        self.body["error"]["code"].as_str()
    }
}

impl std::ops::Index<&str> for Resp {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        &self.body[key]
    }
}

impl TestApp {
    /// Starts the app on a fresh database of the backend, with one user per role.
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, &[]).await
    }

    /// As [`spawn`], with extra settings.
    pub async fn spawn_with(backend: Backend, extra: &[(&str, &str)]) -> TestApp {
        let (url, db, data) = fresh_database(backend);
        let state = Self::state(&url, data.path(), extra);
        let mut created = HashMap::new();
        let hash = state.passwords.hash(PASSWORD).expect("hash");
        let mut conn = state.database.pool.get().expect("conn");
        for role in Role::ALL {
            let email = format!("{}@test.orderly", role.as_str());
            let row = users::insert(
                &mut conn,
                &ids::UserId::new(),
                &email,
                role.as_str(),
                &hash,
                &[role],
            )
            .expect("user");
            created.insert(role, (row.id.into_string(), email));
        }
        drop(conn);
        Self::start(state, created, data, Some(db))
    }

    /// A second server on this one's database, as another instance behind a
    /// load balancer would be: its own pool, settings and port.
    pub fn another_instance(&self, extra: &[(&str, &str)]) -> TestApp {
        let data = tempfile::tempdir().expect("tempdir");
        let state = Self::state(&self.state.config().database_url, data.path(), extra);
        Self::start(state, self.users.clone(), data, None)
    }

    /// The app's state on a database, migrated.
    fn state(url: &str, data: &std::path::Path, extra: &[(&str, &str)]) -> AppState {
        let config = test_config(url, data, extra);
        let (pool, backend) = store::connect(&config.database_url, config.pool_size).expect("pool");
        store::migrate(&mut pool.get().expect("conn")).expect("migrate");
        let files = orderly::files::open(&config.files).expect("file store");
        AppState::new(Runtime::new(pool, backend, config, files))
    }

    /// Serves the state on a free port.
    fn start(
        state: AppState,
        users: HashMap<Role, (String, String)>,
        data: tempfile::TempDir,
        db: Option<TestDb>,
    ) -> TestApp {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let handle = serve(&state, listener);
        TestApp {
            base: format!("http://127.0.0.1:{port}"),
            state,
            users,
            // Idle connections are let go before the server's 5 s keep-alive
            // closes them: a request on one the server is closing fails with
            // `Disconnected` (seen once after a browser test's long pause).
            client: awc::Client::builder()
                .connector(awc::Connector::new().conn_keep_alive(std::time::Duration::from_secs(2)))
                .timeout(std::time::Duration::from_secs(30))
                .disable_redirects()
                .finish(),
            port,
            server: std::sync::Mutex::new(handle),
            _data: data,
            _db: db,
        }
    }

    /// Stops answering, as if the phone lost its connection (the port refuses).
    pub async fn go_offline(&self) {
        let handle = self.server.lock().unwrap().clone();
        handle.stop(false).await;
    }

    /// Answers again on the same address.
    pub fn go_online(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).expect("bind again");
        *self.server.lock().unwrap() = serve(&self.state, listener);
    }

    /// An access token for the test user of the role.
    /// The `orderly` command on this app's database and data folder, as an
    /// operator would run it beside the server.
    pub fn command(&self, subcommand: &str) -> std::process::Command {
        let config = self.state.config();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_orderly"));
        cmd.arg(subcommand)
            .env("DATABASE_URL", &config.database_url)
            .env("ORDERLY_DATA_DIR", &config.data_dir)
            .env("ORDERLY_JWT_SECRET", "test-secret-test-secret-test-secret")
            .env_remove("ORDERLY_CONFIG");
        cmd
    }

    pub fn token(&self, role: Role) -> String {
        self.token_for(&self.users[&role].0)
    }

    /// An access token of a fresh login of the user (a session that a sign-out
    /// ends), as a sign-in would give.
    pub fn token_for(&self, user_id: &str) -> String {
        use orderly::core::ids::TypedId;
        let user_id = &orderly::core::ids::UserId::parse(user_id).expect("a user id");
        let session = orderly::core::ids::new_id();
        let mut conn = self.state.database.pool.get().expect("conn");
        orderly::store::tokens::insert(
            &mut conn,
            user_id,
            &session,
            &orderly::core::ids::new_id(),
            orderly::store::now() + chrono::Duration::days(1),
        )
        .expect("session");
        let version = orderly::store::users::find(&mut conn, user_id)
            .expect("user")
            .map_or(0, |u| u.token_version);
        self.state
            .keys
            .issue(user_id, version, &session)
            .expect("token")
    }

    pub fn as_role(&self, role: Role) -> Client<'_> {
        Client {
            app: self,
            token: Some(self.token(role)),
        }
    }
    pub fn as_owner(&self) -> Client<'_> {
        self.as_role(Role::Owner)
    }
    pub fn as_manager(&self) -> Client<'_> {
        self.as_role(Role::Manager)
    }
    pub fn as_administrator(&self) -> Client<'_> {
        self.as_role(Role::Administrator)
    }
    pub fn as_engineer(&self) -> Client<'_> {
        self.as_role(Role::Engineer)
    }
    /// A client with no token.
    pub fn anonymous(&self) -> Client<'_> {
        Client {
            app: self,
            token: None,
        }
    }
    /// A client with the given bearer token.
    pub fn with_token(&self, token: &str) -> Client<'_> {
        Client {
            app: self,
            token: Some(token.to_owned()),
        }
    }

    /// Logs in through the API and returns the answer.
    pub async fn login(&self, email: &str, password: &str) -> Resp {
        self.anonymous()
            .post(
                "/api/v1/auth/login",
                serde_json::json!({"email": email, "password": password}),
            )
            .await
    }

    /// Creates a customer as the manager and returns its id.
    pub async fn customer(&self, name: &str) -> String {
        let r = self
            .as_manager()
            .post(
                "/api/v1/customers",
                serde_json::json!({"kind": "person", "segment": "b2c", "name": name}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        r["id"].as_str().expect("id").to_owned()
    }

    /// Creates a site of a customer and returns its id.
    pub async fn site(&self, customer_id: &str) -> String {
        let r = self
            .as_manager()
            .post(
                "/api/v1/sites",
                serde_json::json!({"customer_id": customer_id, "address_line1": "Khreshchatyk 1", "city": "Kyiv",
                                   "latitude": 50.45, "longitude": 30.52}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        r["id"].as_str().expect("id").to_owned()
    }
}

/// Runs the app on a listener.
fn serve(state: &AppState, listener: TcpListener) -> actix_web::dev::ServerHandle {
    let app_state = state.clone();
    let server = HttpServer::new(move || build_app(app_state.clone()))
        .tcp_nodelay(true)
        .workers(1)
        .disable_signals()
        .listen(listener)
        .expect("listen")
        .run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    handle
}

/// An answer as text, with the headers tests look at.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    pub location: Option<String>,
    pub content_type: Option<String>,
    pub text: String,
    pub bytes: Vec<u8>,
    /// Every header, names in lower case.
    pub headers: HashMap<String, String>,
}

/// Requests as one caller.
pub struct Client<'a> {
    app: &'a TestApp,
    token: Option<String>,
}

impl Client<'_> {
    pub async fn get(&self, path: &str) -> Resp {
        self.send("GET", path, None).await
    }
    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.send("POST", path, Some(body.to_string())).await
    }
    pub async fn patch(&self, path: &str, body: Value) -> Resp {
        self.send("PATCH", path, Some(body.to_string())).await
    }
    pub async fn put(&self, path: &str, body: Value) -> Resp {
        self.send("PUT", path, Some(body.to_string())).await
    }

    /// Any method, any raw body (for malformed JSON).
    pub async fn send(&self, method: &str, path: &str, body: Option<String>) -> Resp {
        self.send_with_headers(method, path, body, &[]).await
    }

    /// As [`send`], with extra headers.
    pub async fn send_with_headers(
        &self,
        method: &str,
        path: &str,
        body: Option<String>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let raw = self
            .raw(method, path, body.map(String::into_bytes), headers)
            .await;
        let body = if raw.text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&raw.text).unwrap_or(Value::Null)
        };
        Resp {
            status: raw.status,
            body,
        }
    }

    /// Any request, answered as text (pages, redirects); JSON unless a Content-Type is given.
    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
        headers: &[(&str, &str)],
    ) -> Raw {
        let method = awc::http::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self
            .app
            .client
            .request(method, format!("{}{}", self.app.base, path));
        if let Some(t) = &self.token {
            req = req.insert_header(("Authorization", format!("Bearer {t}")));
        }
        for (name, value) in headers {
            req = req.insert_header((*name, *value));
        }
        let typed = headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"));
        let mut res = match body {
            Some(b) if typed => req.send_body(b).await,
            Some(b) => {
                req.insert_header(("Content-Type", "application/json"))
                    .send_body(b)
                    .await
            }
            None => req.send().await,
        }
        .expect("request");
        let status = res.status().as_u16();
        let header = |name| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let (location, content_type) = (header("location"), header("content-type"));
        let headers = res
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        let bytes = res.body().limit(16 * 1024 * 1024).await.expect("body");
        Raw {
            status,
            location,
            content_type,
            text: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
            headers,
        }
    }
}

/// Runs each listed test on SQLite, and on PostgreSQL when `ORDERLY_TEST_POSTGRES_URL` is set.
/// With `backend:` first, the tests receive the backend and start their own app.
#[macro_export]
macro_rules! on_both_backends {
    (backend: $($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[actix_web::test]
                async fn $name() {
                    super::$name(orderly::store::Backend::Sqlite).await;
                }
            )+
        }
        mod postgres {
            $(
                #[actix_web::test]
                async fn $name() {
                    if $crate::support::postgres_url().is_none() {
                        eprintln!("ORDERLY_TEST_POSTGRES_URL is not set: PostgreSQL run skipped");
                        return;
                    }
                    super::$name(orderly::store::Backend::Postgres).await;
                }
            )+
        }
    };
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[actix_web::test]
                async fn $name() {
                    super::$name($crate::support::TestApp::spawn(orderly::store::Backend::Sqlite).await).await;
                }
            )+
        }
        mod postgres {
            $(
                #[actix_web::test]
                async fn $name() {
                    if $crate::support::postgres_url().is_none() {
                        eprintln!("ORDERLY_TEST_POSTGRES_URL is not set: PostgreSQL run skipped");
                        return;
                    }
                    super::$name($crate::support::TestApp::spawn(orderly::store::Backend::Postgres).await).await;
                }
            )+
        }
    };
}
