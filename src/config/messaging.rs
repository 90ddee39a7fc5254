//! How the company speaks to its customers: its name and legal details, its
//! zone and language, the links it signs and its quiet hours, as configured.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use crate::core::notice::delivery::QuietHours;
use crate::core::notice::link::LinkKey;
use crate::core::notice::{Locale, MessageChannel};
use crate::store::utc;
use crate::store::visits::VisitRow;

/// How the company speaks to its customers.
#[derive(Debug, Clone)]
pub struct Messaging {
    /// The name messages are signed with.
    pub company: String,
    /// Address, tax number, phone: under the company's name on certificates.
    pub company_details: Option<String>,
    /// The number customers call (E.164): on stickers, and the one thing a
    /// withdrawn sticker still shows.
    pub company_phone: Option<String>,
    /// Legal name, address and tax code, for the certificate.
    pub legal: crate::core::certificate::LegalDetails,
    pub timezone: Tz,
    /// The language of contacts that have not chosen one.
    pub locale: Locale,
    /// Where customers reach the server: the base of their links.
    pub public_url: String,
    pub link_key: LinkKey,
    /// Local hours without SMS (urgent ones excepted); none when off.
    pub quiet_hours: Option<QuietHours>,
    /// Travel time assumed for "on the way" when the engineer gives none.
    pub travel_minutes: u32,
    /// Customers get a link to choose their visit time when an order reaches
    /// `scheduling` (the company's `self_scheduling.enabled`).
    pub invite_to_choose: bool,
    /// Only these segments are invited; all when empty.
    pub invite_segments: Vec<crate::core::customer::Segment>,
}

impl Messaging {
    /// The customer's link to a visit, valid until three days after it.
    pub fn visit_link(&self, visit: &VisitRow) -> String {
        let expires = utc(visit.planned_end) + Duration::days(3);
        let version = u16::try_from(visit.booking_version).unwrap_or(u16::MAX);
        match self.link_key.sign(&visit.id, version, expires) {
            Some(token) => format!("{}/v/{token}", self.public_url),
            None => self.public_url.clone(),
        }
    }

    /// When a message written at `at` may go out.
    pub fn release_at(
        &self,
        channel: MessageChannel,
        urgent: bool,
        at: DateTime<Utc>,
    ) -> DateTime<Utc> {
        match (channel, urgent, self.quiet_hours) {
            (MessageChannel::Sms, false, Some(q)) => q.release_at(at, self.timezone),
            _ => at,
        }
    }
}
