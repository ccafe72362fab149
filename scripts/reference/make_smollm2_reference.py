"""Token ids and attention of SmolLM2-135M-Instruct, loaded by transformers from the same Q4_1
GGUF file attnviz reads (see README.md in this folder).

    /work/venv/bin/python scripts/reference/make_smollm2_reference.py path/to/SmolLM2-135M-Instruct.Q4_1.gguf

Writes Tests/AttnvizModelTests/Fixtures/smollm2-gguf-reference.json:
- `tokenizer_cases`: texts with the ids and tokens transformers' AutoTokenizer gives;
- `attention_cases`: texts with ids and, for the lecture sentence, every layer and head, for the
  others the heads of a few layers. Attention is kept as the lower triangle only (row q has q+1
  keys: the model is causal) in millionths, like the BERT references.
The script checks float32 against float64 (the precision the comparison can ask for) and prints
where the largest weight from "it" to "animal" is on the lecture sentence.
"""

import json
import os
import sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

OUT = "Tests/AttnvizModelTests/Fixtures/smollm2-gguf-reference.json"
LECTURE = "The animal didn't cross the street because it was too tired."

ATTENTION_TEXTS = [
    LECTURE,
    "<|im_start|>user\nWhat is attention?<|im_end|>\n<|im_start|>assistant\nA weighting.<|im_end|>",
    "def add(a, b):\n    return a + b  # sum",
    "In 2026, 1234567 people paid $3.50 each.",
    "I ❤️ 東京 and 🍣!",
    "a  b\t\tc\n\n\nd     e",
]
# Layers (0-based) whose heads are all kept for the texts after the lecture sentence: 13 holds
# the head where "it" attends to "animal", 29 is the last.
SELECTED_LAYERS = [13, 29]

TOKENIZER_TEXTS = ATTENTION_TEXTS + [
    "",
    " ",
    "   leading and trailing   ",
    "Hello world",
    "hello  world\n",
    "It's, they're, we'll, I'd, you've, she'd.",
    "3.14159 and 1,000,000 and 007",
    "<|endoftext|>text<|endoftext|>",
    "<|im_start|>system\nYou are helpful.<|im_end|>\n",
    "naïve café déjà vu — “quotes” …",
    "Привет, мир! Γειά σου κόσμε.",
    "日本語のテキストと中文文本",
    "안녕하세요 세계",
    "emoji 👩‍👩‍👧‍👦 family 🇫🇷 flag",
    "tabs\tand\r\nCRLF\r\n",
    "x = [i**2 for i in range(10)]\nprint(x)",
    "fn main() { println!(\"{}\", 42); }",
    "URL https://example.com/a?b=c&d=1",
    "mixed123abc456 and A1B2",
    "    indented code\n        deeper",
    "\u00a0non-breaking\u2009thin\u200bzero-width",
]


def lower_triangle_millionths(matrix):
    return [[round(v * 1e6) for v in row[: q + 1]] for q, row in enumerate(matrix)]


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    path = os.path.abspath(sys.argv[1])
    folder, name = os.path.dirname(path), os.path.basename(path)
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(
        folder, gguf_file=name, attn_implementation="eager", dtype=torch.float32)
    model.eval()
    model64 = AutoModelForCausalLM.from_pretrained(
        folder, gguf_file=name, attn_implementation="eager", dtype=torch.float64)
    model64.eval()

    tokenizer_cases = []
    for text in TOKENIZER_TEXTS:
        ids = tokenizer(text)["input_ids"]
        tokenizer_cases.append(
            {"text": text, "ids": ids, "tokens": tokenizer.convert_ids_to_tokens(ids)})

    attention_cases = []
    worst = 0.0
    for index, text in enumerate(ATTENTION_TEXTS):
        ids = tokenizer(text)["input_ids"]
        with torch.no_grad():
            out = model(torch.tensor([ids]), output_attentions=True)
            out64 = model64(torch.tensor([ids]), output_attentions=True)
        for a, b in zip(out.attentions, out64.attentions):
            worst = max(worst, (a.double() - b).abs().max().item())
        layers = range(len(out.attentions)) if index == 0 else SELECTED_LAYERS
        maps = []
        for layer in layers:
            heads = out.attentions[layer][0].tolist()
            maps.append({"layer": layer,
                         "heads": [lower_triangle_millionths(head) for head in heads]})
        attention_cases.append({
            "text": text, "ids": ids, "tokens": tokenizer.convert_ids_to_tokens(ids),
            "layers": maps})
        if index == 0:
            report_it_animal(tokenizer, ids, out.attentions)
    print(f"float32 vs float64 attention: largest difference {worst:.2e}")
    if worst > 1e-5:
        raise SystemExit("float32 and float64 differ by more than 1e-5")

    config = model.config
    reference = {
        "model": "SmolLM2-135M-Instruct.Q4_1.gguf",
        "made_by": "scripts/reference/make_smollm2_reference.py",
        "config": {
            "layers": config.num_hidden_layers, "heads": config.num_attention_heads,
            "key_value_heads": config.num_key_value_heads, "hidden": config.hidden_size,
            "rope_theta": getattr(config, "rope_theta", None)
            or config.rope_parameters.get("rope_theta"),
            "rms_norm_eps": config.rms_norm_eps, "vocab_size": config.vocab_size},
        "attention_scale": 1000000,
        "float32_vs_float64": worst,
        "tokenizer_cases": tokenizer_cases,
        "attention_cases": attention_cases,
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(reference, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")


def report_it_animal(tokenizer, ids, attentions):
    tokens = tokenizer.convert_ids_to_tokens(ids)
    it = tokens.index("Ġit")
    animal = tokens.index("Ġanimal")
    best = max(((attentions[l][0, h, it, animal].item(), l, h)
                for l in range(len(attentions)) for h in range(attentions[l].shape[1])))
    print(f"it -> animal: largest {best[0]:.4f} at layer {best[1]} head {best[2]} (0-based)")


if __name__ == "__main__":
    main()
