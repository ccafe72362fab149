"""transformers translating with every attention kept, as a user without attnviz would: load a
MarianMT folder, greedy generate() with output_attentions=True for a fixed number of tokens,
and the encoder, decoder and cross-attention of every step written as JSON.

    python baseline_transformers_translate.py FOLDER "sentence" TOKENS OUTDIR
"""

import json
import os
import sys

import torch
from transformers import AutoTokenizer, MarianMTModel


def main():
    folder, text, tokens, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = MarianMTModel.from_pretrained(
        folder, attn_implementation="eager", dtype=torch.float32).eval()
    ids = tokenizer(text, return_tensors="pt")["input_ids"]
    with torch.no_grad():
        result = model.generate(
            ids, do_sample=False, num_beams=1, max_new_tokens=tokens, min_new_tokens=tokens,
            output_attentions=True, return_dict_in_generate=True)
    document = {
        "ids": result.sequences[0].tolist(),
        "encoder_self_attention": [layer[0].tolist() for layer in result.encoder_attentions],
        "decoder_self_attention": [[layer[0, :, -1, :].tolist() for layer in step]
                                   for step in result.decoder_attentions],
        "cross_attention": [[layer[0, :, -1, :].tolist() for layer in step]
                            for step in result.cross_attentions],
    }
    os.makedirs(out, exist_ok=True)
    with open(f"{out}/attention.json", "w") as f:
        json.dump(document, f)


if __name__ == "__main__":
    main()
