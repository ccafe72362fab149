"""Token ids and attention of a real GGUF model (Qwen2.5-Coder-0.5B-Instruct, Gemma 3 270M: the
files `make model` installs), loaded by transformers from the same file attnviz reads.

    /work/refvenv/bin/python scripts/reference/make_real_gguf_reference.py \
        models/gemma-3-270m/gemma-3-270m-q4_k_m.gguf gemma3 [--skip-float64]

Writes Tests/AttnvizModelTests/Fixtures/real-gguf/NAME-reference.json:
- `tokenizer_cases`: hard texts (chat turns, code, digits, emoji, CJK, runs of spaces, the
  model's own markers written in the text) with the ids transformers' AutoTokenizer gives;
- `attention_cases`: texts with ids and every layer and head, the lower triangle in millionths
  (eager attention, float32; the script checks it against float64 and stops when they differ
  by more than the tests' tolerance, 1e-4; --skip-float64 leaves that check out, which halves
  the time: transformers 5 keeps GGUF weights packed and computes in float32 either way, so the
  float64 run mostly measures the casts. Gemma 3 270M: 1.8e-6; Qwen2.5-Coder-0.5B: 6.4e-5);
- `long_case` (models with a sliding window): a text longer than the window, with the last
  query row of every head of the first local and the first global layer, where the local
  layer's band shows (keys before the window get exactly 0).
"""

import json
import os
import sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

LECTURE = "The animal didn't cross the street because it was too tired."

ATTENTION_TEXTS = {
    "qwen2": [
        LECTURE,
        "<|im_start|>user\nWhat is attention?<|im_end|>\n<|im_start|>assistant\nA weighting.<|im_end|>",
        "def add(a, b):\n    return a + b  # sum",
    ],
    "gemma3": [
        LECTURE,
        "<start_of_turn>user\nWhat is attention?<end_of_turn>\n<start_of_turn>model\nA weighting.",
        "def add(a, b):\n    return a + b  # sum",
        "I ❤️ 東京 and 🍣!  In 2026, 1234567 people paid $3.50.",
    ],
}

TOKENIZER_TEXTS = [
    LECTURE,
    "",
    " ",
    "  ",
    " Hello world",
    "   leading and trailing   ",
    "Hello world",
    "hello  world\n",
    "It's, they're, we'll, I'd, you've, she'd.",
    "3.14159 and 1,000,000 and 007 and 1234567890",
    "<|endoftext|>text<|endoftext|>",
    "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n",
    "<start_of_turn>user\nHello<end_of_turn>\n<start_of_turn>model\n",
    "<bos><start_of_turn>user\n  two spaces<end_of_turn>",
    "<start_of_turn",
    "naïve café déjà vu — “quotes” …",
    "Привет, мир! Γειά σου κόσμε.",
    "日本語のテキストと中文文本",
    "안녕하세요 세계",
    "emoji 👩‍👩‍👧‍👦 family 🇫🇷 flag 🤖",
    "tabs\tand\r\nCRLF\r\n",
    "x = [i**2 for i in range(10)]\nprint(x)",
    "fn main() { println!(\"{}\", 42); }",
    "    indented code\n        deeper\n\n\n\nend",
    "a                                b",
    "URL https://example.com/a?b=c&d=1",
    "\u00a0non-breaking\u2009thin\u200bzero-width",
    "<h1>Title</h1> <unused0> [multimodal]",
]


def lower_triangle_millionths(matrix):
    return [[round(v * 1e6) for v in row[: q + 1]] for q, row in enumerate(matrix)]


def main():
    arguments = [a for a in sys.argv[1:] if a != "--skip-float64"]
    float64 = len(arguments) == len(sys.argv) - 1
    if len(arguments) != 2:
        raise SystemExit(__doc__)
    path, name = os.path.abspath(arguments[0]), arguments[1]
    out = f"Tests/AttnvizModelTests/Fixtures/real-gguf/{name}-reference.json"
    folder, file = os.path.dirname(path), os.path.basename(path)
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=file)
    model = AutoModelForCausalLM.from_pretrained(
        folder, gguf_file=file, attn_implementation="eager", dtype=torch.float32)
    model.eval()
    model64 = AutoModelForCausalLM.from_pretrained(
        folder, gguf_file=file, attn_implementation="eager", dtype=torch.float64) if float64 else None
    if model64 is not None:
        model64.eval()
    config = model.config
    text_config = getattr(config, "text_config", config)
    architecture = text_config.model_type.replace("_text", "")

    tokenizer_cases = []
    for text in TOKENIZER_TEXTS:
        ids = tokenizer(text)["input_ids"]
        tokenizer_cases.append(
            {"text": text, "ids": ids, "tokens": tokenizer.convert_ids_to_tokens(ids)})

    attention_cases = []
    worst = 0.0
    for text in ATTENTION_TEXTS[architecture]:
        ids = tokenizer(text)["input_ids"]
        with torch.no_grad():
            result = model(torch.tensor([ids]), output_attentions=True)
            result64 = model64(torch.tensor([ids]), output_attentions=True) if model64 else None
        for a, b in zip(result.attentions, result64.attentions if result64 else []):
            worst = max(worst, (a.double() - b).abs().max().item())
        maps = [{"layer": layer,
                 "heads": [lower_triangle_millionths(h) for h in result.attentions[layer][0].tolist()]}
                for layer in range(len(result.attentions))]
        attention_cases.append({
            "text": text, "ids": ids, "tokens": tokenizer.convert_ids_to_tokens(ids),
            "layers": maps})
    if model64 is not None:
        print(f"float32 vs float64 attention: largest difference {worst:.2e}")
        if worst > 1e-4:
            raise SystemExit("float32 and float64 differ by more than 1e-4")

    reference = {
        "model": file,
        "made_by": "scripts/reference/make_real_gguf_reference.py",
        "transformers": __import__("transformers").__version__,
        "config": {
            "architecture": architecture,
            "layers": text_config.num_hidden_layers, "heads": text_config.num_attention_heads,
            "key_value_heads": text_config.num_key_value_heads, "hidden": text_config.hidden_size,
            "head_dim": getattr(text_config, "head_dim", None),
            "sliding_window": getattr(text_config, "sliding_window", None),
            "layer_types": getattr(text_config, "layer_types", None),
            "rope_parameters": getattr(text_config, "rope_parameters", None),
            "query_pre_attn_scalar": getattr(text_config, "query_pre_attn_scalar", None),
            "rms_norm_eps": text_config.rms_norm_eps, "vocab_size": text_config.vocab_size},
        "attention_scale": 1000000,
        "float32_vs_float64": worst if model64 is not None else None,
        "tokenizer_cases": tokenizer_cases,
        "attention_cases": attention_cases,
    }
    window = getattr(text_config, "sliding_window", None)
    layer_types = getattr(text_config, "layer_types", None)
    if window and layer_types:
        words = (LECTURE + " ") * 60
        ids = tokenizer(words)["input_ids"][: window + 88]
        local = layer_types.index("sliding_attention")
        global_ = layer_types.index("full_attention")
        with torch.no_grad():
            result = model(torch.tensor([ids]), output_attentions=True)
        rows = {}
        for layer in (local, global_):
            rows[str(layer)] = [[round(v * 1e6) for v in h[-1]] for h in result.attentions[layer][0].tolist()]
        zero = sum(1 for v in result.attentions[local][0, 0, -1].tolist() if v == 0.0)
        print(f"long text: {len(ids)} tokens; local layer {local}: {zero} keys get exactly 0")
        reference["long_case"] = {"text": words, "tokens": len(ids), "ids": ids,
                                  "local_layer": local, "global_layer": global_, "last_rows": rows}
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(reference, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {out} ({os.path.getsize(out)} bytes)")
    tokens = tokenizer.convert_ids_to_tokens(attention_cases[0]["ids"])
    it = next(i for i, t in enumerate(tokens) if t in ("Ġit", "▁it"))
    best = max((attention_cases[0]["layers"][l]["heads"][h][it][k], l, h, k)
               for l in range(len(attention_cases[0]["layers"]))
               for h in range(len(attention_cases[0]["layers"][l]["heads"]))
               for k in range(1, it))
    print(f"it -> ?: largest {best[0] / 1e6:.4f} to {tokens[best[3]]!r} at layer {best[1] + 1}, "
          f"head {best[2] + 1} (1-based)")


if __name__ == "__main__":
    main()
