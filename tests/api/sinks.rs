//! Local peers for the outbox: an SMTP server and an SMS provider on 127.0.0.1
//! that record what they receive and can be told to fail. The benchmark uses
//! them too.

use std::collections::VecDeque;
use std::net::TcpListener as StdListener;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One e-mail as the SMTP server received it.
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    /// The whole message: headers and body.
    pub data: String,
    /// When it arrived (the benchmark measures delivery delay with it).
    #[allow(dead_code)]
    pub at: Instant,
}

/// An SMTP server speaking enough of RFC 5321 for lettre (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT).
pub struct SmtpSink {
    pub port: u16,
    pub mails: Arc<Mutex<Vec<Mail>>>,
    task: tokio::task::JoinHandle<()>,
}

impl SmtpSink {
    /// Listens on a free port.
    pub async fn start() -> SmtpSink {
        Self::start_on(0).await
    }

    /// Listens on the given port (0 for any).
    pub async fn start_on(port: u16) -> SmtpSink {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind smtp");
        let port = listener.local_addr().expect("addr").port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let store = mails.clone();
        let task = tokio::spawn(async move {
            let mut n = 0u64;
            while let Ok((socket, _)) = listener.accept().await {
                let _ = socket.set_nodelay(true);
                n += 1;
                tokio::spawn(session(socket, store.clone(), n));
            }
        });
        SmtpSink { port, mails, task }
    }

    pub fn count(&self) -> usize {
        self.mails.lock().unwrap().len()
    }
}

impl Drop for SmtpSink {
    /// Stops listening; the port refuses connections afterwards.
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn session(socket: tokio::net::TcpStream, mails: Arc<Mutex<Vec<Mail>>>, conn: u64) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    let _ = write.write_all(b"220 sink ESMTP\r\n").await;
    let (mut from, mut to, mut queued) = (String::new(), Vec::new(), 0u64);
    while let Ok(Some(line)) = lines.next_line().await {
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") {
            b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        } else if upper.starts_with("HELO")
            || upper.starts_with("RSET")
            || upper.starts_with("NOOP")
        {
            b"250 OK\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            from = line[10..].trim().to_owned();
            to.clear();
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO:") {
            to.push(line[8..].trim().trim_matches(['<', '>']).to_owned());
            b"250 OK\r\n"
        } else if upper.starts_with("DATA") {
            let _ = write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await;
            let mut data = String::new();
            while let Ok(Some(l)) = lines.next_line().await {
                if l == "." {
                    break;
                }
                data.push_str(
                    l.strip_prefix('.')
                        .filter(|_| l.starts_with(".."))
                        .unwrap_or(&l),
                );
                data.push('\n');
            }
            queued += 1;
            mails.lock().unwrap().push(Mail {
                from: from.clone(),
                to: to.clone(),
                data,
                at: Instant::now(),
            });
            let reply = format!("250 OK: queued as C{conn}M{queued}\r\n");
            let _ = write.write_all(reply.as_bytes()).await;
            continue;
        } else if upper.starts_with("QUIT") {
            let _ = write.write_all(b"221 bye\r\n").await;
            return;
        } else {
            b"502 not implemented\r\n"
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}

/// One request to the SMS provider.
#[derive(Debug, Clone)]
pub struct SmsRequest {
    pub path: String,
    pub authorization: Option<String>,
    pub idempotency_key: Option<String>,
    pub body: String,
    /// The status it was answered with (0: never answered).
    pub status: u16,
    /// When it arrived (the benchmark measures delivery delay with it).
    #[allow(dead_code)]
    pub at: Instant,
}

#[derive(Default)]
struct SmsState {
    requests: Vec<SmsRequest>,
    /// Statuses to answer with, in order; 0 means hang without answering. Then 201.
    script: VecDeque<u16>,
}

/// An HTTP server that answers like an SMS provider (Twilio's JSON shape).
pub struct SmsSink {
    pub url: String,
    state: Arc<Mutex<SmsState>>,
    _server: actix_web::dev::ServerHandle,
}

async fn receive(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<Arc<Mutex<SmsState>>>,
) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (status, n) = {
        let mut s = state.lock().unwrap();
        let status = s.script.pop_front().unwrap_or(201);
        s.requests.push(SmsRequest {
            path: req.path().to_owned(),
            authorization: header("authorization"),
            idempotency_key: header("idempotency-key")
                .or_else(|| header("i-twilio-idempotency-token")),
            body: String::from_utf8_lossy(&body).into_owned(),
            status,
            at: Instant::now(),
        });
        (status, s.requests.len())
    };
    if status == 0 {
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
    }
    let code = actix_web::http::StatusCode::from_u16(status).unwrap();
    if code.is_success() {
        HttpResponse::build(code)
            .json(serde_json::json!({"sid": format!("SM{n}"), "status": "queued"}))
    } else {
        HttpResponse::build(code).json(serde_json::json!({"message": format!("scripted {status}")}))
    }
}

impl SmsSink {
    pub async fn start() -> SmsSink {
        let state = Arc::new(Mutex::new(SmsState::default()));
        let data = web::Data::new(state.clone());
        let listener = StdListener::bind("127.0.0.1:0").expect("bind sms");
        let port = listener.local_addr().expect("addr").port();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(receive))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .expect("listen")
        .run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        SmsSink {
            url: format!("http://127.0.0.1:{port}"),
            state,
            _server: handle,
        }
    }

    /// Answers the next requests with these statuses (0: hang), then 201.
    pub fn script(&self, statuses: &[u16]) {
        self.state.lock().unwrap().script.extend(statuses);
    }

    pub fn requests(&self) -> Vec<SmsRequest> {
        self.state.lock().unwrap().requests.clone()
    }

    /// Requests answered with success: the messages the provider accepted.
    pub fn accepted(&self) -> Vec<SmsRequest> {
        self.requests()
            .into_iter()
            .filter(|r| (200..300).contains(&r.status))
            .collect()
    }
}
