"""The official anthropic SDK through the proxy to a real llama.cpp server serving SmolLM2-135M.

Run by LocalModelServerEndToEndTests with PROXY_URL set to a proxy whose Claude names map to the
server's model. The model is tiny: the tests check the shape and the limits of what comes back
(text, the usage the server counted, where a reply stops), not what it says.
"""

import os

import anthropic
import pytest

MODEL = "claude-sonnet-4-6"
QUESTION = [{"role": "user", "content": "What is the capital of France?"}]
# The SDK's methods no longer take a temperature; the Messages API does, and the proxy passes it on.
GREEDY = {"temperature": 0}


@pytest.fixture(scope="module")
def client():
    return anthropic.Anthropic(base_url=os.environ["PROXY_URL"], api_key="unused-by-a-local-server", max_retries=0, timeout=120)


def test_a_whole_reply_is_the_models_text_with_its_usage(client):
    message = client.messages.create(model=MODEL, max_tokens=48, extra_body=GREEDY, messages=QUESTION)
    assert message.type == "message" and message.role == "assistant"
    assert message.model == MODEL
    assert [block.type for block in message.content] == ["text"]
    assert message.content[0].text.strip()
    assert message.stop_reason in ("end_turn", "max_tokens")
    assert message.usage.input_tokens > 10
    assert 0 < message.usage.output_tokens <= 48


def test_a_streamed_reply_is_the_same_text_as_its_final_message(client):
    with client.messages.stream(model=MODEL, max_tokens=48, extra_body=GREEDY, messages=QUESTION) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text.strip()
    assert final.content[0].text == text
    assert final.stop_reason in ("end_turn", "max_tokens")
    assert final.usage.input_tokens > 10
    assert 0 < final.usage.output_tokens <= 48


COUNTING = [{"role": "user", "content": "Count from 1 to 20, one number per line."}]


def reply(client, stream, **parameters):
    if not stream:
        return client.messages.create(model=MODEL, extra_body=GREEDY, messages=COUNTING, **parameters)
    with client.messages.stream(model=MODEL, extra_body=GREEDY, messages=COUNTING, **parameters) as events:
        return events.get_final_message()


@pytest.mark.parametrize("stream", [False, True])
def test_a_stop_sequence_ends_the_reply_before_it(client, stream):
    unstopped = reply(client, stream, max_tokens=40)
    assert "\n" in unstopped.content[0].text.strip(), "the model writes several lines when not stopped"
    stopped = reply(client, stream, max_tokens=40, stop_sequences=["\n"])
    text = stopped.content[0].text
    assert text and "\n" not in text
    assert unstopped.content[0].text.startswith(text)
    assert stopped.usage.output_tokens < unstopped.usage.output_tokens
    # An OpenAI-compatible server does not say whether a stop string or the model's end stopped it.
    assert stopped.stop_reason == "end_turn"


@pytest.mark.parametrize("stream", [False, True])
def test_max_tokens_cuts_the_reply_there(client, stream):
    message = reply(client, stream, max_tokens=5)
    assert message.stop_reason == "max_tokens"
    assert message.usage.output_tokens == 5
    assert message.content[0].text.strip()
