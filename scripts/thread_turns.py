"""Threaded turns for scripts/bench: a late Claude Code session continued as the SDKs' message
threads do it (each turn sends only its new message, `thread: continue`), beside the same session
sent whole every turn as Claude Code does (the prefix cache's case). One connection, one turn after
another (a thread's turns cannot overlap); latency per turn and the proxy's CPU time per turn.
"""

import http.client
import json
import time
from urllib.parse import urlsplit

BETA = "message-threads-2026-08-12"


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100


def post(connection, path, body):
    started = time.perf_counter()
    connection.request("POST", path, body=json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(),
                       headers={"content-type": "application/json", "anthropic-beta": BETA, "anthropic-version": "2023-06-01"})
    response = connection.getresponse()
    reply = json.loads(response.read())
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise RuntimeError(f"{response.status}: {json.dumps(reply)[:300]}")
    return reply, elapsed


def question(turn):
    return {"role": "user", "content": [{"type": "text", "text": f"Now run check {turn} and say what failed."}]}


def measure(url, pid, history, turns):
    """`history` (a late-session request body) continued `turns` times, threaded then whole: for
    each, p50 and p99 ms per turn and the proxy's CPU ms per turn (the thread's first turn, which
    sends the history, not counted)."""
    parts = urlsplit(url)
    results = {}
    for mode in ("threaded", "whole"):
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        body = dict(history)
        if mode == "threaded":
            body["thread"] = {"type": "create"}
        reply, _ = post(connection, parts.path, body)
        messages = list(history["messages"]) + [{"role": "assistant", "content": reply["content"]}]
        latencies = []
        before = cpu_seconds(pid)
        for turn in range(turns):
            if mode == "threaded":
                fields = {k: v for k, v in history.items() if k not in ("system", "tools", "messages")}
                body = dict(fields, thread={"type": "continue", "previous_message_id": reply["id"]}, messages=[question(turn)])
            else:
                messages.append(question(turn))
                body = dict(history, messages=messages)
            reply, elapsed = post(connection, parts.path, body)
            if mode == "whole":
                messages.append({"role": "assistant", "content": reply["content"]})
            latencies.append(elapsed * 1000)
        cpu = (cpu_seconds(pid) - before) * 1000 / turns
        connection.close()
        latencies.sort()
        results[mode] = {"p50": latencies[len(latencies) // 2], "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], "cpu_ms": cpu,
                         "bytes": len(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode())}
    return results
