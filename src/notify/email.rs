//! E-mail over SMTP with lettre: STARTTLS, TLS or plain, with credentials.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment as LettreAttachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::{Outgoing, ProviderId, SendError};
use crate::config::delivery::{EmailTransport, SmtpSecurity};

/// Sends e-mail through the configured transport; SMTP connections are pooled.
pub struct EmailSender {
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
}

impl EmailSender {
    /// `connections`: the most SMTP connections kept open, one per concurrent send.
    pub fn new(
        transport: &EmailTransport,
        from: &str,
        timeout: Duration,
        connections: usize,
    ) -> Result<EmailSender, String> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("ORDERLY_EMAIL_FROM: {e}"))?;
        let smtp = match transport {
            EmailTransport::Log => None,
            EmailTransport::Smtp {
                host,
                port,
                security,
                username,
                password,
            } => {
                let builder = match security {
                    SmtpSecurity::Starttls => {
                        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                    }
                    SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host),
                    SmtpSecurity::Plain => Ok(
                        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
                    ),
                }
                .map_err(|e| format!("ORDERLY_SMTP_HOST: {e}"))?;
                let pool =
                    PoolConfig::new().max_size(u32::try_from(connections).unwrap_or(u32::MAX));
                let mut builder = builder.port(*port).timeout(Some(timeout)).pool_config(pool);
                if let Some(user) = username {
                    builder = builder.credentials(Credentials::new(
                        user.clone(),
                        password.clone().unwrap_or_default(),
                    ));
                }
                Some(builder.build())
            }
        };
        Ok(EmailSender { smtp, from })
    }

    /// Sends one e-mail; its Message-ID is fixed by the outbox id, so a resend
    /// after a crash is recognisable as the same message.
    pub async fn send(&self, mail: &Outgoing<'_>) -> Result<ProviderId, SendError> {
        let to: Mailbox = mail.to.parse().map_err(|e| {
            SendError::Permanent(format!("`{}` is not an e-mail address: {e}", mail.to))
        })?;
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.unwrap_or_default())
            .message_id(Some(format!("<{}@orderly>", mail.id)));
        let built = if mail.attachments.is_empty() {
            builder
                .header(ContentType::TEXT_PLAIN)
                .body(mail.body.to_owned())
        } else {
            let mut parts = MultiPart::mixed().singlepart(SinglePart::plain(mail.body.to_owned()));
            for file in mail.attachments {
                let kind = ContentType::parse(&file.content_type)
                    .map_err(|e| SendError::Permanent(format!("`{}`: {e}", file.content_type)))?;
                parts = parts.singlepart(
                    LettreAttachment::new(file.name.clone()).body(file.bytes.clone(), kind),
                );
            }
            builder.multipart(parts)
        };
        let message =
            built.map_err(|e| SendError::Permanent(format!("cannot build the e-mail: {e}")))?;
        let Some(smtp) = &self.smtp else {
            tracing::info!(id = mail.id, to = mail.to, subject = ?mail.subject, "e-mail (log channel: not sent)");
            return Ok(Some(format!("log-{}", mail.id)));
        };
        match smtp.send(message).await {
            Ok(response) => Ok(Some(response.message().collect::<Vec<_>>().join(" "))),
            Err(e) if e.is_permanent() => {
                Err(SendError::Permanent(format!("SMTP server refused: {e}")))
            }
            Err(e) => Err(SendError::Transient(format!("SMTP: {e}"))),
        }
    }
}
