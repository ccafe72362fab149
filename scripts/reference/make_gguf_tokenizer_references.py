"""Reference ids for tokenizers built from GGUF metadata (HFTokenizer.gguf), as transformers
builds them (`AutoTokenizer.from_pretrained(dir, gguf_file=...)`), with llama.cpp's leading-▁
rule for the SentencePiece (`llama`) vocabulary (`common.llamacpp_space_rule`: where transformers and
llama.cpp disagree, attnviz follows llama.cpp, whose ids are the original tokenizer's).

Writes small GGUF files holding only tokenizer metadata (vocabularies from the committed
tokenizer.json fixtures), loads each with transformers, and records the metadata and the ids on
the reference texts in Tests/AttnvizTokensTests/Fixtures/gguf-tokenizer-references.json.

    /work/venv/bin/python scripts/reference/make_gguf_tokenizer_references.py
"""

import json
import os
import sys
import tempfile

import gguf
from transformers import AutoTokenizer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import llamacpp_space_rule  # noqa: E402
from make_tokenizer_references import OUT, TEXTS  # noqa: E402


def vocab_of(name):
    with open(f"{OUT}/tokenizers/{name}.json", encoding="utf-8") as f:
        data = json.load(f)
    tokens = [t for t, _ in sorted(data["model"]["vocab"].items(), key=lambda kv: kv[1])]
    merges = [" ".join(m) if isinstance(m, list) else m for m in data["model"]["merges"]]
    return tokens, merges


def case(name, model, pre, tokens, types, merges=None, scores=None, bos=None, eos=None,
         unk=None, add_bos=None):
    folder = tempfile.mkdtemp()
    writer = gguf.GGUFWriter(f"{folder}/t.gguf", "llama")
    writer.add_context_length(64)
    writer.add_embedding_length(8)
    writer.add_block_count(1)
    writer.add_feed_forward_length(16)
    writer.add_head_count(2)
    writer.add_head_count_kv(1)
    writer.add_rope_dimension_count(4)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_tokenizer_model(model)
    if pre is not None:
        writer.add_tokenizer_pre(pre)
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    if scores is not None:
        writer.add_token_scores(scores)
    if merges is not None:
        writer.add_token_merges(merges)
    for value, add in [(bos, writer.add_bos_token_id), (eos, writer.add_eos_token_id),
                       (unk, writer.add_unk_token_id), (add_bos, writer.add_add_bos_token)]:
        if value is not None:
            add(value)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file="t.gguf")
    if model == "llama":
        tokenizer = llamacpp_space_rule(tokenizer)
    return {"name": name, "model": model, "pre": pre, "tokens": tokens, "token_types": types,
            "merges": merges, "scores": scores, "bos": bos, "eos": eos, "unk": unk,
            "add_bos": add_bos, "ids": [tokenizer(text)["input_ids"] for text in TEXTS]}


def main():
    cases = []
    tokens, _ = vocab_of("llama2-legacy")
    types = [2 if t == "<unk>" else 3 if t in ("<s>", "</s>") else 6 if t.startswith("<0x")
             else 1 for t in tokens]
    scores = [-float(i) for i in range(len(tokens))]
    cases.append(case("llama-sentencepiece", "llama", None, tokens, types, scores=scores,
                      bos=1, eos=2, unk=0, add_bos=True))
    tokens, merges = vocab_of("gpt2-bytelevel")
    tokens = tokens + ["<|im_start|>", "<|im_end|>"]
    types = [3 if t.startswith("<|") else 1 for t in tokens]
    cases.append(case("gpt2-bytelevel", "gpt2", "smollm", tokens, types, merges=merges,
                      bos=tokens.index("<|im_start|>"), eos=tokens.index("<|im_end|>")))
    tokens, merges = vocab_of("llama3-split")
    types = [3 if t.startswith("<|") else 1 for t in tokens]
    cases.append(case("gpt2-llama3-split", "gpt2", "llama-bpe", tokens, types, merges=merges,
                      bos=tokens.index("<|begin_of_text|>"), eos=tokens.index("<|eot_id|>"),
                      add_bos=True))
    with open(f"{OUT}/gguf-tokenizer-references.json", "w", encoding="utf-8") as f:
        json.dump({"texts": TEXTS, "cases": cases}, f, ensure_ascii=False, separators=(",", ":"))
    print(f"{len(cases)} GGUF tokenizers")


if __name__ == "__main__":
    main()
