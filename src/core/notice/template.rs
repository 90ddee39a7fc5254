//! Message templates: the built-in words for every event, channel and locale,
//! `{{name}}` substitution, and the check that an edited template only uses
//! words its event provides.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Locale, MessageChannel, NoticeEvent};
use crate::core::ValidationError;

/// A template's text: e-mails have a subject, SMS do not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TemplateText {
    pub subject: Option<String>,
    pub body: String,
}

/// The longest template body an owner may save.
pub const MAX_BODY: usize = 5_000;

/// The built-in template, used until the owner saves another.
pub fn builtin(event: NoticeEvent, channel: MessageChannel, locale: Locale) -> TemplateText {
    use Locale::{En, Uk};
    use MessageChannel::{Email, Sms};
    use NoticeEvent as E;
    let sms = |body: &str| TemplateText {
        subject: None,
        body: body.to_owned(),
    };
    let email = |subject: &str, body: &str| TemplateText {
        subject: Some(subject.to_owned()),
        body: body.to_owned(),
    };
    match (event, channel, locale) {
        (E::VisitScheduled, Sms, En) => sms("{{company}}: your visit is booked for {{date}}, {{window}}. Engineer: {{engineer}}. Confirm or change: {{link}}"),
        (E::VisitScheduled, Sms, Uk) => sms("{{company}}: візит заплановано на {{date}}, {{window}}. Майстер: {{engineer}}. Підтвердити або змінити: {{link}}"),
        (E::VisitScheduled, Email, En) => email("Your visit on {{date}}", "Hello {{contact_name}},\n\nyour visit is booked for {{date}}, {{window}}, at {{address}}. Engineer: {{engineer}}.\n\nConfirm, or ask for another time: {{link}}\n\n{{company}}"),
        (E::VisitScheduled, Email, Uk) => email("Ваш візит {{date}}", "Вітаємо, {{contact_name}}!\n\nВізит заплановано на {{date}}, {{window}}, за адресою {{address}}. Майстер: {{engineer}}.\n\nПідтвердити або попросити інший час: {{link}}\n\n{{company}}"),
        (E::VisitRescheduled, Sms, En) => sms("{{company}}: your visit has moved to {{date}}, {{window}}. Engineer: {{engineer}}. Confirm or change: {{link}}"),
        (E::VisitRescheduled, Sms, Uk) => sms("{{company}}: візит перенесено на {{date}}, {{window}}. Майстер: {{engineer}}. Підтвердити або змінити: {{link}}"),
        (E::VisitRescheduled, Email, En) => email("Your visit has moved to {{date}}", "Hello {{contact_name}},\n\nyour visit has moved to {{date}}, {{window}}, at {{address}}. Engineer: {{engineer}}.\n\nConfirm, or ask for another time: {{link}}\n\n{{company}}"),
        (E::VisitRescheduled, Email, Uk) => email("Візит перенесено на {{date}}", "Вітаємо, {{contact_name}}!\n\nВізит перенесено на {{date}}, {{window}}, за адресою {{address}}. Майстер: {{engineer}}.\n\nПідтвердити або попросити інший час: {{link}}\n\n{{company}}"),
        (E::VisitCancelled, Sms, En) => sms("{{company}}: your visit on {{date}}, {{window}} is cancelled. We will contact you to agree a new time."),
        (E::VisitCancelled, Sms, Uk) => sms("{{company}}: візит {{date}}, {{window}} скасовано. Ми зв'яжемося з вами, щоб узгодити новий час."),
        (E::VisitCancelled, Email, En) => email("Your visit on {{date}} is cancelled", "Hello {{contact_name}},\n\nyour visit on {{date}}, {{window}}, at {{address}} is cancelled. We will contact you to agree a new time.\n\n{{company}}"),
        (E::VisitCancelled, Email, Uk) => email("Візит {{date}} скасовано", "Вітаємо, {{contact_name}}!\n\nВізит {{date}}, {{window}}, за адресою {{address}} скасовано. Ми зв'яжемося з вами, щоб узгодити новий час.\n\n{{company}}"),
        (E::VisitReminder, Sms, En) => sms("{{company}}: a reminder, your visit is tomorrow, {{date}}, {{window}}. Engineer: {{engineer}}. {{link}}"),
        (E::VisitReminder, Sms, Uk) => sms("{{company}}: нагадуємо, візит завтра, {{date}}, {{window}}. Майстер: {{engineer}}. {{link}}"),
        (E::VisitReminder, Email, En) => email("Your visit tomorrow, {{date}}", "Hello {{contact_name}},\n\na reminder: your visit is tomorrow, {{date}}, {{window}}, at {{address}}. Engineer: {{engineer}}.\n\nConfirm, or ask for another time: {{link}}\n\n{{company}}"),
        (E::VisitReminder, Email, Uk) => email("Ваш візит завтра, {{date}}", "Вітаємо, {{contact_name}}!\n\nНагадуємо: візит завтра, {{date}}, {{window}}, за адресою {{address}}. Майстер: {{engineer}}.\n\nПідтвердити або попросити інший час: {{link}}\n\n{{company}}"),
        (E::OnTheWay, Sms, En) => sms("{{company}}: {{engineer}} is on the way and should arrive at about {{eta}}."),
        (E::OnTheWay, Sms, Uk) => sms("{{company}}: {{engineer}} вже їде до вас, орієнтовно о {{eta}}."),
        (E::OnTheWay, Email, En) => email("{{engineer}} is on the way", "Hello {{contact_name}},\n\n{{engineer}} is on the way to {{address}} and should arrive at about {{eta}}.\n\n{{company}}"),
        (E::OnTheWay, Email, Uk) => email("{{engineer}} вже їде до вас", "Вітаємо, {{contact_name}}!\n\n{{engineer}} вже їде за адресою {{address}}, орієнтовно о {{eta}}.\n\n{{company}}"),
        (E::WorkCertified, Sms, En) => sms("{{company}}: the work at {{address}} is complete. Thank you!"),
        (E::WorkCertified, Sms, Uk) => sms("{{company}}: роботи за адресою {{address}} завершено. Дякуємо!"),
        (E::WorkCertified, Email, En) => email("Work completed at {{address}}", "Hello {{contact_name}},\n\nthe work at {{address}} was completed on {{date}}.\n\n{{summary}}\n\nYour visits and certificates, to keep: {{papers}}\n\nThank you,\n{{company}}"),
        (E::WorkCertified, Email, Uk) => email("Роботи за адресою {{address}} завершено", "Вітаємо, {{contact_name}}!\n\nРоботи за адресою {{address}} завершено {{date}}.\n\n{{summary}}\n\nВаші візити та акти, щоб зберегти: {{papers}}\n\nДякуємо,\n{{company}}"),
        (E::MaintenanceDue, Sms, En) => sms("{{company}}: {{service}} for your {{equipment}} is due on {{due_date}}. We will call you to agree a time."),
        (E::MaintenanceDue, Sms, Uk) => sms("{{company}}: {{due_date}} настає час для «{{service}}» ({{equipment}}). Ми зателефонуємо, щоб узгодити час."),
        (E::MaintenanceDue, Email, En) => email("{{service}} is due on {{due_date}}", "Hello {{contact_name}},\n\n{{service}} for your {{equipment}} is due on {{due_date}}. We will call you to agree a time.\n\n{{company}}"),
        (E::NpsSurvey, Sms, En) => sms("{{company}}: how likely are you to recommend us to a friend? Answer 0-10 here: {{link}}"),
        (E::NpsSurvey, Sms, Uk) => sms("{{company}}: наскільки ймовірно, що ви порекомендуєте нас друзям? Оцініть від 0 до 10: {{link}}"),
        (E::NpsSurvey, Email, En) => email("Would you recommend {{company}}?", "Hello {{contact_name}},\n\nhow likely are you to recommend us to a friend or colleague? One click, 0 to 10: {{link}}\n\nThank you,\n{{company}}"),
        (E::NpsSurvey, Email, Uk) => email("Чи порекомендуєте ви {{company}}?", "Вітаємо, {{contact_name}}!\n\nНаскільки ймовірно, що ви порекомендуєте нас друзям чи колегам? Один клік, від 0 до 10: {{link}}\n\nДякуємо,\n{{company}}"),
        (E::ChooseTime, Sms, En) => sms("{{company}}: choose a time for your visit ({{service}}) here: {{link}}"),
        (E::ChooseTime, Sms, Uk) => sms("{{company}}: оберіть зручний час візиту ({{service}}) тут: {{link}}"),
        (E::ChooseTime, Email, En) => email("Choose a time for your visit", "Hello {{contact_name}},\n\nplease choose a time that suits you for {{service}} at {{address}}: {{link}}\n\nThe times offered are when an engineer is nearby; you can move or cancel your choice from the same link.\n\n{{company}}"),
        (E::ChooseTime, Email, Uk) => email("Оберіть час візиту", "Вітаємо, {{contact_name}}!\n\nОберіть зручний час для «{{service}}» за адресою {{address}}: {{link}}\n\nМи пропонуємо час, коли майстер поруч; змінити або скасувати вибір можна за тим самим посиланням.\n\n{{company}}"),
        (E::Campaign, Sms, _) => sms("{{company}}: {{message}}"),
        (E::Campaign, Email, _) => email("{{subject}}", "{{message}}\n\n{{company}}"),
        (E::MaintenanceDue, Email, Uk) => email("{{due_date}}: час для «{{service}}»", "Вітаємо, {{contact_name}}!\n\n{{due_date}} настає час для «{{service}}» ({{equipment}}). Ми зателефонуємо, щоб узгодити час.\n\n{{company}}"),
    }
}

/// Example words for a preview, in the locale's language.
pub fn sample_values(locale: Locale, company: &str, link: &str) -> Vec<(&'static str, String)> {
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 15).unwrap_or_default();
    let date = super::format::date(day, locale);
    let (customer, contact, engineer, address, summary, service, equipment) = match locale {
        Locale::En => (
            "Olena Kovalenko",
            "Olena",
            "Taras Bondarenko",
            "12 Khreshchatyk St, apt 5, Kyiv",
            "Cartridges replaced, pressure checked.",
            "Cartridge change",
            "water filter (Aquaphor Osmo 50)",
        ),
        Locale::Uk => (
            "Олена Коваленко",
            "Олена",
            "Тарас Бондаренко",
            "вул. Хрещатик, 12, кв. 5, Київ",
            "Картриджі замінено, тиск перевірено.",
            "Заміна картриджів",
            "фільтр (Aquaphor Osmo 50)",
        ),
    };
    vec![
        ("company", company.to_owned()),
        ("customer_name", customer.to_owned()),
        ("contact_name", contact.to_owned()),
        ("date", date.clone()),
        ("due_date", date),
        ("window", "10:00-12:00".to_owned()),
        ("eta", "10:40".to_owned()),
        ("engineer", engineer.to_owned()),
        ("address", address.to_owned()),
        ("link", link.to_owned()),
        ("summary", summary.to_owned()),
        ("papers", link.to_owned()),
        ("service", service.to_owned()),
        ("equipment", equipment.to_owned()),
        ("subject", "Spring offer".to_owned()),
        (
            "message",
            "10 % off a cartridge change booked before 1 April.".to_owned(),
        ),
    ]
}

/// The `{{name}}` placeholders of a text, in order; an unclosed `{{` is an error.
fn placeholders(text: &str) -> Result<Vec<&str>, String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let close = after
            .find("}}")
            .ok_or_else(|| "has a `{{` without its `}}`".to_owned())?;
        names.push(after[..close].trim());
        rest = &after[close + 2..];
    }
    Ok(names)
}

/// Checks an edited template: not empty, not too long, and only known words.
pub fn check(
    event: NoticeEvent,
    channel: MessageChannel,
    text: &TemplateText,
) -> Result<TemplateText, ValidationError> {
    let body = text.body.trim();
    if body.is_empty() {
        return Err(ValidationError::new("body", "must not be empty"));
    }
    if body.chars().count() > MAX_BODY {
        return Err(ValidationError::new(
            "body",
            format!("must be at most {MAX_BODY} characters"),
        ));
    }
    let subject = match (channel, text.subject.as_deref().map(str::trim)) {
        (MessageChannel::Email, None | Some("")) => {
            return Err(ValidationError::new("subject", "an e-mail needs a subject"))
        }
        (MessageChannel::Sms, Some(s)) if !s.is_empty() => {
            return Err(ValidationError::new("subject", "an SMS has no subject"))
        }
        (MessageChannel::Sms, _) => None,
        (MessageChannel::Email, Some(s)) => Some(s.to_owned()),
    };
    for (field, value) in [("subject", subject.as_deref()), ("body", Some(body))] {
        let Some(value) = value else { continue };
        let known = event.variables();
        for name in placeholders(value).map_err(|m| ValidationError::new(field, m))? {
            if !known.contains(&name) {
                return Err(ValidationError::new(
                    field,
                    format!(
                        "`{{{{{name}}}}}` is not a word of {}; use one of: {}",
                        event.as_str(),
                        known.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(TemplateText {
        subject,
        body: body.to_owned(),
    })
}

/// Puts the values in; a word without a value becomes empty.
pub fn render(text: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = after[..close].trim();
        if let Some((_, v)) = values.iter().find(|(k, _)| *k == name) {
            out.push_str(v);
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_uses_only_its_words() {
        for event in NoticeEvent::ALL {
            for channel in MessageChannel::ALL {
                for locale in Locale::ALL {
                    let t = builtin(*event, *channel, *locale);
                    let checked = check(*event, *channel, &t)
                        .unwrap_or_else(|e| panic!("{event:?} {channel:?} {locale:?}: {e}"));
                    assert_eq!(checked, t);
                }
            }
        }
    }

    #[test]
    fn unknown_words_and_unclosed_braces_are_named() {
        let t = |body: &str| TemplateText {
            subject: None,
            body: body.into(),
        };
        let e = check(
            NoticeEvent::OnTheWay,
            MessageChannel::Sms,
            &t("at {{date}}"),
        )
        .unwrap_err();
        assert_eq!(e.field, "body");
        assert!(e.message.contains("{{date}}"), "{}", e.message);
        let e = check(NoticeEvent::OnTheWay, MessageChannel::Sms, &t("at {{eta")).unwrap_err();
        assert!(e.message.contains("without"), "{}", e.message);
        let e = check(NoticeEvent::OnTheWay, MessageChannel::Email, &t("{{eta}}")).unwrap_err();
        assert_eq!(e.field, "subject");
    }

    #[test]
    fn render_fills_words() {
        let out = render(
            "Hi {{ name }}, at {{eta}}{{missing}}.",
            &[("name", "Olena".into()), ("eta", "10:30".into())],
        );
        assert_eq!(out, "Hi Olena, at 10:30.");
        assert_eq!(render("a {{b", &[]), "a {{b");
    }
}
