"""What each head actually moves, ‖α·f(x)‖ (Kobayashi et al. 2020), from transformers with
forward hooks, for `--view contribution`.

    /work/refvenv/bin/python scripts/reference/make_contribution_reference.py \
        [models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf] [models/all-MiniLM-L6-v2]

Writes Tests/AttnvizModelTests/Fixtures/attribution/contribution-reference.json with one case
per model: the tiny engine fixtures `qwen2` (4 query heads sharing 2 key/value heads, q/k/v
biases) and `llama` (GQA, BF16), the tiny BERT (post-norm encoder), and when their files are
given SmolLM2-135M-Instruct (the GGUF transformers loads) and all-MiniLM-L6-v2.

Per case: the ids, `f_norms[layer][head][token]` = ‖f_h(x_j)‖ and, for `layers`, every head's
contribution matrix `contribution[layer][head][query][key]` = ‖α_h(i,j)·f_h(x_j)‖.

How the numbers are made, independently of attnviz's factorisation: a forward hook on each
layer's value projection captures V as transformers computes it (bias included); the head's
slice of the output projection's weight gives f_h(x_j) = V_g(h)[j] · W_O[:, h·D:(h+1)·D]ᵀ as C-
vectors; each is multiplied by α_h(i, j) from `output_attentions` and its length taken (as
Kobayashi's `BertNormOutput` does, with the vectors, not α·‖f‖). Float32 against float64 is
checked (the tests compare at 1e-4; the file keeps 7 significant digits).
"""
import os
import sys

import torch
from transformers import AutoModel, AutoModelForCausalLM, AutoTokenizer

sys.path.insert(0, os.path.dirname(__file__))
from common import encode, load_tokenizers, write_json  # noqa: E402

FIXTURES = "Tests/AttnvizModelTests/Fixtures"
OUT = f"{FIXTURES}/attribution/contribution-reference.json"
LECTURE = "The animal didn't cross the street because it was too tired."
SHORT = "The cat sat on the mat."


def significant(x, digits=7):
    return float(f"{x:.{digits}g}")


def projections(model):
    """Per layer: (value module, output projection weight, heads, kv heads, head size)."""
    config = model.config
    if hasattr(model, "model") and hasattr(model.model, "layers"):
        layers = model.model.layers
        out = []
        for layer in layers:
            a = layer.self_attn
            h = config.num_attention_heads
            g = getattr(config, "num_key_value_heads", h)
            d = getattr(config, "head_dim", None) or config.hidden_size // h
            out.append((a.v_proj, a.o_proj.weight, h, g, d))
        return out
    bert = model.bert if hasattr(model, "bert") else model
    out = []
    for layer in bert.encoder.layer:
        h = config.num_attention_heads
        d = config.hidden_size // h
        out.append((layer.attention.self.value, layer.attention.output.dense.weight, h, h, d))
    return out


def run(model, ids, layers_kept):
    captured = {}
    hooks = []
    parts = projections(model)
    for index, (value, _, _, _, _) in enumerate(parts):
        hooks.append(value.register_forward_hook(
            lambda module, inputs, output, index=index: captured.__setitem__(index, output)))
    with torch.no_grad():
        out = model(torch.tensor([ids]), output_attentions=True)
    for hook in hooks:
        hook.remove()
    norms, contributions = [], {}
    for layer, (_, wo, h, g, d) in enumerate(parts):
        v = captured[layer][0]  # (T, G·D)
        alpha = out.attentions[layer][0]  # (H, T, T)
        layer_norms, layer_contributions = [], []
        for head in range(h):
            kv = head // (h // g)
            f = v[:, kv * d:(kv + 1) * d] @ wo[:, head * d:(head + 1) * d].T  # (T, C)
            layer_norms.append(f.norm(dim=-1))
            weighted = alpha[head][:, :, None] * f[None, :, :]  # (T, T, C)
            layer_contributions.append(weighted.norm(dim=-1))
        norms.append(torch.stack(layer_norms))
        if layer in layers_kept:
            contributions[layer] = torch.stack(layer_contributions)
    return norms, contributions


def case(name, load, ids, text, layers_kept):
    """`load(dtype)` gives the model in float32 or float64."""
    norms, contributions = run(load(torch.float32), ids, layers_kept)
    norms64, contributions64 = run(load(torch.float64), ids, layers_kept)
    def relative(a, b):  # |a − b| / max(1, |b|): the tests' tolerance rule
        return ((a.double() - b).abs() / b.abs().clamp(min=1)).max().item()
    worst = max(relative(a, b) for a, b in zip(norms, norms64))
    worst = max([worst] + [relative(contributions[k], contributions64[k]) for k in contributions])
    print(f"{name}: {len(ids)} tokens, float32 vs float64 {worst:.2e} (relative)")
    if worst > 2e-5:
        raise SystemExit(f"{name}: float32 and float64 differ by {worst}")
    return {
        "name": name, "text": text, "ids": ids, "float32_vs_float64": worst,
        "f_norms": [[[significant(x) for x in row.tolist()] for row in layer] for layer in norms],
        "layers": sorted(contributions),
        "contribution": [
            [[[significant(x) for x in row] for row in head.tolist()]
             for head in contributions[layer]] for layer in sorted(contributions)],
    }


def folder_case(folder, name, text, layers_kept, causal=True):
    if os.path.exists(f"{folder}/tokenizer.json"):
        ids = AutoTokenizer.from_pretrained(folder)(text)["input_ids"]
    else:  # a vocab.txt alone: the Rust WordPiece tokenizer, as the BERT references use
        ids = encode(*load_tokenizers(folder), text)[1]
    cls = AutoModelForCausalLM if causal else AutoModel
    return case(name, lambda dtype: cls.from_pretrained(
        folder, attn_implementation="eager", dtype=dtype).eval(), ids, text, layers_kept)


def main():
    cases = [
        folder_case(f"{FIXTURES}/engine/qwen2", "qwen2", SHORT, [0, 1]),
        folder_case(f"{FIXTURES}/engine/llama", "llama", SHORT, [1]),
        folder_case(f"{FIXTURES}/tiny-bert", "tiny-bert", "the cat sat on the mat", [0, 1],
                    causal=False),
    ]
    for path in sys.argv[1:]:
        if path.endswith(".gguf"):
            folder, file = os.path.dirname(os.path.abspath(path)), os.path.basename(path)
            tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=file)
            cases.append(case(
                "SmolLM2-135M-Instruct", lambda dtype: AutoModelForCausalLM.from_pretrained(
                    folder, gguf_file=file, attn_implementation="eager", dtype=dtype).eval(),
                tokenizer(LECTURE)["input_ids"], LECTURE, [13, 29]))
        else:
            cases.append(folder_case(path, "all-MiniLM-L6-v2", LECTURE, [5], causal=False))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    write_json(OUT, {"source": "scripts/reference/make_contribution_reference.py",
                     "cases": cases})
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
