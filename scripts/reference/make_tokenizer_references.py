"""Reference token ids for attnviz's tokenizer.json reader (HFTokenizer).

Builds small tokenizer.json files with the `tokenizers` library in the layouts real models use
(Llama 2 with a normalizer and byte fallback, Mistral's Metaspace, Llama 3's and Qwen2's split
regexes, RoBERTa, WordPiece, and variants for every split behaviour and Metaspace scheme), each
with a vocabulary trained on a small corpus, and writes for each the ids, tokens and offsets
the `tokenizers` library gives on the reference texts. Real files (all-MiniLM-L6-v2's, SmolLM2's
saved by transformers from its GGUF) are too large to commit: only their expected ids are.

    /work/venv/bin/python scripts/reference/make_tokenizer_references.py \
        [--minilm models/all-MiniLM-L6-v2/tokenizer.json] [--smollm2 DIR/tokenizer.json]

Writes Tests/AttnvizTokensTests/Fixtures/tokenizers/*.json and
Tests/AttnvizTokensTests/Fixtures/tokenizer-references.json.
"""

import argparse
import json
import os

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
from tokenizers import processors, trainers

OUT = "Tests/AttnvizTokensTests/Fixtures"

LECTURE = "The animal didn't cross the street because it was too tired."

TEXTS = [
    LECTURE,
    "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>",
    "<s>[INST] What is attention? [/INST]</s>",
    "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
    "def f(x):\n    return x**2  # square\n\tif a<=b: print('ok')",
    "12345 3.14 1,000,000 2024-01-01 3.14e-10 abc123def",
    "I ❤️ 🤖! 👍🏽 👨‍👩‍👧 🇫🇷",
    "注意力机制很重要。日本語のテキスト、한국어 텍스트",
    "Héllo naïve café résumé Ångström ÉCOLE e\u0301 ñ",
    "a  b   c\n\n\nd \t e   \n  f   ",
    "   leading and trailing   ",
    "I'll don't 'sup HE'S You'RE it'ſ WE'LL",
    "\u00a0x\u200by\u3000z\u2028w\u0085v\x0bu\x0ct\x00s\x1b[31mred",
    "\u0301abc \u0300",
    "ﬁ ① ² Ⅻ ｆｕｌｌ ＡＢＣ ℌ",
    "İstanbul ΣΑΣ ǅ ß ﬀ",
    "a" * 120 + " " + "ab" * 60,
    "!!!??? ... --- ((())) \"quoted\" [MASK] <mask> <unk>",
    "https://example.com/a?b=c&d=e#frag user@mail.org",
    "Hi<|im_end|>there <s>x</s> <mask>tail",
    "The cat sat on the mat. The dog barked.",
]

CORPUS = [
    LECTURE,
    "The cat sat on the mat. The dog barked at the animal in the street.",
    "Attention is all you need: queries, keys and values.",
    "It was too tired to cross; the street was too wide.",
    "def attention(q, k, v):\n    return softmax(q @ k.T) @ v\n",
    "for i in range(10):\n\tprint(i, i ** 2)\n",
    "Numbers like 12345, 3.14 and 2024-01-01 appear in text.",
    "Héllo café naïve résumé — élève, über, señor.",
    "I'll say it's what we've done; they're sure you'd agree.",
    "user: hello there! assistant: hi, how can I help?",
    "    indented code\n\n\nwith blank lines   and   spaces",
] * 20


def write(tokenizer, name):
    return save_data(json.loads(tokenizer.to_str()), name)


def byte_level_bpe(split_pattern=None, vocab_size=400, specials=(), ignore_merges=False,
                   normalizer=None):
    tok = Tokenizer(models.BPE(ignore_merges=ignore_merges))
    if normalizer is not None:
        tok.normalizer = normalizer
    if split_pattern is None:
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    else:
        tok.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(split_pattern), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=list(specials),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(CORPUS, trainer)
    return tok


LLAMA3 = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+"
          r"[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2 = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
         r"|\s*[\r\n]+|\s+(?!\S)|\s+")


def llama3():
    specials = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>",
                "<|end_header_id|>", "<|eot_id|>"]
    tok = byte_level_bpe(LLAMA3, specials=specials, ignore_merges=True)
    bos = tok.token_to_id("<|begin_of_text|>")
    tok.post_processor = processors.Sequence([
        processors.ByteLevel(trim_offsets=False),
        processors.TemplateProcessing(
            single="<|begin_of_text|> $A", pair="<|begin_of_text|> $A <|begin_of_text|> $B:1",
            special_tokens=[("<|begin_of_text|>", bos)]),
    ])
    return tok


def qwen2():
    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    tok = byte_level_bpe(QWEN2, specials=specials, normalizer=normalizers.NFC())
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    return tok


def roberta():
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    tok = byte_level_bpe(None, specials=specials)
    tok.add_special_tokens([AddedToken("<mask>", lstrip=True, special=True)])
    tok.post_processor = processors.RobertaProcessing(
        ("</s>", tok.token_to_id("</s>")), ("<s>", tok.token_to_id("<s>")))
    return tok


def gpt2_like():
    """GPT-2's layout with <|endoftext|> and merges written as "a b" strings."""
    tok = byte_level_bpe(None, specials=["<|endoftext|>"])
    return tok


from tokenizers import AddedToken  # noqa: E402


def sentencepiece_bpe(byte_fallback=True):
    """A Llama 2 style vocabulary: <unk> <s> </s>, the 256 byte tokens, then trained pieces."""
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=["<unk>", "<s>", "</s>"],
                                  limit_alphabet=60, show_progress=False)
    tok.train_from_iterator(CORPUS, trainer)
    data = json.loads(tok.to_str())
    trained = sorted(data["model"]["vocab"].items(), key=lambda kv: kv[1])
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for b in range(256):
        vocab[f"<0x{b:02X}>"] = len(vocab)
    for token, _ in trained:
        if token not in vocab:
            vocab[token] = len(vocab)
    data["model"]["vocab"] = vocab
    data["model"]["byte_fallback"] = byte_fallback
    data["model"]["fuse_unk"] = True
    data["model"]["merges"] = [" ".join(m) if isinstance(m, list) else m
                               for m in data["model"]["merges"]]
    for added in data["added_tokens"]:
        added["id"] = vocab[added["content"]]
    data["post_processor"] = json.loads(processors.TemplateProcessing(
        single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", 1)]).__getstate__())
    data["decoder"] = {"type": "Sequence", "decoders": [
        {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
        {"type": "ByteFallback"}, {"type": "Fuse"},
        {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}
    return data


def save_data(data, name):
    path = f"{OUT}/tokenizers/{name}.json"
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, separators=(",", ":"))
    return Tokenizer.from_file(path), path


def metaspace_variant(base, scheme, split, added=()):
    data = json.loads(json.dumps(base))
    data["normalizer"] = None
    data["pre_tokenizer"] = {"type": "Metaspace", "replacement": "▁", "prepend_scheme": scheme,
                             "split": split}
    data["decoder"] = {"type": "Metaspace", "replacement": "▁", "prepend_scheme": scheme,
                       "split": split}
    next_id = max(data["model"]["vocab"].values()) + 1
    for content, special, normalized in added:
        data["added_tokens"].append({"id": next_id, "content": content, "single_word": False,
                                     "lstrip": False, "rstrip": False, "normalized": normalized,
                                     "special": special})
        next_id += 1
    return data


def wordpiece():
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]", max_input_chars_per_word=30))
    tok.normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=True, strip_accents=False, lowercase=False)
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Punctuation(behavior="isolated"),
        pre_tokenizers.Digits(individual_digits=True)])
    trainer = trainers.WordPieceTrainer(
        vocab_size=300, special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"],
        show_progress=False)
    tok.train_from_iterator(CORPUS, trainer)
    tok.post_processor = processors.BertProcessing(
        ("[SEP]", tok.token_to_id("[SEP]")), ("[CLS]", tok.token_to_id("[CLS]")))
    tok.decoder = decoders.WordPiece()
    return tok


def bpe_suffixes():
    """BPE with a continuing-subword prefix and an end-of-word suffix, NFKC + lower-case +
    accent stripping, Whitespace and contiguous Digits, and added tokens with every flag."""
    tok = Tokenizer(models.BPE(unk_token="[UNK]", continuing_subword_prefix="##",
                               end_of_word_suffix="</w>"))
    tok.normalizer = normalizers.Sequence([
        normalizers.NFKD(), normalizers.StripAccents(), normalizers.Lowercase(),
        normalizers.Strip(), normalizers.Replace(Regex(r"\s+"), " "), normalizers.NFKC()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Whitespace(), pre_tokenizers.Digits(individual_digits=False)])
    trainer = trainers.BpeTrainer(
        vocab_size=300, special_tokens=["[UNK]", "[CLS]", "[SEP]"], show_progress=False,
        continuing_subword_prefix="##", end_of_word_suffix="</w>", limit_alphabet=50)
    tok.train_from_iterator(CORPUS, trainer)
    tok.add_tokens([
        AddedToken("cat", single_word=True, normalized=True),
        AddedToken("<mask>", lstrip=True, rstrip=True, normalized=False, special=True),
        AddedToken("[MASK]", rstrip=True, normalized=False),
        AddedToken("street", normalized=True),
    ])
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP] [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    return tok


def split_variant(base, behavior, invert, pattern):
    data = json.loads(base.to_str())
    data["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": pattern, "behavior": behavior, "invert": invert},
        {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": False}]}
    return data


# Offsets (checked against Token.sourceRange) only for these, to keep the fixture small.
WITH_OFFSETS = {"llama3-split", "metaspace-first", "wordpiece-cased",
                "bpe-suffixes", "roberta", "all-MiniLM-L6-v2", "SmolLM2-135M-Instruct"}


def cases(tokenizer, texts, offsets):
    out = []
    for text in texts:
        enc = tokenizer.encode(text)
        # Character offsets → UTF-8 byte offsets.
        starts = [0]
        for ch in text:
            starts.append(starts[-1] + len(ch.encode("utf-8")))
        case = {"ids": enc.ids}
        if offsets:
            case["offsets"] = [[starts[a], starts[b]] for a, b in enc.offsets]
        out.append(case)
    return out


# Tokenizers also checked on random hostile texts (ids only): every normalizer, split regex and
# model kind is among them.
HOSTILE_CHECKED = ["llama3-split", "qwen2-split", "metaspace-first", "llama2-legacy",
                   "wordpiece-cased", "bpe-suffixes", "roberta", "all-MiniLM-L6-v2",
                   "SmolLM2-135M-Instruct", "GPT-2"]


def hostile_texts(count=60, seed=7):
    """Random strings of spaces of every kind, apostrophes, combining marks, compatibility
    characters (NFKC), emoji, CJK, control characters and the added tokens' pieces."""
    import random
    alphabet = (list("abcXYZ  ") * 3 + list("0123456789'.,!?-") + ["'S", "'ll", "'\u017f"]
                + [" ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u2028", "\u0085",
                   "\u000b", "\u200b", "\u200d", "\u0301", "\u0308", "e\u0301", "\u1100\u1161",
                   "\ufb01", "\u2460", "\u00b2", "\u216b", "\uff46", "\uff76\uff9e", "\u210c",
                   "\u0130", "\u03a3", "\u00df", "\u00e9", "\u6ce8", "\u610f", "\ud55c",
                   "\U0001F600", "\U0001F44D\U0001F3FD", "\U0001F1EB\U0001F1F7", "\x00", "\x1b",
                   "\ufeff", "\ue000", "<s>", "</s>", "<|im_start|>", "<mask>", "[MASK]", "cat",
                   "street", "\u2581", "\u0120", "<0x41>"])
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 20)))
            for _ in range(count)]


def check_transformers(name, path):
    """transformers' AutoTokenizer on the folder must give the library's ids (it runs the same
    Rust tokenizer, with padding and truncation off); differences are printed."""
    from transformers import AutoTokenizer
    fast = Tokenizer.from_file(path)
    fast.no_padding()
    fast.no_truncation()
    auto = AutoTokenizer.from_pretrained(os.path.dirname(path))
    for text in TEXTS:
        if auto(text)["input_ids"] != fast.encode(text).ids:
            print(f"  note: transformers differs from tokenizers for {name} on {text!r}")


def merges_case(llama2):
    """Merges recovered from a vocabulary and scores, as transformers does for a GGUF file
    without merges (`generate_merges`): scores with ties, and Gemma's ranking by position
    (`gemma_tokenizer` in transformers' gguf_tokenizer_mapping.py)."""
    from transformers.tokenization_utils_base import generate_merges
    tokens = [t for t, _ in sorted(llama2["model"]["vocab"].items(), key=lambda kv: kv[1])]
    vocab = {t: i for i, t in enumerate(tokens)}
    scores = [-float(i // 3) for i in range(len(tokens))]
    return {"tokens": tokens, "scores": scores,
            "with_scores": generate_merges(vocab, dict(zip(tokens, scores))),
            "by_position": generate_merges(vocab, {t: -i for i, t in enumerate(tokens)})}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minilm", default="models/all-MiniLM-L6-v2/tokenizer.json")
    parser.add_argument("--smollm2", default="models/SmolLM2-135M-Instruct/tokenizer.json")
    parser.add_argument("--gpt2", default="models/gpt2-tokenizer/tokenizer.json")
    args = parser.parse_args()
    os.makedirs(f"{OUT}/tokenizers", exist_ok=True)
    for old in os.listdir(f"{OUT}/tokenizers"):
        os.remove(f"{OUT}/tokenizers/{old}")

    built = {}
    for name, make in [("llama3-split", llama3), ("qwen2-split", qwen2), ("roberta", roberta),
                       ("gpt2-bytelevel", gpt2_like), ("wordpiece-cased", wordpiece),
                       ("bpe-suffixes", bpe_suffixes)]:
        built[name] = write(make(), name)
    llama2 = sentencepiece_bpe()
    built["llama2-legacy"] = save_data(llama2, "llama2-legacy")
    built["llama2-no-fallback"] = save_data(sentencepiece_bpe(byte_fallback=False),
                                            "llama2-no-fallback")
    for scheme in ["always", "first", "never"]:
        for split in [False, True]:
            name = f"metaspace-{scheme}{'-split' if split else ''}"
            added = [("[INST]", True, False), ("[/INST]", True, False), ("cross", False, True)]
            built[name] = save_data(metaspace_variant(llama2, scheme, split, added), name)
    small = byte_level_bpe(None, vocab_size=290, specials=["<|endoftext|>"])
    patterns = [("space", {"String": " "}), ("punct", {"Regex": r"[\p{P}\p{S}]+"})]
    for behavior in ["Removed", "Isolated", "MergedWithPrevious", "MergedWithNext",
                     "Contiguous"]:
        for invert in [False, True]:
            for label, pattern in patterns:
                # The literal pattern once without and once with a merge is enough.
                if label == "space" and (invert or behavior not in ("Removed", "MergedWithNext")):
                    continue
                name = f"split-{label}-{behavior}{'-invert' if invert else ''}"
                built[name] = save_data(split_variant(small, behavior, invert, pattern), name)

    references = []
    hostile = hostile_texts()
    for name, (tok, path) in built.items():
        entry = {"name": name, "file": os.path.basename(path),
                 "cases": cases(tok, TEXTS, name in WITH_OFFSETS)}
        if name in HOSTILE_CHECKED:
            entry["hostile"] = [tok.encode(text).ids for text in hostile]
        references.append(entry)
    for name, path in [("all-MiniLM-L6-v2", args.minilm), ("SmolLM2-135M-Instruct", args.smollm2),
                       ("GPT-2", args.gpt2)]:
        if not os.path.exists(path):
            print(f"skipping {name}: {path} not found")
            continue
        tok = Tokenizer.from_file(path)
        tok.no_padding()
        tok.no_truncation()
        references.append({"name": name, "file": None,
                           "cases": cases(tok, TEXTS, name in WITH_OFFSETS),
                           "hostile": [tok.encode(text).ids for text in hostile]})
        check_transformers(name, path)
    with open(f"{OUT}/tokenizer-references.json", "w", encoding="utf-8") as f:
        json.dump({"texts": TEXTS, "hostile_texts": hostile, "tokenizers": references,
                   "generated_merges": merges_case(llama2)},
                  f, ensure_ascii=False, separators=(",", ":"))
    sizes = sum(os.path.getsize(f"{OUT}/tokenizers/{p}") for p in os.listdir(f"{OUT}/tokenizers"))
    print(f"{len(built)} tokenizer files, {sizes // 1024} KB; references for "
          f"{len(references)} tokenizers")


if __name__ == "__main__":
    main()
