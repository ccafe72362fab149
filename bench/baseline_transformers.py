"""The transformers + matplotlib way to see a pretrained model's attention: load the model with
eager attention, run it with output_attentions=True, save one labelled heatmap PNG per head of
the last layer.

    python baseline_transformers.py MODEL_DIR "some text" OUTDIR [--timings]

--timings prints the seconds spent importing, loading, in the forward pass and drawing to stderr.
"""

import os
import sys
import time

start = time.perf_counter()

from heatmap import save_heatmap  # noqa: E402
import torch  # noqa: E402
from transformers import AutoModel, AutoTokenizer  # noqa: E402

imported = time.perf_counter()


def main():
    model_dir, text, out = sys.argv[1], sys.argv[2], sys.argv[3]
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir, attn_implementation="eager").eval()
    loaded = time.perf_counter()
    encoded = tokenizer(text, return_tensors="pt")
    with torch.no_grad():
        attentions = model(**encoded, output_attentions=True).attentions
    forwarded = time.perf_counter()
    tokens = tokenizer.convert_ids_to_tokens(encoded["input_ids"][0])
    last = attentions[-1][0].numpy()  # (heads, T, T)
    os.makedirs(out, exist_ok=True)
    for h, weights in enumerate(last, start=1):
        title = f"Layer {len(attentions)}, head {h}"
        save_heatmap(weights, tokens, title, f"{out}/heatmap-head{h}.png")
    drawn = time.perf_counter()
    if "--timings" in sys.argv:
        print(
            f"import {imported - start:.3f} s, load {loaded - imported:.3f} s, "
            f"forward {forwarded - loaded:.4f} s, draw {drawn - forwarded:.3f} s "
            f"({len(tokens)} tokens, {len(last)} heads)",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
