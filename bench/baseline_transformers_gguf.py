"""transformers loading a GGUF file, as a user without attnviz would: the model and tokenizer from
the file (dequantised by the `gguf` package), eager attention, one forward pass with
output_attentions=True, the attention written as JSON.

    python baseline_transformers_gguf.py FILE.gguf "some text" OUTDIR [--timings]

--timings prints the seconds spent importing, loading, in the forward pass and writing to stderr.
"""

import json
import os
import sys
import time

start = time.perf_counter()

import torch  # noqa: E402
from transformers import AutoModelForCausalLM, AutoTokenizer  # noqa: E402

imported = time.perf_counter()


def main():
    path, text, out = sys.argv[1], sys.argv[2], sys.argv[3]
    folder, name = os.path.dirname(os.path.abspath(path)), os.path.basename(path)
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(
        folder, gguf_file=name, attn_implementation="eager", dtype=torch.float32).eval()
    loaded = time.perf_counter()
    ids = tokenizer(text, return_tensors="pt")["input_ids"]
    with torch.no_grad():
        attentions = model(ids, output_attentions=True).attentions
    forwarded = time.perf_counter()
    os.makedirs(out, exist_ok=True)
    with open(f"{out}/attention.json", "w") as f:
        json.dump({"tokens": tokenizer.convert_ids_to_tokens(ids[0]),
                   "attention": [layer[0].tolist() for layer in attentions]}, f)
    written = time.perf_counter()
    if "--timings" in sys.argv:
        print(
            f"import {imported - start:.3f} s, load {loaded - imported:.3f} s, "
            f"forward {forwarded - loaded:.4f} s, write {written - forwarded:.3f} s "
            f"({ids.shape[1]} tokens)",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
