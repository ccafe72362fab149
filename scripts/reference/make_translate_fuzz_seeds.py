"""Seeds for the FuzzMarian and FuzzSentencePiece targets (Fuzz/Corpus/), small and valid, so
the fuzzer starts from inputs that reach the model builder and the tokenizer:

- FuzzMarian/tiny.bin: a Marian binary model in the layout of marian-dev's binary.cpp with the
  Firefox models' item names and configuration, shrunk to d 8, 2 heads, 1 encoder and 1 decoder
  layer, feed-forward 16, vocabulary 12; matrices intgemm8 with a multiplier, vectors float32;
- FuzzSentencePiece/identity.spm and rules.spm: unigram models trained by the `sentencepiece`
  library on a few sentences, one with the identity normaliser (no character map), one with a
  two-rule precompiled character map (a TSV of normalisation rules).

    /work/refvenv/bin/python scripts/reference/make_translate_fuzz_seeds.py
"""

import struct
import tempfile
from pathlib import Path

import numpy as np
import sentencepiece

CONFIG = """type: transformer
dim-emb: 8
enc-depth: 1
dec-depth: 1
transformer-heads: 2
transformer-dim-ffn: 16
transformer-decoder-autoreg: rnn
dec-cell: ssru
transformer-postprocess: dan
transformer-preprocess: ""
transformer-postprocess-emb: d
transformer-postprocess-top: ""
transformer-ffn-activation: relu
tied-embeddings-all: true
dim-vocabs:
  - 12
  - 12
"""


def marian(path):
    rng = np.random.default_rng(7)
    c, i, v = 8, 16, 12
    items = []

    def int8(name, shape):
        data = rng.integers(-127, 128, size=int(np.prod(shape)), dtype=np.int8).tobytes()
        data += struct.pack("<f", 40.0)
        items.append((name, 0x4101, shape, data + b"\0" * (-len(data) % 256)))

    def f32(name, count):
        data = rng.normal(0, 0.1, size=count).astype("<f4").tobytes()
        items.append((name, 0x0404, (1, count), data))

    def attention(prefix):
        for w in "qkvo":
            int8(f"{prefix}_W{w}", (c, c))
            f32(f"{prefix}_b{w}", c)
        f32(f"{prefix}_Wo_ln_scale", c)
        f32(f"{prefix}_Wo_ln_bias", c)

    def ffn(prefix):
        int8(f"{prefix}_W1", (c, i))
        f32(f"{prefix}_b1", i)
        int8(f"{prefix}_W2", (i, c))
        f32(f"{prefix}_b2", c)
        f32(f"{prefix}_ffn_ln_scale", c)
        f32(f"{prefix}_ffn_ln_bias", c)

    int8("Wemb", (v, c))
    f32("decoder_ff_logit_out_b", v)
    attention("encoder_l1_self")
    ffn("encoder_l1_ffn")
    int8("decoder_l1_rnn_W", (c, c))
    int8("decoder_l1_rnn_Wf", (c, c))
    f32("decoder_l1_rnn_bf", c)
    f32("decoder_l1_rnn_ffn_ln_scale", c)
    f32("decoder_l1_rnn_ffn_ln_bias", c)
    attention("decoder_l1_context")
    ffn("decoder_l1_ffn")
    text = CONFIG.encode() + b"\0"
    items.append(("special:model.yml", 0x0101, (len(text),), text))

    out = struct.pack("<QQ", 1, len(items))
    for name, kind, shape, data in items:
        out += struct.pack("<QQQQ", len(name) + 1, kind, len(shape), len(data))
    for name, *_ in items:
        out += name.encode() + b"\0"
    for _, _, shape, _ in items:
        out += struct.pack("<%di" % len(shape), *shape)
    padding = -(len(out) + 8) % 256
    out += struct.pack("<Q", padding) + b"\0" * padding
    for *_, data in items:
        out += data
    Path(path).write_bytes(out)


def spm(path, rules=None):
    text = "the cat sat on the mat\nthe dog sat on the log\nO gato preto sentou-se\n" * 20
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "corpus.txt"
        corpus.write_text(text)
        options = dict(input=str(corpus), model_prefix=str(Path(folder) / "m"), vocab_size=24,
                       model_type="unigram", eos_id=0, unk_id=1, bos_id=-1)
        if rules:
            tsv = Path(folder) / "rules.tsv"
            tsv.write_text(rules)
            options["normalization_rule_tsv"] = str(tsv)
        else:
            options["normalization_rule_name"] = "identity"
        sentencepiece.SentencePieceTrainer.train(**options)
        Path(path).write_bytes((Path(folder) / "m.model").read_bytes())


marian("Fuzz/Corpus/FuzzMarian/tiny.bin")
spm("Fuzz/Corpus/FuzzSentencePiece/identity.spm")
# Full-width A → a; "ﬁ" → "fi".
spm("Fuzz/Corpus/FuzzSentencePiece/rules.spm", rules="FF21\t61\nFB01\t66 69\n")
for p in sorted(Path("Fuzz/Corpus").glob("Fuzz[MS]*/*")):
    print(p, p.stat().st_size)
