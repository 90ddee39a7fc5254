//! How messages leave the building: the SMS provider, the e-mail transport and
//! the delivery worker's pace, as configured.

use std::time::Duration;

/// Where SMS go.
#[derive(Debug, Clone)]
pub enum SmsProvider {
    /// Records the message as sent and sends nothing: the offline demo's default.
    Log,
    /// Twilio's Messages API, or any service that speaks it.
    Twilio {
        account_sid: String,
        auth_token: String,
        from: String,
        /// `https://api.twilio.com` unless pointed elsewhere (a local test server).
        base_url: String,
    },
    /// A JSON POST of `{id, to, body}` to an address of the operator's choosing.
    Webhook { url: String, token: Option<String> },
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (port 587), required.
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same host or in tests.
    Plain,
}

/// Where e-mail goes.
#[derive(Debug, Clone)]
pub enum EmailTransport {
    /// Records the message as sent and sends nothing.
    Log,
    Smtp {
        host: String,
        port: u16,
        security: SmtpSecurity,
        username: Option<String>,
        password: Option<String>,
    },
}

/// The delivery worker's settings.
#[derive(Debug, Clone)]
pub struct DeliverySettings {
    /// Whether this instance runs a delivery worker.
    pub worker: bool,
    pub sms: SmsProvider,
    pub email: EmailTransport,
    /// The From address of e-mail.
    pub email_from: String,
    /// Attempts before a message is marked dead.
    pub max_attempts: u32,
    /// The first retry's delay; each next one doubles, up to `retry_max`.
    pub retry_base: Duration,
    pub retry_max: Duration,
    /// How long a claimed message stays with its worker before another may take it.
    pub lease: Duration,
    /// How often the worker looks for due messages when nobody wakes it.
    pub poll: Duration,
    /// Messages claimed at once.
    pub batch: i64,
    /// Messages sent at once.
    pub concurrency: usize,
    /// The longest one send may take.
    pub timeout: Duration,
}
