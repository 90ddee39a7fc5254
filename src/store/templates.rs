//! Message templates the owner has edited; every other template is built in.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::notification_templates as t;
use super::DbConnection;
use crate::core::notice::template::{builtin, TemplateText};
use crate::core::notice::{Locale, MessageChannel, NoticeEvent};
use crate::error::AppError;

/// The template in force: the owner's, or the built-in one. The flag says which.
pub fn current(
    conn: &mut DbConnection,
    event: NoticeEvent,
    channel: MessageChannel,
    locale: Locale,
) -> Result<(TemplateText, bool), AppError> {
    let saved: Option<(Option<String>, String)> = t::table
        .find((event.as_str(), channel.as_str(), locale.as_str()))
        .select((t::subject, t::body))
        .first(conn)
        .optional()?;
    Ok(match saved {
        Some((subject, body)) => (TemplateText { subject, body }, true),
        None => (builtin(event, channel, locale), false),
    })
}

/// Saves the owner's version of a template, replacing any earlier one.
pub fn save(
    conn: &mut DbConnection,
    key: (NoticeEvent, MessageChannel, Locale),
    text: &TemplateText,
    user_id: &str,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let (event, channel, locale) = (key.0.as_str(), key.1.as_str(), key.2.as_str());
    super::transaction(conn, |conn| {
        diesel::delete(t::table.find((event, channel, locale))).execute(conn)?;
        diesel::insert_into(t::table)
            .values((
                t::event.eq(event),
                t::channel.eq(channel),
                t::locale.eq(locale),
                t::subject.eq(&text.subject),
                t::body.eq(&text.body),
                t::updated_by.eq(user_id),
                t::updated_at.eq(at),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// Goes back to the built-in template; true if there was an edited one.
pub fn reset(
    conn: &mut DbConnection,
    key: (NoticeEvent, MessageChannel, Locale),
) -> Result<bool, AppError> {
    let n = diesel::delete(t::table.find((key.0.as_str(), key.1.as_str(), key.2.as_str())))
        .execute(conn)?;
    Ok(n == 1)
}
