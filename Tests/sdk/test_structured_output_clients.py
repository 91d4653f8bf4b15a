"""Structured outputs through the proxy from real clients on their default settings: the official
SDK's `messages.parse`, LangChain's ChatAnthropic (`with_structured_output`, json_schema),
pydantic-ai (`NativeOutput`), litellm (which sends the older top-level `output_format`) and `llm`
with a schema. Each gets its JSON from the fake OpenAI upstream as the text of the reply, and the
upstream must have been asked for that schema (`response_format`).

Run with test_anthropic_sdk.py (same proxy and fake upstreams; see that file's docstring).
"""

import json
import os
import subprocess

import pytest
from pydantic import BaseModel

from test_anthropic_sdk import PROXY_URL, script, upstream_requests

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # no network here


class Person(BaseModel):
    name: str
    age: int


ADA = {"name": "Ada Lovelace", "age": 36}


def asked_schema():
    """The JSON schema the upstream was asked to follow."""
    sent = upstream_requests()[-1]
    response_format = sent["response_format"]
    assert response_format["type"] == "json_schema"
    return response_format["json_schema"]


def test_the_sdks_parse_gets_a_parsed_model():
    import anthropic

    script({"text": json.dumps(ADA)})
    client = anthropic.Anthropic(base_url=PROXY_URL, api_key="sk-ant-client-key", max_retries=0)
    message = client.messages.parse(
        model="claude-sonnet-4-6", max_tokens=256, messages=[{"role": "user", "content": "Who wrote the first program?"}], output_format=Person
    )
    assert message.parsed_output == Person(**ADA)
    schema = asked_schema()
    assert set(schema["schema"]["properties"]) == {"name", "age"}
    assert schema["strict"] is True, "the SDK's schema closes every object and requires every field"


def test_langchain_with_structured_output_json_schema():
    from langchain_anthropic import ChatAnthropic

    script({"text": json.dumps(ADA)})
    model = ChatAnthropic(model="claude-sonnet-4-6", base_url=PROXY_URL, api_key="sk-ant-client-key", max_retries=0)
    person = model.with_structured_output(Person, method="json_schema").invoke("Who wrote the first program?")
    assert person == Person(**ADA)
    assert set(asked_schema()["schema"]["properties"]) == {"name", "age"}


def test_pydantic_ai_native_output_streamed():
    from pydantic_ai import Agent, NativeOutput
    from pydantic_ai.models.anthropic import AnthropicModel
    from pydantic_ai.providers.anthropic import AnthropicProvider

    script({"text": json.dumps(ADA)})
    provider = AnthropicProvider(api_key="sk-ant-client-key", base_url=PROXY_URL)
    agent = Agent(AnthropicModel("claude-sonnet-4-6", provider=provider), output_type=NativeOutput(Person))
    assert agent.run_sync("Who wrote the first program?").output == Person(**ADA)
    sent = upstream_requests()[-1]
    assert sent["stream"] is True
    assert set(asked_schema()["schema"]["properties"]) == {"name", "age"}


def test_litellm_response_format_arrives_as_the_older_output_format():
    import litellm

    script({"text": json.dumps(ADA)})
    reply = litellm.completion(
        model="anthropic/claude-sonnet-4-6", api_base=PROXY_URL, api_key="sk-ant-client-key",
        messages=[{"role": "user", "content": "Who wrote the first program?"}], response_format=Person,
    )
    assert json.loads(reply.choices[0].message.content) == ADA
    assert set(asked_schema()["schema"]["properties"]) == {"name", "age"}


LLM_SCRIPT = """
import json, sys
import llm
from pydantic import BaseModel

class Person(BaseModel):
    name: str
    age: int

model = llm.get_model("claude-sonnet-4.5")
model.base_url = sys.argv[1]
print(model.prompt("Who wrote the first program?", schema=Person, key="sk-ant-client-key").text())
"""


def test_llm_prompt_with_a_schema():
    # llm-anthropic needs an older anthropic SDK than this suite: it runs in its own environment.
    llm_python = os.environ.get("LLM_PYTHON")
    if not llm_python:
        pytest.skip("LLM_PYTHON is not set: scripts/test makes the environment `llm` runs in")
    script({"text": json.dumps(ADA)})
    result = subprocess.run([llm_python, "-c", LLM_SCRIPT, PROXY_URL], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ADA
    assert set(asked_schema()["schema"]["properties"]) == {"name", "age"}
