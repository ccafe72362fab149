"""Q and K before and after the rotary position embedding, from transformers, for the committed
tiny rotary models (Fixtures/engine/llama: llama3-rescaled frequencies, GQA 4/2; and
Fixtures/engine/qwen3: q/k RMSNorm before the rotation, head_dim 16). The explain walk-through's
rotation step shows these matrices; Tests/AttnvizModelTests/RotaryStepsTests.swift compares
attnviz's recorded ones with them.

    /work/venv/bin/python scripts/reference/make_rotary_reference.py

Writes Tests/AttnvizModelTests/Fixtures/engine/rotary-reference.json:
cases[i] = {model, text, ids, layer (0-based), frequencies (inv_freq, per pair),
q_before, q_after (T, H·D), k_before, k_after (T, G·D)}, float32 values as transformers computes
them (eager attention), rounded to 7 significant digits. Captured by wrapping the modelling
module's `apply_rotary_pos_emb`, so "before" is exactly what the rotation receives.
"""
import os
import sys

import torch
from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast
from transformers.models.llama import modeling_llama
from transformers.models.qwen3 import modeling_qwen3

sys.path.insert(0, os.path.dirname(__file__))
from common import write_json  # noqa: E402

ROOT = "Tests/AttnvizModelTests/Fixtures/engine"
TEXT = "The cat sat on the mat."
CASES = [("llama", [0, 1]), ("qwen3", [0])]


def rounded(tensor):
    return [[float(f"{v:.7g}") for v in row] for row in tensor.tolist()]


def main():
    captured = []

    def wrap(module):
        original = module.apply_rotary_pos_emb

        def recording(q, k, cos, sin, *args, **kwargs):
            q_out, k_out = original(q, k, cos, sin, *args, **kwargs)
            captured.append((q.detach().clone(), k.detach().clone(), q_out.detach().clone(),
                             k_out.detach().clone()))
            return q_out, k_out
        module.apply_rotary_pos_emb = recording

    wrap(modeling_llama)
    wrap(modeling_qwen3)
    cases = []
    for name, layers in CASES:
        folder = f"{ROOT}/{name}"
        tok = PreTrainedTokenizerFast(tokenizer_file=f"{folder}/tokenizer.json")
        ids = tok(TEXT)["input_ids"]
        model = AutoModelForCausalLM.from_pretrained(
            folder, torch_dtype=torch.float32, attn_implementation="eager").eval()
        captured.clear()
        with torch.no_grad():
            model(torch.tensor([ids]))
        inv_freq = model.model.rotary_emb.inv_freq.float().tolist()
        for layer in layers:
            q, k, q_rot, k_rot = captured[layer]

            def flat(x):  # (1, heads, T, D) -> (T, heads·D)
                return x[0].transpose(0, 1).reshape(x.shape[2], -1)
            cases.append({
                "model": name, "text": TEXT, "ids": ids, "layer": layer,
                "frequencies": [float(f"{v:.9g}") for v in inv_freq],
                "q_before": rounded(flat(q)), "q_after": rounded(flat(q_rot)),
                "k_before": rounded(flat(k)), "k_after": rounded(flat(k_rot)),
            })
            print(f"{name} layer {layer}: {len(ids)} tokens, q {tuple(flat(q).shape)}, "
                  f"k {tuple(flat(k).shape)}")
    write_json(f"{ROOT}/rotary-reference.json", {
        "source": "scripts/reference/make_rotary_reference.py", "cases": cases})


if __name__ == "__main__":
    main()
