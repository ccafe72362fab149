"""Chat prompts as transformers' apply_chat_template(..., add_generation_prompt=True) renders them,
for each family attnviz recognises (see README.md in this folder).

    /work/refvenv/bin/python scripts/reference/make_chat_references.py \
        models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf \
        [path/to/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf]

Writes Tests/AttnvizModelTests/Fixtures/chat-references.json: for each case the template text, the
tokenizer's start-token text, the system and user messages, the rendered string, and the ids
(`apply_chat_template(tokenize=True)`) where the tokenizer is one attnviz reads in the tests
(`tokenizer`: a fixture folder or "smollm2").

Templates: SmolLM2's and Qwen2.5's are read from their GGUF files. Llama 3, Mistral (v0.1 and
v0.3 forms) and Gemma 3 are the chat templates those models publish in tokenizer_config.json,
reproduced below (no model hub here); they are rendered with the tiny fixtures' tokenizers,
which have the families' special tokens (Gemma's with a start token of "<s>").
"""

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

MISTRAL_V3 = """{%- if messages[0]['role'] == 'system' %}
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
        {%- if loop.last and system_message is defined %}
            {{- '[INST] ' + system_message + '\\n\\n' + message['content'] + '[/INST]' }}
        {%- else %}
            {{- '[INST] ' + message['content'] + '[/INST]' }}
        {%- endif %}
    {%- elif message['role'] == 'assistant' %}
        {{- ' ' + message['content'] + eos_token}}
    {%- else %}
        {{- raise_exception('Only user and assistant roles are supported, with the exception of an initial optional system message!') }}
    {%- endif %}
{%- endfor %}
"""

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

USERS = [
    "What is the capital of France?",
    "  Write a haiku about attention.\nKeep it short.  ",
    "Qu'est-ce que l'attention ? 注意力 🍣",
]
SYSTEMS = [None, "You answer in one sentence."]


def gguf_template(path):
    reader = gguf.GGUFReader(path)
    field = reader.fields["tokenizer.chat_template"]
    return bytes(field.parts[field.data[0]]).decode()


def cases_for(name, template, tokenizer, tokenizer_name, systems=SYSTEMS):
    tokenizer.chat_template = template
    out = []
    for system in systems:
        for user in USERS:
            messages = ([{"role": "system", "content": system}] if system else []) + [
                {"role": "user", "content": user}]
            text = tokenizer.apply_chat_template(messages, add_generation_prompt=True,
                                                 tokenize=False)
            ids = tokenizer.apply_chat_template(messages, add_generation_prompt=True,
                                                tokenize=True)
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
    cases += cases_for("gemma3", GEMMA3, fixture_tokenizer("mistral", "<s>"), None)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"cases": cases}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{OUT}: {os.path.getsize(OUT)} bytes, {len(cases)} cases")


if __name__ == "__main__":
    main()
