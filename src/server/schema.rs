//! Tool schemas that every JSON Schema validator reads without complaint.
//!
//! schemars marks Rust integer and float widths with formats JSON Schema does not define
//! (`uint`, `uint32`, `int64`, `double`, …). Validators ignore unknown formats, but Ajv (used by
//! the TypeScript MCP SDK) prints "unknown format … ignored" for each one on every tools/list,
//! hundreds of lines on the client's console. The width adds nothing a client can use (the
//! `minimum: 0` that schemars writes for unsigned integers stays), so such formats are removed.

use rmcp::model::JsonObject;
use serde_json::Value;

/// The formats JSON Schema 2020-12 defines (Validation, section 7.3).
const STANDARD_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uuid",
    "uri-template",
    "json-pointer",
    "relative-json-pointer",
    "regex",
];

/// The schema without formats outside JSON Schema's own list, at any depth.
pub fn portable(mut schema: JsonObject) -> JsonObject {
    strip(&mut schema);
    schema
}

fn strip(object: &mut JsonObject) {
    if object.get("format").and_then(Value::as_str).is_some_and(|f| !STANDARD_FORMATS.contains(&f)) {
        object.remove("format");
    }
    for value in object.values_mut() {
        strip_value(value);
    }
}

fn strip_value(value: &mut Value) {
    match value {
        Value::Object(o) => strip(o),
        Value::Array(items) => items.iter_mut().for_each(strip_value),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn width_formats_go_and_standard_formats_and_properties_named_format_stay() {
        let Value::Object(schema) = json!({
            "type": "object",
            "properties": {
                "count": {"type": "integer", "format": "uint", "minimum": 0},
                "at": {"type": "string", "format": "date-time"},
                "format": {"type": "string"},
                "items": {"type": "array", "items": {"type": "number", "format": "double"}}
            },
            "$defs": {"X": {"anyOf": [{"type": "integer", "format": "int64"}]}}
        }) else {
            unreachable!("a literal object")
        };
        let out = Value::Object(portable(schema));
        assert_eq!(out["properties"]["count"], json!({"type": "integer", "minimum": 0}));
        assert_eq!(out["properties"]["at"]["format"], "date-time");
        assert_eq!(out["properties"]["format"], json!({"type": "string"}));
        assert_eq!(out["properties"]["items"]["items"], json!({"type": "number"}));
        assert_eq!(out["$defs"]["X"]["anyOf"][0], json!({"type": "integer"}));
    }
}
