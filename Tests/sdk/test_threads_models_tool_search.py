"""The official `anthropic` SDK's newer features through the proxy: the beta tool runner (which opens
message threads, kept by the proxy), its built-in memory tool, model discovery, and tool search's
`tool_reference` blocks.

Run with test_anthropic_sdk.py (same proxy and fake upstreams; see that file's docstring).
"""

import json

import anthropic
import httpx2
from anthropic import beta_tool
from anthropic.lib.tools import BetaAbstractMemoryTool, ToolError

from test_anthropic_sdk import PROXY_URL, script, upstream_requests


def make_client():
    return anthropic.Anthropic(base_url=PROXY_URL, api_key="sk-ant-client-key", max_retries=0)


class SentBodies:
    """The request bodies the SDK sends to the proxy, read from the HTTP client's hook."""

    def __init__(self):
        self.bodies = []

    def __call__(self, request):
        if request.url.path.endswith("/v1/messages"):
            self.bodies.append(json.loads(request.read()))


def recording_client():
    sent = SentBodies()
    http_client = httpx2.Client(event_hooks={"request": [sent]})
    return anthropic.Anthropic(base_url=PROXY_URL, api_key="sk-ant-client-key", max_retries=0, http_client=http_client), sent


@beta_tool
def get_weather(city: str) -> str:
    """The weather in a city.

    Args:
        city: the city's name.
    """
    return f"Sunny in {city}, 21 C"


@beta_tool
def get_time(city: str) -> str:
    """The local time in a city.

    Args:
        city: the city's name.
    """
    return f"14:05 in {city}"


def scripted_runner(replies, tools, question, **params):
    """Scripts the upstream with `replies`; returns a tool runner with `tools` asked `question`
    (more of the runner's parameters in `params`), and the record of the requests it sends."""
    script(*replies)
    client, sent = recording_client()
    runner = client.beta.messages.tool_runner(
        model="claude-sonnet-4-6", max_tokens=512, tools=tools, messages=[{"role": "user", "content": question}], **params
    )
    return runner, sent


def run_swapping_weather_for_time(*replies, compact=False):
    """Scripts the upstream with `replies`, then runs a tool runner asked for Oslo's weather and
    time which, at its first reply, runs the weather call and swaps get_weather for get_time (and,
    with `compact`, asks for a compaction before its next turn). Returns the runner's replies and
    the requests it sent."""
    betas = ["inline-tools-2026-09-15"] + (["compact-2026-09-04"] if compact else [])
    runner, sent = scripted_runner(replies, [get_weather], "Weather and time in Oslo?", betas=betas)
    answered = []
    for reply in runner:
        if not answered:
            runner.generate_tool_call_response()  # the weather call runs before its tool goes
            runner.add_tools(get_time)
            runner.remove_tools("get_weather")
            if compact:
                runner.compact_before_next_turn()
        answered.append(reply)
    return answered, sent


def test_the_tool_runner_threads_its_turns_and_the_upstream_gets_the_whole_history():
    runner, sent = scripted_runner(
        [
            {"tool_calls": [{"id": "call_w1", "name": "get_weather", "arguments": '{"city": "Oslo"}'}]},
            {"tool_calls": [{"id": "call_w2", "name": "get_weather", "arguments": '{"city": "Bergen"}'}]},
            {"text": "Sunny in both."},
        ],
        [get_weather],
        "Weather in Oslo and Bergen?",
        system="You answer about weather.",
    )
    final = runner.until_done()
    assert final.content[-1].text == "Sunny in both."

    assert [body["thread"]["type"] for body in sent.bodies] == ["create", "continue", "continue"]
    continued = sent.bodies[2]
    assert "system" not in continued and "tools" not in continued, "a continue leaves the thread's fields to the proxy"
    assert [block["type"] for message in continued["messages"] for block in message["content"]] == ["tool_result"]

    upstream = upstream_requests()
    assert len(upstream) == 3
    last = upstream[2]["messages"]
    assert [m["role"] for m in last] == ["system", "user", "assistant", "tool", "assistant", "tool"], "the whole history"
    assert last[0]["content"] == "You answer about weather."
    assert last[5] == {"role": "tool", "tool_call_id": "call_w2", "content": "Sunny in Bergen, 21 C"}
    assert upstream[2]["tools"][0]["function"]["name"] == "get_weather"


def test_a_thread_sends_each_turn_alone_whole_and_streamed():
    script({"text": "Paris."}, {"text": "About 2.1 million."}, {"text": "The Seine."})
    client, sent = recording_client()
    thread = client.beta.messages.thread(
        model="claude-sonnet-4-6", max_tokens=256, system="Answer in one line.", messages=[{"role": "user", "content": "Capital of France?"}]
    )
    first = thread.send()
    assert first.content[0].text == "Paris."
    assert thread.previous_message_id == first.id, "the proxy kept the thread"
    second = thread.send({"role": "user", "content": "Its population?"})
    assert second.content[0].text == "About 2.1 million."
    with thread.stream({"role": "user", "content": "Its river?"}) as stream:
        streamed_text = "".join(stream.text_stream)
        third = stream.get_final_message()
    assert streamed_text == "The Seine."
    assert thread.previous_message_id == third.id

    assert [body["messages"] for body in sent.bodies[1:]] == [
        [{"role": "user", "content": "Its population?"}],
        [{"role": "user", "content": "Its river?"}],
    ]
    contents = [m["content"] for m in upstream_requests()[2]["messages"]]
    assert contents == ["Answer in one line.", "Capital of France?", "Paris.", "Its population?", "About 2.1 million.", "Its river?"]
    assert len(thread.messages) == 6


def test_a_thread_the_proxy_does_not_know_is_sent_again_whole():
    script({"text": "First."}, {"text": "Second."})
    client, sent = recording_client()
    thread = client.beta.messages.thread(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": "One?"}])
    thread.send()
    # Another client continues from the same reply first: this thread's own continue finds it taken.
    other = anthropic.Anthropic(base_url=PROXY_URL, api_key="sk-ant-client-key", max_retries=0)
    other.beta.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=64,
        messages=[{"role": "user", "content": "Elsewhere."}],
        thread={"type": "continue", "previous_message_id": thread.previous_message_id},
        betas=["message-threads-2026-08-12"],
    )
    script({"text": "Third."})
    reply = thread.send({"role": "user", "content": "Two?"})
    assert reply.content[0].text == "Third."
    assert sent.bodies[-1]["thread"] == {"type": "create"}, "thread_already_continued made the SDK replay the whole history"
    assert [m["content"] for m in upstream_requests()[0]["messages"]] == ["One?", "First.", "Two?"]


class MemoryInADict(BetaAbstractMemoryTool):
    """The SDK's memory tool over a dict of paths to texts, as an application would implement it."""

    def __init__(self):
        super().__init__()
        self.files = {}

    def view(self, command):
        if command.path not in self.files:
            raise ToolError(f"{command.path} does not exist")
        return "\n".join(f"{number:6}\t{line}" for number, line in enumerate(self.files[command.path].splitlines(), 1))

    def create(self, command):
        self.files[command.path] = command.file_text
        return f"File created: {command.path}"

    def str_replace(self, command):
        self.files[command.path] = self.files[command.path].replace(command.old_str, command.new_str, 1)
        return "Replaced."

    def insert(self, command):
        lines = self.files[command.path].splitlines()
        lines.insert(command.insert_line, command.insert_text)
        self.files[command.path] = "\n".join(lines)
        return "Inserted."

    def delete(self, command):
        del self.files[command.path]
        return "Deleted."

    def rename(self, command):
        self.files[command.new_path] = self.files.pop(command.old_path)
        return "Renamed."


def test_the_sdks_memory_tool_runs_on_a_model_that_is_not_claude():
    memory = MemoryInADict()
    runner, sent = scripted_runner(
        [
            {"tool_calls": [{"id": "call_m1", "name": "memory", "arguments": '{"command": "create", "path": "/memories/tea.md", "file_text": "Likes green tea."}'}]},
            {"tool_calls": [{"id": "call_m2", "name": "memory", "arguments": '{"command": "view", "path": "/memories/tea.md"}'}]},
            {"text": "Noted: green tea."},
        ],
        [memory],
        "Remember that I like green tea.",
    )
    final = runner.until_done()
    assert final.content[-1].text == "Noted: green tea."
    assert sent.bodies[0]["tools"] == [{"type": "memory_20250818", "name": "memory"}], "the SDK declares the tool by type alone"
    assert memory.files == {"/memories/tea.md": "Likes green tea."}, "the SDK ran the model's create"

    upstream = upstream_requests()
    declared = upstream[0]["tools"][0]["function"]
    assert declared["name"] == "memory"
    assert declared["parameters"]["properties"]["command"]["enum"] == ["view", "create", "str_replace", "insert", "delete", "rename"]
    assert "/memories" in declared["description"]
    viewed = upstream[2]["messages"][-1]
    assert viewed["role"] == "tool" and viewed["tool_call_id"] == "call_m2"
    assert "Likes green tea." in viewed["content"], "the view's result went back upstream"


def test_models_list_pages_and_retrieve():
    client = make_client()
    ids = [model.id for model in client.models.list(limit=3)]
    assert len(ids) > 3, "auto-pagination followed the after_id cursor"
    assert ids[0] == "claude-opus-5-5"
    assert all(model_id.startswith("claude") for model_id in ids)
    assert len(set(ids)) == len(ids)
    model = client.models.retrieve("claude-sonnet-4-6")
    assert model.display_name == "Sonnet 4.6 → openai/gpt-4.1"
    assert (model.lifecycle, model.line, model.retires_at) == ("active", "sonnet", None)
    # Validated, not only read: every capability the SDK requires is there, in its types.
    raw = client.models.with_raw_response.retrieve("claude-sonnet-4-6").http_response.json()
    capabilities = anthropic.types.ModelInfo.model_validate(raw).capabilities
    assert capabilities is not None
    assert capabilities.thinking.supported is False and capabilities.effort.high.supported is False
    assert capabilities.image_input.supported and capabilities.server_tools.web_search.supported
    assert capabilities.context_management.compact_20260112.supported
    assert not capabilities.batch.supported and not capabilities.server_tools.code_execution.supported
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


def test_the_tool_runners_add_tools_and_remove_tools_change_what_the_upstream_is_offered():
    replies, sent = run_swapping_weather_for_time(
        {"tool_calls": [{"id": "call_w1", "name": "get_weather", "arguments": '{"city": "Oslo"}'}]},
        {"tool_calls": [{"id": "call_t1", "name": "get_time", "arguments": '{"city": "Oslo"}'}]},
        {"text": "Sunny, and 14:05."},
    )
    assert replies[-1].content[-1].text == "Sunny, and 14:05."

    changes = [message for body in sent.bodies for message in body["messages"] if message["role"] == "system"]
    assert [block["type"] for block in changes[0]["content"]] == ["tool_addition", "tool_removal"], "the SDK sent the changes"

    upstream = upstream_requests()
    assert [tool["function"]["name"] for tool in upstream[0]["tools"]] == ["get_weather"]
    assert [tool["function"]["name"] for tool in upstream[1]["tools"]] == ["get_time"], "offered from the change on"
    assert upstream[1]["tools"][0]["function"]["description"].startswith("The local time in a city.")
    assert upstream[1]["messages"][-2:] == [
        {"role": "tool", "tool_call_id": "call_w1", "content": "Sunny in Oslo, 21 C"},
        {"role": "system", "content": "Tool get_time is now available.\n\nTool get_weather is no longer available."},
    ]
    assert [tool["function"]["name"] for tool in upstream[2]["tools"]] == ["get_time"]


def test_the_tool_runners_compaction_on_demand_gets_the_summary_alone():
    runner, sent = scripted_runner(
        [{"text": "The user asked for France's capital."}, {"text": "Paris is the capital."}],
        [get_weather],
        "Capital of France?",
        betas=["compact-2026-09-04"],
    )
    runner.compact_before_next_turn()
    replies = list(runner)
    assert [reply.stop_reason for reply in replies] == ["compaction", "end_turn"]
    compaction = replies[0].content[0]
    assert compaction.type == "compaction" and compaction.content == "The user asked for France's capital."
    assert replies[0].usage.iterations[0].type == "compaction"
    assert replies[1].content[-1].text == "Paris is the capital."

    assert sent.bodies[0]["compaction"] == {"type": "summarize"}
    assert sent.bodies[1]["messages"] == [
        {"role": "assistant", "content": [{"type": "compaction", "content": compaction.content, "tool_changes": []}]}
    ], "no tool changed"
    upstream = upstream_requests()
    assert len(upstream) == 2, "the summary alone, then the turn"
    assert [m["role"] for m in upstream[0]["messages"]] == ["user", "user"]
    assert upstream[0]["tool_choice"] == "none"
    assert upstream[1]["messages"] == [
        {"role": "user", "content": "This conversation was compacted; a summary of what came before it:\n\nThe user asked for France's capital."}
    ]


def test_tools_the_runner_changed_outlive_its_compaction():
    replies, sent = run_swapping_weather_for_time(
        {"tool_calls": [{"id": "call_w1", "name": "get_weather", "arguments": '{"city": "Oslo"}'}]},
        {"text": "The user asked for Oslo's weather and time; it is sunny; get_time replaced get_weather."},
        {"tool_calls": [{"id": "call_t1", "name": "get_time", "arguments": '{"city": "Oslo"}'}]},
        {"text": "Sunny, and 14:05."},
        compact=True,
    )
    assert [reply.stop_reason for reply in replies] == ["tool_use", "compaction", "tool_use", "end_turn"]
    assert replies[-1].content[-1].text == "Sunny, and 14:05."

    changes = replies[1].content[0].tool_changes
    assert [(change.type, change.tool.type) for change in changes] == [("tool_removal", "tool_reference"), ("tool_addition", "tool_definition")]
    assert changes[1].tool.definition.name == "get_time"
    after = sent.bodies[2]["messages"]
    assert after[0]["content"][0]["type"] == "compaction", "the runner keeps the compaction in place of the conversation"
    assert not any(message["role"] == "system" for message in after), "and the tool changes with it"

    upstream = upstream_requests()
    assert [tool["function"]["name"] for tool in upstream[2]["tools"]] == ["get_time"], "offered after the compaction as before it"
    assert upstream[2]["tools"][0]["function"]["description"].startswith("The local time in a city.")


def test_a_streamed_compaction_carries_its_tool_changes_from_the_blocks_start():
    script({"text": "The user took get_weather away."})
    client = make_client()
    with client.beta.messages.stream(
        model="claude-sonnet-4-6",
        max_tokens=512,
        tools=[get_weather.to_dict()],
        messages=[
            {"role": "user", "content": "Hi."},
            {"role": "system", "content": [{"type": "tool_removal", "tool": {"type": "tool_reference", "name": "get_weather"}}]},
            {"role": "user", "content": "No more weather."},
        ],
        compaction={"type": "summarize"},
        betas=["inline-tools-2026-09-15", "compact-2026-09-04"],
    ) as stream:
        message = stream.get_final_message()
    assert message.stop_reason == "compaction"
    block = message.content[0]
    assert block.type == "compaction" and block.content == "The user took get_weather away."
    assert [(change.type, change.tool.name) for change in block.tool_changes] == [("tool_removal", "get_weather")]
