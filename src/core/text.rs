//! Free-text fields: trimmed, never empty when required, never longer than a limit.

use super::ValidationError;

/// Limit for short identifying text: names, models, serial numbers, cities.
pub const SHORT: usize = 200;
/// Limit for an address line or a one-line description.
pub const LINE: usize = 500;
/// Limit for notes a person writes by hand.
pub const NOTE: usize = 10_000;

/// A required text value: trimmed, non-empty, at most `max` characters.
pub fn required(field: &str, value: &str, max: usize) -> Result<String, ValidationError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    within_limit(field, trimmed, max)
}

/// An optional text value: blank becomes absent, otherwise as [`required`].
pub fn optional(
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, ValidationError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => within_limit(field, v, max).map(Some),
    }
}

fn within_limit(field: &str, value: &str, max: usize) -> Result<String, ValidationError> {
    if value.chars().count() > max {
        return Err(ValidationError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(ValidationError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(value.to_owned())
}

/// Tags: each a short label, lower-cased, without duplicates, at most 50 of them.
pub fn tags(field: &str, values: &[String]) -> Result<Vec<String>, ValidationError> {
    if values.len() > 50 {
        return Err(ValidationError::new(field, "must hold at most 50 tags"));
    }
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for (i, v) in values.iter().enumerate() {
        let tag = required(&format!("{field}[{i}]"), v, 50)?.to_lowercase();
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    Ok(out)
}

/// Lower-cased words for substring search, so every backend searches alike.
pub fn search_key<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_trims_and_rejects_blank() {
        assert_eq!(required("name", "  Ann ", 10).unwrap(), "Ann");
        assert_eq!(required("name", "   ", 10).unwrap_err().field, "name");
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        assert!(required("name", "Олена", 5).is_ok());
        assert!(required("name", "Олена!", 5).is_err());
    }

    #[test]
    fn optional_blank_is_none() {
        assert_eq!(optional("x", Some("  "), 5).unwrap(), None);
        assert_eq!(optional("x", None, 5).unwrap(), None);
    }

    #[test]
    fn tags_are_normalised_and_deduplicated() {
        let t = tags("tags", &["VIP".into(), "vip".into(), " Kyiv ".into()]).unwrap();
        assert_eq!(t, vec!["vip", "kyiv"]);
        assert_eq!(tags("tags", &["".into()]).unwrap_err().field, "tags[0]");
    }

    #[test]
    fn control_characters_are_refused() {
        assert!(required("name", "a\u{0}b", 10).is_err());
    }
}
