#!/usr/bin/env python3
"""mesura-serve end to end over loopback (a free port the kernel picks: --listen
127.0.0.1:0, read back from the "started" log line): every endpoint and error status,
reload (also under load), the limits, the token, the SIGTERM drain, and a log that
never holds a post's text."""
import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import time

from toolstest import POLICY, SANITIZED, main, tool, write

JSON = {"Content-Type": "application/json"}


def luhn_number(prefix, length):
    """A card number of `length` digits starting with `prefix`, its last digit the Luhn
    check digit (ISO/IEC 7812-1)."""
    body = prefix + "7" * (length - 1 - len(prefix))
    total = 0
    for i, d in enumerate(reversed(body)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return body + str((10 - total % 10) % 10)


RUNNING = []  # servers a failed test left behind: killed after it


def cleaned(test):
    def run(tmp):
        try:
            test(tmp)
        finally:
            while RUNNING:
                p = RUNNING.pop()
                if p.poll() is None:
                    p.kill()
                    p.wait()
    run.__name__ = test.__name__
    return run


class Server:
    """A mesura-serve process; stop() sends SIGTERM and returns its exit status."""

    def __init__(self, tmp, *args, env=None, name="serve"):
        self.log = os.path.join(tmp, name + ".log")
        if os.path.exists(self.log):
            os.unlink(self.log)
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.proc = subprocess.Popen(
            [tool("mesura-serve"), "--listen", "127.0.0.1:0", "--log", self.log, *args],
            env=full_env, stderr=subprocess.PIPE)
        RUNNING.append(self.proc)
        self.port = None
        for _ in range(6000):  # the start line, or the process's end
            for event in self.events():
                if event.get("event") == "started":
                    self.port = int(event["listen"].rsplit(":", 1)[1])
            if self.port or self.proc.poll() is not None:
                break
            time.sleep(0.01)
        assert self.port, f"no start: {self.proc.stderr.read().decode(errors='replace')}"

    def events(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.endswith("\n")]

    def request(self, method, path, body=None, headers=None, conn=None):
        """(status, headers, parsed body) of one request."""
        c = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        c.request(method, path, body=body, headers=headers if headers is not None else JSON)
        r = c.getresponse()
        data = r.read()
        if conn is None:
            c.close()
        kind = r.getheader("Content-Type", "")
        parsed = json.loads(data) if "json" in kind else data.decode()
        if kind == "application/problem+json":
            assert parsed["status"] == r.status and parsed["title"], parsed
        return r.status, r, parsed

    def screen(self, body, path="/v1/screen"):
        status, _, answer = self.request("POST", path, body)
        assert status == 200, (status, answer)
        return answer

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        status = self.proc.wait(timeout=120)
        err = self.proc.stderr.read().decode(errors="replace")
        assert "Sanitizer" not in err and "runtime error" not in err, err
        return status


def check_spans(text, record):
    """Byte offsets index the UTF-8 text; UTF-16 offsets index JavaScript's string."""
    raw, wide = text.encode(), text.encode("utf-16-le")
    for f in record["findings"]:
        assert raw[f["start"]:f["end"]].decode() == f["text"], f
        assert wide[2 * f["start_utf16"]:2 * f["end_utf16"]].decode("utf-16-le") == f["text"], f


def test_screen_one_and_batch(tmp):
    s = Server(tmp, "--policy", POLICY)
    card = luhn_number("4", 16)
    spaced = " ".join(card[i:i + 4] for i in range(0, 16, 4))
    text = f"Olé 🙂👍🏽 mi tarjeta {spaced}, qué mierda"
    one = s.screen({"id": "p1", "text": text, "channel": "x"})
    assert one["id"] == "p1" and one["verdict"] == "review" and one["channel"] == "x"
    assert {f["rule"] for f in one["findings"]} == {"card", "insults-es"}, one
    check_spans(text, one)
    card_finding = [f for f in one["findings"] if f["rule"] == "card"][0]
    assert card_finding["start_utf16"] < card_finding["start"]  # emoji and accents before it
    assert "redacted" not in one
    # the same object as mesura-screen --format jsonl, UTF-16 offsets aside
    p = subprocess.run([tool("mesura-screen"), "--policy", POLICY, "--format", "jsonl"],
                       input=json.dumps({"id": "p1", "text": text, "channel": "x"}).encode(),
                       capture_output=True)
    cli = json.loads(p.stdout)
    for f in one["findings"]:
        del f["start_utf16"], f["end_utf16"]
    assert one == cli, (one, cli)

    batch = s.screen({"posts": [{"id": 7, "text": "all fine here"},
                                {"text": "write to ana.garcia@example.com"},
                                {"id": "x"}, "nope"], "redact": True})["results"]
    assert [r["id"] for r in batch] == [7, 2, "x", 4]
    assert batch[0] == {"id": 7, "verdict": "allow", "findings": [], "redacted": "all fine here"}
    assert batch[1]["verdict"] == "redact" and "ana.garcia" not in batch[1]["redacted"]
    for bad in batch[2:]:  # no text: a record that says so, never allow
        assert bad["verdict"] == "review" and bad["findings"] == [] and bad["error"], bad

    # a batch's records are each post's record alone, whatever the JSON looks like:
    # plain posts (read straight from the body, escaped as Python sends them or as
    # UTF-8 as a browser does) and posts of other shapes (read as trees) side by side
    posts = [{"id": 1, "text": text}, {"text": text, "id": "p-2"},
             {"id": "café", "text": "mail ana.garcia@example.com"},
             {"id": -5, "text": "tab\tand \"quotes\"", "channel": "x"},
             {"text": "no id here 🙂 qué mierda"}, {"id": None, "text": spaced}]
    for ascii_only in (True, False):
        body = json.dumps({"posts": posts, "redact": True}, ensure_ascii=ascii_only)
        results = s.screen(body.encode())["results"]
        assert len(results) == len(posts)
        for place, (post, got) in enumerate(zip(posts, results), 1):
            alone = s.screen(dict(post, redact=True))
            if "id" not in post:
                alone["id"] = place  # a batch's record without id: its place
            assert got == alone, (got, alone)
            check_spans(post["text"], got)
    assert s.stop() == 0


def test_redact_explain_policy_health_metrics(tmp):
    s = Server(tmp, "--policy", POLICY)
    red = s.screen({"text": "mail me: ana.garcia@example.com"}, "/v1/redact")
    assert red["redacted"] != "mail me: ana.garcia@example.com" and red["verdict"] == "redact"
    exp = s.screen({"text": "Qué m1erda"}, "/v1/explain")
    assert exp["decisive"] == "insults-es" and exp["views"]["moderation"] == "que mierda"
    assert exp["findings"][0]["matched"] == "mierda" and "near_misses" in exp
    status, _, pol = s.request("GET", "/v1/policy")
    assert status == 200 and pol["name"] == "tools-test" and pol["generation"] == 1
    ids = [r["id"] for r in pol["rules"]]
    assert "card" in ids and "insults-es" in ids
    for r in pol["rules"]:
        assert set(r) == {"id", "category", "severity", "action", "description"}, r
    status, _, health = s.request("GET", "/healthz")
    assert status == 200 and health == {"status": "ok", "policy_generation": 1}
    status, r, metrics = s.request("GET", "/metrics")
    assert status == 200 and r.getheader("Content-Type").startswith("text/plain")
    assert 'mesura_posts_total{verdict="redact"} 1' in metrics
    assert 'mesura_posts_total{verdict="review"} 1' in metrics
    assert 'mesura_findings_total{category="profanity"} 1' in metrics
    assert "mesura_policy_generation 1" in metrics
    assert 'mesura_request_duration_seconds_bucket{le="+Inf"} 4' in metrics  # 4 before it
    assert s.stop() == 0


def test_error_statuses(tmp):
    s = Server(tmp, "--policy", POLICY, "--max-body", "2000", "--max-posts", "3")
    cases = [
        ("POST", "/v1/screen", "{not json", JSON, 400, "urn:mesura:problem:bad-json"),
        ("POST", "/v1/screen", '{"text": 1, "text": 2}', JSON, 400, "urn:mesura:problem:bad-json"),
        ("POST", "/v1/screen", "[1]", JSON, 400, "urn:mesura:problem:bad-request"),
        ("POST", "/v1/screen", '{"id": 1}', JSON, 400, "urn:mesura:problem:bad-request"),
        ("POST", "/v1/screen", '{"text": "a", "posts": []}', JSON, 400,
         "urn:mesura:problem:bad-request"),
        ("POST", "/v1/screen", '{"text": "a", "redact": "yes"}', JSON, 400,
         "urn:mesura:problem:bad-request"),
        ("POST", "/v1/explain", '{"posts": []}', JSON, 400, "urn:mesura:problem:bad-request"),
        ("POST", "/v1/screen", json.dumps({"text": "x" * 3000}), JSON, 413,
         "urn:mesura:problem:too-large"),
        ("POST", "/v1/screen", json.dumps({"posts": [{"text": "a"}] * 4}), JSON, 413,
         "urn:mesura:problem:too-large"),
        ("POST", "/v1/screen", '{"text": "a"}', {"Content-Type": "text/plain"}, 415,
         "urn:mesura:problem:media-type"),
        ("POST", "/v1/screen", '{"text": "a"}', {}, 415, "urn:mesura:problem:media-type"),
        ("GET", "/v1/screen", None, {}, 405, "about:blank"),
        ("DELETE", "/v1/policy", None, {}, 405, "about:blank"),
        ("POST", "/healthz", "{}", JSON, 405, "about:blank"),
        ("GET", "/v2/screen", None, {}, 404, "about:blank"),
        ("GET", "/../etc/passwd", None, {}, 404, "about:blank"),
    ]
    for method, path, body, headers, status, kind in cases:
        got, r, problem = s.request(method, path, body, headers)
        assert got == status, (method, path, body, got, problem)
        assert r.getheader("Content-Type") == "application/problem+json", (path, status)
        assert problem["type"] == kind, (path, problem)
        assert problem["instance"] == path, problem
        if status == 405:
            assert r.getheader("Allow") in ("POST", "GET, HEAD"), r.getheader("Allow")
    # a body sent in chunks, without Content-Length, is held to --max-body too
    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=120)
    c.putrequest("POST", "/v1/screen")
    c.putheader("Content-Type", "application/json")
    c.putheader("Transfer-Encoding", "chunked")
    c.endheaders()
    for _ in range(3):
        c.send(b"3e8\r\n" + b" " * 1000 + b"\r\n")
    c.send(b"0\r\n\r\n")
    assert c.getresponse().status == 413
    c.close()
    assert s.stop() == 0


def test_scan_failure_is_never_allow(tmp):
    s = Server(tmp, "--policy", POLICY, env={"MESURA_TEST_SCAN_ERROR": "FAIL-THIS"})
    one = s.screen({"text": "a harmless post FAIL-THIS"})
    assert one["verdict"] == "review" and one["findings"] == [] and "cannot screen" in one["error"]
    batch = s.screen({"posts": [{"text": "fine"}, {"text": "FAIL-THIS too"}]})["results"]
    assert batch[0]["verdict"] == "allow" and batch[1]["verdict"] == "review"
    _, _, metrics = s.request("GET", "/metrics")
    assert 'mesura_errors_total{kind="scan"} 2' in metrics
    assert s.stop() == 0


def policy_text(name, tag):
    return (f"mesura: 1\nname: {name}\nrules:\n"
            f"  - {{id: {tag}-alpha, category: custom.a, action: review, match: {{terms: [alpha]}}}}\n"
            f"  - {{id: {tag}-beta, category: custom.b, action: block, match: {{terms: [beta]}}}}\n")


def swap_policy(path, content):
    """Replaces the file whole (rename), as an editor or a deployment would."""
    write(os.path.dirname(path), os.path.basename(path) + ".new", content)
    os.replace(path + ".new", path)


def test_reload(tmp):
    path = write(tmp, "live.yaml", policy_text("one", "one"))
    s = Server(tmp, "--policy", path)
    assert [f["rule"] for f in s.screen({"text": "alpha"})["findings"]] == ["one-alpha"]
    swap_policy(path, policy_text("two", "two"))
    status, _, answer = s.request("POST", "/v1/policy/reload", headers={})
    assert status == 200 and answer["reloaded"] and answer["generation"] == 2, answer
    status, r, answer = s.request("POST", "/v1/screen", {"text": "alpha"})
    assert [f["rule"] for f in answer["findings"]] == ["two-alpha"]
    assert r.getheader("Mesura-Policy-Generation") == "2"
    # a policy that does not compile: 422 with its diagnostics, the old one stays
    swap_policy(path, "mesura: 1\nname: broken\nrules:\n  - {id: x, category: custom.a, "
                      "action: review, match: {regex: '(unclosed'}}\n")
    status, r, problem = s.request("POST", "/v1/policy/reload", headers={})
    assert status == 422 and r.getheader("Content-Type") == "application/problem+json"
    assert problem["generation"] == 2 and not problem["reloaded"]
    assert problem["diagnostics"][0]["severity"] == "error" and problem["diagnostics"][0]["line"] == 4
    assert [f["rule"] for f in s.screen({"text": "alpha"})["findings"]] == ["two-alpha"]
    # SIGHUP reloads too
    swap_policy(path, policy_text("three", "three"))
    s.proc.send_signal(signal.SIGHUP)
    for _ in range(6000):
        if any(e.get("event") == "reload" and e["generation"] == 3 for e in s.events()):
            break
        time.sleep(0.01)
    assert [f["rule"] for f in s.screen({"text": "alpha"})["findings"]] == ["three-alpha"]
    _, _, metrics = s.request("GET", "/metrics")
    assert "mesura_policy_generation 3" in metrics
    assert "mesura_policy_reload_failures_total 1" in metrics
    assert s.stop() == 0


def test_reload_under_load(tmp):
    """Clients screen while the policy flips between two versions: every request
    succeeds and each answer is wholly one policy's (its generation says which)."""
    path = write(tmp, "flip.yaml", policy_text("even", "even"))
    s = Server(tmp, "--policy", path, "--threads", "2")
    expected = {}  # generation -> tag
    expected[1] = "even"
    failures, answers = [], []
    stop = threading.Event()

    def client():
        c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=120)
        while not stop.is_set():
            status, r, body = s.request("POST", "/v1/screen",
                                        {"posts": [{"text": "alpha"}, {"text": "beta"}]}, conn=c)
            if status != 200:
                failures.append((status, body))
                continue
            answers.append((int(r.getheader("Mesura-Policy-Generation")),
                            [f["rule"] for res in body["results"] for f in res["findings"]]))
        c.close()

    threads = [threading.Thread(target=client) for _ in range(4)]
    for t in threads:
        t.start()
    reloads = 8 if SANITIZED else 20
    for generation in range(2, reloads + 2):
        tag = "odd" if generation % 2 else "even"
        swap_policy(path, policy_text(tag, tag))
        status, _, answer = s.request("POST", "/v1/policy/reload", headers={})
        assert status == 200 and answer["generation"] == generation, answer
        expected[generation] = tag
        seen = len(answers)
        while len(answers) < seen + 3 and not failures:  # some screening on each one
            time.sleep(0.005)
    stop.set()
    for t in threads:
        t.join()
    assert not failures, failures[:3]
    assert len({g for g, _ in answers}) > reloads // 2, "the load did not span the reloads"
    for generation, rules in answers:
        tag = expected[generation]
        assert rules == [f"{tag}-alpha", f"{tag}-beta"], (generation, rules)
    assert s.stop() == 0


def test_token(tmp):
    secret = "k3y-" + os.urandom(12).hex()
    token = write(tmp, "token", secret + "\n")
    s = Server(tmp, "--policy", POLICY, "--token-file", token)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": secret},
                    {"Authorization": "Bearer " + secret[:-1]},
                    {"Authorization": "Bearer " + secret + "x"}):
        status, r, problem = s.request("POST", "/v1/screen", {"text": "a"}, {**JSON, **headers})
        assert status == 401 and r.getheader("WWW-Authenticate").startswith("Bearer"), headers
        status, _, _ = s.request("GET", "/metrics", None, headers)
        assert status == 401
    ok = {**JSON, "Authorization": "Bearer " + secret}
    assert s.request("POST", "/v1/screen", {"text": "a"}, ok)[0] == 200
    assert s.request("GET", "/v1/policy", None, ok)[0] == 200
    assert s.request("GET", "/healthz", None, {})[0] == 200  # probes need no token
    assert s.stop() == 0
    # off loopback, a token is required; a short one is refused
    for args in (["--listen", "0.0.0.0:0"],
                 ["--listen", "127.0.0.1:0", "--token-file", write(tmp, "short", "abc\n")]):
        p = subprocess.run([tool("mesura-serve"), "--policy", POLICY, *args],
                           capture_output=True, timeout=120)
        assert p.returncode == 3 and b"token" in p.stderr, p.stderr


def hold_fifo(tmp, name):
    path = os.path.join(tmp, name)
    os.mkfifo(path)
    return path


def wait_for_reader(fifo):
    """Opens the FIFO for writing once a worker holds it open for reading."""
    for _ in range(60000):
        try:
            return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            time.sleep(0.005)
    raise AssertionError("no worker reached the hold")


def background(s, body, out):
    def run():
        out.append(s.request("POST", "/v1/screen", body)[:3:2])
    t = threading.Thread(target=run)
    t.start()
    return t


def test_queue_full_and_drain(tmp):
    fifo = hold_fifo(tmp, "hold")
    s = Server(tmp, "--policy", POLICY, "--threads", "1", "--queue", "1",
               env={"MESURA_TEST_HOLD": fifo})
    held, queued = [], []
    t1 = background(s, {"text": "hold-the-worker please"}, held)
    fd = wait_for_reader(fifo)  # the only worker is busy with it
    t2 = background(s, {"text": "waits in the queue"}, queued)
    for _ in range(60000):  # the second request sits in the queue (its connection suspended)
        if "mesura_queued_requests 1\n" in s.request("GET", "/metrics")[2]:
            break
        time.sleep(0.005)
    status, r, problem = s.request("POST", "/v1/screen", {"text": "one too many"})
    assert status == 503 and problem["type"] == "urn:mesura:problem:overloaded"
    assert r.getheader("Retry-After") == "1"
    assert s.request("GET", "/healthz", None, {})[0] == 200  # health answers regardless
    # SIGTERM while a request is held: it is answered, then the service exits 0
    s.proc.send_signal(signal.SIGTERM)
    for _ in range(60000):
        if any(e.get("event") == "stopping" for e in s.events()):
            break
        time.sleep(0.005)
    refused = False
    for _ in range(2000):  # the listening socket closes once the drain starts
        try:
            socket.create_connection(("127.0.0.1", s.port), timeout=5).close()
            time.sleep(0.005)
        except ConnectionRefusedError:
            refused = True
            break
    assert refused, "still accepting connections while draining"
    os.write(fd, b"x")
    os.close(fd)
    t1.join()
    t2.join()
    assert held == [(200, held[0][1])] and held[0][1]["verdict"] == "allow", held
    assert queued[0][0] == 200, queued
    assert s.proc.wait(timeout=120) == 0
    assert [e["event"] for e in s.events() if "event" in e][-2:] == ["stopping", "stopped"]


def test_slow_client_is_cut(tmp):
    s = Server(tmp, "--policy", POLICY, "--timeout", "1", "--max-connections", "4")
    slow = socket.create_connection(("127.0.0.1", s.port), timeout=120)
    slow.sendall(b"POST /v1/screen HTTP/1.1\r\nHost: x\r\n")
    closed = False
    for _ in range(600):  # a header byte every 50 ms: never idle, never done
        try:
            slow.sendall(b"X")
        except OSError:
            closed = True
            break
        slow.settimeout(0.05)
        try:
            if slow.recv(100) == b"":
                closed = True
                break
        except socket.timeout:
            pass
        except OSError:
            closed = True
            break
    slow.close()
    assert closed, "a client sending a byte at a time held its connection"
    _, _, metrics = s.request("GET", "/metrics")
    assert 'mesura_errors_total{kind="timeout"} 1' in metrics, metrics
    assert s.screen({"text": "still serving"})["verdict"] == "allow"
    assert s.stop() == 0


def test_log_never_holds_posts(tmp):
    secret = "ZQXJ-private-words-" + os.urandom(4).hex()
    s = Server(tmp, "--policy", POLICY, name="quiet")
    s.screen({"text": f"{secret} 🙂"})
    s.screen({"posts": [{"text": secret + " again"}]}, "/v1/redact")
    s.screen({"text": secret}, "/v1/explain")
    s.request("POST", "/v1/screen", '{"text": "' + secret)  # bad JSON
    assert s.stop() == 0
    with open(s.log, encoding="utf-8") as f:
        log = f.read()
    assert secret not in log and "ZQXJ" not in log
    lines = [json.loads(line) for line in log.splitlines()]
    requests = [e for e in lines if "method" in e]
    assert len(requests) == 4 and requests[0]["posts"] == 1 and requests[0]["status"] == 200, requests
    assert requests[3]["error"] == "bad_json" and requests[3]["status"] == 400
    loud = Server(tmp, "--policy", POLICY, "--log-posts", name="loud")
    loud.screen({"text": secret})
    assert loud.stop() == 0
    with open(loud.log, encoding="utf-8") as f:
        assert secret in f.read()


if __name__ == "__main__":
    main([cleaned(t) for t in [test_screen_one_and_batch, test_redact_explain_policy_health_metrics,
          test_error_statuses, test_scan_failure_is_never_allow, test_reload,
          test_reload_under_load, test_token, test_queue_full_and_drain,
          test_slow_client_is_cut, test_log_never_holds_posts]])
