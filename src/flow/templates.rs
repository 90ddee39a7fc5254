//! The words of the company's messages: the templates in force (the owner's
//! own or the built-in ones), saved and reset with an event on the record.

use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::core::notice::template::TemplateText;
use crate::core::notice::{Locale, MessageChannel, NoticeEvent};
use crate::error::AppError;
use crate::store::events::{self, NewEvent};
use crate::store::{now, templates, transaction, DbConnection};

/// Which template: the event, the channel and the language.
pub type Key = (NoticeEvent, MessageChannel, Locale);

/// A template in force, with the words it may use.
#[derive(Debug, Serialize, ToSchema)]
pub struct Template {
    pub event: NoticeEvent,
    pub channel: MessageChannel,
    pub locale: Locale,
    pub subject: Option<String>,
    pub body: String,
    /// `true` when the owner's version replaces the built-in one.
    pub edited: bool,
    /// The `{{words}}` the template may use.
    pub variables: Vec<String>,
}

/// The template in force for a key.
pub fn template(
    conn: &mut DbConnection,
    (event, channel, locale): Key,
) -> Result<Template, AppError> {
    let (text, edited) = templates::current(conn, event, channel, locale)?;
    Ok(Template {
        event,
        channel,
        locale,
        subject: text.subject,
        body: text.body,
        edited,
        variables: event.variables().iter().map(|v| v.to_string()).collect(),
    })
}

/// Every template, as the company's messages use it now.
pub fn all(conn: &mut DbConnection) -> Result<Vec<Template>, AppError> {
    let mut out = Vec::new();
    for e in NoticeEvent::ALL {
        for c in MessageChannel::ALL {
            for l in Locale::ALL {
                out.push(template(conn, (*e, *c, *l))?);
            }
        }
    }
    Ok(out)
}

/// Saves the owner's words (already checked) for a key.
pub fn save(
    conn: &mut DbConnection,
    actor: &str,
    key: Key,
    text: &TemplateText,
) -> Result<Template, AppError> {
    transaction(conn, |conn| {
        templates::save(conn, key, text, actor, now())?;
        record(conn, actor, key, "edited")?;
        template(conn, key)
    })
}

/// Goes back to the built-in words for a key.
pub fn reset(conn: &mut DbConnection, actor: &str, key: Key) -> Result<Template, AppError> {
    transaction(conn, |conn| {
        if templates::reset(conn, key)? {
            record(conn, actor, key, "reset")?;
        }
        template(conn, key)
    })
}

fn record(conn: &mut DbConnection, user_id: &str, key: Key, action: &str) -> Result<(), AppError> {
    let id = format!("{}/{}/{}", key.0.as_str(), key.1.as_str(), key.2.as_str());
    events::record(
        conn,
        NewEvent {
            actor_id: Some(user_id),
            customer_id: None,
            entity_type: "notification_template",
            entity_id: &id,
            action,
            changes: json!({}),
        },
    )
}
