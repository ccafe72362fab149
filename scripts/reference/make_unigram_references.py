"""Reference token ids for tokenizer.json's `Unigram` model and `Precompiled` normaliser.

Trains two small SentencePiece unigram models with the `sentencepiece` library: one with the
real `nmt_nfkc` rules (the normaliser of T5, Marian and most SentencePiece models; its
precompiled character map is 237 kB, so its tokenizer.json is the one large file here), one with
a few hand-written rules (`RULES`: ligatures, full-width letters, a decomposed "e + acute" that
becomes one letter, a three-character sequence) whose map is small. From them it writes
tokenizer.json files in the layouts real models have, each read by the `tokenizers` library:

- `unigram-t5.json`: what transformers' `T5Tokenizer` saves (Precompiled; WhitespaceSplit then
  Metaspace; `</s>` appended; `<extra_id_N>` added tokens);
- `unigram-spm-converter.json`: transformers' `SpmConverter` layout (Precompiled, Strip right,
  Replace "  +" by "▁"; Metaspace with prepend "always"; control pieces as added tokens);
- `unigram-byte-fallback.json`: a Unigram trained by `tokenizers` itself (float64 scores, not
  float32 ones), NFKC, Metaspace with prepend "first", and `<0xNN>` byte pieces with
  `byte_fallback`.

and `unigram-references.json` with the ids the library gives on hard texts (those of
make_tokenizer_references.py plus normalisation cases), and the offsets on the texts the
normaliser leaves unchanged. Also writes the small model
(`unigram-small.spm`) for the encoder–decoder fixtures.

    /work/refvenv/bin/python scripts/reference/make_unigram_references.py

attnviz never runs Python; the tests read the committed files.
"""

import base64
import io
import json
import os
import sys

import sentencepiece as spm
from sentencepiece import sentencepiece_model_pb2
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
from tokenizers import AddedToken, Regex, trainers
from transformers import T5Tokenizer

sys.path.insert(0, os.path.dirname(__file__))
from make_tokenizer_references import TEXTS  # noqa: E402

OUT = "Tests/AttnvizTokensTests/Fixtures"

EXTRA_TEXTS = [
    "ﬁne ﬂow ﬀ ｆｕｌｌ　ｗｉｄｔｈ ＡＢＣ １２３",
    "cafe\u0301 re\u0301sume\u0301 e\u0301\u0302 o\u0308\u0301\u0323 n\u0303",
    "Ａ\u0301 ｅ\u0301 ①②③ ㎏ ㍿ ½ ™ …",
    "한국어 \u1100\u1161\u11a8 \u0915\u094d\u0937 \u0e01\u0e33 \u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    "👨‍👩‍👧‍👦 family 🏳️‍🌈 flag 👍🏽 x\u200dy",
    "<pad> </s> <unk> <extra_id_0> x<extra_id_1>y",
    "tab\tnew\nline\r\nvertical\x0bform\x0c end",
    "The black cat sat on the old mat because it was tired.",
    "O gato preto sentou-se no tapete velho porque estava cansado.",
    "Os cientistas descobriram que a floresta antiga armazena mais carbono.",
    "qxz qqq zzzz xyzzy",
    "a" * 300,
]

CORPUS = [
    "The black cat sat on the old mat because it was tired.",
    "O gato preto sentou-se no tapete velho porque estava cansado.",
    "The animal didn't cross the street because it was too tired.",
    "Attention is all you need: queries, keys and values.",
    "Maria and João live in Lisbon, but Pedro lives in Porto.",
    "Maria e João moram em Lisboa, mas Pedro mora no Porto.",
    "Where is the train station? Onde fica a estação de comboios?",
    "I bought 3 apples and 12 oranges for 5 euros. Comprei 3 maçãs e 12 laranjas.",
    "Scientists have discovered that the ancient forest stores more carbon.",
    "Os cientistas descobriram que a floresta antiga armazena mais carbono.",
    "The new red car is faster than the old white one.",
    "O carro vermelho novo é mais rápido do que o velho branco.",
    "Héllo café naïve résumé — élève, über, señor. fine flow full width",
    "def f(x):\n    return x**2  # square",
    "12345 3.14 1,000,000 2024-01-01",
    "注意力机制很重要。日本語のテキスト",
] * 30

# Hand-written rules: source code points → target code points (sentencepiece's TSV format).
RULES = [
    ("FB01", "66 69"),  # ﬁ → fi
    ("FB02", "66 6C"),  # ﬂ → fl
    ("FF21", "41"), ("FF22", "42"), ("FF23", "43"),  # Ａ Ｂ Ｃ
    ("FF46", "66"), ("FF55", "75"), ("FF4C", "6C"), ("FF57", "77"), ("FF49", "69"),
    ("FF44", "64"), ("FF54", "74"), ("FF48", "68"), ("FF45", "65"),
    ("3000", "20"),  # ideographic space → space
    ("65 301", "E9"),  # e + combining acute → é (a rule longer than one character)
    ("41 301", "C1"),  # A + combining acute → Á
    ("6F 308 301", "1E4F"),  # o + diaeresis + acute → ṏ (three characters)
    ("2460", "31"), ("2461", "32"), ("2462", "33"),  # ① ② ③
    ("2026", "2E 2E 2E"),  # … → ...
    ("9", "20"), ("A", "20"), ("D", "20"),  # tab, newline, carriage return → space
    ("200D", ""),  # zero-width joiner removed
]


def train(name, normalization):
    """A unigram .spm trained on CORPUS with the given normalisation."""
    path = f"/tmp/attnviz-unigram-{name}"
    with open(path + ".txt", "w") as f:
        f.write("\n".join(CORPUS) + "\n")
    args = dict(
        input=path + ".txt", model_prefix=path, vocab_size=400, model_type="unigram",
        character_coverage=1.0, hard_vocab_limit=False, pad_id=0, eos_id=1, unk_id=2, bos_id=-1,
        minloglevel=2, num_threads=1, seed_sentencepiece_size=100000, shuffle_input_sentence=False)
    if normalization == "rules":
        with open(path + ".tsv", "w") as f:
            for source, target in RULES:
                f.write(f"{source}\t{target}\n")
        args["normalization_rule_tsv"] = path + ".tsv"
    else:
        args["normalization_rule_name"] = normalization
    spm.SentencePieceTrainer.train(**args)
    proto = sentencepiece_model_pb2.ModelProto()
    with open(path + ".model", "rb") as f:
        proto.ParseFromString(f.read())
    return path + ".model", proto


def t5_layout(model_path, proto):
    vocab = [(p.piece, p.score) for p in proto.pieces]
    tokenizer = T5Tokenizer(
        vocab=vocab + [(f"<extra_id_{i}>", 0.0) for i in range(2, -1, -1)],
        _spm_precompiled_charsmap=proto.normalizer_spec.precompiled_charsmap, extra_ids=3)
    return tokenizer._tokenizer


def spm_converter_layout(proto):
    vocab = [(p.piece, p.score) for p in proto.pieces]
    tok = Tokenizer(models.Unigram(vocab, unk_id=proto.trainer_spec.unk_id, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(proto.normalizer_spec.precompiled_charsmap),
        normalizers.Strip(left=False, right=True),
        normalizers.Replace(Regex(" {2,}"), "▁"),
    ])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    tok.add_tokens([
        AddedToken(p.piece, normalized=False, special=True)
        for p in proto.pieces if p.type == 3
    ])
    return tok


def byte_fallback_layout():
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first")
    trainer = trainers.UnigramTrainer(
        vocab_size=300, special_tokens=["<unk>", "<s>", "</s>"], unk_token="<unk>",
        shrinking_factor=0.75)
    tok.train_from_iterator(CORPUS, trainer)
    trained = json.loads(tok.to_str())["model"]
    vocab = [tuple(entry) for entry in trained["vocab"]]
    low = min(score for _, score in vocab)
    vocab += [(f"<0x{b:02X}>", low - 1.0) for b in range(256)]
    tok.model = models.Unigram(vocab, unk_id=trained["unk_id"], byte_fallback=True)
    tok.decoder = decoders.Sequence([
        decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(),
        decoders.Strip(content=" ", left=1)])
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", 1), ("</s>", 2)])
    tok.add_special_tokens(["<unk>", "<s>", "</s>"])
    return tok


def cases(tokenizer, texts):
    out = []
    for text in texts:
        encoding = tokenizer.encode(text)
        # Character offsets → UTF-8 byte offsets.
        starts = [0]
        for ch in text:
            starts.append(starts[-1] + len(ch.encode("utf-8")))
        case = {"ids": encoding.ids}
        # Offsets only where normalising leaves the text as it is: where it changes the text,
        # tokenizers aligns replaced characters in its own way and attnviz gives a token the
        # bytes of the whole cluster it came from.
        if tokenizer.normalizer is None or tokenizer.normalizer.normalize_str(text) == text:
            case["offsets"] = [[starts[a], starts[b]] for a, b in encoding.offsets]
        out.append(case)
    return out


def main():
    os.makedirs(f"{OUT}/tokenizers", exist_ok=True)
    nfkc_path, nfkc = train("nmt-nfkc", "nmt_nfkc")
    rules_path, rules = train("rules", "rules")
    with open(rules_path, "rb") as f, open(f"{OUT}/unigram-small.spm", "wb") as g:
        g.write(f.read())
    built = {
        "unigram-t5": t5_layout(nfkc_path, nfkc),
        "unigram-t5-rules": t5_layout(rules_path, rules),
        "unigram-spm-converter": spm_converter_layout(rules),
        "unigram-byte-fallback": byte_fallback_layout(),
    }
    texts = TEXTS + EXTRA_TEXTS
    entries = []
    for name, tokenizer in built.items():
        tokenizer.save(f"{OUT}/tokenizers/{name}.json")
        # Read back: the test reads the file, so the reference comes from the file too.
        saved = Tokenizer.from_file(f"{OUT}/tokenizers/{name}.json")
        entries.append({"name": name, "file": f"{name}.json", "cases": cases(saved, texts)})
    # The sentencepiece library agrees with the T5 layout wherever T5's layout is faithful.
    processor = spm.SentencePieceProcessor(model_file=nfkc_path)
    agree = sum(
        processor.encode(t) + [1] == c["ids"] for t, c in zip(texts, entries[0]["cases"]))
    print(f"sentencepiece equals the T5 layout on {agree} of {len(texts)} texts")
    with open(f"{OUT}/unigram-references.json", "w") as f:
        json.dump({"texts": texts, "tokenizers": entries}, f, ensure_ascii=False, indent=0)
        f.write("\n")
    for name in built:
        print(name, os.path.getsize(f"{OUT}/tokenizers/{name}.json"))


if __name__ == "__main__":
    main()
