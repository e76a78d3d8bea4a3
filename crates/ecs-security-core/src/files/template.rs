//! Terraform `templatefile()` inputs (`*.json.tpl`, `*.tftpl`): JSON with `${…}`
//! interpolations written where a value goes (`"cpu": ${app_cpu}`), which is not JSON until
//! Terraform renders it.
//!
//! Each interpolation outside a string is replaced by a JSON string of exactly its length, so
//! every line and column of the file stays where it is, and after parsing that value becomes
//! an unknown (`templatefile ${app_cpu}`): known only when the template is rendered, never a
//! literal. Interpolations inside strings (`"image": "${repo}:${tag}"`) stay template text,
//! which the rules already read as placeholders. Template directives (`%{ if }`, `%{ for }`) change the document's shape and are not
//! read: the file gets an error at the directive.
//!
//! Written by hand: no crate renders a Terraform template without its variables, and the
//! scan is one pass over the text that tracks JSON strings and nested braces.

use super::tree::{Kind, Node, Pos};

/// Whether a file name is a Terraform template.
pub(crate) fn is_template(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".tpl") || lower.ends_with(".tftpl")
}

/// An interpolation that stood where a value goes.
#[derive(Debug, Clone)]
pub(crate) struct Interpolation {
    pub pos: Pos,
    /// As written, e.g. `${app_cpu}`.
    pub text: String,
}

/// The text with each bare interpolation replaced by a same-length JSON string, and those
/// interpolations; an error at a directive or an unclosed interpolation.
pub(crate) fn neutralise(text: &str) -> Result<(String, Vec<Interpolation>), (Pos, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut found = Vec::new();
    let (mut line, mut column) = (1, 1);
    let mut in_string = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if in_string {
            if c == '\\' {
                out.push(c);
                if let Some(n) = next {
                    out.push(n);
                    column += 2;
                    i += 2;
                    continue;
                }
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if c == '%' && next == Some('{') {
            return Err((
                Pos { line, column },
                "Terraform template directives (%{ if }, %{ for }) are not read: render the template (e.g. `terraform console` with templatefile) and lint the output".into(),
            ));
        } else if c == '$' && next == Some('{') {
            let end = closing_brace(&chars, i + 2).ok_or_else(|| {
                (Pos { line, column }, "unclosed `${` interpolation in the Terraform template".to_owned())
            })?;
            let span: String = chars[i..=end].iter().collect();
            if span.contains('\n') {
                return Err((
                    Pos { line, column },
                    "a multi-line `${…}` interpolation where a value goes is not read: render the template and lint the output".into(),
                ));
            }
            let len = end - i + 1;
            found.push(Interpolation { pos: Pos { line, column }, text: span });
            out.push('"');
            out.extend(std::iter::repeat_n('_', len - 2));
            out.push('"');
            column += len;
            i = end + 1;
            continue;
        }
        out.push(c);
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
        i += 1;
    }
    Ok((out, found))
}

/// The index of the `}` that closes an interpolation whose body starts at `from`, skipping
/// nested braces and quoted strings inside the expression.
fn closing_brace(chars: &[char], from: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut i = from;
    while i < chars.len() {
        match chars[i] {
            '\\' if in_string => i += 1,
            '"' => in_string = !in_string,
            '{' if !in_string => depth += 1,
            '}' if !in_string && depth == 0 => return Some(i),
            '}' if !in_string => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// Marks the values that stood for interpolations as unknown.
pub(crate) fn mark_unknown(node: &mut Node, found: &[Interpolation]) {
    match &mut node.kind {
        Kind::Str(_) => {
            if let Some(f) = found.iter().find(|f| f.pos == node.pos) {
                node.kind = Kind::Unknown(format!("templatefile {}", f.text));
            }
        }
        Kind::Seq(items) => items.iter_mut().for_each(|n| mark_unknown(n, found)),
        Kind::Map(entries) => entries.iter_mut().for_each(|e| mark_unknown(&mut e.value, found)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::json;

    #[test]
    fn bare_interpolations_become_unknown_in_place() {
        let text = "[{\"cpu\": ${app_cpu}, \"image\": \"${repo}:${tag}\",\n \"memory\": ${lookup(var.m, \"x\", 1)}, \"x\": 1}]";
        let (clean, found) = neutralise(text).unwrap();
        assert_eq!(clean.chars().count(), text.chars().count());
        assert_eq!(found.len(), 2);
        let mut node = json::parse(&clean).unwrap();
        mark_unknown(&mut node, &found);
        let c = &node.items()[0];
        assert_eq!(c.get("cpu").unwrap().kind, Kind::Unknown("templatefile ${app_cpu}".into()));
        assert_eq!(c.get("image").unwrap().kind, Kind::Str("${repo}:${tag}".into()));
        assert!(matches!(c.get("memory").unwrap().kind, Kind::Unknown(_)));
        // Positions after an interpolation are unchanged.
        assert_eq!(c.entry("x").unwrap().key_pos, Pos { line: 2, column: 38 });
    }

    #[test]
    fn directives_and_unclosed_interpolations_are_errors_with_a_place() {
        let (pos, m) = neutralise("[\n%{ for c in cs }{}%{ endfor }]").unwrap_err();
        assert_eq!((pos.line, pos.column), (2, 1));
        assert!(m.contains("directives"), "{m}");
        assert_eq!(neutralise("{\"a\": ${x").unwrap_err().0, Pos { line: 1, column: 7 });
        assert!(neutralise("{\"a\": \"%{ not a directive in a string }\"}").is_ok());
    }
}
