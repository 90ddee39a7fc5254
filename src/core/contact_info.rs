//! E-mail addresses and phone numbers, parsed once at the edge and stored normalised.

use std::str::FromStr;

use phonenumber::{country, Mode};

use super::ValidationError;

/// An e-mail address that passed RFC 5322 syntax checks; stored lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Parses and lower-cases an address, so `Ann@X.com` and `ann@x.com` are one login.
    pub fn parse(field: &str, raw: &str) -> Result<Email, ValidationError> {
        let trimmed = raw.trim();
        if trimmed.len() > 254 {
            return Err(ValidationError::new(
                field,
                "must be at most 254 characters",
            ));
        }
        let valid = email_address::EmailAddress::from_str(trimmed)
            .ok()
            .filter(|e| e.domain().contains('.') && !e.display_part().contains('<'))
            .is_some()
            && !trimmed.contains('<');
        if !valid {
            return Err(ValidationError::new(field, "is not a valid e-mail address"));
        }
        Ok(Email(trimmed.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A phone number in E.164 form (`+380671234567`), the only form SMS providers accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

/// The country whose numbering plan a number without a `+` prefix belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhoneRegion(country::Id);

impl FromStr for PhoneRegion {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        country::Id::from_str(&s.trim().to_uppercase())
            .map(PhoneRegion)
            .map_err(|_| format!("`{s}` is not an ISO 3166 two-letter country code"))
    }
}

impl Phone {
    /// Parses a number as people write it (`067 123 45 67`, `+44 20 7946 0958`).
    pub fn parse(field: &str, raw: &str, region: PhoneRegion) -> Result<Phone, ValidationError> {
        let invalid = || ValidationError::new(field, "is not a valid phone number");
        if raw.trim().is_empty() || raw.len() > 40 {
            return Err(invalid());
        }
        let number = phonenumber::parse(Some(region.0), raw.trim()).map_err(|_| invalid())?;
        if !phonenumber::is_valid(&number) {
            return Err(invalid());
        }
        Ok(Phone(number.format().mode(Mode::E164).to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// An E.164 number as people read it: `+380 44 123 4567`; left as it is when
/// it does not parse.
pub fn readable_phone(e164: &str) -> String {
    phonenumber::parse(None, e164)
        .map(|n| n.format().mode(Mode::International).to_string())
        .unwrap_or_else(|_| e164.to_owned())
}

/// Digits of a search query that looks like a phone number, for matching stored numbers.
///
/// `067 123-45-67` gives `671234567`: the national significant digits, which appear in
/// the E.164 form whatever prefix the person typed.
pub fn phone_search_digits(query: &str) -> Option<String> {
    let looks_like_phone = query
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()".contains(c));
    let digits: String = query.chars().filter(char::is_ascii_digit).collect();
    if !looks_like_phone || digits.len() < 5 {
        return None;
    }
    Some(digits.trim_start_matches('0').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_number_reads_in_groups() {
        assert_eq!(readable_phone("+380441234567"), "+380 44 123 4567");
        assert_eq!(readable_phone("not a number"), "not a number");
    }

    fn ua() -> PhoneRegion {
        "UA".parse().unwrap()
    }

    #[test]
    fn national_numbers_become_e164() {
        let p = Phone::parse("phone", "067 123 45 67", ua()).unwrap();
        assert_eq!(p.as_str(), "+380671234567");
        let p = Phone::parse("phone", "+44 20 7946 0958", ua()).unwrap();
        assert_eq!(p.as_str(), "+442079460958");
    }

    #[test]
    fn nonsense_is_refused_with_the_field() {
        let e = Phone::parse("phones[0]", "12", ua()).unwrap_err();
        assert_eq!(e.field, "phones[0]");
        assert!(Phone::parse("p", "not a phone", ua()).is_err());
    }

    #[test]
    fn emails_are_checked_and_lowercased() {
        assert_eq!(
            Email::parse("email", " Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
        assert!(Email::parse("email", "ann@").is_err());
        assert!(Email::parse("email", "ann example.com").is_err());
        assert!(Email::parse("email", "ann@localhost").is_err());
    }

    #[test]
    fn phone_like_queries_give_digits() {
        assert_eq!(
            phone_search_digits("067 123-45-67").as_deref(),
            Some("671234567")
        );
        assert_eq!(phone_search_digits("Olena"), None);
        assert_eq!(phone_search_digits("12"), None);
    }

    #[test]
    fn region_codes_are_checked() {
        assert!("ua".parse::<PhoneRegion>().is_ok());
        assert!("XX1".parse::<PhoneRegion>().is_err());
    }
}
