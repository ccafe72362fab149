"""Seeds for the FuzzGGUF target (Fuzz/Corpus/FuzzGGUF/) that reach the `bert`, `gemma4` and `t5`
GGUF tokenizers: vocabulary-only GGUF files made from the committed excerpts of llama.cpp's test
vocabularies (Tests/AttnvizTokensTests/Fixtures/llamacpp-vocabs/, made by
make_llamacpp_vocab_fixtures.py), and for `t5` the small Unigram model with hand-written
normalisation rules (Tests/AttnvizTokensTests/Fixtures/unigram-small.spm, 400 pieces and a small
precompiled character map, made by make_unigram_references.py) converted as llama.cpp converts
T5 vocabularies (make_t5_gguf_vocab.py). The excerpts' ids are sparse; here the kept tokens are numbered
densely (special ids remapped), since a seed need only be a valid file the builder accepts, not
one that gives llama.cpp's ids. Without them the fuzzer reaches these builders only when a
mutation happens to spell the model's name.

    /work/refvenv/bin/python scripts/reference/make_gguf_tokenizer_fuzz_seeds.py
"""

import json
import os
import sys
from pathlib import Path

import gguf

sys.path.insert(0, os.path.dirname(__file__))
from make_t5_gguf_vocab import convert  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
VOCABS = ROOT / "Tests/AttnvizTokensTests/Fixtures/llamacpp-vocabs"
OUT = ROOT / "Fuzz/Corpus/FuzzGGUF"


def seed(name, out_name):
    data = json.loads((VOCABS / f"{name}.json").read_text(encoding="utf-8"))
    old_ids = sorted(int(i) for i in data["tokens"])
    new_id = {old: new for new, old in enumerate(old_ids)}
    tokens = [data["tokens"][str(i)] for i in old_ids]
    types = [data["types"][str(i)] for i in old_ids]
    meta = data["metadata"]
    path = OUT / out_name
    writer = gguf.GGUFWriter(str(path), data["architecture"])
    writer.add_tokenizer_model(meta["model"])
    if "pre" in meta:
        writer.add_tokenizer_pre(meta["pre"])
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    if data["merges"]:
        writer.add_token_merges(data["merges"])
    for key, add in [("bos_token_id", writer.add_bos_token_id),
                     ("eos_token_id", writer.add_eos_token_id),
                     ("unknown_token_id", writer.add_unk_token_id),
                     ("padding_token_id", writer.add_pad_token_id),
                     ("cls_token_id", lambda v: writer.add_uint32("tokenizer.ggml.cls_token_id", v)),
                     ("seperator_token_id",
                      lambda v: writer.add_uint32("tokenizer.ggml.seperator_token_id", v))]:
        if key in meta:
            add(new_id[meta[key]])
    if "add_bos_token" in meta:
        writer.add_add_bos_token(meta["add_bos_token"])
    if "add_space_prefix" in meta:
        writer.add_add_space_prefix(meta["add_space_prefix"])
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size} bytes, {len(tokens)} tokens")


if __name__ == "__main__":
    seed("bert-bge", "bert-tokenizer.gguf")
    seed("gemma-4", "gemma4-tokenizer.gguf")
    t5 = OUT / "t5-tokenizer.gguf"
    convert(ROOT / "Tests/AttnvizTokensTests/Fixtures/unigram-small.spm", t5)
    print(f"{t5.relative_to(ROOT)}: {t5.stat().st_size} bytes")
