"""Seed inputs for the FuzzGGUF target (Fuzz/Corpus/FuzzGGUF), written by the `gguf` package.

    /work/venv/bin/python scripts/make-fuzz-gguf-seeds.py

Small valid GGUF files (a few KB each, all under libFuzzer's -max_len of 64 KB) that between
them reach every part of the reader the target calls (`GGUFFile.fuzz`):

- `types.gguf`: one small tensor of every ggml type attnviz converts (F32, F16, BF16, Q8_0,
  Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K), one it does not (Q2_K), a 3-D and a 4-D tensor,
  and a metadata value of every GGUF type, arrays included.
- `llama-model.gguf`: a complete llama model (1 layer, hidden 8, 2 heads, 1 key/value head),
  so the configuration, the tensor table and the Q/K un-permutation run, with a SentencePiece
  tokenizer without merges (merges derived from the scores), byte fallback and control tokens.
- `qwen2-model.gguf`: a qwen2 model with Q/K/V biases, a byte-level tokenizer with merges and
  the qwen2 split, `general.alignment` 64.
- `gemma3-model.gguf`: a gemma3 model (2 layers, sliding window 4, q/k norms, the norms after
  the sub-blocks, IQ4_NL tensors) with Gemma's SentencePiece vocabulary: no
  merges (ranked by position), tokens of spaces only, a user-defined `<h1>`, `<start_of_turn>`.
- `gpt2-tokenizer.gguf`: metadata only, a byte-level tokenizer with GPT-2's split, a
  user-defined token and BOS/EOS added; written as GGUF version 2.

Random values come from a fixed seed, so the files are the same on every run.
"""

import os

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T
from gguf.quants import quantize

OUT = "Fuzz/Corpus/FuzzGGUF"
rng = np.random.default_rng(13)


def k_blocks(qtype, n_blocks):
    """Random K-quant blocks (gguf cannot quantise to them) with small finite f16 scales."""
    _, size = gguf.GGML_QUANT_SIZES[qtype]
    blocks = rng.integers(0, 256, size=(n_blocks, size), dtype=np.uint8)
    halves = {T.Q4_K: [0, 2], T.Q5_K: [0, 2], T.Q6_K: [208], T.Q2_K: [80, 82], T.Q3_K: [108],
              T.IQ4_NL: [0], T.IQ4_XS: [0]}[qtype]
    for offset in halves:
        scales = rng.uniform(-0.05, 0.05, size=n_blocks).astype(np.float16)
        blocks[:, offset:offset + 2] = scales.view(np.uint8).reshape(n_blocks, 2)
    return blocks


def add(writer, name, shape, qtype):
    """A tensor of `shape` (outermost first) in `qtype`, from random values."""
    if qtype in (T.Q4_K, T.Q5_K, T.Q6_K, T.Q2_K, T.Q3_K, T.IQ4_NL, T.IQ4_XS):
        block, _ = gguf.GGML_QUANT_SIZES[qtype]
        raw = k_blocks(qtype, int(np.prod(shape)) // block)
        writer.add_tensor(name, raw.reshape(*shape[:-1], -1), raw_dtype=qtype)
        return
    values = rng.normal(0, 0.5, size=shape).astype(np.float32)
    if qtype == T.F32:
        writer.add_tensor(name, values)
    elif qtype == T.F16:
        writer.add_tensor(name, values.astype(np.float16))
    else:
        writer.add_tensor(name, quantize(values, qtype), raw_dtype=qtype)


def finish(writer, path, version=None):
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    if version is not None:
        with open(path, "r+b") as f:
            f.seek(4)
            f.write(version.to_bytes(4, "little"))
    print(f"{path}: {os.path.getsize(path)} bytes")


def types():
    path = f"{OUT}/types.gguf"
    writer = gguf.GGUFWriter(path, "llama")
    writer.add_uint8("t.u8", 200)
    writer.add_int8("t.i8", -100)
    writer.add_uint16("t.u16", 60000)
    writer.add_int16("t.i16", -30000)
    writer.add_uint32("t.u32", 4000000000)
    writer.add_int32("t.i32", -2000000000)
    writer.add_float32("t.f32", 0.125)
    writer.add_uint64("t.u64", 2**63 + 5)
    writer.add_int64("t.i64", -(2**62))
    writer.add_float64("t.f64", 1e-300)
    writer.add_bool("t.bool", True)
    writer.add_string("t.string", "héllo 東京")
    writer.add_array("t.strings", ["a", "", "Ġthe"])
    writer.add_array("t.ints", [1, -2, 3])
    writer.add_array("t.floats", [0.5, -1.25])
    writer.add_array("t.bools", [True, False])
    for qtype, shape in [
        (T.F32, (3, 5)), (T.F16, (2, 7)), (T.BF16, (2, 6)), (T.Q8_0, (2, 32)),
        (T.Q4_0, (2, 32)), (T.Q4_1, (1, 64)), (T.Q5_0, (2, 32)), (T.Q5_1, (1, 32)),
        (T.Q4_K, (1, 256)), (T.Q5_K, (1, 256)), (T.Q6_K, (1, 256)), (T.Q2_K, (1, 256)),
    ]:
        add(writer, f"tensor.{qtype.name}", shape, qtype)
    add(writer, "cube", (2, 2, 3), T.F32)
    add(writer, "four", (1, 2, 1, 2), T.F16)
    finish(writer, path)


def sentencepiece_vocabulary():
    """A small SentencePiece-style vocabulary: specials, byte pieces, then pieces by score."""
    tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
    types = [2, 3, 3] + [6] * 256
    scores = [0.0, 0.0, 0.0] + [0.0] * 256
    pieces = ["▁", "t", "h", "e", "a", "c", "▁t", "he", "▁the", "▁c", "at", "▁cat", "<tool>"]
    for i, piece in enumerate(pieces):
        tokens.append(piece)
        types.append(4 if piece == "<tool>" else 1)
        scores.append(-float(i))
    return tokens, types, scores


def byte_level_vocabulary():
    """GPT-2's byte alphabet, a few merged tokens, and control tokens."""
    alphabet = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) \
        + list(range(ord("®"), ord("ÿ") + 1))
    characters = alphabet[:]
    n = 0
    for b in range(256):
        if b not in alphabet:
            alphabet.append(b)
            characters.append(256 + n)
            n += 1
    tokens = [chr(c) for c in characters]
    merges = ["Ġ t", "h e", "Ġt he", "i n", "Ġ c", "a t", "Ġc at"]
    tokens += ["Ġt", "he", "Ġthe", "in", "Ġc", "at", "Ġcat", "<|endoftext|>", "<|im_start|>",
               "<tool>"]
    types = [1] * (len(tokens) - 3) + [3, 3, 4]
    return tokens, types, merges


def llama_model():
    hidden, heads, kv, ffn = 8, 2, 1, 16
    tokens, types, scores = sentencepiece_vocabulary()
    vocab = len(tokens)
    path = f"{OUT}/llama-model.gguf"
    writer = gguf.GGUFWriter(path, "llama")
    writer.add_block_count(1)
    writer.add_context_length(32)
    writer.add_embedding_length(hidden)
    writer.add_feed_forward_length(ffn)
    writer.add_head_count(heads)
    writer.add_head_count_kv(kv)
    writer.add_rope_freq_base(10000.0)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_rope_dimension_count(hidden // heads)
    writer.add_vocab_size(vocab)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_unk_token_id(0)
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(True)
    head = hidden // heads
    add(writer, "token_embd.weight", (vocab, hidden), T.F16)
    add(writer, "output_norm.weight", (hidden,), T.F32)
    add(writer, "blk.0.attn_norm.weight", (hidden,), T.F32)
    add(writer, "blk.0.attn_q.weight", (hidden, hidden), T.F32)
    add(writer, "blk.0.attn_k.weight", (kv * head, hidden), T.F16)
    add(writer, "blk.0.attn_v.weight", (kv * head, hidden), T.BF16)
    add(writer, "blk.0.attn_output.weight", (hidden, hidden), T.F32)
    add(writer, "blk.0.ffn_norm.weight", (hidden,), T.F32)
    add(writer, "blk.0.ffn_gate.weight", (ffn, hidden), T.F16)
    add(writer, "blk.0.ffn_up.weight", (ffn, hidden), T.F16)
    add(writer, "blk.0.ffn_down.weight", (hidden, ffn), T.F16)
    finish(writer, path)


def qwen2_model():
    hidden, heads, ffn = 32, 2, 32
    tokens, types, merges = byte_level_vocabulary()
    vocab = len(tokens)
    path = f"{OUT}/qwen2-model.gguf"
    writer = gguf.GGUFWriter(path, "qwen2")
    writer.add_custom_alignment(64)
    writer.add_block_count(1)
    writer.add_context_length(64)
    writer.add_embedding_length(hidden)
    writer.add_feed_forward_length(ffn)
    writer.add_head_count(heads)
    writer.add_head_count_kv(heads)
    writer.add_rope_freq_base(1000000.0)
    writer.add_layer_norm_rms_eps(1e-6)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("qwen2")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    writer.add_eos_token_id(vocab - 3)
    writer.add_add_bos_token(False)
    add(writer, "token_embd.weight", (vocab, hidden), T.Q8_0)
    add(writer, "output_norm.weight", (hidden,), T.F32)
    add(writer, "output.weight", (vocab, hidden), T.Q4_0)
    add(writer, "blk.0.attn_norm.weight", (hidden,), T.F32)
    for name in ("attn_q", "attn_k", "attn_v"):
        add(writer, f"blk.0.{name}.weight", (hidden, hidden), T.Q8_0)
        add(writer, f"blk.0.{name}.bias", (hidden,), T.F32)
    add(writer, "blk.0.attn_output.weight", (hidden, hidden), T.Q4_1)
    add(writer, "blk.0.ffn_norm.weight", (hidden,), T.F32)
    add(writer, "blk.0.ffn_gate.weight", (ffn, hidden), T.Q5_0)
    add(writer, "blk.0.ffn_up.weight", (ffn, hidden), T.Q5_1)
    add(writer, "blk.0.ffn_down.weight", (hidden, ffn), T.Q8_0)
    finish(writer, path)


def gpt2_tokenizer():
    tokens, types, merges = byte_level_vocabulary()
    path = f"{OUT}/gpt2-tokenizer.gguf"
    writer = gguf.GGUFWriter(path, "gpt2")
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    writer.add_bos_token_id(len(tokens) - 3)
    writer.add_eos_token_id(len(tokens) - 3)
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(True)
    finish(writer, path, version=2)


def gemma3_model():
    hidden, heads, kv, head, ffn = 32, 2, 1, 16, 32
    tokens = ["<pad>", "<eos>", "<bos>", "<unk>", "<start_of_turn>", "<end_of_turn>", "<h1>"]
    types = [3, 3, 3, 3, 3, 3, 4]
    tokens += [f"<0x{b:02X}>" for b in range(256)]
    types += [6] * 256
    pieces = ["▁", "t", "h", "e", "a", "c", "  ", "   ", "▁t", "he", "▁the", "▁c", "at", "▁cat",
              "user", "\n"]
    tokens += pieces
    types += [1] * len(pieces)
    vocab = len(tokens)
    path = f"{OUT}/gemma3-model.gguf"
    writer = gguf.GGUFWriter(path, "gemma3")
    writer.add_block_count(2)
    writer.add_context_length(64)
    writer.add_embedding_length(hidden)
    writer.add_feed_forward_length(ffn)
    writer.add_head_count(heads)
    writer.add_head_count_kv(kv)
    writer.add_key_length(head)
    writer.add_value_length(head)
    writer.add_rope_freq_base(1000000.0)
    writer.add_layer_norm_rms_eps(1e-6)
    writer.add_sliding_window(4)
    writer.add_tokenizer_model("llama")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokens)
    writer.add_token_scores([-1000.0] * 7 + [0.0] * 256 + [-float(i) for i in range(len(pieces))])
    writer.add_token_types(types)
    writer.add_bos_token_id(2)
    writer.add_eos_token_id(1)
    writer.add_unk_token_id(3)
    writer.add_pad_token_id(0)
    writer.add_add_bos_token(True)
    writer.add_add_space_prefix(False)
    add(writer, "token_embd.weight", (vocab, hidden), T.F16)
    add(writer, "output_norm.weight", (hidden,), T.F32)
    for layer, qtype in ((0, T.Q8_0), (1, T.IQ4_NL)):
        blk = f"blk.{layer}"
        for norm in ("attn_norm", "post_attention_norm", "ffn_norm", "post_ffw_norm"):
            add(writer, f"{blk}.{norm}.weight", (hidden,), T.F32)
        add(writer, f"{blk}.attn_q_norm.weight", (head,), T.F32)
        add(writer, f"{blk}.attn_k_norm.weight", (head,), T.F32)
        add(writer, f"{blk}.attn_q.weight", (heads * head, hidden), qtype)
        add(writer, f"{blk}.attn_k.weight", (kv * head, hidden), T.Q8_0)
        add(writer, f"{blk}.attn_v.weight", (kv * head, hidden), T.IQ4_NL)
        add(writer, f"{blk}.attn_output.weight", (hidden, heads * head), T.F16)
        add(writer, f"{blk}.ffn_gate.weight", (ffn, hidden), qtype)
        add(writer, f"{blk}.ffn_up.weight", (ffn, hidden), T.F16)
        add(writer, f"{blk}.ffn_down.weight", (hidden, ffn), T.IQ4_NL)
    finish(writer, path)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    types()
    llama_model()
    qwen2_model()
    gpt2_tokenizer()
    gemma3_model()
