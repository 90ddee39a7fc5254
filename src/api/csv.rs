//! Tables as CSV (RFC 4180) for spreadsheets: any list of serialisable rows,
//! nested fields flattened to `a.b` and lists to `a.0`, `a.1`, …

use actix_web::http::header;
use actix_web::HttpResponse;
use serde_json::Value;

fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_owned()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                flatten(&key(k), v, out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                flatten(&key(&i.to_string()), v, out);
            }
        }
        Value::Null => out.push((prefix.to_owned(), String::new())),
        Value::String(s) => out.push((prefix.to_owned(), s.clone())),
        other => out.push((prefix.to_owned(), other.to_string())),
    }
}

fn cell(s: &str) -> String {
    crate::core::text::spreadsheet_cell(s)
}

/// The rows as CSV; the columns are every field met, in the order first met.
pub fn to_csv(rows: &[Value]) -> String {
    let flat: Vec<Vec<(String, String)>> = rows
        .iter()
        .map(|r| {
            let mut out = Vec::new();
            flatten("", r, &mut out);
            out
        })
        .collect();
    let mut columns: Vec<String> = Vec::new();
    for row in &flat {
        for (k, _) in row {
            if !columns.contains(k) {
                columns.push(k.clone());
            }
        }
    }
    let mut out = columns
        .iter()
        .map(|c| cell(c))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    for row in &flat {
        let line: Vec<String> = columns
            .iter()
            .map(|c| {
                row.iter()
                    .find(|(k, _)| k == c)
                    .map(|(_, v)| cell(v))
                    .unwrap_or_default()
            })
            .collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// A CSV download named `file`.
pub fn attachment(file: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file}\""),
        ))
        .body(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_rows_become_columns_and_cells_are_quoted() {
        let rows = vec![
            json!({"month": "2026-01", "retained": [1.0, 0.5], "name": "A, B"}),
            json!({"month": "2026-02", "retained": [1.0], "name": null, "extra": "=SUM(A1)"}),
        ];
        assert_eq!(
            to_csv(&rows),
            "month,retained.0,retained.1,name,extra\r\n\
             2026-01,1.0,0.5,\"A, B\",\r\n\
             2026-02,1.0,,,'=SUM(A1)\r\n"
        );
        assert_eq!(to_csv(&[json!({"n": -3})]), "n\r\n-3\r\n");
    }
}
