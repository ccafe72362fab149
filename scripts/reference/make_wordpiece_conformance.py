"""Reference ids for BERT's WordPiece on the scalars where attnviz and Hugging Face disagreed
(issue #27): unassigned code points and noncharacters (kept, [UNK]), marks and format characters
newer than Unicode 8.0 (the version of the BERT normaliser's character tables: kept), private-use
text (dropped, leaving [CLS] [SEP]).

    /work/refvenv/bin/python scripts/reference/make_wordpiece_conformance.py \
        [models/all-MiniLM-L6-v2/tokenizer.json]

Writes Tests/AttnvizTokensTests/Fixtures/wordpiece-conformance.json: {texts: [...], ids: [[...]]}
from the `tokenizers` library with all-MiniLM-L6-v2's tokenizer.json (padding and truncation off).
"""

import json
import sys

from tokenizers import Tokenizer

path = sys.argv[1] if len(sys.argv) > 1 else "models/all-MiniLM-L6-v2/tokenizer.json"
tokenizer = Tokenizer.from_file(path)
tokenizer.no_padding()
tokenizer.no_truncation()

TEXTS = [
    "a\u0378b unassigned \U000E0080 x",
    "a \ufffe b \U0001ffff c \ufdd0 d \U0010ffff",
    "marks of 8.0 stripped: a\u08e3 e\u0301",
    "marks after 8.0 kept: a\u08d4 b\u0d00 c\u07fd d\u0eba e\u0b55 f\u0898 g\U00011241 h\U00011f5a",
    "format of 8.0 dropped: a\u200bb c\u061cd e\U0001bca0f",
    "format after 8.0 kept: a\u0890b c\U00013430d",
    "\ue000\ue001",
    "\ue000 \U000f0000",
    "a\ue000b",
    "café naïve Ελληνικά",
]

ids = [tokenizer.encode(text).ids for text in TEXTS]
with open("Tests/AttnvizTokensTests/Fixtures/wordpiece-conformance.json", "w") as out:
    json.dump({"tokenizer": "all-MiniLM-L6-v2", "texts": TEXTS, "ids": ids}, out, indent=1)
    out.write("\n")
for text, row in zip(TEXTS, ids):
    print(ascii(text), row)
