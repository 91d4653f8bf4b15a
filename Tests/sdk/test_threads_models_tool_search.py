"""The official `anthropic` SDK's newer features through the proxy: the beta tool runner (which opens
a message thread), model discovery, and tool search's `tool_reference` blocks.

Run with test_anthropic_sdk.py (same proxy and fake upstreams; see that file's docstring).
"""

import anthropic
from anthropic import beta_tool

from test_anthropic_sdk import PROXY_URL, script, upstream_requests


def make_client():
    return anthropic.Anthropic(base_url=PROXY_URL, api_key="sk-ant-client-key", max_retries=0)


def test_the_tool_runner_drops_its_thread_after_the_proxys_refusal_and_finishes():
    @beta_tool
    def get_weather(city: str) -> str:
        """The weather in a city.

        Args:
            city: the city's name.
        """
        return f"Sunny in {city}, 21 C"

    script(
        {"tool_calls": [{"id": "call_w1", "name": "get_weather", "arguments": '{"city": "Oslo"}'}]},
        {"text": "It is sunny in Oslo."},
    )
    runner = make_client().beta.messages.tool_runner(
        model="claude-sonnet-4-6",
        max_tokens=512,
        tools=[get_weather],
        messages=[{"role": "user", "content": "Weather in Oslo?"}],
    )
    final = runner.until_done()
    assert final.content[-1].text == "It is sunny in Oslo."
    sent = upstream_requests()
    assert len(sent) == 2, "each turn reached the upstream once: the thread was refused before anything was sent"
    second = sent[1]["messages"]
    assert [m["role"] for m in second] == ["user", "assistant", "tool"], "the full history, not a lone tool result"
    assert second[2] == {"role": "tool", "tool_call_id": "call_w1", "content": "Sunny in Oslo, 21 C"}


def test_models_list_pages_and_retrieve():
    client = make_client()
    ids = [model.id for model in client.models.list(limit=3)]
    assert len(ids) > 3, "auto-pagination followed the after_id cursor"
    assert ids[0] == "claude-opus-5-5"
    assert all(model_id.startswith("claude") for model_id in ids)
    assert len(set(ids)) == len(ids)
    model = client.models.retrieve("claude-sonnet-4-6")
    assert model.display_name == "Sonnet 4.6 → openai/gpt-4.1"
    try:
        client.models.retrieve("not-a-model")
        raise AssertionError("a missing model must be a 404")
    except anthropic.NotFoundError as error:
        assert error.body["error"]["type"] == "not_found_error"


def test_a_loaded_deferred_tool_reaches_the_upstream_and_the_reference_reads_as_text():
    script({"text": "Searching now."})
    make_client().messages.create(
        model="claude-sonnet-4-6",
        max_tokens=256,
        tools=[
            {"name": "ToolSearch", "description": "Loads tools.", "input_schema": {"type": "object", "properties": {"query": {"type": "string"}}}},
            {"name": "WebSearch", "description": "Searches.", "input_schema": {"type": "object", "properties": {}}, "defer_loading": True},
            {"name": "NeverLoaded", "description": "Unused.", "input_schema": {"type": "object", "properties": {}}, "defer_loading": True},
        ],
        messages=[
            {"role": "user", "content": "Search the web."},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "ToolSearch", "input": {"query": "select:WebSearch"}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": [{"type": "tool_reference", "tool_name": "WebSearch"}]}]},
        ],
    )
    sent = upstream_requests()[0]
    assert [tool["function"]["name"] for tool in sent["tools"]] == ["ToolSearch", "WebSearch"]
    assert sent["messages"][-1] == {"role": "tool", "tool_call_id": "toolu_1", "content": "Tool WebSearch is now available."}
