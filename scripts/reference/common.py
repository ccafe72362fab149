"""Shared helpers for the BERT reference fixtures (see README.md in this folder)."""

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
