"""Next-token predictions, the logit lens and greedy generation as transformers computes them, for
the decoders attnviz runs: SmolLM2-135M-Instruct (its Q4_1 GGUF) and the tiny fixtures of every
decoder architecture (see README.md in this folder).

    /work/refvenv/bin/python scripts/reference/make_prediction_references.py \
        [models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf]

Writes Tests/AttnvizModelTests/Fixtures/predictions/<model>.json, one case per text:
- `ids`: the prompt's ids (transformers' tokenizer);
- `top`: the 20 most probable next tokens after the last position, [id, probability] with the
  probability of the float32 eager run (softmax of the float32 logits); the script checks float64
  agrees to 2e-5, so a 1e-4 comparison tests attnviz, not float32;
- `lens`: for each layer l = 1…L and position, the top-1 id of norm_f(h_l)·W_headᵀ (the residual
  stream after layer l through the final norm and the head; at l = L the model's own logits) and
  `lead`, its probability minus the runner-up's;
- `generation`: `model.generate(do_sample=False, max_new_tokens=24)` (stopping where transformers
  stops, at the generation config's end-of-sequence ids), and for each generated token the
  attention row of the position that chose it, taken from one forward pass over the prompt and
  the generated tokens (no cache), in millionths, for the layers in `rows_layers` (all heads).
"""

import json
import os
import sys

import torch
from transformers import (AutoModelForCausalLM, AutoTokenizer, GPT2Tokenizer,
                          PreTrainedTokenizerFast)

OUT = "Tests/AttnvizModelTests/Fixtures/predictions"
ENGINE = "Tests/AttnvizModelTests/Fixtures/engine"
STEPS = 24

SMOLLM2_TEXTS = [
    "The animal didn't cross the street because it was too",
    None,  # the chat-templated question, filled in by apply_chat_template
    "def fibonacci(n):\n    if n < 2:\n        return n\n    return",
    "La capitale de la France est",
]
CHAT_QUESTION = "What is the capital of France?"

TINY_TEXTS = [
    "The animal didn't cross the street because it was",
    "def tired(x):\n    return",
    "user assistant system: what is the",
]


def top_k(logits, k=20):
    p = torch.softmax(logits.double(), dim=-1)
    values, ids = torch.topk(p, k)
    return [[int(i), float(v)] for v, i in zip(values.tolist(), ids.tolist())], p


def lens(model, ids):
    """Top-1 id and lead per layer and position: hidden_states[l] for l < L through the final norm
    and the head; the last layer is the model's own logits (hidden_states[L] is already normed)."""
    with torch.no_grad():
        out = model(torch.tensor([ids]), output_hidden_states=True)
    body = model.model if hasattr(model, "model") else model.transformer
    norm = body.norm if hasattr(body, "norm") else body.ln_f
    layers = len(out.hidden_states) - 1
    top1, lead = [], []
    for layer in range(1, layers + 1):
        with torch.no_grad():
            logits = (out.logits[0] if layer == layers
                      else model.lm_head(norm(out.hidden_states[layer]))[0])
        p = torch.softmax(logits.double(), dim=-1)
        two = torch.topk(p, 2)
        top1.append([int(i) for i in two.indices[:, 0].tolist()])
        lead.append([round(float(a - b), 6) for a, b in two.values.tolist()])
    return {"top1": top1, "lead": lead}


def generation(model, ids, eos, rows_layers):
    with torch.no_grad():
        stop = {"eos_token_id": eos, "pad_token_id": eos[0]} if eos else {"pad_token_id": 0}
        out = model.generate(torch.tensor([ids]), do_sample=False, max_new_tokens=STEPS, **stop)
    generated = out[0, len(ids):].tolist()
    full = ids + generated[:-1]
    with torch.no_grad():
        attentions = model(torch.tensor([full]), output_attentions=True).attentions
    rows = []
    for step in range(len(generated)):
        position = len(ids) - 1 + step
        rows.append([[[round(v * 1e6) for v in attentions[layer][0, head, position, :position + 1]
                       .tolist()] for head in range(attentions[layer].shape[1])]
                     for layer in rows_layers])
    return {"ids": generated, "rows_layers": rows_layers, "rows": rows}


def cases(model, model64, texts, ids_of, eos, rows_layers):
    result = []
    for text in texts:
        ids = ids_of(text)
        with torch.no_grad():
            logits = model(torch.tensor([ids])).logits[0, -1]
            logits64 = model64(torch.tensor([ids], dtype=torch.long)).logits[0, -1]
        top, p32 = top_k(logits)
        _, p64 = top_k(logits64)
        worst = max(abs(p32[i] - p64[i]).item() for i, _ in top)
        assert worst < 2e-5, f"float32 and float64 differ by {worst} on {text!r}"
        case = {"text": text, "ids": ids, "top": top, "lens": lens(model, ids),
                "generation": generation(model, ids, eos, rows_layers)}
        words = [(i, round(p, 3)) for i, p in top[:3]]
        print(f"  {text[:40]!r}: {len(ids)} tokens, top {words}, float64 diff {worst:.1e}, "
              f"{len(case['generation']['ids'])} generated")
        result.append(case)
    return result


def eos_ids(model):
    eos = model.generation_config.eos_token_id
    if eos is None:
        eos = model.config.eos_token_id
    return [eos] if isinstance(eos, int) else list(eos or [])


def write(name, payload):
    os.makedirs(OUT, exist_ok=True)
    path = f"{OUT}/{name}.json"
    with open(path, "w") as f:
        json.dump(payload, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"{path}: {os.path.getsize(path)} bytes")


def load(folder, gguf=None, dtype=torch.float32):
    kwargs = {"gguf_file": gguf} if gguf else {}
    return AutoModelForCausalLM.from_pretrained(
        folder, attn_implementation="eager", dtype=dtype, **kwargs).eval()


def tiny(name, folder, gguf=None):
    print(name)
    model, model64 = load(folder, gguf), load(folder, gguf, torch.float64)
    if gguf:
        tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=gguf)
    elif name == "tiny-gpt2":
        tokenizer = GPT2Tokenizer.from_pretrained(folder)
    else:
        tokenizer = PreTrainedTokenizerFast(tokenizer_file=f"{folder}/tokenizer.json")
    eos = eos_ids(model)
    layers = list(range(model.config.num_hidden_layers))
    write(name, {"model": name, "eos": eos, "cases": cases(
        model, model64, TINY_TEXTS, lambda t: tokenizer(t)["input_ids"], eos, layers)})


def main():
    # ONLY=qwen2,smollm2 rebuilds those references alone.
    only = set(filter(None, os.environ.get("ONLY", "").split(",")))
    for arch in ["llama", "mistral", "qwen2", "qwen3"]:
        if not only or arch in only:
            tiny(arch, f"{ENGINE}/{arch}")
    if not only or "tiny-gpt2" in only:
        tiny("tiny-gpt2", "Tests/AttnvizModelTests/Fixtures/tiny-gpt2")
    if not only or "tiny-llama-gguf" in only:
        tiny("tiny-llama-gguf", "Tests/AttnvizModelTests/Fixtures/gguf", "tiny-llama.gguf")
    if len(sys.argv) > 1 and (not only or "smollm2" in only):
        path = os.path.abspath(sys.argv[1])
        folder, name = os.path.dirname(path), os.path.basename(path)
        print("smollm2")
        tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
        model, model64 = load(folder, name), load(folder, name, torch.float64)
        texts = list(SMOLLM2_TEXTS)
        texts[1] = tokenizer.apply_chat_template(
            [{"role": "user", "content": CHAT_QUESTION}], add_generation_prompt=True,
            tokenize=False)
        eos = eos_ids(model)

        def ids_of(text):
            return tokenizer(text, add_special_tokens=False)["input_ids"]

        write("smollm2", {"model": "SmolLM2-135M-Instruct.Q4_1", "eos": eos,
                          "cases": cases(model, model64, texts, ids_of, eos, [0, 13, 29])})


if __name__ == "__main__":
    main()
