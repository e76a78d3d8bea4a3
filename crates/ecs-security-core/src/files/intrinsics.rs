//! CloudFormation intrinsic functions: values known only when the stack deploys.
//!
//! How an unknown value reaches the rules (so that none of them passes on it):
//! - in a text field it becomes a placeholder, `${Ref:DbPassword}`, which the rules already
//!   read as a template: an image that is a placeholder is neither missing nor `latest`, a
//!   placeholder in a secret-named variable is a templated secret;
//! - `Fn::Sub` of a plain string keeps its template text: the literal parts are known and
//!   the `${…}` parts are placeholders;
//! - `Ref: AWS::NoValue` removes the property, as CloudFormation does;
//! - in any other field (a flag, a number, a list, an object) it is left out of the
//!   snapshot and listed as [`super::Unknown`] with the rules it keeps from being judged.

use super::tree::{Entry, Kind, Node};

/// The value of a short-form tag such as `!Ref Name` or `!Sub "text"`.
pub(crate) fn short_form(name: &str, value: &str) -> Kind {
    long_form(&format!("Fn::{name}"), &Kind::Str(value.to_owned()))
}

/// The value of `{"Ref": …}` or `{"Fn::X": …}`.
fn long_form(function: &str, arg: &Kind) -> Kind {
    let function = function.strip_prefix("Fn::Ref").map_or(function, |_| "Ref");
    match (function, arg) {
        ("Ref", Kind::Str(s)) if s == "AWS::NoValue" => Kind::Null,
        ("Ref", Kind::Str(s)) => Kind::Unknown(format!("Ref:{s}")),
        ("Fn::Sub", Kind::Str(s)) => Kind::Str(s.clone()),
        ("Fn::GetAtt", Kind::Str(s)) => Kind::Unknown(format!("Fn::GetAtt:{s}")),
        _ => Kind::Unknown(function.to_owned()),
    }
}

fn as_intrinsic(entries: &[Entry]) -> Option<Kind> {
    match entries {
        [e] if e.key == "Ref" || e.key.starts_with("Fn::") => Some(long_form(&e.key, &e.value.kind)),
        _ => None,
    }
}

/// Replaces the long-form intrinsics of a CloudFormation document (JSON, or YAML written
/// with `Fn::` keys), in one pass.
pub(crate) fn resolve(node: &mut Node) {
    let replaced = match &mut node.kind {
        Kind::Map(entries) => match as_intrinsic(entries) {
            Some(kind) => Some(kind),
            None => {
                entries.iter_mut().for_each(|e| resolve(&mut e.value));
                None
            }
        },
        Kind::Seq(items) => {
            items.iter_mut().for_each(resolve);
            None
        }
        _ => None,
    };
    if let Some(kind) = replaced {
        node.kind = kind;
    }
}

/// The text an unknown value shows in a text field: a `${…}` placeholder.
pub(crate) fn placeholder(description: &str) -> String {
    let clean: String = description.chars().filter(|c| !matches!(c, '{' | '}' | '$')).take(80).collect();
    format!("${{{clean}}}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::json;

    #[test]
    fn long_forms_become_unknown_or_template_text() {
        let mut n = json::parse(
            r#"{"a": {"Ref": "P"}, "b": {"Fn::Sub": "x-${P}"}, "c": {"Fn::If": ["C", 1, 2]}, "d": {"Ref": "AWS::NoValue"}, "e": {"Fn::Join": ["", ["a"]]}}"#,
        )
        .unwrap();
        resolve(&mut n);
        assert_eq!(n.get("a").unwrap().kind, Kind::Unknown("Ref:P".into()));
        assert_eq!(n.get("b").unwrap().kind, Kind::Str("x-${P}".into()));
        assert_eq!(n.get("c").unwrap().kind, Kind::Unknown("Fn::If".into()));
        assert_eq!(n.get("d").unwrap().kind, Kind::Null);
        assert_eq!(n.get("e").unwrap().kind, Kind::Unknown("Fn::Join".into()));
        assert_eq!(placeholder("Fn::GetAtt:Role.Arn"), "${Fn::GetAtt:Role.Arn}");
        assert!(crate::knowledge::secrets::is_placeholder(&placeholder("Ref:Db{x}")));
    }
}
