"""The rest of a Transformer block after its attention, from transformers, for the committed tiny
models Fixtures/engine/llama (pre-norm, RMSNorm, SwiGLU) and Fixtures/engine/roberta (post-norm,
LayerNorm, GELU), at every layer including the last. The explain walk-through's steps after the
attention output (residual, norm, feed-forward, block output) show these matrices;
Tests/AttnvizModelTests/BlockStepsTests.swift compares attnviz's recorded ones with them.

    /work/refvenv/bin/python scripts/reference/make_block_reference.py

Writes Tests/AttnvizModelTests/Fixtures/engine/block-reference.json:
cases[i] = {model, text, ids, layer (0-based), normed (the feed-forward network's input, T × C),
feed_forward (its output, T × C), output (the block's output, T × C)}, float32 values as
transformers computes them (eager attention), rounded to 7 significant digits. Captured with
forward hooks: the MLP's input and output (Llama: `mlp`; RoBERTa: `intermediate`'s input and
`output.dense`'s output) and the decoder/encoder layer's output.
"""
import os
import sys

import torch
from transformers import AutoModel, PreTrainedTokenizerFast

sys.path.insert(0, os.path.dirname(__file__))
from common import write_json  # noqa: E402

ROOT = "Tests/AttnvizModelTests/Fixtures/engine"
TEXT = "The cat sat on the mat."


def rounded(tensor):
    return [[float(f"{v:.7g}") for v in row] for row in tensor[0].tolist()]


def main():
    cases = []
    for name in ["llama", "roberta"]:
        folder = f"{ROOT}/{name}"
        tok = PreTrainedTokenizerFast(tokenizer_file=f"{folder}/tokenizer.json")
        ids = tok(TEXT)["input_ids"]
        model = AutoModel.from_pretrained(
            folder, dtype=torch.float32, attn_implementation="eager").eval()
        layers = model.layers if name == "llama" else model.encoder.layer
        captured = {}
        hooks = []
        for index, layer in enumerate(layers):
            def keep(key, index=index):
                def hook(module, args, output):
                    captured[(index, key)] = output[0] if isinstance(output, tuple) else output
                return hook

            def keep_input(key, index=index):
                def hook(module, args):
                    captured[(index, key)] = args[0]
                return hook
            if name == "llama":
                hooks.append(layer.mlp.register_forward_pre_hook(keep_input("normed")))
                hooks.append(layer.mlp.register_forward_hook(keep("feed_forward")))
            else:
                hooks.append(layer.intermediate.register_forward_pre_hook(keep_input("normed")))
                hooks.append(layer.output.dense.register_forward_hook(keep("feed_forward")))
            hooks.append(layer.register_forward_hook(keep("output")))
        with torch.no_grad():
            model(torch.tensor([ids]))
        for hook in hooks:
            hook.remove()
        for index in range(len(layers)):
            cases.append({
                "model": name, "text": TEXT, "ids": ids, "layer": index,
                "normed": rounded(captured[(index, "normed")]),
                "feed_forward": rounded(captured[(index, "feed_forward")]),
                "output": rounded(captured[(index, "output")]),
            })
    write_json(f"{ROOT}/block-reference.json", {
        "source": "scripts/reference/make_block_reference.py", "cases": cases})


if __name__ == "__main__":
    main()
