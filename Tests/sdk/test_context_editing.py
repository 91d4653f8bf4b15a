"""Context editing (`context_management`, beta context-management-2025-06-27) through the official
`anthropic` SDK: the SDK's typed replies read what the proxy cleared, whole and streamed, and the
upstream model gets the older tool results as placeholders.

Run with test_anthropic_sdk.py (same proxy and fake upstreams; see that file's docstring).
"""

import anthropic

from test_anthropic_sdk import BASH_TOOL, PROXY_URL, script, upstream_requests

BETA = "context-management-2025-06-27"
PLACEHOLDER = "[This tool result was cleared to save context.]"
LISTING = "main.swift\n" * 200


def session(uses):
    messages = [{"role": "user", "content": "Look at every folder."}]
    for use in range(uses):
        messages.append({"role": "assistant", "content": [{"type": "tool_use", "id": f"toolu_{use}", "name": "Bash", "input": {"command": f"ls dir{use}"}}]})
        messages.append({"role": "user", "content": [{"type": "tool_result", "tool_use_id": f"toolu_{use}", "content": LISTING}]})
    messages.append({"role": "user", "content": "Summarise."})
    return messages


def request(**overrides):
    body = {
        "model": "claude-sonnet-4-6",
        "max_tokens": 1024,
        "tools": [BASH_TOOL],
        "messages": session(4),
        "betas": [BETA],
        "context_management": {
            "edits": [{"type": "clear_tool_uses_20250919", "trigger": {"type": "input_tokens", "value": 500}, "keep": {"type": "tool_uses", "value": 1}}]
        },
    }
    body.update(overrides)
    return body


def test_tool_results_are_cleared_and_the_reply_says_so():
    client = anthropic.Anthropic(base_url=PROXY_URL, api_key="sk-ant-client-key", max_retries=0)
    script({"text": "Four folders of Swift."})
    message = client.beta.messages.create(**request())
    [edit] = message.context_management.applied_edits
    assert edit.type == "clear_tool_uses_20250919"
    assert edit.cleared_tool_uses == 3
    assert edit.cleared_input_tokens > 0
    [sent] = upstream_requests()
    results = [m["content"] for m in sent["messages"] if m["role"] == "tool"]
    assert results == [PLACEHOLDER] * 3 + [LISTING]

    script({"text": "Four folders of Swift."})
    with client.beta.messages.stream(**request()) as stream:
        streamed = stream.get_final_message()
    assert streamed.context_management == message.context_management

    counted = client.beta.messages.count_tokens(**{k: v for k, v in request().items() if k != "max_tokens"})
    assert counted.context_management.original_input_tokens == counted.input_tokens + edit.cleared_input_tokens


def test_server_side_compaction_round_trips_through_the_sdk():
    client = anthropic.Anthropic(base_url=PROXY_URL, api_key="sk-ant-client-key", max_retries=0)
    long_session = [
        {"role": "user", "content": "Read the log."},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_log", "name": "Bash", "input": {"command": "cat app.log"}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_log", "content": "log line\n" * 26_667}]},
        {"role": "user", "content": "Anything odd?"},
    ]
    compact = {"edits": [{"type": "compact_20260112", "trigger": {"type": "input_tokens", "value": 50_000}}]}
    script({"text": "The log is routine."}, {"text": "Nothing odd."}, {"text": "Glad to help."})
    message = client.beta.messages.create(
        model="claude-sonnet-4-6", max_tokens=1024, tools=[BASH_TOOL], messages=long_session, betas=["compact-2026-01-12"], context_management=compact
    )
    assert [block.type for block in message.content] == ["compaction", "text"]
    assert message.content[0].content == "The log is routine."
    assert [iteration.type for iteration in message.usage.iterations] == ["compaction", "message"]

    # The SDK's own blocks go back as they came; the proxy starts the prompt at the compaction.
    follow_up = long_session + [{"role": "assistant", "content": message.content}, {"role": "user", "content": "Thanks."}]
    reply = client.beta.messages.create(
        model="claude-sonnet-4-6", max_tokens=1024, tools=[BASH_TOOL], messages=follow_up, betas=["compact-2026-01-12"], context_management=compact
    )
    assert reply.content[0].text == "Glad to help."
    last = upstream_requests()[-1]
    assert [m["role"] for m in last["messages"]] == ["user", "assistant", "user"]
    assert last["messages"][0]["content"].endswith("The log is routine.")
