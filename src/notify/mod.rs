//! The outbox's way out: e-mail over SMTP (lettre), SMS through an HTTP
//! provider, and the worker that delivers what the flow has queued.

pub mod email;
pub mod sms;
pub mod worker;

/// Why a message did not go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// Worth another try: a timeout, a refused connection, a 5xx, a 429.
    Transient(String),
    /// Will never work as it is: a bad number, an address the server refuses.
    Permanent(String),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Transient(m) | SendError::Permanent(m) => f.write_str(m),
        }
    }
}

/// The provider's id of an accepted message, when it gives one.
pub type ProviderId = Option<String>;

/// One message as a transport sees it.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    /// The outbox id; providers receive it as an idempotency key.
    pub id: &'a str,
    pub to: &'a str,
    pub subject: Option<&'a str>,
    pub body: &'a str,
    /// Files to send with an e-mail (SMS ignore them).
    pub attachments: &'a [File],
}

/// A stored file read for sending.
#[derive(Debug, Clone)]
pub struct File {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}
