//! Contacts: the people to call about a customer or a site, and when they can be reached.

use crate::core::ids::ContactId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::contact_info::{Email, Phone};
use super::notice::{Locale, MessageChannel};
use super::text::{self, SHORT};
use super::{ids, Fields, InputContext, ValidationError};
use crate::core::fields::text_enum;

text_enum! {
    /// The part a person plays for the customer.
    pub enum ContactRole {
        Payer => "payer",
        DecisionMaker => "decision_maker",
        OnSite => "on_site",
        Accountant => "accountant",
        Other => "other",
    }
}

text_enum! {
    /// How the person prefers to be reached.
    pub enum Channel { Phone => "phone", Sms => "sms", Email => "email" }
}

fn yes() -> bool {
    true
}

/// What may be set on a contact.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactFields {
    /// The customer this person belongs to; fixed at creation.
    pub customer_id: String,
    /// The site this person is tied to (the neighbour with the key), if any.
    #[serde(default)]
    pub site_id: Option<String>,
    pub name: String,
    /// Phone numbers; accepted as people write them, stored in E.164.
    #[serde(default)]
    pub phones: Vec<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub role: Option<ContactRole>,
    /// When the person can be reached or is on site, in words: "at home weekdays after 14:00".
    #[serde(default)]
    pub availability: Option<String>,
    #[serde(default)]
    pub preferred_channel: Option<Channel>,
    /// Consent to service messages (visit times, reminders); on unless refused.
    #[serde(default = "yes")]
    pub consent_service: bool,
    /// Consent to marketing messages; off unless given.
    #[serde(default)]
    pub consent_marketing: bool,
    /// Channels the person asked not to be messaged on; the other one is used instead.
    #[serde(default)]
    pub opted_out: Vec<MessageChannel>,
    /// The language of messages to this person; the company's default when absent.
    #[serde(default)]
    pub locale: Option<Locale>,
}

impl Fields for ContactFields {
    const ENTITY: &'static str = "contact";
    const IMMUTABLE: &'static [&'static str] = &["customer_id"];

    fn normalise(self, ctx: &InputContext) -> Result<Self, ValidationError> {
        if self.phones.len() > 5 {
            return Err(ValidationError::new(
                "phones",
                "must hold at most 5 numbers",
            ));
        }
        let mut phones: Vec<String> = Vec::with_capacity(self.phones.len());
        for (i, raw) in self.phones.iter().enumerate() {
            let phone = Phone::parse(&format!("phones[{i}]"), raw, ctx.phone_region)?;
            if !phones.iter().any(|p| p == phone.as_str()) {
                phones.push(phone.into_string());
            }
        }
        let email = match text::optional("email", self.email.as_deref(), 254)? {
            Some(e) => Some(Email::parse("email", &e)?.into_string()),
            None => None,
        };
        if phones.is_empty() && email.is_none() {
            return Err(ValidationError::new(
                "phones",
                "a contact needs at least one phone number or an e-mail",
            ));
        }
        Ok(ContactFields {
            customer_id: ids::parse_id(&self.customer_id)
                .ok_or_else(|| ValidationError::new("customer_id", "is not a valid id"))?,
            site_id: parse_optional_id("site_id", self.site_id.as_deref())?,
            name: text::required("name", &self.name, SHORT)?,
            phones,
            email,
            role: self.role,
            availability: text::optional("availability", self.availability.as_deref(), 500)?,
            preferred_channel: self.preferred_channel,
            consent_service: self.consent_service,
            consent_marketing: self.consent_marketing,
            opted_out: {
                let mut channels = self.opted_out;
                channels.dedup();
                channels
            },
            locale: self.locale,
        })
    }
}

/// An optional reference to another record, checked to be a well-formed id.
pub fn parse_optional_id(
    field: &str,
    raw: Option<&str>,
) -> Result<Option<String>, ValidationError> {
    match raw {
        None => Ok(None),
        Some(r) => ids::parse_id(r)
            .map(Some)
            .ok_or_else(|| ValidationError::new(field, "is not a valid id")),
    }
}

impl ContactFields {
    /// Words that find the customer by this contact: name, e-mail, phone digits.
    pub fn search_words(&self) -> Vec<String> {
        let mut words = vec![self.name.clone()];
        words.extend(self.email.clone());
        for p in &self.phones {
            words.push(p.trim_start_matches('+').to_owned());
        }
        words
    }
}

/// A contact as the API returns it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Contact {
    pub id: ContactId,
    #[serde(flatten)]
    pub fields: ContactFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub archived_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> InputContext {
        InputContext {
            phone_region: "UA".parse().unwrap(),
            today: chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
        }
    }

    fn contact(phones: &[&str], email: Option<&str>) -> ContactFields {
        serde_json::from_value(serde_json::json!({
            "customer_id": ids::new_id(),
            "name": "Petro",
            "phones": phones,
            "email": email,
        }))
        .unwrap()
    }

    #[test]
    fn phones_become_e164_without_repeats() {
        let c = contact(&["067 123 45 67", "+380671234567"], None)
            .normalise(&ctx())
            .unwrap();
        assert_eq!(c.phones, vec!["+380671234567"]);
        assert!(c.consent_service);
        assert!(!c.consent_marketing);
    }

    #[test]
    fn the_bad_phone_is_named_by_index() {
        let err = contact(&["067 123 45 67", "123"], None)
            .normalise(&ctx())
            .unwrap_err();
        assert_eq!(err.field, "phones[1]");
    }

    #[test]
    fn a_contact_must_be_reachable() {
        assert_eq!(
            contact(&[], None).normalise(&ctx()).unwrap_err().field,
            "phones"
        );
        assert!(contact(&[], Some("a@b.ua")).normalise(&ctx()).is_ok());
        assert_eq!(
            contact(&[], Some("nope"))
                .normalise(&ctx())
                .unwrap_err()
                .field,
            "email"
        );
    }
}
