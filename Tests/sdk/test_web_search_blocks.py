"""The official `anthropic` SDK reads every block of a searched reply, whole and streamed, through
the proxy and the strict fake Gemini upstream (which grounds its answer only when asked to search):
server_tool_use, web_search_tool_result (results and an error), text with
web_search_result_location citations, and usage.server_tool_use. The streamed final message equals
the whole reply.

Run with test_anthropic_sdk.py (same proxy and fake upstreams; see that file's docstring).
"""

import anthropic

from test_anthropic_sdk import PROXY_URL, gemini_requests, gemini_script

REDIRECT = "https://vertexaisearch.cloud.google.com/grounding-api-redirect/"
FIRST = "Swift 6.3 kam im März."
SECOND = "Die Straße ist frei 🚀."
TEXT = f"{FIRST} {SECOND}"

SEARCHED = {
    "text": TEXT,
    "grounding_metadata": {
        "webSearchQueries": ["swift 6.3 release", "swift 6.3 changelog"],
        "groundingChunks": [{"web": {"uri": REDIRECT + "a", "title": "swift.org"}}, {"web": {"uri": REDIRECT + "b", "title": "github.com"}}],
        "groundingSupports": [
            {"segment": {"endIndex": len(FIRST.encode()), "text": FIRST}, "groundingChunkIndices": [0]},
            {"segment": {"startIndex": len(FIRST.encode()) + 1, "endIndex": len(TEXT.encode()), "text": SECOND}, "groundingChunkIndices": [0, 1]},
        ],
    },
}


def request():
    return dict(
        model="gemini/gemini-2.5-flash",
        max_tokens=1024,
        tools=[{"type": "web_search_20250305", "name": "web_search", "max_uses": 1}],
        messages=[{"role": "user", "content": "Perform a web search for the query: swift 6.3"}],
    )


def comparable(message):
    """The message without the ids that differ between two replies (each pairing checked first)."""
    dump = message.model_dump(exclude={"id"})
    last = None
    for block in dump["content"]:
        if block["type"] == "server_tool_use":
            assert block["id"].startswith("srvtoolu_")
            last = block.pop("id")
        elif block["type"] == "web_search_tool_result":
            assert block.pop("tool_use_id") == last
    return dump


def test_every_search_block_parses_whole_and_streamed_alike():
    gemini_script(SEARCHED, SEARCHED)
    client = anthropic.Anthropic(base_url=PROXY_URL, api_key="sk-ant-client-key", max_retries=0)
    whole = client.messages.create(**request())
    with client.messages.stream(**request()) as stream:
        events = [event.type for event in stream]
        streamed = stream.get_final_message()

    assert [block.type for block in whole.content] == [
        "server_tool_use", "web_search_tool_result", "server_tool_use", "web_search_tool_result", "text", "text", "text"]
    search, results, second_search, refused = whole.content[:4]
    assert isinstance(search, anthropic.types.ServerToolUseBlock)
    assert search.name == "web_search" and search.input == {"query": "swift 6.3 release"}
    assert isinstance(results, anthropic.types.WebSearchToolResultBlock)
    assert [(r.url, r.title) for r in results.content] == [(REDIRECT + "a", "swift.org"), (REDIRECT + "b", "github.com")]
    assert all(r.encrypted_content for r in results.content)
    assert second_search.input == {"query": "swift 6.3 changelog"}
    assert refused.content.error_code == "max_uses_exceeded", "max_uses 1: the second search is refused as Anthropic does"
    cited = whole.content[4]
    assert cited.text == FIRST
    assert [(c.type, c.url, c.title, c.cited_text) for c in cited.citations] == [("web_search_result_location", REDIRECT + "a", "swift.org", FIRST)]
    assert whole.content[5].text == " " and not whole.content[5].citations
    assert [c.title for c in whole.content[6].citations] == ["swift.org", "github.com"]
    assert whole.usage.server_tool_use.web_search_requests == 1

    assert "citation" in events, "citations arrive as citations_delta events"
    assert comparable(streamed) == comparable(whole)
    assert [r["body"]["tools"] for r in gemini_requests()] == [[{"googleSearch": {}}]] * 2
