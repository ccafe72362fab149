"""transformers generating from a GGUF file with every attention kept, as a user without attnviz
would: the chat prompt from the model's template, greedy generate() with output_attentions=True,
the answer and each step's attention written as JSON.

    python baseline_transformers_generate.py FILE.gguf "question" TOKENS OUTDIR [--timings]
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
    path, question, tokens, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    folder, name = os.path.dirname(os.path.abspath(path)), os.path.basename(path)
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(
        folder, gguf_file=name, attn_implementation="eager", dtype=torch.float32).eval()
    loaded = time.perf_counter()
    ids = tokenizer.apply_chat_template(
        [{"role": "user", "content": question}], add_generation_prompt=True,
        return_tensors="pt", return_dict=True)["input_ids"]
    with torch.no_grad():
        result = model.generate(
            ids, do_sample=False, max_new_tokens=tokens, min_new_tokens=tokens,
            output_attentions=True, return_dict_in_generate=True)
    generated = time.perf_counter()
    steps = [[layer[0, :, -1, :].tolist() for layer in step] for step in result.attentions]
    os.makedirs(out, exist_ok=True)
    with open(f"{out}/generation.json", "w") as f:
        json.dump({"ids": result.sequences[0].tolist(), "attention": steps}, f)
    written = time.perf_counter()
    if "--timings" in sys.argv:
        new = result.sequences.shape[1] - ids.shape[1]
        print(
            f"import {imported - start:.3f} s, load {loaded - imported:.3f} s, "
            f"generate {generated - loaded:.3f} s ({ids.shape[1]} prompt tokens, {new} new, "
            f"{new / (generated - loaded):.1f} tokens/s), write {written - generated:.3f} s",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
