"""Chat prompts as transformers' apply_chat_template(..., add_generation_prompt=True) renders them,
for each family attnviz recognises (see README.md in this folder).

    /work/refvenv/bin/python scripts/reference/make_chat_references.py \
        models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf \
        [path/to/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf]

Writes Tests/AttnvizModelTests/Fixtures/chat-references.json: for each case the template text, the
tokenizer's start-token text, the system and user messages, the rendered string, and the ids
(`apply_chat_template(tokenize=True)`) where the tokenizer is one attnviz reads in the tests
(`tokenizer`: a fixture folder or "smollm2").

Templates: SmolLM2's and Qwen2.5's are read from their GGUF files. Llama 3, 3.1 and 3.2, Mistral
(v0.1's first template, v0.1/v0.2 as published now, v0.3, Nemo's tekken turn) and Gemma 2 and 3
are the chat templates those models publish in tokenizer_config.json, reproduced below (no model
hub here) and checked against the copies in llama.cpp's tests/test-chat-template.cpp and other
public code; they are rendered with the tiny fixtures' tokenizers, which have the families'
special tokens (Gemma's with a start token of "<s>").
"""

import datetime
import json
import os
import sys

import gguf
from transformers import AutoTokenizer, PreTrainedTokenizerFast

OUT = "Tests/AttnvizModelTests/Fixtures/chat-references.json"
ENGINE = "Tests/AttnvizModelTests/Fixtures/engine"

LLAMA3 = (
    "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = "
    "'<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim "
    "+ '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}"
    "{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant"
    "<|end_header_id|>\n\n' }}{% endif %}")

MISTRAL_V1 = (
    "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != "
    "(loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate "
    "user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}"
    "{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}"
    "{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant "
    "roles are supported!') }}{% endif %}{% endfor %}")

# Mistral-7B-Instruct-v0.1 and -v0.2 as mistralai publish them now (llama.cpp's
# test-chat-template.cpp "mistralai 'v1' template with a system prompt"): a space before each
# [INST] and before [/INST].
MISTRAL_V1_SYSTEM = """{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content'] %}
    {%- set loop_messages = messages[1:] %}
{%- else %}
    {%- set loop_messages = messages %}
{%- endif %}

{{- bos_token }}
{%- for message in loop_messages %}
    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}
        {{- raise_exception('After the optional system message, conversation roles must alternate user/assistant/user/assistant/...') }}
    {%- endif %}
    {%- if message['role'] == 'user' %}
        {%- if loop.first and system_message is defined %}
            {{- ' [INST] ' + system_message + '\\n\\n' + message['content'] + ' [/INST]' }}
        {%- else %}
            {{- ' [INST] ' + message['content'] + ' [/INST]' }}
        {%- endif %}
    {%- elif message['role'] == 'assistant' %}
        {{- ' ' + message['content'] + eos_token}}
    {%- else %}
        {{- raise_exception('Only user and assistant roles are supported, with the exception of an initial optional system message!') }}
    {%- endif %}
{%- endfor %}
"""

# Llama 3.1 Instruct's published chat_template (meta-llama/Llama-3.1-8B-Instruct,
# tokenizer_config.json; llama.cpp's models/templates/meta-llama-Llama-3.1-8B-Instruct.jinja,
# byte for byte, and Llama 3.3 70B's is the same text). Unlike 3.2's it has no strftime_now:
# transformers writes the template's own date_string, "26 Jul 2024", so these references pass
# nothing and check the knowledge and date lines as transformers writes them by default.
LLAMA31 = """{{- bos_token }}
{%- if custom_tools is defined %}
    {%- set tools = custom_tools %}
{%- endif %}
{%- if not tools_in_user_message is defined %}
    {%- set tools_in_user_message = true %}
{%- endif %}
{%- if not date_string is defined %}
    {%- set date_string = "26 Jul 2024" %}
{%- endif %}
{%- if not tools is defined %}
    {%- set tools = none %}
{%- endif %}

{#- This block extracts the system message, so we can slot it into the right place. #}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content']|trim %}
    {%- set messages = messages[1:] %}
{%- else %}
    {%- set system_message = "" %}
{%- endif %}

{#- System message + builtin tools #}
{{- "<|start_header_id|>system<|end_header_id|>\\n\\n" }}
{%- if builtin_tools is defined or tools is not none %}
    {{- "Environment: ipython\\n" }}
{%- endif %}
{%- if builtin_tools is defined %}
    {{- "Tools: " + builtin_tools | reject('equalto', 'code_interpreter') | join(", ") + "\\n\\n"}}
{%- endif %}
{{- "Cutting Knowledge Date: December 2023\\n" }}
{{- "Today Date: " + date_string + "\\n\\n" }}
{%- if tools is not none and not tools_in_user_message %}
    {{- "You have access to the following functions. To call a function, please respond with JSON for a function call." }}
    {{- 'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.' }}
    {{- "Do not use variables.\\n\\n" }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- "\\n\\n" }}
    {%- endfor %}
{%- endif %}
{{- system_message }}
{{- "<|eot_id|>" }}

{#- Custom tools are passed in a user message with some extra guidance #}
{%- if tools_in_user_message and not tools is none %}
    {#- Extract the first user message so we can plug it in here #}
    {%- if messages | length != 0 %}
        {%- set first_user_message = messages[0]['content']|trim %}
        {%- set messages = messages[1:] %}
    {%- else %}
        {{- raise_exception("Cannot put tools in the first user message when there's no first user message!") }}
{%- endif %}
    {{- '<|start_header_id|>user<|end_header_id|>\\n\\n' -}}
    {{- "Given the following functions, please respond with a JSON for a function call " }}
    {{- "with its proper arguments that best answers the given prompt.\\n\\n" }}
    {{- 'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.' }}
    {{- "Do not use variables.\\n\\n" }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- "\\n\\n" }}
    {%- endfor %}
    {{- first_user_message + "<|eot_id|>"}}
{%- endif %}

{%- for message in messages %}
    {%- if not (message.role == 'ipython' or message.role == 'tool' or 'tool_calls' in message) %}
        {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' }}
    {%- elif 'tool_calls' in message %}
        {%- if not message.tool_calls|length == 1 %}
            {{- raise_exception("This model only supports single tool-calls at once!") }}
        {%- endif %}
        {%- set tool_call = message.tool_calls[0].function %}
        {%- if builtin_tools is defined and tool_call.name in builtin_tools %}
            {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' -}}
            {{- "<|python_tag|>" + tool_call.name + ".call(" }}
            {%- for arg_name, arg_val in tool_call.arguments | items %}
                {{- arg_name + '="' + arg_val + '"' }}
                {%- if not loop.last %}
                    {{- ", " }}
                {%- endif %}
                {%- endfor %}
            {{- ")" }}
        {%- else  %}
            {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' -}}
            {{- '{"name": "' + tool_call.name + '", ' }}
            {{- '"parameters": ' }}
            {{- tool_call.arguments | tojson }}
            {{- "}" }}
        {%- endif %}
        {%- if builtin_tools is defined %}
            {#- This means we're in ipython mode #}
            {{- "<|eom_id|>" }}
        {%- else %}
            {{- "<|eot_id|>" }}
        {%- endif %}
    {%- elif message.role == "tool" or message.role == "ipython" %}
        {{- "<|start_header_id|>ipython<|end_header_id|>\\n\\n" }}
        {%- if message.content is mapping or message.content is iterable %}
            {{- message.content | tojson }}
        {%- else %}
            {{- message.content }}
        {%- endif %}
        {{- "<|eot_id|>" }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}
{%- endif %}
"""

# Mistral-7B-Instruct-v0.3's published template: the system message goes into the last user
# turn, and no space stands before [INST] or [/INST].
MISTRAL_V3 = MISTRAL_V1_SYSTEM.replace("loop.first", "loop.last").replace(
    "' [INST] '", "'[INST] '").replace("' [/INST]'", "'[/INST]'")

GEMMA3 = """{{ bos_token }}
{%- if messages[0]['role'] == 'system' -%}
    {%- set first_user_prefix = messages[0]['content'] + '\\n\\n' -%}
    {%- set loop_messages = messages[1:] -%}
{%- else -%}
    {%- set first_user_prefix = "" -%}
    {%- set loop_messages = messages -%}
{%- endif -%}
{%- for message in loop_messages -%}
    {%- if (message['role'] == 'assistant') -%}
        {%- set role = "model" -%}
    {%- else -%}
        {%- set role = message['role'] -%}
    {%- endif -%}
    {{ '<start_of_turn>' + role + '\\n' + (first_user_prefix if loop.first else "") }}
    {%- if message['content'] is string -%}
        {{ message['content'] | trim }}
    {%- endif -%}
    {{ '<end_of_turn>\\n' }}
{%- endfor -%}
{%- if add_generation_prompt -%}
    {{'<start_of_turn>model\\n'}}
{%- endif -%}
"""

# Llama 3.2 Instruct's published chat_template (meta-llama/Llama-3.2-1B-Instruct,
# tokenizer_config.json; the same text is in llama.cpp's and guidance's template tests). Under
# transformers it writes today's date (strftime_now); the references pass the template's own
# fallback date_string, which is what attnviz writes, so a prompt does not change from day to day.
LLAMA32 = """{{- bos_token }}
{%- if custom_tools is defined %}
    {%- set tools = custom_tools %}
{%- endif %}
{%- if not tools_in_user_message is defined %}
    {%- set tools_in_user_message = true %}
{%- endif %}
{%- if not date_string is defined %}
    {%- if strftime_now is defined %}
        {%- set date_string = strftime_now("%d %b %Y") %}
    {%- else %}
        {%- set date_string = "26 Jul 2024" %}
    {%- endif %}
{%- endif %}
{%- if not tools is defined %}
    {%- set tools = none %}
{%- endif %}

{#- This block extracts the system message, so we can slot it into the right place. #}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content']|trim %}
    {%- set messages = messages[1:] %}
{%- else %}
    {%- set system_message = "" %}
{%- endif %}

{#- System message #}
{{- "<|start_header_id|>system<|end_header_id|>\\n\\n" }}
{%- if tools is not none %}
    {{- "Environment: ipython\\n" }}
{%- endif %}
{{- "Cutting Knowledge Date: December 2023\\n" }}
{{- "Today Date: " + date_string + "\\n\\n" }}
{%- if tools is not none and not tools_in_user_message %}
    {{- "You have access to the following functions. To call a function, please respond with JSON for a function call." }}
    {{- 'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.' }}
    {{- "Do not use variables.\\n\\n" }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- "\\n\\n" }}
    {%- endfor %}
{%- endif %}
{{- system_message }}
{{- "<|eot_id|>" }}

{#- Custom tools are passed in a user message with some extra guidance #}
{%- if tools_in_user_message and not tools is none %}
    {#- Extract the first user message so we can plug it in here #}
    {%- if messages | length != 0 %}
        {%- set first_user_message = messages[0]['content']|trim %}
        {%- set messages = messages[1:] %}
    {%- else %}
        {{- raise_exception("Cannot put tools in the first user message when there's no first user message!") }}
{%- endif %}
    {{- '<|start_header_id|>user<|end_header_id|>\\n\\n' -}}
    {{- "Given the following functions, please respond with a JSON for a function call " }}
    {{- "with its proper arguments that best answers the given prompt.\\n\\n" }}
    {{- 'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.' }}
    {{- "Do not use variables.\\n\\n" }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- "\\n\\n" }}
    {%- endfor %}
    {{- first_user_message + "<|eot_id|>"}}
{%- endif %}

{%- for message in messages %}
    {%- if not (message.role == 'ipython' or message.role == 'tool' or 'tool_calls' in message) %}
        {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' }}
    {%- elif 'tool_calls' in message %}
        {%- if not message.tool_calls|length == 1 %}
            {{- raise_exception("This model only supports single tool-calls at once!") }}
        {%- endif %}
        {%- set tool_call = message.tool_calls[0].function %}
        {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' -}}
        {{- '{"name": "' + tool_call.name + '", ' }}
        {{- '"parameters": ' }}
        {{- tool_call.arguments | tojson }}
        {{- "}" }}
        {{- "<|eot_id|>" }}
    {%- elif message.role == "tool" or message.role == "ipython" %}
        {{- "<|start_header_id|>ipython<|end_header_id|>\\n\\n" }}
        {%- if message.content is mapping or message.content is iterable %}
            {{- message.content | tojson }}
        {%- else %}
            {{- message.content }}
        {%- endif %}
        {{- "<|eot_id|>" }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}
{%- endif %}
"""

# Mistral-Nemo-Instruct-2407's (v3 "tekken") user turn: no space inside [INST]…[/INST]. The
# published template also lists tools; this is its user/assistant part, as llama.cpp tests it.
MISTRAL_TEKKEN = MISTRAL_V3.replace("'[INST] '", "'[INST]'").replace(
    "{{- ' ' + message['content'] + eos_token}}", "{{- message['content'] + eos_token}}")

# Gemma 2's published template (google/gemma-2-2b-it): no system role.
GEMMA2 = ("{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role "
          "not supported') }}{% endif %}{% for message in messages %}{% if (message['role'] == "
          "'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must "
          "alternate user/assistant/user/assistant/...') }}{% endif %}{% if (message['role'] == "
          "'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}"
          "{% endif %}{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + "
          "'<end_of_turn>\\n' }}{% endfor %}{% if add_generation_prompt %}"
          "{{'<start_of_turn>model\\n'}}{% endif %}")

USERS = [
    "What is the capital of France?",
    "  Write a haiku about attention.\nKeep it short.  ",
    "Qu'est-ce que l'attention ? 注意力 🍣",
    # Jinja's trim is Python's str.strip(): Unicode spaces, and U+001C–U+001F too (str.isspace,
    # though not Unicode White_Space); a zero-width space (U+200B) is not stripped.
    "\x1e\u3000\u00a0Why is the sky blue?\u200b\u2028\x1f \u2003",
]
SYSTEMS = [None, "You answer in one sentence.", " \x1fBe brief.\u3000\n"]


def gguf_template(path):
    reader = gguf.GGUFReader(path)
    field = reader.fields["tokenizer.chat_template"]
    return bytes(field.parts[field.data[0]]).decode()


def cases_for(name, template, tokenizer, tokenizer_name, systems=SYSTEMS, **kwargs):
    tokenizer.chat_template = template
    out = []
    for system in systems:
        for user in USERS:
            messages = ([{"role": "system", "content": system}] if system else []) + [
                {"role": "user", "content": user}]
            text = tokenizer.apply_chat_template(messages, add_generation_prompt=True,
                                                 tokenize=False, **kwargs)
            ids = tokenizer.apply_chat_template(messages, add_generation_prompt=True,
                                                tokenize=True, **kwargs)
            if isinstance(ids, dict) or hasattr(ids, "keys"):
                ids = ids["input_ids"]
            out.append({"name": name, "template": template, "begin": tokenizer.bos_token,
                        "system": system, "user": user, "rendered": text,
                        "tokenizer": tokenizer_name, "ids": list(ids) if tokenizer_name else None})
            print(f"{name}: {text!r}")
    return out


def fixture_tokenizer(name, bos):
    tok = PreTrainedTokenizerFast(tokenizer_file=f"{ENGINE}/{name}/tokenizer.json")
    tok.bos_token = bos
    return tok


def main():
    cases = []
    smol = os.path.abspath(sys.argv[1])
    tokenizer = AutoTokenizer.from_pretrained(os.path.dirname(smol),
                                              gguf_file=os.path.basename(smol))
    cases += cases_for("smollm2", gguf_template(smol), tokenizer, "smollm2")
    if len(sys.argv) > 2:
        qwen = gguf_template(sys.argv[2])
        cases += cases_for("qwen2.5", qwen, fixture_tokenizer("qwen2", None), "qwen2")
    cases += cases_for("llama3", LLAMA3, fixture_tokenizer("llama", "<|begin_of_text|>"), "llama")
    cases += cases_for("mistral-v1", MISTRAL_V1, fixture_tokenizer("mistral", "<s>"), "mistral",
                       systems=[None])
    cases += cases_for("mistral-v3", MISTRAL_V3, fixture_tokenizer("mistral", "<s>"), "mistral")
    cases += cases_for("llama3.1", LLAMA31, fixture_tokenizer("llama", "<|begin_of_text|>"),
                       "llama")
    cases += cases_for("llama3.2", LLAMA32, fixture_tokenizer("llama", "<|begin_of_text|>"),
                       "llama", date_string="26 Jul 2024")
    cases += cases_for("mistral-v1-system", MISTRAL_V1_SYSTEM, fixture_tokenizer("mistral", "<s>"),
                       "mistral")
    cases += cases_for("mistral-tekken", MISTRAL_TEKKEN, fixture_tokenizer("mistral", "<s>"),
                       "mistral")
    cases += cases_for("gemma3", GEMMA3, fixture_tokenizer("mistral", "<s>"), None)
    cases += cases_for("gemma2", GEMMA2, fixture_tokenizer("mistral", "<s>"), None,
                       systems=[None])
    # Llama 3.2's template writes today's date under transformers (strftime_now); attnviz writes
    # the template's fallback date, which the llama3.2 cases pass as date_string. Nothing else
    # differs: checked here on every case.
    today = fixture_tokenizer("llama", "<|begin_of_text|>")
    today.chat_template = LLAMA32
    for case in [c for c in cases if c["name"] == "llama3.2"]:
        messages = ([{"role": "system", "content": case["system"]}] if case["system"] else []) + [
            {"role": "user", "content": case["user"]}]
        text = today.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        date = datetime.date.today().strftime("%d %b %Y")
        assert text == case["rendered"].replace("Today Date: 26 Jul 2024", f"Today Date: {date}"), text
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"cases": cases}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{OUT}: {os.path.getsize(OUT)} bytes, {len(cases)} cases")


if __name__ == "__main__":
    main()
