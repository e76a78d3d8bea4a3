//! A private moto server, seeded by tests/e2e/moto_seed.py, for the life of the test run.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// The Python with moto installed: $ECS_SECURITY_MCP_PYTHON, else the project's .venv.
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("ECS_SECURITY_MCP_PYTHON") {
        return PathBuf::from(p);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python")
}

/// The seeded moto server; stopped when dropped.
pub struct Moto {
    child: Child,
    pub seeded: Value,
}

impl Moto {
    pub fn start(extra_args: &[&str]) -> Moto {
        let python = python();
        assert!(
            python.exists(),
            "{} does not exist: the end-to-end tests need moto. Run scripts/test (it creates .venv with moto from PyPI), or set ECS_SECURITY_MCP_PYTHON to a Python that has moto[server] installed.",
            python.display()
        );
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/moto_seed.py");
        let mut child = Command::new(&python)
            .arg(&script)
            .args(extra_args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", python.display()));
        let stdout = child.stdout.take().expect("seed stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("seed output");
        let seeded: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("moto seeding failed ({e}): {line}"));
        Moto { child, seeded }
    }

    pub fn endpoint(&self) -> String {
        self.seeded["endpoint"].as_str().expect("endpoint").to_owned()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
