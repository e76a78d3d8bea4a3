"""Opens an HTML report in a real headless Chromium and checks it against the JSON report
of the same analysis. Standard library only: Chromium is driven over the DevTools protocol
on a pipe (--remote-debugging-pipe: commands on fd 3, answers on fd 4, NUL-separated JSON).

Checks: no console error, uncaught exception or browser log error (a Content-Security-Policy
violation is one); no request other than the page itself (data: URLs excepted); the score,
risk and severity counts on the page; every finding id and rule of the JSON report in the
rendered DOM; the severity filter hides what it should. Optionally writes a screenshot.

Given a fleet JSON report (one with `totals`), the fleet page is checked instead of the
cluster page: the fleet's counts, every analysed cluster with its own section, and every
finding row carrying the account, region and cluster the JSON report gives it.
Prints one JSON summary line; exits 1 listing every problem.

    browser_check.py --chromium /usr/bin/chromium --html R.html --json R.json [--screenshot OUT.png]
"""

import argparse
import base64
import collections
import fcntl
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--mute-audio",
    "--hide-scrollbars",
    # Belt and braces: should the page ask for another host, the name does not resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--remote-debugging-pipe",
]


class Browser:
    def __init__(self, chromium: str, profile: str):
        self.to_chrome_r, self.to_chrome_w = os.pipe()
        self.from_chrome_r, self.from_chrome_w = os.pipe()

        def wire_pipes():
            # Above 10 first, so that neither lands on 3 or 4 before the dup2 below.
            a = fcntl.fcntl(self.to_chrome_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(self.from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            close_fds=False,
            preexec_fn=wire_pipes,
        )
        os.close(self.to_chrome_r)
        os.close(self.from_chrome_w)
        self.messages: "queue.Queue[dict]" = queue.Queue()
        self.stderr: list[bytes] = []
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        self.events: list[dict] = []

    def _read(self):
        buf = b""
        while True:
            chunk = os.read(self.from_chrome_r, 65536)
            if not chunk:
                self.messages.put({"closed": True})
                return
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                self.messages.put(json.loads(raw))

    def _drain_stderr(self):
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line)

    def send(self, method: str, params: dict | None = None, session: str | None = None, deadline: float = 0) -> dict:
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_chrome_w, json.dumps(msg).encode() + b"\0")
        while True:
            m = self.next_message(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def next_message(self, deadline: float) -> dict:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("Chromium did not answer in time")
        try:
            m = self.messages.get(timeout=left)
        except queue.Empty:
            raise TimeoutError("Chromium did not answer in time") from None
        if m.get("closed"):
            tail = b"".join(self.stderr[-20:]).decode(errors="replace")
            raise RuntimeError(f"Chromium closed the pipe (exit {self.proc.poll()}): {tail}")
        return m

    def wait_for(self, method: str, deadline: float) -> dict:
        for m in self.events:
            if m.get("method") == method:
                return m
        while True:
            m = self.next_message(deadline)
            self.events.append(m)
            if m.get("method") == method:
                return m

    def collect_until(self, deadline: float):
        try:
            while True:
                self.events.append(self.next_message(deadline))
        except TimeoutError:
            pass

    def close(self):
        try:
            os.write(self.to_chrome_w, json.dumps({"id": 999999, "method": "Browser.close"}).encode() + b"\0")
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()


PAGE_FACTS = """(() => {
  const d = document.documentElement.dataset;
  const rows = [...document.querySelectorAll("tr.finding")];
  const text = document.body.innerText;
  const boxes = [...document.querySelectorAll("#filters input[name=severity]")];
  let criticalOnly = null;
  if (boxes.length) {
    boxes.forEach(b => { b.checked = b.value === "Critical"; });
    document.getElementById("filters").dispatchEvent(new Event("change"));
    criticalOnly = rows.filter(r => !r.hidden && !r.closest("article.rule").hidden).length;
    boxes.forEach(b => { b.checked = true; });
    document.getElementById("filters").dispatchEvent(new Event("change"));
  }
  return JSON.stringify({
    data: {...d},
    title: document.title,
    text: text,
    gaugeScore: (document.querySelector(".gauge-score") || {}).textContent || null,
    totalFindings: (document.getElementById("total-findings") || {}).textContent || null,
    findingIds: rows.map(r => r.dataset.findingId),
    findingPlaces: rows.map(r => [r.dataset.findingId, r.dataset.account || null, r.dataset.region || null, r.dataset.cluster || null]),
    clusterSections: [...document.querySelectorAll("section.cluster")].map(s => s.dataset.cluster),
    ruleIds: [...document.querySelectorAll("article.rule")].map(a => a.dataset.ruleId),
    filtersShown: !!document.getElementById("filters") && !document.getElementById("filters").hidden,
    criticalOnly: criticalOnly,
  });
})()"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--chromium", required=True)
    ap.add_argument("--html", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--screenshot")
    ap.add_argument("--timeout", type=float, default=90)
    args = ap.parse_args()

    report = json.load(open(args.json, encoding="utf-8"))
    url = "file://" + os.path.abspath(args.html)
    deadline = time.monotonic() + args.timeout
    profile = tempfile.mkdtemp(prefix="ecs-security-mcp-chromium-")
    problems: list[str] = []
    browser = Browser(args.chromium, profile)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"}, deadline=deadline)["targetId"]
        session = browser.send(
            "Target.attachToTarget", {"targetId": target, "flatten": True}, deadline=deadline
        )["sessionId"]
        for domain in ["Page", "Runtime", "Log", "Network"]:
            browser.send(f"{domain}.enable", session=session, deadline=deadline)
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1280, "height": 1000, "deviceScaleFactor": 1, "mobile": False},
            session=session,
            deadline=deadline,
        )
        browser.send("Page.navigate", {"url": url}, session=session, deadline=deadline)
        browser.wait_for("Page.loadEventFired", deadline)
        # Whatever the page would still do after load (timers, late requests) has a second.
        browser.collect_until(min(deadline, time.monotonic() + 1.0))
        facts = json.loads(
            browser.send(
                "Runtime.evaluate", {"expression": PAGE_FACTS, "returnByValue": True}, session=session, deadline=deadline
            )["result"]["value"]
        )
        if args.screenshot:
            shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session, deadline=deadline)
            with open(args.screenshot, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        browser.collect_until(min(deadline, time.monotonic() + 0.3))
    finally:
        browser.close()
        shutil.rmtree(profile, ignore_errors=True)

    # Console errors, uncaught exceptions, browser log errors (CSP violations among them).
    requests = []
    for ev in browser.events:
        method, p = ev.get("method"), ev.get("params", {})
        if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            problems.append(f"console {p['type']}: {[a.get('value', a.get('description')) for a in p.get('args', [])]}")
        elif method == "Runtime.exceptionThrown":
            problems.append(f"uncaught exception: {p.get('exceptionDetails', {}).get('text')}")
        elif method == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            problems.append(f"browser log error: {p['entry'].get('text')}")
        elif method == "Network.requestWillBeSent":
            requests.append(p.get("request", {}).get("url", ""))
    others = [u for u in requests if u != url and not u.startswith("data:")]
    if others:
        problems.append(f"requests besides the page itself: {others}")
    if url not in requests:
        problems.append(f"the page's own load was not seen ({requests}): the network check proves nothing")

    fleet = "totals" in report
    summary = report["totals"] if fleet else report["summary"]
    sev = summary["by_severity"]
    expect = {
        "risk": summary["risk_level"],
        "findings": str(summary["total_findings"]),
        "critical": str(sev["critical"]),
        "high": str(sev["high"]),
        "medium": str(sev["medium"]),
        "low": str(sev["low"]),
    }
    if fleet:
        expect["clusters"] = str(summary["clusters_analysed"])
        expect["complete"] = str(report["complete"]).lower()
    else:
        expect["score"] = str(summary["score"])
    for key, value in expect.items():
        if facts["data"].get(key) != value:
            problems.append(f"data-{key} is {facts['data'].get(key)!r}, the JSON report says {value!r}")
    if not fleet and (facts["gaugeScore"] or "").strip() != expect["score"]:
        problems.append(f"the score gauge shows {facts['gaugeScore']!r}, not {expect['score']}")
    if (facts["totalFindings"] or "").strip() != expect["findings"]:
        problems.append(f"the findings count shows {facts['totalFindings']!r}, not {expect['findings']}")
    names = [c["cluster"] for c in report["clusters"]] if fleet else [report["cluster"]]
    for name in names:
        if name not in facts["text"]:
            problems.append(f"the cluster name {name!r} is not in the rendered text")
    if fleet:
        if facts["clusterSections"] != names:
            problems.append(f"cluster sections {facts['clusterSections']} are not the ranking {names}")
        # A finding id can recur in two clusters (an ECR repository both use): compare as multisets.
        on_page = collections.Counter(tuple(p) for p in facts["findingPlaces"])
        in_json = collections.Counter((f["id"], f["account_id"], f["region"], f["cluster"]) for f in report["findings"])
        wrong = sorted((in_json - on_page) + (on_page - in_json))
        if wrong:
            problems.append(f"{len(wrong)} finding row(s) without the account, region and cluster of the JSON report: {wrong[:10]}")

    ids = [f["id"] for f in report["findings"]]
    missing = [i for i in ids if i not in facts["findingIds"] or i not in facts["text"]]
    if missing:
        problems.append(f"{len(missing)} finding(s) of the JSON report not rendered: {missing[:10]}")
    extra = sorted(set(facts["findingIds"]) - set(ids))
    if extra:
        problems.append(f"findings on the page that the JSON report does not have: {extra[:10]}")
    rules = sorted({f["rule_id"] for f in report["findings"]})
    missing_rules = [r for r in rules if r not in facts["ruleIds"] or r not in facts["text"]]
    if missing_rules:
        problems.append(f"rules with findings not rendered: {missing_rules}")
    if ids and not facts["filtersShown"]:
        problems.append("the filter form stayed hidden: the script did not run")
    if ids and facts["criticalOnly"] != sev["critical"]:
        problems.append(f"filtering to Critical shows {facts['criticalOnly']} rows, not {sev['critical']}")

    out = {
        "findings": len(facts["findingIds"]),
        "rules": len(facts["ruleIds"]),
        "score": facts["data"].get("score"),
        "clusters": len(facts["clusterSections"]),
        "requests": len(requests),
        "events": len(browser.events),
        "screenshot": args.screenshot,
    }
    print(json.dumps(out))
    if problems:
        print(f"{len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
