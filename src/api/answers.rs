//! The answers every operation may give besides its own, added to the OpenAPI
//! document in one place: a secured route can answer 401 and 403, a route that
//! reads a path, a query or a body can answer 400 and 422 naming the field, a
//! route with an id in its path can answer 404. All
//! of them carry the one error body. (The schemathesis run holds the server to it.)
//!
//! And a record's fields refuse unknown names (`deny_unknown_fields`, so
//! `additionalProperties: false`) while the record as answered is those fields
//! flattened beside its id and times (`allOf`): a schema closed that way refuses
//! every record. Schemas used inside an `allOf` are left open; the request
//! bodies still refuse unknown fields, as their errors say.

use std::collections::HashSet;

use serde_json::Value;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr};

fn error_answer(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build(),
    )
}

fn complete_operation(op: &mut Operation, names_a_record: bool) {
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let reads_input =
        op.parameters.as_ref().is_some_and(|p| !p.is_empty()) || op.request_body.is_some();
    let mut add = |code: &str, description: &str| {
        op.responses
            .responses
            .entry(code.to_owned())
            .or_insert_with(|| error_answer(description));
    };
    if secured {
        add(
            "401",
            "no valid access token: missing, malformed, expired or revoked",
        );
        add("403", "the caller's roles may not do this");
    }
    if names_a_record {
        add("404", "no such record (or not one the caller may see)");
    }
    if reads_input {
        add(
            "400",
            "a path, query or body that cannot be read; the field is named",
        );
        add("422", "a value that breaks a rule; the field is named");
    }
    if op.request_body.is_some() {
        add("413", "a body larger than the route takes");
    }
}

/// Adds the common answers to every operation and opens the schemas that are
/// parts of an `allOf`.
pub fn complete(api: &mut OpenApi) {
    answers(api);
    open_parts(api);
}

fn answers(api: &mut OpenApi) {
    for (path, item) in api.paths.paths.iter_mut() {
        let names_a_record = path.contains('{');
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            complete_operation(op, names_a_record);
        }
    }
}

/// Every schema name an `allOf` refers to, anywhere in the document.
fn parts_of_all_of(node: &Value, names: &mut HashSet<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::Array(items)) = map.get("allOf") {
                for item in items {
                    if let Some(name) = item
                        .get("$ref")
                        .and_then(Value::as_str)
                        .and_then(|r| r.rsplit('/').next())
                    {
                        names.insert(name.to_owned());
                    }
                }
            }
            map.values().for_each(|v| parts_of_all_of(v, names));
        }
        Value::Array(items) => items.iter().for_each(|v| parts_of_all_of(v, names)),
        _ => {}
    }
}

fn open_parts(api: &mut OpenApi) {
    let Ok(mut doc) = serde_json::to_value(&*api) else {
        return;
    };
    let mut names = HashSet::new();
    parts_of_all_of(&doc, &mut names);
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        for name in &names {
            if let Some(Value::Object(schema)) = schemas.get_mut(name) {
                schema.remove("additionalProperties");
            }
        }
    }
    if let Ok(opened) = serde_json::from_value(doc) {
        *api = opened;
    }
}
