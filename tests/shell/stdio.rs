//! The built binary as an MCP server over stdio, driven with raw JSON-RPC lines: nothing
//! but protocol may appear on stdout, and bad input must not stop the server.

use crate::common;

use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ecs-security-mcp"))
            .args(["serve", "--snapshot"])
            .arg(common::fixture("demo-cluster.json"))
            .env("ECS_SECURITY_MCP_LOG", "debug")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("binary starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
        Server { child, stdin, stdout }
    }

    async fn send_raw(&mut self, line: &str) {
        self.stdin.write_all(line.as_bytes()).await.expect("write");
        self.stdin.write_all(b"\n").await.expect("write");
        self.stdin.flush().await.expect("flush");
    }

    async fn send(&mut self, msg: Value) {
        self.send_raw(&msg.to_string()).await;
    }

    /// The next stdout line; every line must be a JSON-RPC 2.0 message.
    async fn recv(&mut self) -> Value {
        let line = tokio::time::timeout(Duration::from_secs(20), self.stdout.next_line())
            .await
            .expect("server answered in time")
            .expect("read stdout")
            .expect("stdout open");
        let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("non-JSON on stdout ({e}): {line:.200}"));
        assert_eq!(v["jsonrpc"], "2.0", "not JSON-RPC: {line:.200}");
        v
    }

    /// The response with this id (notifications in between are skipped).
    async fn response(&mut self, id: i64) -> Value {
        loop {
            let v = self.recv().await;
            if v["id"] == json!(id) {
                return v;
            }
        }
    }

    async fn call(&mut self, id: i64, tool: &str, arguments: Value) -> Value {
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": tool, "arguments": arguments}}))
            .await;
        self.response(id).await
    }
}

#[tokio::test]
async fn speaks_json_rpc_over_stdio_and_survives_bad_input() {
    let mut s = Server::start();
    s.send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw-test", "version": "1"}}}))
        .await;
    let init = s.response(1).await;
    assert_eq!(init["result"]["serverInfo"]["name"], "ecs-security-mcp", "{init}");
    assert_eq!(init["result"]["protocolVersion"], "2025-06-18");
    s.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"})).await;

    s.send(json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})).await;
    let list = s.response(2).await;
    assert_eq!(list["result"]["tools"].as_array().map(Vec::len), Some(10), "{list}");

    let r = s.call(3, "analyze_cluster_security", json!({"cluster_name": "payments-prod"})).await;
    assert_eq!(r["result"]["isError"], false);
    assert!(r["result"]["structuredContent"]["findings"]["total"].as_u64().is_some_and(|n| n >= 25), "{r}");

    // A malformed line: the server must not die.
    s.send_raw("{this is not json").await;
    // An unknown tool: a JSON-RPC error.
    let r = s.call(4, "format_disk", json!({})).await;
    assert!(r["error"]["message"].as_str().is_some_and(|m| m.contains("unknown tool")), "{r}");
    // Missing cluster_name and an invalid enum: tool errors the model can read.
    let r = s.call(5, "generate_security_report", json!({})).await;
    assert_eq!(r["result"]["isError"], true, "{r}");
    let r = s.call(6, "generate_security_report", json!({"cluster_name": "payments-prod", "format": "docx"})).await;
    assert_eq!(r["result"]["isError"], true, "{r}");
    assert!(
        r["result"]["content"][0]["text"].as_str().is_some_and(|t| t.contains("summary, detailed, json, executive"))
    );
    // A 1 MB argument.
    let r = s
        .call(
            7,
            "check_compliance_status",
            json!({"cluster_name": "payments-prod", "compliance_framework": "z".repeat(1 << 20)}),
        )
        .await;
    assert_eq!(r["result"]["isError"], true);

    // Still serving.
    let r = s.call(8, "list_clusters", json!({})).await;
    assert_eq!(r["result"]["isError"], false, "{r}");

    drop(s.stdin);
    let status =
        tokio::time::timeout(Duration::from_secs(10), s.child.wait()).await.expect("exits on EOF").expect("status");
    assert!(status.success(), "{status}");
}
