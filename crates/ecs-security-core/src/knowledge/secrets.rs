//! Secret detection: which names and values look like credentials, and how to keep them out
//! of every output (the redaction itself is `crate::redact`).
//!
//! Two kinds of evidence are combined. *Value detectors* recognise credential formats (AWS
//! access keys, GitHub/Stripe/Slack tokens, private keys, passwords in URLs) and are high
//! confidence. *Name heuristics* look at the variable name split into words, so that
//! `DB_PASSWORD` is sensitive but `MONKEY_BUSINESS`, `KEYBOARD_LAYOUT` and `TOKENIZER_MODE`
//! are not (no substring matching). High-entropy strings are a low-confidence fallback.
//!
//! A *templated* value (`${db_password}`, `<YOUR_API_KEY>`, `{{ .Values.key }}`, `#{Token}`,
//! `$$$TOKEN$$$`) in a credential-like name is its own detection: the template is not a
//! secret, but whatever replaces it at deploy time lands in the same plain-text field. In a
//! name that is not credential-like a template is not a finding.
//!
//! A detected value never leaves the process: snapshots are written with values replaced by
//! a marker `[REDACTED:<detector>:<length>]`, which these detectors recognise again, so a
//! saved snapshot yields the same findings as the live one.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::Provenance;
use crate::severity::Confidence;

/// A way of recognising a secret.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Detector {
    /// Stable kebab-case id, used in evidence and in redaction markers.
    pub id: &'static str,
    pub label: &'static str,
    pub confidence: Confidence,
    /// Whether a match is a credential format (as opposed to a name or entropy guess).
    pub verified_format: bool,
    #[serde(skip)]
    pub provenance: Provenance,
}

const AS_OF: &str = "2026-11-01";

pub static SENSITIVE_NAME: Detector = Detector {
    id: "sensitive-name",
    label: "secret (credential-like name)",
    confidence: Confidence::Medium,
    verified_format: false,
    provenance: Provenance {
        source: "AWS Security Hub ECS.8; Trivy AVD-AWS-0036 sensitive names; OWASP Secrets Management Cheat Sheet",
        as_of: AS_OF,
    },
};

pub static AWS_ACCESS_KEY_ID: Detector = Detector {
    id: "aws-access-key-id",
    label: "AWS access key id",
    confidence: Confidence::High,
    verified_format: true,
    provenance: Provenance {
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids (AKIA/ASIA prefixes)",
        as_of: AS_OF,
    },
};

pub static AWS_SECRET_ACCESS_KEY: Detector = Detector {
    id: "aws-secret-access-key",
    label: "AWS secret access key",
    confidence: Confidence::High,
    verified_format: true,
    provenance: Provenance {
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html (40-character secret)",
        as_of: AS_OF,
    },
};

pub static PRIVATE_KEY: Detector = Detector {
    id: "private-key",
    label: "PEM private key",
    confidence: Confidence::High,
    verified_format: true,
    provenance: Provenance { source: "RFC 7468 (PEM textual encodings)", as_of: AS_OF },
};

pub static GITHUB_TOKEN: Detector = Detector {
    id: "github-token",
    label: "GitHub token",
    confidence: Confidence::High,
    verified_format: true,
    provenance: Provenance {
        source: "https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/",
        as_of: AS_OF,
    },
};

pub static STRIPE_KEY: Detector = Detector {
    id: "stripe-key",
    label: "Stripe secret or restricted key",
    confidence: Confidence::High,
    verified_format: true,
    provenance: Provenance { source: "https://docs.stripe.com/keys (sk_/rk_ live and test keys)", as_of: AS_OF },
};

pub static SLACK_TOKEN: Detector = Detector {
    id: "slack-token",
    label: "Slack token or webhook",
    confidence: Confidence::High,
    verified_format: true,
    provenance: Provenance {
        source: "https://api.slack.com/authentication/token-types (xoxb/xoxp/xoxa/xoxr, hooks.slack.com)",
        as_of: AS_OF,
    },
};

pub static URL_CREDENTIALS: Detector = Detector {
    id: "url-credentials",
    label: "password embedded in a URL",
    confidence: Confidence::High,
    verified_format: true,
    provenance: Provenance { source: "RFC 3986 §3.2.1 (userinfo is deprecated for passwords)", as_of: AS_OF },
};

pub static JWT: Detector = Detector {
    id: "jwt",
    label: "JSON Web Token",
    confidence: Confidence::Medium,
    verified_format: true,
    provenance: Provenance { source: "RFC 7519", as_of: AS_OF },
};

pub static TEMPLATED: Detector = Detector {
    id: "templated-secret",
    label: "templated secret (rendered into plain text at deploy time)",
    confidence: Confidence::Medium,
    verified_format: false,
    provenance: Provenance {
        source: "template syntaxes of Terraform/envsubst (${x}), Helm/Go templates and ecspresso ({{ x }}), Octopus (#{x}), documentation placeholders (<YOUR_X>) and the ECS agent's test fixtures ($$$X$$$)",
        as_of: "2026-12-04",
    },
};

pub static FRAMEWORK_KEY: Detector = Detector {
    id: "framework-key",
    label: "application framework key (Laravel APP_KEY)",
    confidence: Confidence::High,
    verified_format: true,
    provenance: Provenance {
        source: "https://laravel.com/docs/encryption (APP_KEY is `base64:` followed by a 32-byte key)",
        as_of: "2026-12-04",
    },
};

pub static HIGH_ENTROPY: Detector = Detector {
    id: "high-entropy",
    label: "high-entropy string (possible key)",
    confidence: Confidence::Low,
    verified_format: false,
    provenance: Provenance {
        source: "Shannon-entropy heuristic as used by detect-secrets (Yelp) and truffleHog",
        as_of: AS_OF,
    },
};

/// Every detector, for docs and marker lookup.
pub static DETECTORS: &[&Detector] = &[
    &AWS_ACCESS_KEY_ID,
    &AWS_SECRET_ACCESS_KEY,
    &PRIVATE_KEY,
    &GITHUB_TOKEN,
    &STRIPE_KEY,
    &SLACK_TOKEN,
    &URL_CREDENTIALS,
    &JWT,
    &SENSITIVE_NAME,
    &TEMPLATED,
    &FRAMEWORK_KEY,
    &HIGH_ENTROPY,
];

/// A secret found in a name/value pair or a piece of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    pub detector: &'static Detector,
    /// The exact text to hide. Never put this in an output.
    pub secret: String,
}

impl Detection {
    /// The redaction marker that replaces the secret in saved snapshots.
    pub fn marker(&self) -> String {
        if MARKER.is_match(&self.secret) {
            return self.secret.clone();
        }
        format!("[REDACTED:{}:{}]", self.detector.id, self.secret.chars().count())
    }

    /// A description safe for output: the detector and the length, never the value.
    pub fn redacted_description(&self) -> String {
        let len = MARKER
            .captures(&self.secret)
            .and_then(|c| c.get(2))
            .and_then(|m| m.as_str().parse::<usize>().ok())
            .unwrap_or_else(|| self.secret.chars().count());
        format!("[redacted {}, {len} chars]", self.detector.id)
    }
}

pub(crate) static MARKER: LazyLock<Regex> = LazyLock::new(|| re(r"\[REDACTED:([a-z0-9-]+):(\d+)\]"));

/// Value detectors that recognise credential formats anywhere in a string. The first
/// capture group is the secret.
static FORMAT_PATTERNS: LazyLock<Vec<(&'static Detector, Regex)>> = LazyLock::new(|| {
    vec![
        (&AWS_ACCESS_KEY_ID, re(r"\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\b")),
        (
            &PRIVATE_KEY,
            re(r"(-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[^-]*(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----)?)"),
        ),
        (&GITHUB_TOKEN, re(r"\b((?:gh[pousr]_[A-Za-z0-9]{36,255})|(?:github_pat_[A-Za-z0-9_]{22,255}))\b")),
        (&STRIPE_KEY, re(r"\b((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,247})\b")),
        (&SLACK_TOKEN, re(r"(xox[abposr]-[A-Za-z0-9-]{10,}|https://hooks\.slack\.com/services/[A-Za-z0-9+/]{20,})")),
        (&URL_CREDENTIALS, re(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s/:@]*:([^\s/@]+)@")),
        (&JWT, re(r"\b(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})")),
    ]
});

/// A password in a connection string's parameters (`jdbc:…;password=x`, `?password=x`,
/// `Password=x;`). The first capture group is the secret.
static PARAM_PASSWORD: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?:^|[?&;])\s*(?:password|passwd|pwd)\s*=\s*([^&;\s]+)"));

/// A whole value that is a template or a documentation placeholder.
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:\$\{[^{}]+\}|\$[A-Za-z_][A-Za-z0-9_]*|\$\([A-Za-z_][A-Za-z0-9_]*\)|\{\{.+\}\}|#\{[^{}]+\}|<[^<>]*[A-Za-z][^<>]*>|\$\$\$[A-Za-z0-9_]+\$\$\$|%[A-Za-z_][A-Za-z0-9_]*%|(?:YOUR|MY|INSERT|REPLACE|ENTER)_[A-Z0-9_]+|CHANGE_?ME|REPLACE_?ME)$",
    )
});

/// A template or placeholder anywhere inside a value (`repo:${TAG}`, `<ACCOUNT_ID>.dkr…`).
static PLACEHOLDER_INSIDE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\$\{[^{}]+\}|\{\{.+?\}\}|#\{[^{}]+\}|<[^<>]*[A-Za-z][^<>]*>|\$\$\$[A-Za-z0-9_]+\$\$\$|\$[A-Za-z_][A-Za-z0-9_]*",
    )
});

/// Laravel's `APP_KEY`: `base64:` and 32 bytes of key.
static LARAVEL_KEY: LazyLock<Regex> = LazyLock::new(|| re(r"^base64:[A-Za-z0-9+/]{42,}={0,2}$"));

static AWS_SECRET_SHAPE: LazyLock<Regex> = LazyLock::new(|| re(r"^[A-Za-z0-9/+]{40}$"));

/// `NAME=value` and `NAME: value` assignments inside free text such as shell commands.
static ASSIGNMENT: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?:^|[\s'";&(])-{0,2}([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s*['"]?([^\s'";&)]+)"#));

static WORDS: LazyLock<Regex> = LazyLock::new(|| re(r"[A-Za-z0-9+/=_-]{20,}"));

#[allow(clippy::expect_used, reason = "the patterns are constants, compiled by the unit tests below")]
fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid built-in pattern")
}

/// Words that make a name credential-like on their own.
const SENSITIVE_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "pass",
    "secret",
    "secrets",
    "token",
    "credential",
    "credentials",
    "creds",
    "apikey",
    "privatekey",
    "accesskey",
    "secretkey",
    "authtoken",
    "clientsecret",
    "sessiontoken",
];

/// Words that make `key` credential-like when they appear next to it (`API_KEY`, `PRIVATE_KEY`).
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "access",
    "secret",
    "private",
    "signing",
    "encryption",
    "encrypt",
    "master",
    "client",
    "auth",
    "ssh",
    "license",
    "hmac",
    "jwt",
    "session",
    "webhook",
    "stripe",
];

/// Last words that turn a sensitive-looking name into a reference or a setting
/// (`SECRET_ARN`, `PASSWORD_FILE`, `TOKEN_TTL`).
const REFERENCE_SUFFIXES: &[&str] = &[
    "file",
    "path",
    "dir",
    "name",
    "id",
    "arn",
    "ttl",
    "timeout",
    "expiry",
    "expires",
    "expiration",
    "length",
    "size",
    "enabled",
    "enable",
    "disabled",
    "mode",
    "type",
    "header",
    "field",
    "region",
    "version",
    "rotation",
    "url",
    "uri",
    "endpoint",
    "host",
    "port",
    "policy",
    "format",
    "algorithm",
    "count",
    "min",
    "max",
    "prefix",
    "location",
    "param",
    "parameter",
    "ref",
    "kind",
    "provider",
    "store",
    "manager",
    "required",
    "audience",
    "issuer",
    "scope",
    "scopes",
];

/// Splits a variable name into lower-case words: `dbPassword` → `db`, `password`;
/// `AWS_SECRET_ACCESS_KEY` → `aws`, `secret`, `access`, `key`.
pub fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut current = String::new();
        let mut prev_lower = false;
        for c in part.chars() {
            if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            current.push(c.to_ascii_lowercase());
        }
        if !current.is_empty() {
            words.push(current);
        }
    }
    words
}

/// Whether a variable name suggests its value is a credential.
pub fn is_sensitive_name(name: &str) -> bool {
    let words = name_words(name);
    let Some(last) = words.last() else {
        return false;
    };
    if REFERENCE_SUFFIXES.contains(&last.as_str()) {
        return false;
    }
    let joined = words.concat();
    words.iter().any(|w| SENSITIVE_WORDS.contains(&w.as_str()))
        || SENSITIVE_WORDS.iter().filter(|w| w.len() > 6).any(|w| joined == *w)
        || words.windows(2).any(|p| {
            p[1] == "key" && KEY_QUALIFIERS.contains(&p[0].as_str()) || p[0] == "connection" && p[1] == "string"
        })
}

/// Whether a whole value is a template or placeholder that something else fills in at deploy
/// time (`${x}`, `$(X)`, `{{ x }}`, `#{x}`, `<YOUR_X>`, `$$$X$$$`, `%X%`, `YOUR_X`, `CHANGEME`).
pub fn is_placeholder(value: &str) -> bool {
    PLACEHOLDER.is_match(value.trim())
}

/// Whether a value contains a template or placeholder anywhere, e.g. an image
/// `<ACCOUNT_ID>.dkr.ecr.us-east-1.amazonaws.com/app:${TAG}`.
pub fn contains_placeholder(value: &str) -> bool {
    PLACEHOLDER_INSIDE.is_match(value)
}

/// Values that cannot be a literal secret: references, switches, numbers.
fn is_non_secret_value(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() || v.len() < 3 {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "none" | "nil" | "enabled" | "disabled"
    ) || v.parse::<f64>().is_ok()
        || lower.starts_with("arn:")
        || is_placeholder(v)
        || (v.starts_with('/') && !v.contains(char::is_whitespace))
}

/// A numeric password: four or more digits in a variable whose name ends in a password
/// word (`password=123123`, `DB_PASSWD=4711`). Other numbers under secret-like names
/// are settings (`TOKEN_LIFETIME=3600` is excluded by its suffix, `SECRET_SHARDS=3` by length).
fn is_numeric_password(words: &[String], value: &str) -> bool {
    words.last().is_some_and(|w| matches!(w.as_str(), "password" | "passwd" | "pwd" | "pass" | "passphrase"))
        && value.len() >= 4
        && value.bytes().all(|b| b.is_ascii_digit())
}

fn shannon_entropy(s: &str) -> f64 {
    let mut counts = [0usize; 256];
    for b in s.bytes() {
        counts[usize::from(b)] += 1;
    }
    let len = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / len;
            -p * p.log2()
        })
        .sum()
}

/// Whether a token looks like random key material: long, three or more character classes,
/// and close to the maximum entropy its length allows.
fn looks_random(token: &str) -> bool {
    // Key material uses base64 or hex alphabets; URLs, host names and paths do not qualify.
    if token.len() < 20
        || !token.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'_' | b'-'))
    {
        return false;
    }
    let classes = [
        token.bytes().any(|b| b.is_ascii_uppercase()),
        token.bytes().any(|b| b.is_ascii_lowercase()),
        token.bytes().any(|b| b.is_ascii_digit()),
        token.bytes().any(|b| matches!(b, b'+' | b'/' | b'=' | b'_' | b'-')),
    ]
    .iter()
    .filter(|&&c| c)
    .count();
    if classes < 3 {
        return false;
    }
    let max = (token.len().min(64) as f64).log2();
    shannon_entropy(token) >= 0.82 * max && shannon_entropy(token) >= 3.9
}

fn marker_detection(text: &str) -> Option<Detection> {
    let caps = MARKER.captures(text)?;
    let id = caps.get(1)?.as_str();
    let detector = DETECTORS.iter().copied().find(|d| d.id == id)?;
    Some(Detection { detector, secret: caps.get(0)?.as_str().to_owned() })
}

/// Credential formats in `text`. A credential slot filled by a template
/// (`postgresql://${DB_USER}:${DB_PASSWORD}@host`) is a templated secret.
pub(crate) fn format_detections(text: &str) -> Vec<Detection> {
    let mut out = Vec::new();
    let params = (&URL_CREDENTIALS, &*PARAM_PASSWORD);
    for (detector, pattern) in FORMAT_PATTERNS.iter().map(|(d, p)| (*d, p)).chain(std::iter::once(params)) {
        for caps in pattern.captures_iter(text) {
            if let Some(m) = caps.get(1) {
                let secret = m.as_str().to_owned();
                let detector = if is_placeholder(&secret) { &TEMPLATED } else { detector };
                out.push(Detection { detector, secret });
            }
        }
    }
    out
}

/// Classifies a named value (environment variable, tag, docker label, log option).
pub fn classify(name: &str, value: &str) -> Option<Detection> {
    if let Some(d) = marker_detection(value) {
        return Some(d);
    }
    if let Some(d) = format_detections(value).into_iter().next() {
        return Some(d);
    }
    let words = name_words(name);
    let trimmed = value.trim();
    if is_placeholder(trimmed) {
        return is_sensitive_name(name).then(|| Detection { detector: &TEMPLATED, secret: trimmed.to_owned() });
    }
    if words.last().is_some_and(|w| w == "key") && LARAVEL_KEY.is_match(trimmed) {
        return Some(Detection { detector: &FRAMEWORK_KEY, secret: trimmed.to_owned() });
    }
    if AWS_SECRET_SHAPE.is_match(trimmed) && words.iter().any(|w| w == "aws" || w == "secret") && looks_random(trimmed)
    {
        return Some(Detection { detector: &AWS_SECRET_ACCESS_KEY, secret: trimmed.to_owned() });
    }
    if is_sensitive_name(name) && (!is_non_secret_value(value) || is_numeric_password(&words, trimmed)) {
        return Some(Detection { detector: &SENSITIVE_NAME, secret: value.to_owned() });
    }
    if !is_non_secret_value(value) && looks_random(trimmed) && !trimmed.contains(char::is_whitespace) {
        return Some(Detection { detector: &HIGH_ENTROPY, secret: trimmed.to_owned() });
    }
    None
}

/// Finds secrets in free text (a command, an entry point, a label): credential formats,
/// `NAME=value` assignments with credential-like names, and high-entropy words. A template
/// in a command is not reported: the shell expands `${X}` and `$X` from the environment at
/// run time, which is how a command should get a secret.
pub fn scan_text(text: &str) -> Vec<Detection> {
    let mut out: Vec<Detection> = MARKER.find_iter(text).filter_map(|m| marker_detection(m.as_str())).collect();
    out.extend(format_detections(text).into_iter().filter(|d| d.detector.id != TEMPLATED.id));
    for caps in ASSIGNMENT.captures_iter(text) {
        let (Some(name), Some(value)) = (caps.get(1), caps.get(2)) else {
            continue;
        };
        if MARKER.is_match(value.as_str()) {
            continue;
        }
        if let Some(d) = classify(name.as_str(), value.as_str())
            && d.detector.id != TEMPLATED.id
            && !out.iter().any(|o| o.secret.contains(&d.secret) || d.secret.contains(&o.secret))
        {
            out.push(d);
        }
    }
    for word in WORDS.find_iter(text) {
        let w = word.as_str();
        if looks_random(w) && !out.iter().any(|o| o.secret.contains(w) || w.contains(&o.secret)) {
            out.push(Detection { detector: &HIGH_ENTROPY, secret: w.to_owned() });
        }
    }
    out
}

/// Finds secrets in an argument vector, including `--password hunter2` flag pairs.
pub fn scan_args(args: &[String]) -> Vec<Detection> {
    let mut out = Vec::new();
    for (i, arg) in args.iter().enumerate() {
        out.extend(scan_text(arg));
        let flag = arg.trim_start_matches('-');
        if arg.starts_with('-')
            && !arg.contains('=')
            && is_sensitive_name(flag)
            && let Some(next) = args.get(i + 1)
            && !next.starts_with('-')
            && !is_non_secret_value(next)
            && !out.iter().any(|d| &d.secret == next)
        {
            out.push(match marker_detection(next) {
                Some(d) => d,
                None => Detection { detector: &SENSITIVE_NAME, secret: next.clone() },
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alikes_are_not_secrets() {
        for (name, value) in [
            ("MONKEY_BUSINESS", "bananas"),
            ("KEYBOARD_LAYOUT", "us"),
            ("TOKENIZER_MODE", "fast"),
            ("PASSWORD_FILE", "/run/secrets/db"),
            ("SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"),
            ("TOKEN_TTL", "3600"),
            ("BYPASS_CACHE", "true"),
            ("CACHE_KEY_PREFIX", "web"),
            ("LOG_LEVEL", "info"),
            ("IMAGE_DIGEST", "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
            ("REQUEST_ID", "4f1c8a2e-0d5b-4c4e-9b8a-2f6d3e1a7c90"),
            ("APP_NAME", "payments-api"),
        ] {
            assert_eq!(classify(name, value), None, "{name}={value}");
        }
    }

    #[test]
    fn real_secrets_are_found() {
        let d = classify("DB_PASSWORD", "hunter2").unwrap();
        assert_eq!(d.detector.id, "sensitive-name");
        // A numeric password is a password (KICS's `password=123123`); a short number is not.
        assert_eq!(classify("password", "123123").map(|d| d.detector.id), Some("sensitive-name"));
        assert_eq!(classify("DB_PASSWORD", "0"), None);
        assert_eq!(classify("SECRET_SHARDS", "3"), None);
        let d = classify("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8dX2Lk9p").unwrap();
        assert_eq!(d.detector.id, "aws-secret-access-key");
        let d = classify("SOME_VAR", "AKIAZ7Q3L5V2MEXAMPLX").unwrap();
        assert_eq!(d.detector.id, "aws-access-key-id");
        let d = classify("STRIPE", "sk_live_51HxQ2bL9kQv7Xz3Yc8RtWmPq").unwrap();
        assert_eq!(d.detector.id, "stripe-key");
        let d = classify("X", "ghp_0123456789abcdefghijABCDEFGHIJ012345").unwrap();
        assert_eq!(d.detector.id, "github-token");
        let d = classify("NOTIFY", "xoxb-1234567890-abcdefghij").unwrap();
        assert_eq!(d.detector.id, "slack-token");
        let d = classify("DATABASE_URL", "postgres://app:s3cr3t-pw@db.internal:5432/pay").unwrap();
        assert_eq!((d.detector.id, d.secret.as_str()), ("url-credentials", "s3cr3t-pw"));
        let d = classify("TLS", "-----BEGIN RSA PRIVATE KEY-----\nMIIE...").unwrap();
        assert_eq!(d.detector.id, "private-key");
        let d = classify("apiKey", "k3J9xQ2mZ7vB4nR8tY1wE6uI0oP5aS3d").unwrap();
        assert_eq!(d.detector.id, "sensitive-name");
        let d = classify("BLOB", "Zx8Qm2Lk9Jv4Hn7Bg3Fd6Sa1Pq0Wr5Et").unwrap();
        assert_eq!(d.detector.id, "high-entropy");
    }

    #[test]
    fn templates_in_secret_names_are_templated_secrets() {
        for (name, value) in [
            ("MYSQL_ROOT_PASSWORD", "${mysql_password}"),
            ("DD_API_KEY", "<YOUR_DATADOG_API_KEY>"),
            ("API_TOKEN", "{{ .Values.key }}"),
            ("CLIENT_SECRET", "#{Token}"),
            ("DB_PASSWORD", "$$$DB_PASSWORD$$$"),
            ("SPLUNK_ACCESS_TOKEN", "MY_SPLUNK_ACCESS_TOKEN"),
            ("DB_PASSWORD", "{{resolve:secretsmanager:db:SecretString:password}}"),
        ] {
            let d = classify(name, value).unwrap_or_else(|| panic!("{name}={value}"));
            assert_eq!(d.detector.id, "templated-secret", "{name}={value}");
            assert!(!d.detector.verified_format);
        }
        let d = classify("DATABASE_URL", "postgresql://${DB_USER}:${DB_PASSWORD}@${DB_HOST}/${DB_NAME}").unwrap();
        assert_eq!(d.detector.id, "templated-secret");
        for (name, value) in [
            ("JSON", "{{ env `JSON` | json_escape }}"),
            ("DATABASE_USERNAME", "${database_username}"),
            ("ELASTICSEARCH_URL", "<ES-URL>"),
            ("APP_IMAGE", "${app_image}"),
            ("GF_SECURITY_ADMIN_USER", "${grafana_admin_user}"),
        ] {
            assert_eq!(classify(name, value), None, "{name}={value}");
        }
        assert!(scan_text("export DB_PASSWORD=${DB_PASSWORD} && psql postgres://u:${PW}@db/app").is_empty());
    }

    #[test]
    fn framework_secrets_are_found() {
        let d = classify("APP_KEY", "base64:Zx8Qm2Lk9Jv4Hn7Bg3Fd6Sa1Pq0Wr5EtYu8Io2Pl4K=").unwrap();
        assert_eq!(d.detector.id, "framework-key");
        for name in ["SECRET_KEY", "DJANGO_SECRET_KEY", "SECRET_KEY_BASE", "JWT_SIGNING_KEY", "JWT_SECRET", "JWT_KEY"] {
            assert!(classify(name, "f0e1d2c3b4a5968778695a4b3c2d1e0f").is_some(), "{name}");
        }
        for url in [
            "mysql+pymysql://app:hunter22@db:3306/app",
            "mongodb+srv://app:hunter22@cluster0.example.net/db",
            "redis://:hunter22@cache:6379/0",
            "jdbc:sqlserver://db:1433;databaseName=app;user=app;password=hunter22",
            "jdbc:postgresql://db/app?user=app&password=hunter22",
            "Server=db;Database=app;User Id=app;Password=hunter22;",
        ] {
            let d = classify("DATABASE_URL", url).unwrap_or_else(|| panic!("{url}"));
            assert_eq!((d.detector.id, d.secret.as_str()), ("url-credentials", "hunter22"), "{url}");
        }
        assert_eq!(classify("APP_KEY", "payments"), None);
        assert_eq!(classify("DB_URL", "jdbc:sqlserver://db;Trusted_Connection=True"), None);
        assert_eq!(classify("MONKEY_BUSINESS", "base64:Zx8Qm2Lk9Jv4Hn7Bg3Fd6Sa1Pq0Wr5EtYu8Io2Pl4K="), None);
    }

    #[test]
    fn name_words_split_camel_and_snake() {
        assert_eq!(name_words("dbPassword"), ["db", "password"]);
        assert_eq!(name_words("AWS_SECRET_ACCESS_KEY"), ["aws", "secret", "access", "key"]);
        assert_eq!(name_words("--db-password"), ["db", "password"]);
        assert!(is_sensitive_name("API_KEY"));
        assert!(is_sensitive_name("clientSecret"));
        assert!(!is_sensitive_name("PARTITION_KEY"));
    }

    #[test]
    fn commands_and_flag_pairs() {
        let args: Vec<String> = ["app", "--password", "hunter22", "--port", "8080"].map(String::from).to_vec();
        let found = scan_args(&args);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].secret, "hunter22");
        let found = scan_text("export API_TOKEN=abc123def456 && ./run --verbose");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].secret, "abc123def456");
        assert!(scan_text("./run --port 8080 --mode fast").is_empty());
    }

    #[test]
    fn markers_round_trip() {
        let d = classify("DB_PASSWORD", "hunter2").unwrap();
        let marker = d.marker();
        assert_eq!(marker, "[REDACTED:sensitive-name:7]");
        let again = classify("DB_PASSWORD", &marker).unwrap();
        assert_eq!(again.detector.id, "sensitive-name");
        assert_eq!(again.redacted_description(), "[redacted sensitive-name, 7 chars]");
        let d = classify("X", "AKIAZ7Q3L5V2MEXAMPLX").unwrap();
        let again = classify("X", &d.marker()).unwrap();
        assert_eq!(again.detector.id, "aws-access-key-id");
    }
}
