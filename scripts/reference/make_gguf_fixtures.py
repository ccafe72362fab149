"""Small GGUF files for the reader and dequantiser tests (see README.md in this folder).

    /work/venv/bin/python scripts/reference/make_gguf_fixtures.py

Writes into Tests/AttnvizModelTests/Fixtures/gguf/:
- `types.gguf`: one tensor per ggml type attnviz reads (F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0,
  Q5_1, Q4_K, Q5_K, Q6_K, Q2_K, Q3_K, IQ4_NL, IQ4_XS), written by the `gguf` package's
  GGUFWriter. F16 … Q5_1 are random floats quantised by `gguf.quants.quantize`; the K-quants and
  IQ4 types, which it cannot quantise, are random block bytes with finite f16 scales (valid
  blocks all the same). One metadata key of every value
  type, arrays of strings, integers, floats and bools included.
- `types-expected.json`: per tensor its shape and the float32 bit patterns `gguf.quants.dequantize`
  gives, so the Swift test compares bit for bit.
- `llama-tokenizer.gguf`: metadata only, a SentencePiece BPE vocabulary of 400 pieces with byte
  fallback (trained here by the `sentencepiece` library, written as llama.cpp's converter writes
  one: tokens, scores, token types, no merges), and `llama-tokenizer-expected.json`: the ids
  transformers' AutoTokenizer gives for it on a few texts (BOS included, as the file says), with
  llama.cpp's leading-▁ rule (common.llamacpp_space_rule).
"""

import json
import os
import sys
import tempfile

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T
from gguf.quants import dequantize, quantize

sys.path.insert(0, os.path.dirname(__file__))
from common import llamacpp_space_rule  # noqa: E402

OUT = "Tests/AttnvizModelTests/Fixtures/gguf"
rng = np.random.default_rng(20261129)


def random_k_blocks(qtype, n_blocks):
    """Random bytes for `n_blocks` blocks, with every f16 scale replaced by a finite one."""
    _, type_size = gguf.GGML_QUANT_SIZES[qtype]
    blocks = rng.integers(0, 256, size=(n_blocks, type_size), dtype=np.uint8)
    # Offsets of the f16 fields in each block (ggml-common.h).
    halves = {T.Q4_K: [0, 2], T.Q5_K: [0, 2], T.Q6_K: [208], T.Q2_K: [80, 82], T.Q3_K: [108],
              T.IQ4_NL: [0], T.IQ4_XS: [0]}[qtype]
    for offset in halves:
        scales = rng.uniform(-0.05, 0.05, size=n_blocks).astype(np.float16)
        blocks[:, offset:offset + 2] = scales.view(np.uint8).reshape(n_blocks, 2)
    return blocks


def main():
    os.makedirs(OUT, exist_ok=True)
    writer = gguf.GGUFWriter(f"{OUT}/types.gguf", "llama")
    writer.add_uint8("test.uint8", 200)
    writer.add_int8("test.int8", -100)
    writer.add_uint16("test.uint16", 60000)
    writer.add_int16("test.int16", -30000)
    writer.add_uint32("test.uint32", 4000000000)
    writer.add_int32("test.int32", -2000000000)
    writer.add_float32("test.float32", 0.125)
    writer.add_uint64("test.uint64", 2**63 + 5)
    writer.add_int64("test.int64", -(2**62))
    writer.add_float64("test.float64", 1e-300)
    writer.add_bool("test.bool", True)
    writer.add_string("test.string", "héllo 東京")
    writer.add_array("test.strings", ["a", "", "Ġthe", "<|im_end|>"])
    writer.add_array("test.ints", [1, -2, 3])
    writer.add_array("test.floats", [0.5, -1.25])
    writer.add_array("test.bools", [True, False])

    expected = {}
    for qtype, shape in [
        (T.F32, (3, 5)), (T.F16, (2, 7)), (T.BF16, (2, 6)), (T.Q8_0, (3, 64)),
        (T.Q4_0, (2, 64)), (T.Q4_1, (3, 32)), (T.Q5_0, (2, 64)), (T.Q5_1, (2, 64)),
        (T.Q4_K, (2, 256)), (T.Q5_K, (1, 512)), (T.Q6_K, (2, 256)),
        # Added later, after the others so that their random bytes stay the same.
        (T.Q2_K, (2, 256)), (T.Q3_K, (1, 512)), (T.IQ4_NL, (2, 64)), (T.IQ4_XS, (2, 256)),
    ]:
        name = f"tensor.{qtype.name}"
        if qtype in (T.Q4_K, T.Q5_K, T.Q6_K, T.Q2_K, T.Q3_K, T.IQ4_NL, T.IQ4_XS):
            block, _ = gguf.GGML_QUANT_SIZES[qtype]
            raw = random_k_blocks(qtype, shape[0] * shape[1] // block)
            raw = raw.reshape(shape[0], -1)
        else:
            values = rng.normal(0, 1, size=shape).astype(np.float32)
            raw = quantize(values, qtype)
        if qtype in (T.F32, T.F16):
            writer.add_tensor(name, raw)
        else:
            writer.add_tensor(name, raw.view(np.uint8), raw_dtype=qtype)
        floats = dequantize(raw.view(np.uint8) if qtype != T.F32 else raw, qtype)
        floats = np.asarray(floats, dtype=np.float32).reshape(shape)
        expected[name] = {"type": qtype.name, "shape": list(shape),
                          "bits": floats.reshape(-1).view(np.uint32).tolist()}
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()

    # Check the file reads back as written, with the package's own reader.
    reader = gguf.GGUFReader(f"{OUT}/types.gguf")
    for tensor in reader.tensors:
        floats = np.asarray(dequantize(tensor.data, tensor.tensor_type), dtype=np.float32)
        assert floats.reshape(-1).view(np.uint32).tolist() == expected[tensor.name]["bits"]
    with open(f"{OUT}/types-expected.json", "w") as f:
        json.dump(expected, f, separators=(",", ":"))
        f.write("\n")
    for name in ("types.gguf", "types-expected.json"):
        print(f"{OUT}/{name}: {os.path.getsize(f'{OUT}/{name}')} bytes")


LLAMA_CORPUS = """The animal didn't cross the street because it was too tired.
The cat sat on the mat. Attention is all you need.
Transformers weigh every token against every other token.
It was the best of times, it was the worst of times.
Numbers like 2026 and 3.14 appear too; so do tabs and    spaces.
""" * 20

LLAMA_TEXTS = [
    "The animal didn't cross the street because it was too tired.",
    "Hello world",
    " leading space",
    "two  spaces and\ttab\nnewline",
    "digits 12345 and 3.14",
    "unknown letters: żółć ξ 東京 🍣",
    "<s>inside</s> and <tool> use",
]


def make_llama_tokenizer():
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2
    from transformers import AutoTokenizer

    with tempfile.TemporaryDirectory() as folder:
        with open(f"{folder}/corpus.txt", "w") as f:
            f.write(LLAMA_CORPUS)
        spm.SentencePieceTrainer.train(
            input=f"{folder}/corpus.txt", model_prefix=f"{folder}/tiny", vocab_size=400,
            model_type="bpe", byte_fallback=True, character_coverage=1.0, split_digits=True,
            user_defined_symbols=["<tool>"], num_threads=1, minloglevel=2)
        proto = sentencepiece_model_pb2.ModelProto()
        with open(f"{folder}/tiny.model", "rb") as f:
            proto.ParseFromString(f.read())
    # llama.cpp's token types: 1 normal, 2 unknown, 3 control, 4 user-defined, 6 byte.
    kinds = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6}
    tokens = [piece.piece for piece in proto.pieces]
    scores = [piece.score for piece in proto.pieces]
    types = [kinds[piece.type] for piece in proto.pieces]
    path = f"{OUT}/llama-tokenizer.gguf"
    writer = gguf.GGUFWriter(path, "llama")
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_unk_token_id(0)
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()

    tokenizer = llamacpp_space_rule(
        AutoTokenizer.from_pretrained(OUT, gguf_file="llama-tokenizer.gguf"))
    cases = []
    for text in LLAMA_TEXTS:
        ids = tokenizer(text)["input_ids"]
        cases.append({"text": text, "ids": ids, "tokens": tokenizer.convert_ids_to_tokens(ids)})
        print(text, "->", cases[-1]["tokens"])
    with open(f"{OUT}/llama-tokenizer-expected.json", "w") as f:
        json.dump(cases, f, ensure_ascii=False, indent=0)
        f.write("\n")


if __name__ == "__main__":
    main()
    make_llama_tokenizer()
