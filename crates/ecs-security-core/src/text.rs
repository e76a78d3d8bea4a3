//! Making untrusted text safe for Markdown: names, tags and messages that contain AWS data
//! are rendered as inert text. JSON output keeps the exact strings instead.

/// The longest run of untrusted text shown in a text report.
pub const MAX_TEXT: usize = 200;

/// Escapes `text` for use inline in Markdown: control characters and ANSI escapes are
/// removed, line breaks become spaces, Markdown and HTML syntax is backslash-escaped, URLs
/// are defused, and anything longer than [`MAX_TEXT`] characters is cut with a marker.
pub fn md(text: &str) -> String {
    md_limit(text, MAX_TEXT)
}

/// [`md`] with a custom length limit.
pub fn md_limit(text: &str, limit: usize) -> String {
    let clean = strip_controls(text);
    let (shown, cut) = truncate(&clean, limit);
    let mut out = String::with_capacity(shown.len() + 8);
    for c in shown.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '!' | '#' | '(' | ')' | '{' | '}' | '$'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    let mut out = out.replace("://", ":\\/\\/").replace("www.", "www\\.");
    if cut > 0 {
        out.push_str(&format!("…\\[truncated {cut} chars\\]"));
    }
    out
}

/// Removes ANSI escape sequences and control characters; turns line breaks and tabs into
/// single spaces.
pub fn strip_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => {
                // CSI: ESC [ params final-byte; OSC: ESC ] ... BEL or ESC \; others: ESC + one char.
                match chars.peek() {
                    Some('[') => {
                        chars.next();
                        for n in chars.by_ref() {
                            if ('@'..='~').contains(&n) {
                                break;
                            }
                        }
                    }
                    Some(']') => {
                        chars.next();
                        while let Some(n) = chars.next() {
                            if n == '\u{7}' || (n == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                                break;
                            }
                        }
                    }
                    Some(_) => {
                        chars.next();
                    }
                    None => {}
                }
            }
            '\n' | '\r' | '\t' => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c if c.is_control() || is_invisible(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Zero-width and bidirectional-override characters that can hide or reorder text.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// The first `limit` characters and how many were cut.
fn truncate(text: &str, limit: usize) -> (&str, usize) {
    let total = text.chars().count();
    if total <= limit {
        return (text, 0);
    }
    let end = text.char_indices().nth(limit).map_or(text.len(), |(i, _)| i);
    (&text[..end], total - limit)
}

/// Plain text for terminals: controls removed and length limited, no Markdown escaping.
pub fn plain(text: &str) -> String {
    let clean = strip_controls(text);
    let (shown, cut) = truncate(&clean, MAX_TEXT);
    if cut > 0 { format!("{shown}…[truncated {cut} chars]") } else { shown.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_inert() {
        assert_eq!(md("web"), "web");
        assert_eq!(md("a|b"), "a\\|b");
        assert_eq!(md("<script>alert(1)</script>"), "\\<script\\>alert\\(1\\)\\</script\\>");
        assert_eq!(md("[click](http://evil.example)"), "\\[click\\]\\(http:\\/\\/evil.example\\)");
        assert_eq!(md("**bold** `code`"), "\\*\\*bold\\*\\* \\`code\\`");
        assert_eq!(md("line1\nline2\r\n# heading"), "line1 line2 \\# heading");
    }

    #[test]
    fn controls_and_ansi_are_removed() {
        assert_eq!(md("\u{1b}[31mred\u{1b}[0m"), "red");
        assert_eq!(md("a\u{0}b\u{7}c"), "abc");
        assert_eq!(md("x\u{1b}]8;;http://e\u{7}link\u{1b}]8;;\u{7}y"), "xlinky");
        assert_eq!(md("safe\u{202e}txt.exe"), "safetxt.exe");
    }

    #[test]
    fn long_text_is_cut_with_a_marker() {
        let long = "a".repeat(250);
        let out = md(&long);
        assert!(out.starts_with(&"a".repeat(200)));
        assert!(out.ends_with("…\\[truncated 50 chars\\]"));
        assert_eq!(plain(&"é".repeat(201)), format!("{}…[truncated 1 chars]", "é".repeat(200)));
    }
}
