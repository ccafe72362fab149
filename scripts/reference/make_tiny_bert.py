"""Builds Tests/AttnvizModelTests/Fixtures/tiny-bert/: a 2-layer, hidden-32, 4-head BERT with
random but *peaked* attention, a hand-picked WordPiece vocabulary, and reference.json with the
tokens, ids and attention weights transformers computes for a few sentences.

Run from the package root:  /work/refenv/venv/bin/python scripts/reference/make_tiny_bert.py
"""

import json
import os
import sys

import torch
from transformers import BertConfig, BertForMaskedLM

sys.path.insert(0, os.path.dirname(__file__))
from common import attentions, encode, load_tokenizers, write_json  # noqa: E402

OUT = "Tests/AttnvizModelTests/Fixtures/tiny-bert"

SENTENCES = [
    "The animal didn't cross the street because it was too tired.",
    "Unaffable cats are running, unwanted!",
    "Café naïve 中文 😀 [MASK].",
    "The quick brown fox jumps over the lazy dog.",
    "Attention is all you need (2017).",
]

# Whole words, word pieces, and single characters. No "q" or "z" at all, so "quick" and "lazy"
# become [UNK]; the emoji and 😀 have no entry either.
WORDS = """the animal did cross street because it was too tire cat are run un want cafe naive
brown fox jump over dog attention is all you need 中 文 20""".split()
PIECES = """##n ##t ##d ##s ##ning ##aff ##able ##want ##ed ##ss ##ing ##17 ##ox ##ow""".split()
LETTERS = "abcdefghijklmnoprstuvwxy"
VOCAB = (["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + list(".,!?'()-:;\"")
         + [str(d) for d in range(10)] + [f"##{d}" for d in range(10)]
         + list(LETTERS) + [f"##{c}" for c in LETTERS] + WORDS + PIECES)


def peaked(model):
    """Re-draws every parameter with a larger spread than BERT's initialisation (which gives
    nearly uniform attention and hides indexing bugs), LayerNorm scales away from 1."""
    generator = torch.Generator().manual_seed(2017)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm.weight" in name:
                p.copy_(torch.rand(p.shape, generator=generator) * 1.5 + 0.5)
            elif name.endswith("bias"):
                p.copy_(torch.randn(p.shape, generator=generator) * 0.3)
            elif "embeddings" in name:
                p.copy_(torch.randn(p.shape, generator=generator))
            else:
                p.copy_(torch.randn(p.shape, generator=generator) * 0.35)


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(f"{OUT}/vocab.txt", "w", encoding="utf-8") as f:
        f.write("\n".join(VOCAB) + "\n")
    config = BertConfig(
        vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
        intermediate_size=64, max_position_embeddings=64, type_vocab_size=2,
        layer_norm_eps=1e-12, hidden_act="gelu", attn_implementation="eager")
    # The masked-LM wrapper names tensors "bert.…" and adds "cls.…" heads: the loader must
    # take the prefix off and ignore the heads.
    model = BertForMaskedLM(config).eval()
    peaked(model)
    model.save_pretrained(OUT)
    write_json(f"{OUT}/tokenizer_config.json", {
        "do_lower_case": True, "tokenize_chinese_chars": True, "strip_accents": None,
        "tokenizer_class": "BertTokenizer"})
    legacy, fast = load_tokenizers(OUT)
    cases, worst = [], 0.0
    for text in SENTENCES:
        tokens, ids = encode(legacy, fast, text)
        weights, diff = attentions(model.bert, ids)
        worst = max(worst, diff)
        cases.append({"text": text, "tokens": tokens, "ids": ids, "attentions": weights})
        largest = max(v for layer in weights for head in layer for row in head for v in row) / 1e6
        print(f"{len(ids):3d} tokens, largest weight {largest:.3f}: {' '.join(tokens)}")
    write_json(f"{OUT}/reference.json", {
        "source": "scripts/reference/make_tiny_bert.py", "attention_scale": 1000000, "cases": cases})
    print(f"float32 vs float64 attention: max abs difference {worst:.2e}")


if __name__ == "__main__":
    main()
