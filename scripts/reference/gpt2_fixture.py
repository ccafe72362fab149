"""Builds the tiny GPT-2 fixture and the tokenizer reference data of attnviz's GPT-2 tests.

    /work/refenv/venv/bin/python scripts/reference/gpt2_fixture.py [GPT2_TOKENIZER_DIR]

Writes Tests/AttnvizModelTests/Fixtures/tiny-gpt2/:
  vocab.json, merges.txt  a tiny byte-level BPE: the 256 byte symbols, 120 merges learnt here
                          from the sentences below, and <|endoftext|>;
  config.json, model.safetensors
                          a random GPT-2 (2 layers, 4 heads, n_embd 32, 64 positions) whose
                          parameters are re-drawn with a large spread and LayerNorm weights away
                          from 1, so that attention is peaked (default init is nearly uniform);
  reference.json          per sentence: HF's raw tokens, ids and eager attentions
                          [layer][head][query][key <= query] (causal: later keys are 0 and left
                          out), computed in float64 from the float32 weights.
With GPT2_TOKENIZER_DIR (vocab.json + merges.txt of the real GPT-2), also writes
  real-vocab-reference.json  HF ids of sentences under the real 50257-token vocabulary.

Deterministic: fixed seeds, sorted tie-breaks.
"""
import collections
import json
import os
import sys

import numpy as np
import regex
import torch
from safetensors.torch import save_file
from transformers import GPT2Config, GPT2LMHeadModel, GPT2Tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "Tests", "AttnvizModelTests", "Fixtures", "tiny-gpt2")
PATTERN = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")

SENTENCES = [
    "The animal didn't cross the street because it was too tired.",
    "Hello   world!\n\nThey're here, we'll see.  ",
    "Caf\u00e9 na\u00efve, re\u0301sume\u0301 \u2014 d\u00e9j\u00e0 vu?",
    "\u65e5\u672c\u8a9e\u306e\u6587\u3002\u4e2d\u6587\u3002",
    "Emoji \U0001F44D\U0001F3FD costs $3.14 or 1,000 in 2024!",
]
# Extra text for learning merges, so the vocabulary has ordinary English pieces too.
TRAINING_EXTRA = [
    "The cat sat on the mat. The dog didn't. It was the street and the animal.",
    "Attention is all you need: the queries, the keys and the values.",
]
MERGES = 120


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1)) \
        + list(range(ord("\u00ae"), ord("\u00ff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs))), bs


def learn_merges(texts, count):
    """Plain BPE training: repeatedly merge the most frequent adjacent pair (ties: smallest pair)."""
    table, _ = bytes_to_unicode()
    words = collections.Counter()
    for text in texts:
        for piece in PATTERN.findall(text):
            words[tuple(table[b] for b in piece.encode("utf-8"))] += 1
    merges = []
    for _ in range(count):
        pairs = collections.Counter()
        for word, n in words.items():
            for a, b in zip(word, word[1:]):
                pairs[(a, b)] += n
        if not pairs:
            break
        best = min(pairs, key=lambda p: (-pairs[p], p))
        merges.append(best)
        merged = collections.Counter()
        for word, n in words.items():
            out, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            merged[tuple(out)] += n
        words = merged
    return merges


def write_tokenizer(folder):
    table, order = bytes_to_unicode()
    vocab = {table[b]: i for i, b in enumerate(order)}
    merges = learn_merges(SENTENCES + TRAINING_EXTRA, MERGES)
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    vocab["<|endoftext|>"] = len(vocab)
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for a, b in merges:
            f.write(f"{a} {b}\n")
    return len(vocab)


def make_model(vocab_size):
    torch.manual_seed(2017)
    config = GPT2Config(vocab_size=vocab_size, n_positions=64, n_embd=32, n_layer=2, n_head=4,
                        activation_function="gelu_new", layer_norm_epsilon=1e-5,
                        bos_token_id=vocab_size - 1, eos_token_id=vocab_size - 1)
    config._attn_implementation = "eager"
    model = GPT2LMHeadModel(config).eval()
    g = torch.Generator().manual_seed(2017)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            if "ln_" in name and name.endswith("weight"):  # LayerNorm gains away from 1
                p.copy_(torch.empty(p.shape).uniform_(0.5, 2.5, generator=g)
                        * torch.sign(torch.randn(p.shape, generator=g)))
            elif name.endswith("bias"):
                p.copy_(torch.randn(p.shape, generator=g) * 0.3)
            elif "wte" in name or "wpe" in name:
                p.copy_(torch.randn(p.shape, generator=g))
            else:  # Conv1D weights (in, out)
                p.copy_(torch.randn(p.shape, generator=g) * (1.0 / p.shape[0] ** 0.5))
    return config, model


def save_model(config, model, folder):
    config.save_pretrained(folder)
    state = {k: v.contiguous() for k, v in model.state_dict().items()
             if k != "lm_head.weight"}  # tied to wte; attnviz ignores lm_head anyway
    save_file(state, os.path.join(folder, "model.safetensors"), metadata={"format": "pt"})


def reference(folder, model):
    tok = GPT2Tokenizer.from_pretrained(folder)
    model64 = model.double()
    out = []
    for text in SENTENCES:
        ids = tok(text)["input_ids"]
        assert len(ids) <= 64, (text, len(ids))
        with torch.no_grad():
            result = model64(torch.tensor([ids]), output_attentions=True)
        # Causal: row i keeps keys 0...i only (the rest are exactly 0, asserted), and 9
        # significant digits, far below the 1e-4 tolerance: the fixture stays small.
        attn = []
        for a in result.attentions:
            a = a[0].numpy()
            assert np.all(np.triu(a, k=1) == 0)
            attn.append([[[float(f"{x:.9g}") for x in row[: i + 1]] for i, row in enumerate(head)]
                         for head in a])
        out.append({"text": text, "ids": ids, "tokens": tok.convert_ids_to_tokens(ids),
                    "attentions": attn})
        row_max = np.concatenate([a[0].numpy().max(-1)[:, 1:].ravel() for a in result.attentions])
        print(f"{len(ids):3d} tokens, row max median {np.median(row_max):.2f}, "
              f"rows > 0.99: {np.mean(row_max > 0.99):.2f}: {text!r}")
    with open(os.path.join(folder, "reference.json"), "w", encoding="utf-8") as f:
        json.dump({"source": "scripts/reference/gpt2_fixture.py", "sentences": out}, f,
                  ensure_ascii=False)
    model.float()


REAL_SENTENCES = [
    "Hello world",
    "The animal didn't cross the street because it was too tired.",
    "Hello   world!\n\nThey're here, we'll see.  ",
    "Caf\u00e9 na\u00efve, re\u0301sume\u0301 \u2014 d\u00e9j\u00e0 vu?",
    "\u65e5\u672c\u8a9e\u306e\u6587\u3002\u4e2d\u6587\u3002",
    "Emoji \U0001F44D\U0001F3FD and \U0001F468\u200D\U0001F469\u200D\U0001F467 cost $3.14, 1,000,000 in 2024!",
    "a\u00a0b \u200bc\t\td\r\n 'sup I'M don't",
]


def real_reference(source):
    tok = GPT2Tokenizer.from_pretrained(source)
    out = []
    for text in REAL_SENTENCES:
        ids = tok(text)["input_ids"]
        out.append({"text": text, "ids": ids, "tokens": tok.convert_ids_to_tokens(ids)})
    with open(os.path.join(OUT, "real-vocab-reference.json"), "w", encoding="utf-8") as f:
        json.dump({"source": "scripts/reference/gpt2_fixture.py", "sentences": out}, f,
                  ensure_ascii=False, indent=1)


def main():
    os.makedirs(OUT, exist_ok=True)
    vocab_size = write_tokenizer(OUT)
    config, model = make_model(vocab_size)
    save_model(config, model, OUT)
    reference(OUT, model)
    if len(sys.argv) > 1:
        real_reference(sys.argv[1])
    for name in sorted(os.listdir(OUT)):
        print(f"{os.path.getsize(os.path.join(OUT, name)):8d}  {name}")


if __name__ == "__main__":
    main()
