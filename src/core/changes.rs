//! What changed between two versions of a record, for the timeline.

use serde_json::{Map, Value};

/// Applies an RFC 7386 JSON merge patch: `null` clears a field, objects merge.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch_map) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(target_map) = target {
        for (key, value) in patch_map {
            if value.is_null() {
                target_map.remove(key);
            } else {
                merge_patch(target_map.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

/// The fields whose values differ, as `{"field": {"from": old, "to": new}}`.
///
/// Both sides are top-level JSON objects of one record; keys listed in `ignore`
/// (bookkeeping such as `updated_at`) are left out.
pub fn diff(before: &Value, after: &Value, ignore: &[&str]) -> Map<String, Value> {
    let empty = Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Map::new();
    for key in keys {
        if ignore.contains(&key.as_str()) {
            continue;
        }
        let old = b.get(key).unwrap_or(&Value::Null);
        let new = a.get(key).unwrap_or(&Value::Null);
        if old != new {
            let mut change = Map::new();
            change.insert("from".into(), old.clone());
            change.insert("to".into(), new.clone());
            out.insert(key.clone(), Value::Object(change));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc7386() {
        let mut doc = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge_patch(&mut doc, &json!({"a": "z", "c": {"f": null}}));
        assert_eq!(doc, json!({"a": "z", "c": {"d": "e"}}));
    }

    #[test]
    fn diff_lists_changed_fields_only() {
        let before = json!({"name": "A", "city": "Kyiv", "updated_at": 1});
        let after = json!({"name": "B", "city": "Kyiv", "updated_at": 2, "notes": "x"});
        let d = diff(&before, &after, &["updated_at"]);
        assert_eq!(d.len(), 2);
        assert_eq!(d["name"], json!({"from": "A", "to": "B"}));
        assert_eq!(d["notes"], json!({"from": null, "to": "x"}));
    }
}
