"""Small fixtures from llama.cpp's own tokenizer tests (issue #27): the vocabulary files
`ggml-vocab-bert-bge.gguf` and `ggml-vocab-gemma-4.gguf` with their `.inp` (test texts) and
`.out` (the ids llama.cpp's test expects, without BOS/EOS) from the llama-cpp-python 0.3.36 sdist
(`vendor/llama.cpp/models/`):

    pip download --no-binary :all: --no-deps llama-cpp-python==0.3.36 -d /tmp/sdist
    tar xzf /tmp/sdist/llama_cpp_python-0.3.36.tar.gz -C /tmp/sdist
    /work/refvenv/bin/python scripts/reference/make_llamacpp_vocab_fixtures.py \
        /tmp/sdist/llama_cpp_python-0.3.36/vendor/llama.cpp/models

The whole files are 0.6 and 15.8 MB; the tests need only the part of each vocabulary a test
text can reach, so this keeps, with their real ids:

- every token whose text is a substring of some form of a test text (as typed, lower-cased,
  decomposed without accent marks, with spaces as `▁`), with or without a leading `▁`;
- the byte tokens `<0x00>` … `<0xFF>` and every control, unknown and user-defined token;
- the merges (in their order) whose two halves and result are all kept tokens.

A BPE step can only merge two adjacent pieces of the text into a substring of it, and WordPiece
only looks up substrings, so the kept part gives the same ids on the test texts as the whole
vocabulary. The tests fill the ids left out with tokens no text holds.
"""

import json
import sys
import unicodedata
from pathlib import Path

import gguf

OUT = Path(__file__).resolve().parents[2] / "Tests/AttnvizTokensTests/Fixtures/llamacpp-vocabs"
SPACE = "\u2581"


def field(reader, name):
    f = reader.fields.get(name)
    if f is None:
        return None
    if f.types[0] == gguf.GGUFValueType.ARRAY:
        if f.types[-1] == gguf.GGUFValueType.STRING:
            return [bytes(f.parts[i]).decode("utf-8") for i in f.data]
        return [f.parts[i].tolist()[0] for i in f.data]
    if f.types[0] == gguf.GGUFValueType.STRING:
        return bytes(f.parts[f.data[0]]).decode("utf-8")
    return f.parts[f.data[0]].tolist()[0]


def forms(text):
    lower = text.lower()
    stripped = "".join(c for c in unicodedata.normalize("NFD", lower)
                       if unicodedata.category(c) != "Mn")
    return {text, lower, stripped, text.replace(" ", SPACE), lower.replace(" ", SPACE)}


def substrings(texts):
    found = set()
    for text in texts:
        for form in forms(text):
            for start in range(len(form)):
                for stop in range(start + 1, min(len(form), start + 64) + 1):
                    found.add(form[start:stop])
    return found


def make(models, name):
    path = Path(models) / f"ggml-vocab-{name}.gguf"
    reader = gguf.GGUFReader(str(path))
    texts = path.with_suffix(".gguf.inp").read_text(encoding="utf-8").split(
        "\n__ggml_vocab_test__\n")
    lines = path.with_suffix(".gguf.out").read_text(encoding="utf-8").split("\n")
    if texts and texts[-1].endswith("\n"):
        texts[-1] = texts[-1][:-1]
    ids = [[int(x) for x in line.split()] for line in lines[: len(texts)]]
    assert len(ids) == len(texts), (len(ids), len(texts))
    tokens = field(reader, "tokenizer.ggml.tokens")
    types = field(reader, "tokenizer.ggml.token_type")
    merges = field(reader, "tokenizer.ggml.merges")
    reachable = substrings(texts)
    keep = {}
    for index, (token, kind) in enumerate(zip(tokens, types)):
        bare = token[1:] if token.startswith(SPACE) and len(token) > 1 else token
        if (kind in (2, 3, 4) or (token.startswith("<0x") and len(token) == 6)
                or token in reachable or bare in reachable):
            keep[index] = token
    kept = set(keep.values())
    kept_merges = []
    for merge in merges or []:
        left, _, right = merge.partition(" ")
        if left in kept and right in kept and left + right in kept:
            kept_merges.append(merge)
    for text, expected in zip(texts, ids):
        missing = [i for i in expected if i not in keep]
        assert not missing, (text, missing)
    metadata = {
        key: field(reader, f"tokenizer.ggml.{key}")
        for key in ["model", "pre", "bos_token_id", "eos_token_id", "unknown_token_id",
                    "padding_token_id", "cls_token_id", "seperator_token_id", "add_bos_token",
                    "add_eos_token", "add_space_prefix"]
    }
    document = {
        "source": f"llama-cpp-python 0.3.36 sdist, vendor/llama.cpp/models/{path.name}",
        "architecture": field(reader, "general.architecture"),
        "metadata": {k: v for k, v in metadata.items() if v is not None},
        "count": len(tokens),
        "tokens": {str(i): t for i, t in keep.items()},
        "types": {str(i): types[i] for i in keep},
        "merges": kept_merges,
        "texts": texts,
        "ids": ids,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / f"{name}.json"
    target.write_text(json.dumps(document, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{target}: {len(keep)} of {len(tokens)} tokens, {len(kept_merges)} of "
          f"{len(merges or [])} merges, {len(texts)} texts, {target.stat().st_size} bytes")


if __name__ == "__main__":
    models = sys.argv[1] if len(sys.argv) > 1 else "/work/llamacpp-vocabs"
    for name in ["bert-bge", "gemma-4"]:
        make(models, name)
