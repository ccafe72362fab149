"""Reference token ids for the `\\A` and `\\z` anchors transformers 5 writes into tokenizer.json.

transformers 5 builds a tokenizer from a SentencePiece model itself
(`SpmConverter.build_tokenizer_from_spm_proto`, convert_slow_tokenizer.py), following the
model's normaliser spec; where the spec removes extra whitespace it writes
`Replace(Regex("\\A +| +\\z"), "")` (spaces at the very start and end of the text) and, with
`legacy`, `Replace(Regex("\\A▁"), "▁▁")`. This script builds both layouts (legacy true and false)
from the committed small unigram model (unigram-small.spm, hand-written normalisation rules,
see make_unigram_references.py) exactly as transformers does, saves them, and writes the ids the
`tokenizers` library (Oniguruma's `\\A` and `\\z`) gives on texts with leading, trailing and
repeated spaces, other whitespace, a leading ▁, and added tokens between spaces.

    /work/refvenv/bin/python scripts/reference/make_anchor_references.py

writes Tests/AttnvizTokensTests/Fixtures/tokenizers/unigram-anchors-{legacy,first}.json and
anchor-references.json (the format of unigram-references.json). attnviz never runs Python.
"""

import json
import os
import sys

from sentencepiece import sentencepiece_model_pb2
from tokenizers import AddedToken, Tokenizer
from transformers.convert_slow_tokenizer import SpmConverter

sys.path.insert(0, os.path.dirname(__file__))
from make_unigram_references import cases  # noqa: E402

OUT = "Tests/AttnvizTokensTests/Fixtures"

TEXTS = [
    "The black cat sat on the old mat.",
    "  leading spaces",
    "trailing spaces   ",
    "   both ends   ",
    "inner   repeated    spaces",
    " ",
    "     ",
    "x",
    " x ",
    "\u2581starts with the meta symbol",
    "\u2581\u2581two of them",
    "  \u2581 space then meta",
    "tab\tand\nnewline  \n  around ",
    "\n leading newline then space",
    "ends with a newline \n",
    "ﬁne ｆｕｌｌ　ｗｉｄｔｈ  ",
    "  <x> between added tokens <x>  and <x>",
    "<x>  at the start",
    "at the end  <x>",
]


def layout(proto, legacy):
    vocab = [(piece.piece, piece.score) for piece in proto.pieces]
    tokenizer = SpmConverter.build_tokenizer_from_spm_proto(proto, vocab, legacy=legacy)
    # An added token splits the text: the normaliser then runs on each part, so `\A` and `\z`
    # match at the edges of every part.
    tokenizer.add_tokens([AddedToken("<x>", normalized=False)])
    return tokenizer


def main():
    proto = sentencepiece_model_pb2.ModelProto()
    with open(f"{OUT}/unigram-small.spm", "rb") as f:
        proto.ParseFromString(f.read())
    assert proto.normalizer_spec.remove_extra_whitespaces and proto.normalizer_spec.add_dummy_prefix
    entries = []
    for name, legacy in [("unigram-anchors-legacy", True), ("unigram-anchors-first", False)]:
        path = f"{OUT}/tokenizers/{name}.json"
        layout(proto, legacy).save(path)
        text = open(path, encoding="utf-8").read()
        assert "\\\\A" in text and "\\\\z" in text, "transformers no longer writes the anchors"
        saved = Tokenizer.from_file(path)
        entries.append({"name": name, "file": f"{name}.json", "cases": cases(saved, TEXTS)})
        print(name, os.path.getsize(path), file=sys.stderr)
    with open(f"{OUT}/anchor-references.json", "w") as f:
        json.dump({"texts": TEXTS, "tokenizers": entries}, f, ensure_ascii=False, indent=0)
        f.write("\n")


if __name__ == "__main__":
    main()
