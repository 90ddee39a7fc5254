//! Identifiers: UUIDv7, so ids sort by creation time and keyset pagination is cheap.

use uuid::Uuid;

/// A fresh, time-ordered id as text (ids are stored as text on every backend).
pub fn new_id() -> String {
    Uuid::now_v7().to_string()
}

/// Parses an id from a path or body; `None` when it is not a UUID.
pub fn parse_id(raw: &str) -> Option<String> {
    Uuid::parse_str(raw.trim()).ok().map(|u| u.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_by_creation() {
        let a = new_id();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = new_id();
        assert!(a < b);
    }

    #[test]
    fn parse_normalises_case() {
        let id = new_id();
        assert_eq!(parse_id(&id.to_uppercase()), Some(id));
        assert_eq!(parse_id("nope"), None);
    }
}
