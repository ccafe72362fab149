"""Shared helpers of the reference scripts (see README.md in this folder): the BERT fixtures'
tokenizers and attentions, the tiny random models' peaked weights and float32/float64 run, and
the one JSON writer."""

import json

import torch
from tokenizers import BertWordPieceTokenizer
from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy


def load_tokenizers(folder, lowercase=True):
    """The pure-Python tokenizer attnviz follows, and the Rust one of the `tokenizers` library.
    (transformers 5's BertTokenizerFast built from a vocab.txt alone maps every word to [UNK].)"""
    legacy = BertTokenizerLegacy(vocab_file=f"{folder}/vocab.txt", do_lower_case=lowercase)
    fast = BertWordPieceTokenizer(f"{folder}/vocab.txt", lowercase=lowercase)
    return legacy, fast


def encode(legacy, fast, text):
    """Tokens and ids of `text` with [CLS] and [SEP] from the Rust tokenizer, the one
    transformers' AutoTokenizer returns. The Python one differs in two rules (it applies NFC first
    and lower-cases a final capital sigma to "ς"); differences are printed, not fatal."""
    encoding = fast.encode(text)
    legacy_ids = legacy(text)["input_ids"]
    if legacy_ids != encoding.ids:
        print(f"  note: the Python tokenizer differs on {text!r}: "
              f"{legacy.convert_ids_to_tokens(legacy_ids)}")
    return encoding.tokens, encoding.ids


def attentions(model, ids):
    """[layer][head][query][key], float32 as transformers computes it, in millionths (integers:
    the weight rounded to 6 decimals, a third smaller in JSON than the decimals themselves).
    Also checks float32 against float64 so the rounding, not float32, sets the precision."""
    with torch.no_grad():
        out = model(torch.tensor([ids]), output_attentions=True)
        out64 = model.double()(torch.tensor([ids]), output_attentions=True)
        model.float()
    worst = max(
        (a.double() - b).abs().max().item() for a, b in zip(out.attentions, out64.attentions))
    if worst > 1e-5:
        raise SystemExit(f"float32 and float64 attention differ by {worst}")
    return [[[[round(v * 1e6) for v in row] for row in head] for head in layer[0].tolist()]
            for layer in out.attentions], worst


def peaked(model, seed, qk=0.25, norm_center=1.0):
    """Parameters re-drawn with a large spread so attention is peaked, not near-uniform, for the
    tiny random models (make_engine_fixtures.py, make_family_fixtures.py): `qk` is the spread of
    the query and key weights (larger for the post-norm encoders, whose LayerNorm keeps
    activations small); norm weights lie around `norm_center` (0 for Gemma's (1 + w) convention,
    so the factor is away from 1 either way)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name.lower() and name.endswith("weight"):
                p.copy_(torch.rand(p.shape, generator=g) * 1.5 + 0.5 - (1 - norm_center))
            elif name.endswith("bias"):
                p.copy_(torch.randn(p.shape, generator=g) * 0.2)
            elif "embed" in name or "wte" in name:
                p.copy_(torch.randn(p.shape, generator=g))
            elif any(k in name for k in ["q_proj", "k_proj", "qkv_proj", "q_lin", "k_lin", "query",
                                         "key"]):
                p.copy_(torch.randn(p.shape, generator=g) * qk)
            else:
                p.copy_(torch.randn(p.shape, generator=g) * 0.2)


def run_float32_and_64(model, ids):
    """The model's float32 and float64 outputs on `ids` (attentions kept); their attentions must
    agree to 1e-5, so the references' rounding, not float32, sets the precision. Returns both
    outputs, the largest attention difference, and the attentions in millionths,
    [layer][head][query][key]."""
    with torch.no_grad():
        out = model(torch.tensor([ids]), output_attentions=True)
        out64 = model.double()(torch.tensor([ids]), output_attentions=True)
        model.float()
    worst = max((a.double() - b).abs().max().item()
                for a, b in zip(out.attentions, out64.attentions))
    assert worst < 1e-5, f"float32 and float64 attention differ by {worst}"
    millionths = [[[[round(v * 1e6) for v in row] for row in head] for head in layer[0].tolist()]
                  for layer in out.attentions]
    return out, out64, worst, millionths


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


def llamacpp_space_rule(tokenizer):
    """llama.cpp's leading-▁ rule on a transformers tokenizer loaded from a `llama` GGUF file of a
    Llama 2 / Mistral / TinyLlama-style vocabulary: ▁ in front of every stretch of text, also one
    starting with a space and one after an added token (a Prepend normalizer, no pre-tokenizer),
    as transformers' own phi3 GGUF tokenizer and the models' Hugging Face tokenizer.json files do.
    transformers builds other `llama` GGUF tokenizers with a Metaspace that prepends only to the
    first stretch and not to one starting with a space; attnviz follows llama.cpp. With this rule
    transformers gives llama.cpp's expected ids on all 47 texts of ggml-vocab-llama-spm.gguf.out
    (and without it differs on 15)."""
    from tokenizers import normalizers
    backend = tokenizer.backend_tokenizer
    backend.normalizer = normalizers.Sequence(
        [normalizers.Prepend("\u2581"), normalizers.Replace(" ", "\u2581")])
    backend.pre_tokenizer = None
    return tokenizer
