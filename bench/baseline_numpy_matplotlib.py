"""The script a lecturer would write instead of attnviz: numpy for the layer, matplotlib for the
figures. It computes the SAME layer as `attnviz` with its defaults (docs/embedded-layer.md):
word tokens, hashed-trigram embeddings (FNV-1a seeds, SplitMix64 Box-Muller Gaussians),
sinusoidal positional encoding, Wq Wk Wv Wo drawn from SplitMix64(2017) times 1.2/sqrt(d),
softmax(Q_h K_h^T / sqrt(d_k)) with the row maximum subtracted. Then one labelled heatmap PNG
per head.

    python baseline_numpy_matplotlib.py "some text" OUTDIR [--check attention.json]

--check compares tokens and weights with attnviz's attention.json (to 1e-9) and exits 1 if they
differ; the benchmark runs it once per text, outside the timed runs.
"""

import json
import math
import os
import re
import sys

from heatmap import save_heatmap  # noqa: E402
import numpy as np  # noqa: E402

D_MODEL, HEADS, SEED, GAIN = 8, 2, 2017, 1.2
MASK64 = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def unit(self):
        return (self.next() >> 11) * 2.0**-53

    def gaussian(self):  # Box-Muller, two fresh uniforms per number
        u1 = 1 - self.unit()
        u2 = self.unit()
        return math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001B3) & MASK64
    return h


def tokenize(text):
    # attnviz's word tokenizer for plain text: runs of letters and digits; ' or - between two
    # letters stays inside the word (didn't, self-attention); other marks stand alone.
    letter = r"[^\W\d_]"
    return re.findall(rf"[^\W_]+(?:(?<={letter})['’\-‐]{letter}[^\W_]*)*|[^\w\s]|_", text)


def embedding(token):
    word = token.lower()
    marked = "<" + word + ">"
    # attnviz takes trigrams only when the marked word is longer than 3 ("<a>" adds nothing).
    trigrams = [marked[i : i + 3] for i in range(len(marked) - 2)] if len(marked) > 3 else []
    grams = [word] + trigrams
    vector = np.zeros(D_MODEL)
    for gram in grams:
        rng = SplitMix64(fnv1a64(gram.encode("utf-8")))
        vector += [rng.gaussian() for _ in range(D_MODEL)]
    return vector / math.sqrt(len(grams))


def positional_encoding(positions, d):
    pos = np.arange(positions)[:, None]
    two_i = (np.arange(d) // 2 * 2)[None, :]
    angle = pos / np.power(10000.0, two_i / d)
    return np.where(np.arange(d) % 2 == 0, np.sin(angle), np.cos(angle))


def attention(tokens):
    x = np.array([embedding(t) for t in tokens]) + positional_encoding(len(tokens), D_MODEL)
    rng = SplitMix64(SEED)
    sd = GAIN / math.sqrt(D_MODEL)
    wq, wk, wv, _wo = (
        np.array([rng.gaussian() * sd for _ in range(D_MODEL * D_MODEL)]).reshape(D_MODEL, D_MODEL)
        for _ in range(4)
    )
    q, k = x @ wq, x @ wk
    d_k = D_MODEL // HEADS
    heads = []
    for h in range(HEADS):
        cols = slice(h * d_k, (h + 1) * d_k)
        scores = q[:, cols] @ k[:, cols].T / math.sqrt(d_k)
        e = np.exp(scores - scores.max(axis=1, keepdims=True))
        heads.append(e / e.sum(axis=1, keepdims=True))
    return heads


def check(tokens, heads, json_path):
    with open(json_path, encoding="utf-8") as f:
        reference = json.load(f)
    if reference["tokens"] != tokens:
        sys.exit(f"tokens differ from {json_path}: {tokens} vs {reference['tokens']}")
    worst = max(
        float(np.max(np.abs(np.array(ref) - mine)))
        for ref, mine in zip(reference["attention"][-1], heads, strict=True)
    )
    if worst > 1e-9:
        sys.exit(f"attention differs from {json_path}: max |difference| {worst:.3g} > 1e-9")
    print(f"check: {len(tokens)} tokens, {len(heads)} heads, max |difference| {worst:.3g}")


def main():
    text, out = sys.argv[1], sys.argv[2]
    tokens = tokenize(text)
    heads = attention(tokens)
    if "--check" in sys.argv:
        check(tokens, heads, sys.argv[sys.argv.index("--check") + 1])
        return
    os.makedirs(out, exist_ok=True)
    for h, weights in enumerate(heads, start=1):
        save_heatmap(weights, tokens, f"Self-attention, head {h}", f"{out}/heatmap-head{h}.png")


if __name__ == "__main__":
    main()
