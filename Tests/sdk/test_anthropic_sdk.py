"""The official `anthropic` Python SDK as the proxy's client.

Run by ProxyServerTests/AnthropicSDKTests.swift, which starts the real proxy in front of the strict
fake OpenAI and Gemini upstreams (one server) and passes their URLs in PROXY_URL and
FAKE_UPSTREAM_URL. Each test scripts a fake upstream's replies through its control endpoint
(`/_script` for OpenAI, `/_gemini/script` for Gemini), then talks to the proxy as a user would.
"""

import json
import os
import urllib.request

import anthropic
import pytest

PROXY_URL = os.environ["PROXY_URL"]
FAKE_UPSTREAM_URL = os.environ["FAKE_UPSTREAM_URL"]

BASH_TOOL = {
    "name": "Bash",
    "description": "Runs a shell command.",
    "input_schema": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {"command": {"type": "string"}, "description": {"type": "string"}},
        "required": ["command"],
        "additionalProperties": False,
    },
}

READ_TOOL = {
    "name": "Read",
    "description": "Reads a file.",
    "input_schema": {"type": "object", "properties": {"file_path": {"type": "string"}}, "required": ["file_path"]},
}


def script(*replies):
    """Replaces the fake upstream's queue of replies (see FakeReply for their form)."""
    request = urllib.request.Request(
        FAKE_UPSTREAM_URL + "/_script",
        data=json.dumps({"replies": list(replies)}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request).read()


def upstream_requests():
    """The request bodies the fake upstream accepted since the last script."""
    return json.loads(urllib.request.urlopen(FAKE_UPSTREAM_URL + "/_requests").read())


@pytest.fixture
def client():
    # The SDK sends its key as `Authorization: Bearer`; the proxy has its own upstream key.
    return anthropic.Anthropic(base_url=PROXY_URL, api_key="sk-ant-client-key", max_retries=0)


def ask(**overrides):
    request = {
        "model": "claude-sonnet-4-6",
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": "What is in this directory?"}],
    }
    request.update(overrides)
    return request


def test_create_returns_an_anthropic_message(client):
    script({"text": "Two files: README.md and main.swift.", "usage": {"prompt_tokens": 57, "completion_tokens": 11}})
    message = client.messages.create(**ask(system="You are terse."))
    assert message.type == "message"
    assert message.role == "assistant"
    assert message.id.startswith("msg_")
    assert message.model == "claude-sonnet-4-6"
    assert [block.type for block in message.content] == ["text"]
    assert message.content[0].text == "Two files: README.md and main.swift."
    assert message.stop_reason == "end_turn"
    assert message.usage.input_tokens == 57
    assert message.usage.output_tokens == 11
    sent = upstream_requests()[0]
    assert sent["model"] == "gpt-4.1"
    assert sent["messages"][0] == {"role": "system", "content": "You are terse."}


def test_text_stream_arrives_in_pieces_and_its_final_message_equals_the_whole_reply(client):
    reply = {"text": "The quick brown fox jumps over the lazy dog.", "usage": {"prompt_tokens": 40, "completion_tokens": 10}}
    script(reply, reply)
    whole = client.messages.create(**ask())
    with client.messages.stream(**ask()) as stream:
        pieces = list(stream.text_stream)
        final = stream.get_final_message()
    assert len(pieces) > 1, "text arrives token by token, not in one piece"
    assert "".join(pieces) == "The quick brown fox jumps over the lazy dog."
    assert final.model_dump(exclude={"id"}) == whole.model_dump(exclude={"id"})


def test_tool_use_streamed_and_whole_agree_and_carry_parsed_input(client):
    reply = {
        "text": "Let me look.",
        "tool_calls": [
            {"id": "call_1", "name": "Bash", "arguments": '{"command": "ls -la", "description": "List files"}'},
            {"id": "call_2", "name": "Read", "arguments": '{"file_path": "/tmp/README.md"}'},
        ],
    }
    script(reply, reply)
    request = ask(tools=[BASH_TOOL, READ_TOOL])
    whole = client.messages.create(**request)
    with client.messages.stream(**request) as stream:
        final = stream.get_final_message()
    assert whole.stop_reason == "tool_use"
    assert [block.type for block in whole.content] == ["text", "tool_use", "tool_use"]
    assert whole.content[1].id == "call_1"
    assert whole.content[1].name == "Bash"
    assert whole.content[1].input == {"command": "ls -la", "description": "List files"}
    assert whole.content[2].input == {"file_path": "/tmp/README.md"}
    assert final.model_dump(exclude={"id"}) == whole.model_dump(exclude={"id"})
    sent = upstream_requests()[0]
    assert "$schema" not in sent["tools"][0]["function"]["parameters"]


def test_tool_results_go_back_as_tool_messages(client):
    script({"text": "The directory holds two files."})
    client.messages.create(
        **ask(
            tools=[BASH_TOOL],
            messages=[
                {"role": "user", "content": "List the files."},
                {"role": "assistant", "content": [{"type": "tool_use", "id": "call_9", "name": "Bash", "input": {"command": "ls"}}]},
                {
                    "role": "user",
                    "content": [
                        {"type": "tool_result", "tool_use_id": "call_9", "content": "README.md\nmain.swift"},
                        {"type": "text", "text": "Summarise."},
                    ],
                },
            ],
        )
    )
    messages = upstream_requests()[0]["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "tool", "user"]
    assert messages[1]["tool_calls"][0]["function"] == {"name": "Bash", "arguments": '{"command":"ls"}'}
    assert messages[2] == {"role": "tool", "tool_call_id": "call_9", "content": "README.md\nmain.swift"}
    assert messages[3] == {"role": "user", "content": "Summarise."}


def test_count_tokens_answers_with_an_estimate(client):
    script()
    small = client.messages.count_tokens(model="claude-sonnet-4-6", messages=[{"role": "user", "content": "hi"}])
    large = client.messages.count_tokens(
        model="claude-sonnet-4-6", messages=[{"role": "user", "content": "hi " * 2000}], tools=[BASH_TOOL]
    )
    assert 0 < small.input_tokens < 50
    assert large.input_tokens > 1000
    assert upstream_requests() == [], "count_tokens is answered locally for OpenAI models"


def test_upstream_rate_limit_raises_the_sdks_rate_limit_error_with_retry_after(client):
    # A retry-after longer than the proxy waits out itself is passed to the client.
    failure = {"error": {"status": 429, "message": "Rate limit reached for gpt-4.1", "retry_after": "90"}}
    script(failure, failure, failure)
    with pytest.raises(anthropic.RateLimitError) as raised:
        client.messages.create(**ask())
    assert raised.value.status_code == 429
    assert raised.value.response.headers["retry-after"] == "90"
    assert raised.value.body["error"]["type"] == "rate_limit_error"
    assert "Rate limit reached for gpt-4.1" in raised.value.message


def test_upstream_bad_request_raises_the_sdks_bad_request_error(client):
    script({"error": {"status": 400, "message": "Invalid value for 'temperature'"}})
    with pytest.raises(anthropic.BadRequestError) as raised:
        client.messages.create(**ask())
    assert raised.value.status_code == 400
    assert raised.value.body["error"]["type"] == "invalid_request_error"
    assert "Invalid value for 'temperature'" in raised.value.message


def test_invalid_request_is_a_bad_request_naming_the_field(client):
    with pytest.raises(anthropic.BadRequestError) as raised:
        client.messages.create(**ask(messages=[{"role": "user", "content": [{"type": "text"}]}]))
    assert "messages.0.content.0.text" in raised.value.message


def test_streamed_error_before_the_first_event_raises_from_the_stream(client):
    script({"error": {"status": 529, "message": "Overloaded"}}, {"error": {"status": 529, "message": "Overloaded"}}, {"error": {"status": 529, "message": "Overloaded"}})
    with pytest.raises(anthropic.APIStatusError) as raised:
        with client.messages.stream(**ask()) as stream:
            stream.get_final_message()
    assert raised.value.status_code == 529
    assert raised.value.body["error"]["type"] == "overloaded_error"


def test_context_overflow_is_the_error_claude_code_compacts_on(client):
    message = "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens."
    script({"error": {"status": 400, "message": message, "code": "context_length_exceeded"}})
    with pytest.raises(anthropic.BadRequestError) as raised:
        client.messages.create(**ask())
    assert raised.value.body["error"]["message"] == "prompt is too long: 131072 tokens > 128000 maximum"


# --- Gemini's native API, through the strict fake Gemini upstream --------------------------------

GEMINI_MODEL = "gemini/gemini-3-pro-preview"


def gemini_script(*replies, count_tokens_error=None):
    """Replaces the fake Gemini upstream's queue of replies (see FakeGeminiReply for their form)."""
    body = {"replies": list(replies)}
    if count_tokens_error is not None:
        body["count_tokens_error"] = count_tokens_error
    request = urllib.request.Request(
        FAKE_UPSTREAM_URL + "/_gemini/script",
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request).read()


def gemini_requests():
    """The requests the fake Gemini upstream accepted since the last script: method, model, body."""
    return json.loads(urllib.request.urlopen(FAKE_UPSTREAM_URL + "/_gemini/requests").read())


def without_signatures(message):
    """A message's dump without what differs between two replies: ids and fresh signatures."""
    dump = message.model_dump(exclude={"id"})
    for block in dump["content"]:
        block.pop("signature", None)
        if block["type"] == "tool_use":
            block.pop("id")
    return dump


def test_gemini_thinking_whole_and_streamed_agree(client):
    reply = {"thought": "Six times seven.", "text": "The answer is 42.", "usage": {"prompt": 30, "candidates": 6, "thoughts": 4}}
    gemini_script(reply, reply)
    request = ask(model=GEMINI_MODEL, system="Be exact.", thinking={"type": "enabled", "budget_tokens": 2048})
    whole = client.messages.create(**request)
    with client.messages.stream(**request) as stream:
        thinking = [event.thinking for event in stream if event.type == "thinking"]
        final = stream.get_final_message()
    assert [block.type for block in whole.content] == ["thinking", "text"]
    assert whole.content[0].thinking == "Six times seven."
    assert whole.content[0].signature.startswith("gemini:")
    assert whole.content[1].text == "The answer is 42."
    assert (whole.usage.input_tokens, whole.usage.output_tokens) == (30, 10)
    assert len(thinking) > 1, "thinking streams in pieces"
    assert without_signatures(final) == without_signatures(whole)
    sent = gemini_requests()[0]
    assert sent["method"] == "generateContent"
    assert sent["body"]["systemInstruction"] == {"parts": [{"text": "Be exact."}]}
    assert sent["body"]["generationConfig"]["thinkingConfig"] == {"thinkingLevel": "low", "includeThoughts": True}


def test_gemini_multi_turn_tool_session_keeps_thought_signatures(client):
    gemini_script(
        {
            "thought": "Look first.",
            "text": "Let me look.",
            "calls": [{"name": "Bash", "args": {"command": "ls"}}, {"name": "Read", "args": {"file_path": "/tmp/README.md"}}],
        },
        {"calls": [{"name": "Bash", "args": {"command": "git log -1"}}], "late_signature": True},
        {"text": "It is a Swift package."},
    )
    tools = [BASH_TOOL, READ_TOOL]
    messages = [{"role": "user", "content": "What is this project?"}]

    first = client.messages.create(model=GEMINI_MODEL, max_tokens=16000, tools=tools, messages=messages)
    assert first.stop_reason == "tool_use"
    calls = [block for block in first.content if block.type == "tool_use"]
    assert [(call.name, call.input) for call in calls] == [("Bash", {"command": "ls"}), ("Read", {"file_path": "/tmp/README.md"})]
    messages += [
        {"role": "assistant", "content": first.content},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "output"} for call in calls]},
    ]

    with client.messages.stream(model=GEMINI_MODEL, max_tokens=16000, tools=tools, messages=messages) as stream:
        second = stream.get_final_message()
    assert second.stop_reason == "tool_use"
    messages += [
        {"role": "assistant", "content": second.content},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": second.content[-1].id, "content": "abc123 Initial commit"}]},
    ]

    third = client.messages.create(model=GEMINI_MODEL, max_tokens=16000, tools=tools, messages=messages)
    assert third.content[0].text == "It is a Swift package."

    # The fake accepted every turn, so every step's first call came back with its signature.
    contents = gemini_requests()[-1]["body"]["contents"]
    assert [content["role"] for content in contents] == ["user", "model", "user", "model", "user"]
    first_step = [part for part in contents[1]["parts"] if "functionCall" in part]
    assert first_step[0]["thoughtSignature"] not in ("", "skip_thought_signature_validator")
    assert "thoughtSignature" not in first_step[1]
    assert contents[3]["parts"][0]["thoughtSignature"] not in ("", "skip_thought_signature_validator")
    assert [part["functionResponse"]["name"] for part in contents[2]["parts"]] == ["Bash", "Read"]


def test_gemini_rate_limit_raises_the_sdks_rate_limit_error(client):
    failure = {"error": {"status": 429, "status_name": "RESOURCE_EXHAUSTED", "message": "Quota exceeded for gemini-3-pro", "retry_delay": "90s"}}
    gemini_script(failure, failure, failure)
    with pytest.raises(anthropic.RateLimitError) as raised:
        client.messages.create(**ask(model=GEMINI_MODEL))
    assert raised.value.response.headers["retry-after"] == "90"
    assert raised.value.body["error"]["type"] == "rate_limit_error"
    assert "Quota exceeded for gemini-3-pro" in raised.value.message


def test_gemini_context_overflow_is_the_error_claude_code_compacts_on(client):
    message = "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576)."
    gemini_script({"error": {"status": 400, "status_name": "INVALID_ARGUMENT", "message": message}})
    with pytest.raises(anthropic.BadRequestError) as raised:
        client.messages.create(**ask(model=GEMINI_MODEL))
    assert raised.value.body["error"]["message"] == "prompt is too long: 1200000 tokens > 1048576 maximum"


def test_gemini_count_tokens_is_geminis_own_count(client):
    gemini_script()
    counted = client.messages.count_tokens(model=GEMINI_MODEL, messages=[{"role": "user", "content": "hi"}], tools=[BASH_TOOL])
    assert counted.input_tokens == 4321
    asked = gemini_requests()[0]
    assert asked["method"] == "countTokens"
    assert asked["body"]["generateContentRequest"]["model"] == "models/gemini-3-pro-preview"


# --- The OpenAI Responses API backend (responses/ models), against the fake's /v1/responses ---


def script_responses(*replies):
    """Replaces the fake Responses API's queue (FakeReply forms; "failed" ends a stream in response.failed)."""
    request = urllib.request.Request(
        FAKE_UPSTREAM_URL + "/_responses/script",
        data=json.dumps({"replies": list(replies)}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request).read()


def responses_requests():
    """The request bodies the fake Responses API accepted since the last script."""
    return json.loads(urllib.request.urlopen(FAKE_UPSTREAM_URL + "/_responses/requests").read())


def test_responses_reply_carries_thinking_with_its_encrypted_reasoning(client):
    script_responses({"text": "Two files.", "reasoning": "List, then count.", "usage": {"prompt_tokens": 57, "completion_tokens": 11}})
    message = client.messages.create(
        **ask(model="responses/gpt-5", system="You are terse.", thinking={"type": "enabled", "budget_tokens": 2048})
    )
    assert message.model == "responses/gpt-5"
    assert [block.type for block in message.content] == ["thinking", "text"]
    assert message.content[0].thinking == "List, then count."
    assert message.content[0].signature.startswith("openai-responses:gpt-5#")
    assert message.content[1].text == "Two files."
    assert message.usage.input_tokens == 57 and message.usage.output_tokens == 11
    sent = responses_requests()[0]
    assert sent["instructions"] == "You are terse."
    assert sent["reasoning"] == {"effort": "low", "summary": "auto"}
    assert sent["include"] == ["reasoning.encrypted_content"]
    assert sent["store"] is False


def test_responses_stream_and_whole_agree_on_tool_calls(client):
    reply = {
        "reasoning": "Look first.",
        "tool_calls": [
            {"id": "call_1", "name": "Bash", "arguments": '{"command": "ls -la"}'},
            {"id": "call_2", "name": "Read", "arguments": '{"file_path": "/tmp/README.md"}'},
        ],
    }
    script_responses(reply, reply)
    request = ask(model="responses/gpt-5", tools=[BASH_TOOL, READ_TOOL], thinking={"type": "enabled", "budget_tokens": 8000})
    whole = client.messages.create(**request)
    with client.messages.stream(**request) as stream:
        final = stream.get_final_message()
    assert whole.stop_reason == "tool_use"
    assert [block.type for block in whole.content] == ["thinking", "tool_use", "tool_use"]
    assert whole.content[1].input == {"command": "ls -la"}
    # Each reply carries its own encrypted reasoning; the rest is identical.
    assert final.model_dump(exclude={"id", "content"}) == whole.model_dump(exclude={"id", "content"})
    assert [b.model_dump(exclude={"signature"}) for b in final.content] == [b.model_dump(exclude={"signature"}) for b in whole.content]
    assert "$schema" not in responses_requests()[0]["tools"][0]["parameters"]


def test_responses_reasoning_goes_back_upstream_on_the_next_turn(client):
    script_responses(
        {"reasoning": "Run ls.", "tool_calls": [{"id": "call_9", "name": "Bash", "arguments": '{"command": "ls"}'}]},
        {"text": "Two files."},
    )
    first = client.messages.create(**ask(model="responses/gpt-5", tools=[BASH_TOOL], thinking={"type": "adaptive"}))
    signature = first.content[0].signature
    client.messages.create(
        **ask(
            model="responses/gpt-5",
            tools=[BASH_TOOL],
            messages=[
                {"role": "user", "content": "What is in this directory?"},
                {"role": "assistant", "content": first.content},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "call_9", "content": "a.txt b.txt"}]},
            ],
        )
    )
    items = responses_requests()[1]["input"]
    assert [item["type"] for item in items] == ["message", "reasoning", "function_call", "function_call_output"]
    assert items[1]["encrypted_content"] == signature.split("#", 1)[1]
    assert items[3] == {"type": "function_call_output", "call_id": "call_9", "output": "a.txt b.txt"}


def test_responses_failure_mid_stream_raises_from_the_stream(client):
    script_responses({"text": "Never finished.", "failed": {"code": "server_error", "message": "The model crashed."}})
    with pytest.raises(anthropic.APIStatusError) as raised:
        with client.messages.stream(**ask(model="responses/gpt-5")) as stream:
            stream.get_final_message()
    assert raised.value.body["error"]["type"] == "api_error"
    assert "The model crashed." in raised.value.message


def test_responses_context_overflow_is_the_error_claude_code_compacts_on(client):
    message = "Your input exceeds the context window of this model. Please adjust your input and try again."
    script_responses({"error": {"status": 400, "message": message, "code": "context_length_exceeded"}})
    with pytest.raises(anthropic.BadRequestError) as raised:
        client.messages.create(**ask(model="responses/gpt-5"))
    assert raised.value.body["error"]["message"] == "prompt is too long: 400001 tokens > 400000 maximum"


def test_cache_diagnostics_say_where_the_prompt_diverged_whole_and_streamed(client):
    question = {"role": "user", "content": "What is in this directory?"}
    script({"text": "Two files."}, {"text": "README.md."}, {"text": "README.md."})
    first = client.messages.create(**ask(system="You are terse.", diagnostics={"previous_message_id": None}))
    assert first.diagnostics is None, "a first turn has nothing to compare with"

    turn = [question, {"role": "assistant", "content": "Two files."}, {"role": "user", "content": "Which is larger?"}]
    second = client.messages.create(**ask(system="You are terse.", messages=turn, diagnostics={"previous_message_id": first.id}))
    assert second.diagnostics is None, "only messages were added"

    # A timestamp in the system prompt, streamed: the diagnosis comes in message_start.
    with client.messages.stream(
        **ask(system="You are terse. It is 10:42.", messages=turn, diagnostics={"previous_message_id": second.id})
    ) as stream:
        third = stream.get_final_message()
    reason = third.diagnostics.cache_miss_reason
    assert reason.type == "system_changed"
    # All of the previous prompt is missed: its system prompt and messages, as the proxy counts them.
    previous = client.messages.count_tokens(model="claude-sonnet-4-6", system="You are terse.", messages=turn)
    assert reason.cache_missed_input_tokens == previous.input_tokens
    assert all("diagnostics" not in body for body in upstream_requests())

    script({"text": "README.md."})
    unknown = client.messages.create(**ask(messages=turn, diagnostics={"previous_message_id": "msg_01NotKeptAnywhere00000000"}))
    assert unknown.diagnostics.cache_miss_reason.type == "previous_message_not_found"


REFUSAL = {"text": "I can't help with that.", "finish_reason": "content_filter"}
FALLBACK_BETAS = ["server-side-fallback-2026-07-01"]


def test_a_declined_reply_is_served_by_the_fallback_whole_and_streamed(client):
    fallbacks = [{"model": "claude-haiku-4-5"}]
    script(REFUSAL, {"text": "Here is how to patch it."})
    whole = client.beta.messages.create(**ask(fallbacks=fallbacks, betas=FALLBACK_BETAS))
    assert [block.type for block in whole.content] == ["fallback", "text"]
    boundary = whole.content[0]
    assert (boundary.from_.model, boundary.to.model, boundary.trigger.type) == ("claude-sonnet-4-6", "claude-haiku-4-5", "refusal")
    assert whole.stop_reason == "end_turn"
    assert [(entry.type, entry.model) for entry in whole.usage.iterations] == [
        ("message", "claude-sonnet-4-6"),
        ("fallback_message", "claude-haiku-4-5"),
    ]
    assert [body["model"] for body in upstream_requests()] == ["gpt-4.1", "gpt-4.1-mini"]

    # Streamed: what came before the refusal stays, the fallback's answer follows the boundary.
    script(REFUSAL, {"text": "Here is how to patch it."})
    with client.beta.messages.stream(**ask(fallbacks=fallbacks, betas=FALLBACK_BETAS)) as stream:
        streamed = stream.get_final_message()
    assert [block.type for block in streamed.content] == ["text", "fallback", "text"]
    assert streamed.content[2].text == "Here is how to patch it."
    assert [entry.type for entry in streamed.usage.iterations] == ["message", "fallback_message"]

    # The turn goes back with its boundary in it, as the docs ask: the proxy keeps it out of the prompt.
    script({"text": "Done."})
    history = [ask()["messages"][0], {"role": "assistant", "content": [block.to_dict() for block in streamed.content]}]
    history.append({"role": "user", "content": "Thanks."})
    client.beta.messages.create(**ask(messages=history, fallbacks=fallbacks, betas=FALLBACK_BETAS))
    assert "fallback" not in json.dumps(upstream_requests()[0]["messages"])


def test_a_refusal_says_why_in_stop_details_whole_and_streamed(client):
    filtered = "The upstream's content filter withheld the answer (finish_reason content_filter)."
    script(REFUSAL)
    whole = client.messages.create(**ask())
    assert (whole.stop_reason, whole.stop_details.type, whole.stop_details.category) == ("refusal", "refusal", None)
    assert whole.stop_details.explanation == filtered
    script(REFUSAL)
    with client.messages.stream(**ask()) as stream:
        streamed = stream.get_final_message()
    assert (streamed.stop_reason, streamed.stop_details.explanation) == ("refusal", filtered)
    script({"text": "Fine."})
    assert client.messages.create(**ask()).stop_details is None, "only a refusal has them"


def test_a_refusal_that_no_fallback_could_take_names_the_busy_one(client):
    overloaded = {"error": {"status": 529, "message": "Overloaded"}}
    script(REFUSAL, overloaded, overloaded, overloaded)
    refused = client.beta.messages.create(**ask(fallbacks=[{"model": "claude-haiku-4-5"}], betas=FALLBACK_BETAS))
    assert refused.stop_reason == "refusal"
    assert refused.stop_details.type == "refusal"
    assert refused.stop_details.recommended_model == "claude-haiku-4-5"
    assert refused.stop_details.explanation.startswith("The upstream's content filter")
    assert [entry.type for entry in refused.usage.iterations] == ["message"]


def test_a_bad_fallbacks_entry_is_a_bad_request(client):
    with pytest.raises(anthropic.BadRequestError) as raised:
        client.beta.messages.create(**ask(fallbacks=[{"model": "claude-haiku-4-5", "temperature": 0.5}], betas=FALLBACK_BETAS))
    assert raised.value.body["error"]["message"] == "fallbacks.0.temperature: Extra inputs are not permitted"
