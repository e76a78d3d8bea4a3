//! The server over stdio as an MCP client sees it: spawned, initialised, sent JSON-RPC
//! lines and read back line by line with a deadline.

use std::process::Stdio;
use std::time::Instant;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout};

use super::Outcome;

pub struct StdioServer {
    // Kept so the server is killed when the client is dropped.
    _child: Child,
    stdin: ChildStdin,
    lines: Lines<BufReader<ChildStdout>>,
}

impl StdioServer {
    /// Starts `ecs-security-mcp serve <args>` and completes the initialize handshake.
    pub async fn start(args: &[&str]) -> Result<StdioServer, String> {
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_ecs-security-mcp"))
            .arg("serve")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| e.to_string())?;
        let stdin = child.stdin.take().ok_or("stdin")?;
        let lines = BufReader::new(child.stdout.take().ok_or("stdout")?).lines();
        let mut server = StdioServer { _child: child, stdin, lines };
        server.send(json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "e2e", "version": "1"}}})).await?;
        server.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"})).await?;
        Ok(server)
    }

    /// Writes one JSON-RPC message.
    pub async fn send(&mut self, msg: Value) -> Outcome {
        self.stdin.write_all(format!("{msg}\n").as_bytes()).await.map_err(|e| e.to_string())
    }

    /// The next message on stdout, which must be JSON, before `deadline`.
    pub async fn next(&mut self, deadline: Instant, waiting_for: &str) -> Result<Value, String> {
        let line = tokio::time::timeout_at(deadline.into(), self.lines.next_line())
            .await
            .map_err(|_| format!("timed out waiting for {waiting_for}"))?
            .map_err(|e| e.to_string())?
            .ok_or("server closed stdout")?;
        serde_json::from_str(&line).map_err(|e| format!("non-JSON on stdout: {e}"))
    }
}
