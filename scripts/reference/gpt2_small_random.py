"""A GPT-2-small-shaped model (124M parameters, random weights) with a reference trace, to check
attnviz's GPT-2 path at full size. Real GPT-2 weights are not reachable here; the tokenizer files
are (see /work/shared/RESOURCES.md).

    /work/refenv/venv/bin/python scripts/reference/gpt2_small_random.py TOKENIZER_DIR OUT_DIR
    ATTNVIZ_GPT2_MODEL_DIR=OUT_DIR swift test --filter GPT2FullSizeTests

Writes OUT_DIR/{config.json, model.safetensors (about 500 MB), vocab.json, merges.txt,
reference.json}; reference.json holds the text, HF ids and eager attentions [layer][head][query]
[key] in float64. Not committed: far too big.
"""
import json
import os
import shutil
import sys

import torch
from transformers import GPT2Config, GPT2LMHeadModel, GPT2Tokenizer

TEXT = "The animal didn't cross the street because it was too tired."


def main(tokenizer_dir, out):
    os.makedirs(out, exist_ok=True)
    for name in ["vocab.json", "merges.txt"]:
        shutil.copy(os.path.join(tokenizer_dir, name), out)
    torch.manual_seed(0)
    config = GPT2Config()  # 12 layers, 12 heads, n_embd 768, 1024 positions
    config._attn_implementation = "eager"
    model = GPT2LMHeadModel(config).eval()
    model.save_pretrained(out)
    ids = GPT2Tokenizer.from_pretrained(out)(TEXT)["input_ids"]
    with torch.no_grad():
        result = model.double()(torch.tensor([ids]), output_attentions=True)
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump({"sentences": [{"text": TEXT, "ids": ids, "tokens": [],
                                  "attentions": [a[0].numpy().tolist() for a in result.attentions]}]},
                  f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
