"""Reference splits for attnviz's regex engine and pre-tokenizers (SplitRegex, HFTokenizer's
PreTokenizer), from the `tokenizers` library, on random hostile texts: mixed scripts, every
kind of whitespace, apostrophes with odd case (`'S`, `'ſ`), combining marks, emoji, digits.

    /work/venv/bin/python scripts/reference/make_split_references.py   (from the package root)

Writes Tests/AttnvizTokensTests/Fixtures/split-references.json: for each pre-tokenizer (its
tokenizer.json form) the pieces of each text as [start, end) in Unicode scalars.
"""

import json
import os
import random
import sys

from tokenizers import Tokenizer, models

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_tokenizer_references import LLAMA3, QWEN2  # noqa: E402

GPT2 = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""

ALPHABET = (
    list("abcXYZ ") * 4 + list("0123456789") + list("'''") + ["S", "T", "ſ", "K", "ß", "İ"]
    + [" ", " ", "  ", "\t", "\n", "\r\n", "\r", "\u00a0", "\u3000", "\u2028", "\u0085",
       "\u000b", "\u000c", "\u200b", "\u2009"]
    + list(".,;:!?-_()[]{}<>\"/\\#$%^&*+=|~`@") + ["\u0301", "\u0300", "\u20dd"]
    + ["é", "ñ", "Ω", "ж", "注", "意", "日", "本", "한", "ー", "ｱ", "①", "²", "Ⅻ", "٣", "߀"]
    + ["😀", "👍🏽", "❤️", "🇫🇷", "\u200d", "🤖", "\U0001F600"]
    + ["\x00", "\x1b", "\x7f", "\ufeff", "\ue000"]
)


def random_texts(count, seed=20261129):
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        n = rng.randint(1, 24)
        texts.append("".join(rng.choice(ALPHABET) for _ in range(n)))
    texts += ["", " ", "   ", "a   b", "\n\n\n", " \n ", "I'LL 'Sup it's", "'s's's", "12345678",
              "x" * 50 + " " * 30 + "y", "  \t\n  a", "abc   \n\n  def  "]
    return texts


def regex_split(pattern, behavior="Isolated", invert=False):
    return {"type": "Split", "pattern": {"Regex": pattern}, "behavior": behavior,
            "invert": invert}


# transformers' GGUF table (integrations/gguf/gguf_tokenizer_mapping.py).
TEKKEN = (r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+"
          r"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*"
          r"|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+")
GPT4O = (r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+"
         r"(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
         r"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*"
         r"(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
         r"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN35 = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}"
          r"| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")

CONFIGS = [
    regex_split(GPT2), regex_split(LLAMA3), regex_split(QWEN2),
    regex_split(LLAMA3, "Removed", True),
    regex_split(r"\p{N}{1,3}?|\s+?x|(?=a)b|[^\W\d]+|(?:ab)+|\d{2,}|[\p{Lu}\p{Lt}]\p{Ll}*"),
    regex_split(r"(?i:abc|ss)|[\x41-\x43\u00e9]+|\S+?(?!\s)|\.|\\|-|\w\W"),
    {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
    {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
    {"type": "Whitespace"}, {"type": "WhitespaceSplit"}, {"type": "BertPreTokenizer"},
    {"type": "Punctuation", "behavior": "Contiguous"},
    {"type": "Digits", "individual_digits": True}, {"type": "Digits", "individual_digits": False},
    {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True},
    {"type": "CharDelimiterSplit", "delimiter": "a"},
    {"type": "Sequence", "pretokenizers": [
        {"type": "Digits", "individual_digits": True},
        {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
         "use_regex": True}]},
    regex_split(TEKKEN), regex_split(GPT4O), regex_split(QWEN35),
]


def main():
    texts = random_texts(60)
    results = []
    for config in CONFIGS:
        tok = Tokenizer(models.BPE())
        data = json.loads(tok.to_str())
        data["pre_tokenizer"] = config
        tok = Tokenizer.from_str(json.dumps(data))
        splits = []
        for text in texts:
            pieces = tok.pre_tokenizer.pre_tokenize_str(text)
            splits.append([[a, b] for _, (a, b) in pieces])
        results.append({"config": config, "splits": splits})
    with open("Tests/AttnvizTokensTests/Fixtures/split-references.json", "w",
              encoding="utf-8") as f:
        json.dump({"texts": texts, "pretokenizers": results}, f, ensure_ascii=False,
                  separators=(",", ":"))
    print(f"{len(CONFIGS)} pre-tokenizers × {len(texts)} texts")


if __name__ == "__main__":
    main()
