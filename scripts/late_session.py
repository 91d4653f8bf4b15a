"""Claude Code requests late in a session, for scripts/bench: the 40 KB first-turn fixture's system
prompt and tools, then exchanges as Claude Code sends them back (a thinking block with its
signature, text, a Bash tool call; its result, with unicode, escapes and now and then an image)
until the body reaches a size. Turn k of a session is turn k-1 and one exchange more, with the
cache_control breakpoint moved to its last block, as Claude Code moves it.
"""

import base64
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A 1x1 PNG: an image block as Claude Code sends a screenshot, without a megabyte of pixels.
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005fe02fea7d6a4d20000000049454e44ae426082")).decode()
OUTPUT_LINES = [
    "drwxr-xr-x  5 dev dev 4096 Nov 30 12:00 Sources/ProxyCore",
    "Test run with 1124 tests in 143 suites passed after 43.5 seconds.",
    "error: cannot find 'JSONValue' in scope — did you mean \"JSONObject\"?",
    "naïve café résumé — 東京 北京 서울 — emoji 🎉🚀✅ and a tab\there",
    "{\"key\": \"value with \\\"quotes\\\" and a backslash \\\\\", \"n\": 42}",
    "    at ProxyServer.MessagesEndpoint.createMessage(_:context:) (MessagesEndpoint.swift:34)",
    "warning: variable 'x' was never mutated; consider changing to 'let' constant",
]


def fixture():
    body = json.loads((ROOT / "Tests/ProxyCoreTests/Fixtures/first-turn.json").read_text())["body"]
    body["messages"] = [m for m in body["messages"] if m["role"] != "system"]
    return body


def exchange(index, rng, result_bytes):
    """One assistant turn calling Bash, and the user turn with its result."""
    call_id = f"toolu_{index:04d}{rng.getrandbits(64):016x}"
    lines, size = [], 0
    while size < result_bytes:
        line = rng.choice(OUTPUT_LINES)
        lines.append(line)
        size += len(line.encode()) + 1
    assistant = {"role": "assistant", "content": [
        {"type": "thinking", "thinking": f"Step {index}: run the next check and read its output carefully.",
         "signature": base64.b64encode(rng.randbytes(96)).decode()},
        {"type": "text", "text": f"Running check {index}."},
        {"type": "tool_use", "id": call_id, "name": "Bash", "input": {"command": f"swift test --filter Check{index}", "description": f"Check {index}"}},
    ]}
    result = {"type": "tool_result", "tool_use_id": call_id, "content": "\n".join(lines)}
    if index % 25 == 7:
        result["content"] = [{"type": "text", "text": "\n".join(lines)}, {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}}]
    return [assistant, {"role": "user", "content": [result]}]


def with_breakpoint(messages):
    """The messages with cache_control on the last block only, as Claude Code sends them."""
    messages = json.loads(json.dumps(messages))
    last = messages[-1]["content"]
    if isinstance(last, list) and last:
        last[-1]["cache_control"] = {"type": "ephemeral"}
    return messages


def session(target_bytes, turns, model="claude-sonnet-4-5", stream=False, seed=1):
    """`turns` consecutive request bodies of one session, the first about `target_bytes` long."""
    rng = random.Random(seed)
    body = fixture()
    # Claude Code names its session in metadata.user_id; each seed is a session of its own.
    user = dict(json.loads(body["metadata"]["user_id"]), session_id=f"00000000-0000-4000-8000-{seed:012d}")
    body.update(model=model, stream=stream, metadata={"user_id": json.dumps(user)})
    first = body["messages"]
    base = len(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode())
    result_bytes = max(2_000, min(40_000, target_bytes // 60))
    exchanges, size, index = [], base, 0
    while size < target_bytes:
        pair = exchange(index, rng, result_bytes)
        exchanges += pair
        size += len(json.dumps(pair, ensure_ascii=False, separators=(",", ":")).encode()) + 2
        index += 1
    bodies = []
    for turn in range(turns):
        more = [] if turn == 0 else [m for i in range(turn) for m in exchange(index + i, random.Random(seed * 1000 + i), result_bytes)]
        bodies.append(dict(body, messages=with_breakpoint(first + exchanges + more)))
    return bodies


if __name__ == "__main__":
    import sys
    size, turns, directory = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    for number, turn in enumerate(session(size, turns)):
        (directory / f"turn-{number}.json").write_text(json.dumps(turn, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
