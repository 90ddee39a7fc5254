//! Which header of a file feeds which field: by name unless the company's
//! mapping says otherwise ("Client name" → `name`).

use std::collections::BTreeMap;

use super::{Column, Entity, RowError, EXTERNAL_ID};

/// Field name → the header it is read from, for one kind of file.
pub type Mapping = BTreeMap<String, String>;

/// A header as a field name: `Address Line1` → `address_line1`, `work-orders` → `work_orders`.
pub fn header_key(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

/// Where each field is in a file's rows.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The column of the other system's ids.
    pub external_id: usize,
    /// Each field the file has, with the index of its column.
    pub fields: Vec<(Column, usize)>,
    /// Each field the file lacks but that has a default.
    pub defaults: Vec<Column>,
    pub headers: Vec<String>,
    pub ignored: Vec<String>,
}

impl Layout {
    /// The header a field was read from, for the report.
    pub fn header_of(&self, field: &str) -> Option<String> {
        if field == EXTERNAL_ID {
            return self.headers.get(self.external_id).cloned();
        }
        self.fields
            .iter()
            .find(|(c, _)| c.name == field)
            .and_then(|(_, i)| self.headers.get(*i).cloned())
    }
}

/// Places every field of `entity` among `headers`; a file whose mapping names a
/// header it does not have, or that lacks a required column, is refused whole,
/// with every such problem named.
pub fn layout(
    entity: Entity,
    headers: &[String],
    mapping: &Mapping,
) -> Result<Layout, Vec<RowError>> {
    let mut errors = Vec::new();
    let known: Vec<&str> = std::iter::once(EXTERNAL_ID)
        .chain(entity.columns().iter().map(|c| c.name))
        .collect();
    for field in mapping.keys() {
        if !known.contains(&field.as_str()) {
            errors.push(header_error(
                field,
                format!(
                    "the mapping names a field {} files do not have; they have: {}",
                    entity.as_str(),
                    known.join(", ")
                ),
            ));
        }
    }
    let find = |field: &str, aliases: &[&str]| -> Result<Option<usize>, String> {
        if let Some(header) = mapping.get(field) {
            return headers
                .iter()
                .position(|h| h.trim() == header.trim())
                .map(Some)
                .ok_or_else(|| {
                    format!("the mapping reads it from `{header}`, which the file does not have")
                });
        }
        Ok(headers.iter().position(|h| {
            let key = header_key(h);
            key == field || aliases.contains(&key.as_str())
        }))
    };
    let external_id = match find(EXTERNAL_ID, &["id"]) {
        Ok(Some(i)) => Some(i),
        Ok(None) => {
            errors.push(header_error(
                EXTERNAL_ID,
                "the file needs a column of its rows' ids in the other system (`external_id` or `id`), so that a second import updates them".into(),
            ));
            None
        }
        Err(message) => {
            errors.push(header_error(EXTERNAL_ID, message));
            None
        }
    };
    let mut fields = Vec::new();
    let mut defaults = Vec::new();
    for column in entity.columns() {
        match find(column.name, &[]) {
            Ok(Some(i)) => fields.push((*column, i)),
            Ok(None) if column.required => errors.push(header_error(
                column.name,
                "the file has no such column and it is required".into(),
            )),
            Ok(None) => {
                if column.default.is_some() {
                    defaults.push(*column);
                }
            }
            Err(message) => errors.push(header_error(column.name, message)),
        }
    }
    let (Some(external_id), true) = (external_id, errors.is_empty()) else {
        return Err(errors);
    };
    let used: Vec<usize> = std::iter::once(external_id)
        .chain(fields.iter().map(|(_, i)| *i))
        .collect();
    let ignored = headers
        .iter()
        .enumerate()
        .filter(|(i, h)| !used.contains(i) && !h.trim().is_empty())
        .map(|(_, h)| h.clone())
        .collect();
    Ok(Layout {
        external_id,
        fields,
        defaults,
        headers: headers.to_vec(),
        ignored,
    })
}

fn header_error(field: &str, message: String) -> RowError {
    RowError {
        line: 1,
        field: Some(field.to_owned()),
        column: None,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn headers_match_fields_by_name_or_by_mapping() {
        let mut mapping = Mapping::new();
        mapping.insert("name".into(), "Client name".into());
        let l = layout(
            Entity::Customers,
            &headers(&["\u{feff}ID", "Client name", "Tags", "Colour"]),
            &mapping,
        )
        .unwrap();
        assert_eq!(l.external_id, 0);
        let names: Vec<_> = l.fields.iter().map(|(c, i)| (c.name, *i)).collect();
        assert_eq!(names, vec![("name", 1), ("tags", 2)]);
        assert_eq!(l.ignored, vec!["Colour"]);
        let defaults: Vec<_> = l.defaults.iter().map(|c| c.name).collect();
        assert_eq!(defaults, vec!["kind", "segment"]);
        assert_eq!(l.header_of("name").as_deref(), Some("Client name"));
    }

    #[test]
    fn every_missing_column_and_wrong_mapping_is_named() {
        let mut mapping = Mapping::new();
        mapping.insert("city".into(), "Town".into());
        mapping.insert("colour".into(), "Colour".into());
        let errors = layout(Entity::Sites, &headers(&["label"]), &mapping).unwrap_err();
        let fields: Vec<_> = errors.iter().filter_map(|e| e.field.as_deref()).collect();
        assert_eq!(
            fields,
            vec![
                "colour",
                "external_id",
                "customer_id",
                "address_line1",
                "city"
            ]
        );
        assert!(errors[4].message.contains("`Town`"));
    }
}
