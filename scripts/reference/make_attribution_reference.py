"""Each head's credit for the next token (direct logit attribution) and the next-token
probabilities with heads ablated, from transformers with forward hooks, for `--view credit`,
`--ablate` and `--view ablation`.

    /work/refvenv/bin/python scripts/reference/make_attribution_reference.py \
        [models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf]

Writes Tests/AttnvizModelTests/Fixtures/attribution/attribution-reference.json, one case per model
(the tiny `qwen2` and `llama` engine fixtures, the tiny GPT-2 with its LayerNorm and Conv1D, the
tiny `gemma3` family fixture, and SmolLM2-135M-Instruct when its GGUF is given), each with:

- `credit`: for the predicted token and for a second target, `heads[l][h]`, `embeddings`,
  `attention_biases[l]`, `feed_forwards[l]`, `final_norm_bias` and the model's `logit`. Made the
  TransformerLens way, independently of attnviz: a pre-hook on each attention output projection
  captures the heads' outputs z (T, H·D), so head h writes z[p, h] · Wo[:, h]ᵀ at the last
  position p; hooks on each feed-forward block and on the final norm's input give the other parts
  of the residual stream; the final norm's scale is taken at its input x and every part goes
  through s·(g ⊙ part) (LayerNorm: each part centred) and the unembedding row. The script checks
  that the parts add up to the final residual and the terms to the logit. None for gemma3: its
  post-attention norm rescales what the heads write, so their direct effect is not defined
  (attnviz refuses `--view credit` there).
- `ablations`: for some head sets and both modes, the 20 most probable next tokens with the heads'
  outputs replaced through a pre-hook on the output projection (zero, or their mean over the
  positions), as [id, probability].
- `sweep` (qwen2 and gemma3: every layer; SmolLM2: layers 1, 14 and 30, 0-based in `layers`): for
  each head of those layers alone, zeroed, the change in the log-probability of the unablated
  prediction. For gemma3 the hook on o_proj's input sits before the post-attention norm, where
  attnviz ablates too (the norm then rescales what is left of the block's output).
Float32 against float64 is checked for the ablated probabilities and the credits.
"""
import os
import sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, GPT2Tokenizer

sys.path.insert(0, os.path.dirname(__file__))
from common import write_json  # noqa: E402

FIXTURES = "Tests/AttnvizModelTests/Fixtures"
OUT = f"{FIXTURES}/attribution/attribution-reference.json"
LECTURE = "The animal didn't cross the street because it was too tired."


class Parts:
    """The modules of a Llama-family or GPT-2 model that write into the residual stream."""

    def __init__(self, model):
        config = model.config
        self.gpt2 = hasattr(model, "transformer")
        if self.gpt2:
            body = model.transformer
            self.layers = body.h
            self.final_norm = body.ln_f
            self.heads = config.n_head
            self.head_dim = config.n_embd // config.n_head
        else:
            body = model.model
            self.layers = body.layers
            self.final_norm = body.norm
            self.heads = config.num_attention_heads
            self.head_dim = (getattr(config, "head_dim", None)
                             or config.hidden_size // config.num_attention_heads)
        self.unembedding = model.get_output_embeddings().weight  # (V, C)
        self.eps = getattr(self.final_norm, "eps", None) or self.final_norm.variance_epsilon

    def output_projection(self, layer):
        return layer.attn.c_proj if self.gpt2 else layer.self_attn.o_proj

    def head_slice_of_wo(self, layer, h):
        """Wo's columns of head h as (C, D), in nn.Linear's (out, in) orientation."""
        projection = self.output_projection(layer)
        d = self.head_dim
        if self.gpt2:  # Conv1D stores (in, out)
            return projection.weight[h * d:(h + 1) * d, :].T
        return projection.weight[:, h * d:(h + 1) * d]

    def output_bias(self, layer):
        return self.output_projection(layer).bias

    def mlp(self, layer):
        return layer.mlp


def credit(model, ids, target=None):
    parts = Parts(model)
    z, mlp, final = {}, {}, {}
    hooks = []
    for index, layer in enumerate(parts.layers):
        hooks.append(parts.output_projection(layer).register_forward_pre_hook(
            lambda module, args, index=index: z.__setitem__(index, args[0][0])))
        hooks.append(parts.mlp(layer).register_forward_hook(
            lambda module, args, out, index=index: mlp.__setitem__(index, out[0])))
    hooks.append(parts.final_norm.register_forward_pre_hook(
        lambda module, args: final.__setitem__("x", args[0][0])))
    with torch.no_grad():
        out = model(torch.tensor([ids]), output_hidden_states=True)
    for hook in hooks:
        hook.remove()
    logits = out.logits[0, -1]
    token = int(logits.argmax()) if target is None else target
    p = len(ids) - 1
    x = final["x"][p]
    norm = parts.final_norm
    layer_norm = hasattr(norm, "bias") and norm.bias is not None
    if layer_norm:
        scale = 1 / torch.sqrt(((x - x.mean()) ** 2).mean() + parts.eps)
    else:
        scale = 1 / torch.sqrt((x * x).mean() + parts.eps)
    u = parts.unembedding[token]
    g = norm.weight

    def term(part):
        if layer_norm:
            part = part - part.mean()
        return float(scale * (u * g * part).sum())

    embeddings = out.hidden_states[0][0, p]
    total = embeddings.clone()
    heads, biases, feed_forwards = [], [], []
    d = parts.head_dim
    for index, layer in enumerate(parts.layers):
        writes = [z[index][p, h * d:(h + 1) * d] @ parts.head_slice_of_wo(layer, h).T
                  for h in range(parts.heads)]
        heads.append([term(w) for w in writes])
        bias = parts.output_bias(layer)
        bias = torch.zeros_like(x) if bias is None else bias
        biases.append(term(bias))
        feed_forwards.append(term(mlp[index][p]))
        total = total + sum(writes) + bias + mlp[index][p]
    assembled = (total - x).abs().max().item()
    norm_bias = float((u * norm.bias).sum()) if layer_norm else 0.0
    terms = sum(map(sum, heads)) + sum(biases) + sum(feed_forwards) + term(embeddings) + norm_bias
    logit = float(logits[token])
    return {
        "target": token, "logit": logit, "heads": heads, "embeddings": term(embeddings),
        "attention_biases": biases, "feed_forwards": feed_forwards, "final_norm_bias": norm_bias,
        "parts_vs_residual": assembled, "terms_vs_logit": abs(terms - logit),
    }


def ablated(model, ids, heads, mode):
    """The next-token probabilities with `heads` [(layer, head), 0-based] replaced before Wo."""
    parts = Parts(model)
    d = parts.head_dim
    hooks = []
    for index, layer in enumerate(parts.layers):
        chosen = [h for (l, h) in heads if l == index]
        if not chosen:
            continue

        def hook(module, args, chosen=chosen):
            z = args[0].clone()
            for h in chosen:
                block = z[:, :, h * d:(h + 1) * d]
                if mode == "zero":
                    z[:, :, h * d:(h + 1) * d] = 0
                else:
                    z[:, :, h * d:(h + 1) * d] = block.mean(dim=1, keepdim=True)
            return (z,)
        hooks.append(parts.output_projection(layer).register_forward_pre_hook(hook))
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0, -1]
    for hook in hooks:
        hook.remove()
    return torch.log_softmax(logits.double(), dim=-1)


def top(log_probabilities, k=20):
    values, ids = torch.topk(log_probabilities.exp(), k)
    return [[int(i), float(v)] for v, i in zip(values.tolist(), ids.tolist())]


def make_case(name, load, ids, text, second_target, ablation_sets, sweep_layers=()):
    model, model64 = load(torch.float32), load(torch.float64)
    credits = []
    for target in ([] if second_target is None else [None, second_target]):
        c32, c64 = credit(model, ids, target), credit(model64, ids, target)
        worst = max(abs(a - b) for a, b in zip(sum(c32["heads"], []), sum(c64["heads"], [])))
        print(f"{name}: credit of {c32['target']}: logit {c32['logit']:.4f}, parts vs residual "
              f"{c32['parts_vs_residual']:.1e}, terms vs logit {c32['terms_vs_logit']:.1e}, "
              f"float32 vs float64 {worst:.1e}")
        if c32["terms_vs_logit"] > 1e-3 or worst > 1e-4:
            raise SystemExit(f"{name}: the credits do not add up")
        credits.append(c32)
    ablations = []
    for heads in ablation_sets:
        for mode in ["zero", "mean"]:
            a32, a64 = ablated(model, ids, heads, mode), ablated(model64, ids, heads, mode)
            worst = (a32.exp() - a64.exp()).abs().max().item()
            print(f"{name}: ablate {heads} {mode}: top {top(a32, 1)}, float32 vs float64 "
                  f"{worst:.1e}")
            if worst > 2e-5:
                raise SystemExit(f"{name}: float32 and float64 differ by {worst}")
            ablations.append({"heads": [[l, h] for l, h in heads], "mode": mode,
                              "top": top(a32)})
    case = {"name": name, "text": text, "ids": ids, "credit": credits, "ablations": ablations}
    if sweep_layers:
        base = ablated(model, ids, [], "zero")
        predicted = int(base.argmax())
        parts = Parts(model)
        case["sweep"] = {
            "target": predicted, "log_probability": float(base[predicted]),
            "layers": list(sweep_layers),
            "delta": [[float(ablated(model, ids, [(l, h)], "zero")[predicted] - base[predicted])
                       for h in range(parts.heads)] for l in sweep_layers]}
        print(f"{name}: sweep of layers {list(sweep_layers)} done")
    return case


def folder_loader(folder):
    return lambda dtype: AutoModelForCausalLM.from_pretrained(
        folder, attn_implementation="eager", dtype=dtype).eval()


def main():
    cases = []
    for name in ["qwen2", "llama"]:
        folder = f"{FIXTURES}/engine/{name}"
        ids = AutoTokenizer.from_pretrained(folder)(LECTURE)["input_ids"]
        cases.append(make_case(name, folder_loader(folder), ids, LECTURE, ids[3],
                               [[(0, 1)], [(0, 0), (1, 3)]],
                               sweep_layers=[0, 1] if name == "qwen2" else []))
    folder = f"{FIXTURES}/tiny-gpt2"
    ids = GPT2Tokenizer.from_pretrained(folder)(LECTURE)["input_ids"]
    cases.append(make_case("tiny-gpt2", folder_loader(folder), ids, LECTURE, ids[2],
                           [[(1, 2)], [(0, 0), (0, 3), (1, 1)]]))
    # Gemma 3: sliding-window layers with their own rotary base, q/k norms, sandwich norms.
    folder = f"{FIXTURES}/family/gemma3"
    ids = AutoTokenizer.from_pretrained(folder)(LECTURE)["input_ids"]
    cases.append(make_case("gemma3", folder_loader(folder), ids, LECTURE, None,
                           [[(5, 1)], [(0, 2), (3, 0), (5, 3)]],
                           sweep_layers=list(range(6))))
    for path in sys.argv[1:]:
        folder, file = os.path.dirname(os.path.abspath(path)), os.path.basename(path)
        tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=file)
        ids = tokenizer(LECTURE)["input_ids"]
        animal = tokenizer(" animal", add_special_tokens=False)["input_ids"]
        assert len(animal) == 1
        cases.append(make_case(
            "SmolLM2-135M-Instruct", lambda dtype: AutoModelForCausalLM.from_pretrained(
                folder, gguf_file=file, attn_implementation="eager", dtype=dtype).eval(),
            ids, LECTURE, animal[0], [[(13, 8)], [(13, 8), (19, 2), (0, 0)]], sweep_layers=[0, 13, 29]))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    write_json(OUT, {"source": "scripts/reference/make_attribution_reference.py",
                     "cases": cases})
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
