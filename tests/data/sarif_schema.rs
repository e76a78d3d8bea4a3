//! The SARIF 2.1.0 validator shared by the core's report tests and the shell's lint tests.
//!
//! The official 2.1.0 schema carries a malformed `language` pattern
//! ("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$", a stray `]`) that strict validators refuse to
//! compile; the intended one is used instead. Our output never sets `language`.

use serde_json::Value;

/// A draft-7 validator of `tests/data/sarif-schema-2.1.0.json` under `root`.
pub fn validator(root: &std::path::Path) -> jsonschema::Validator {
    let text = std::fs::read_to_string(root.join("tests/data/sarif-schema-2.1.0.json")).expect("schema file");
    let mut schema: Value = serde_json::from_str(&text).expect("schema JSON");
    fn fix(v: &mut Value) {
        match v {
            Value::Object(o) => {
                if o.get("pattern").and_then(Value::as_str) == Some("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$") {
                    o.insert("pattern".into(), Value::from("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$"));
                }
                o.values_mut().for_each(fix);
            }
            Value::Array(a) => a.iter_mut().for_each(fix),
            _ => {}
        }
    }
    fix(&mut schema);
    jsonschema::draft7::new(&schema).expect("valid schema")
}
