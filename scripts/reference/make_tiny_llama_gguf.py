"""A tiny Llama as a GGUF file, written the way llama.cpp's converter writes one, and the attention
transformers computes when it loads that file (see README.md in this folder).

    /work/venv/bin/python scripts/reference/make_tiny_llama_gguf.py

Writes Tests/AttnvizModelTests/Fixtures/gguf/tiny-llama.gguf: 2 layers, hidden 64, 4 query heads
sharing 2 key/value heads, feed-forward 128, RoPE θ 10000, random weights drawn with a large
spread so attention is peaked, Q and K rows permuted as llama.cpp's `LlamaModel.permute` does,
tensors in several types (Q8_0, Q4_0, Q5_1, F16, BF16, F32), and the SentencePiece tokenizer of
llama-tokenizer.gguf (make_gguf_fixtures.py runs first). Then tiny-llama-expected.json: ids and
every layer's attention (millionths) from transformers' AutoModelForCausalLM on the same file.
"""

import json
import os
import sys

import numpy as np
import torch
import gguf
from gguf import GGMLQuantizationType as T
from gguf.quants import quantize
from transformers import AutoModelForCausalLM, AutoTokenizer

sys.path.insert(0, os.path.dirname(__file__))
from common import llamacpp_space_rule  # noqa: E402

OUT = "Tests/AttnvizModelTests/Fixtures/gguf"
LAYERS, HIDDEN, HEADS, KV_HEADS, FFN = 2, 64, 4, 2, 128
HEAD_DIM = HIDDEN // HEADS
TEXTS = [
    "The animal didn't cross the street because it was too tired.",
    "<s>two  spaces and\ttab digits 12345",
]
rng = np.random.default_rng(11)


def permute(weights, n_head):
    """llama.cpp's convert_hf_to_gguf.py `LlamaModel.permute`."""
    return (weights.reshape(n_head, 2, weights.shape[0] // n_head // 2, *weights.shape[1:])
            .swapaxes(1, 2).reshape(weights.shape))


def add(writer, name, values, qtype):
    values = values.astype(np.float32)
    if qtype == T.F32:
        writer.add_tensor(name, values)
    elif qtype == T.F16:
        writer.add_tensor(name, values.astype(np.float16))
    else:
        writer.add_tensor(name, quantize(values, qtype), raw_dtype=qtype)


def main():
    source = gguf.GGUFReader(f"{OUT}/llama-tokenizer.gguf")
    tokens = [bytes(source.fields["tokenizer.ggml.tokens"].parts[i]).decode()
              for i in source.fields["tokenizer.ggml.tokens"].data]
    scores = [float(source.fields["tokenizer.ggml.scores"].parts[i][0])
              for i in source.fields["tokenizer.ggml.scores"].data]
    types = [int(source.fields["tokenizer.ggml.token_type"].parts[i][0])
             for i in source.fields["tokenizer.ggml.token_type"].data]
    vocab = len(tokens)

    path = f"{OUT}/tiny-llama.gguf"
    writer = gguf.GGUFWriter(path, "llama")
    writer.add_name("tiny-llama")
    writer.add_block_count(LAYERS)
    writer.add_context_length(64)
    writer.add_embedding_length(HIDDEN)
    writer.add_feed_forward_length(FFN)
    writer.add_head_count(HEADS)
    writer.add_head_count_kv(KV_HEADS)
    writer.add_rope_freq_base(10000.0)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_rope_dimension_count(HEAD_DIM)
    writer.add_vocab_size(vocab)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_unk_token_id(0)
    writer.add_add_bos_token(True)

    def normal(*shape, scale=1.0):
        return rng.normal(0, scale, size=shape)

    add(writer, "token_embd.weight", normal(vocab, HIDDEN), T.Q8_0)
    add(writer, "output_norm.weight", 1 + normal(HIDDEN, scale=0.2), T.F32)
    for layer in range(LAYERS):
        q = normal(HEADS * HEAD_DIM, HIDDEN, scale=0.12)
        k = normal(KV_HEADS * HEAD_DIM, HIDDEN, scale=0.12)
        add(writer, f"blk.{layer}.attn_norm.weight", 1 + normal(HIDDEN, scale=0.3), T.F32)
        add(writer, f"blk.{layer}.attn_q.weight", permute(q, HEADS), T.Q8_0)
        add(writer, f"blk.{layer}.attn_k.weight", permute(k, KV_HEADS), T.Q4_0 if layer else T.F16)
        add(writer, f"blk.{layer}.attn_v.weight", normal(KV_HEADS * HEAD_DIM, HIDDEN, scale=0.3), T.Q5_1)
        add(writer, f"blk.{layer}.attn_output.weight", normal(HIDDEN, HIDDEN, scale=0.1), T.BF16)
        add(writer, f"blk.{layer}.ffn_norm.weight", 1 + normal(HIDDEN, scale=0.3), T.F32)
        add(writer, f"blk.{layer}.ffn_gate.weight", normal(FFN, HIDDEN, scale=0.2), T.Q4_1)
        add(writer, f"blk.{layer}.ffn_up.weight", normal(FFN, HIDDEN, scale=0.2), T.Q5_0)
        add(writer, f"blk.{layer}.ffn_down.weight", normal(HIDDEN, FFN, scale=0.1), T.Q8_0)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()

    tokenizer = llamacpp_space_rule(AutoTokenizer.from_pretrained(OUT, gguf_file="tiny-llama.gguf"))
    model = AutoModelForCausalLM.from_pretrained(
        OUT, gguf_file="tiny-llama.gguf", attn_implementation="eager", dtype=torch.float32).eval()
    cases = []
    for text in TEXTS:
        ids = tokenizer(text)["input_ids"]
        with torch.no_grad():
            attentions = model(torch.tensor([ids]), output_attentions=True).attentions
        cases.append({
            "text": text, "ids": ids, "tokens": tokenizer.convert_ids_to_tokens(ids),
            "attentions": [[[[round(v * 1e6) for v in row] for row in head]
                            for head in layer[0].tolist()] for layer in attentions]})
        peak = max(max(max(row) for row in head) for layer in cases[-1]["attentions"]
                   for head in layer)
        print(f"{text!r}: {len(ids)} tokens, largest weight {peak / 1e6:.3f}")
    with open(f"{OUT}/tiny-llama-expected.json", "w") as f:
        json.dump({"attention_scale": 1000000, "cases": cases}, f, ensure_ascii=False,
                  separators=(",", ":"))
        f.write("\n")
    for name in ("tiny-llama.gguf", "tiny-llama-expected.json"):
        print(f"{OUT}/{name}: {os.path.getsize(f'{OUT}/{name}')} bytes")


if __name__ == "__main__":
    main()
