"""Turns the SmolLM2-135M-Instruct Q4_1 GGUF into the Hugging Face folder transformers makes of
it, with numpy and gguf only (no torch, no transformers), so `make model` can build the folder
SmolLM2Tests reads in CI:

    python scripts/reference/make_smollm2_safetensors.py \\
        models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf OUT

It writes what make_smollm2_folder.py saves after transformers 5.25 loads the GGUF
(`from_pretrained(folder, gguf_file=…, dtype=torch.float32)`), following transformers' own
GGUF code for this architecture (modeling_gguf_pytorch_utils.py `load_gguf_checkpoint` and
`LlamaTensorProcessor`, integrations/ggml.py `GGUF_CONFIG_MAPPING`,
integrations/gguf/gguf_tokenizer_mapping.py `byte_level_tokenizer`):

- model.safetensors: every tensor through `gguf.quants.dequantize` to float32, the attn_q and
  attn_k rows put back in Hugging Face's order (transformers' `_reverse_permute_weights`, the
  inverse of llama.cpp's `permute`), named as LlamaForCausalLM's state dict, without the tied
  `lm_head.weight`; written by hand in the layout safetensors' save_file uses (tensors sorted by
  name, header padded with spaces to 8 bytes, `__metadata__` {"format": "pt"}).
- config.json: the LlamaConfig transformers derives from the `llama.*` and `tokenizer.ggml.*`
  metadata, with LlamaConfig's defaults for the rest, without `quantization_config`.
- tokenizer.json, tokenizer_config.json, chat_template.jinja: the byte-level BPE transformers
  builds from `tokenizer.ggml.tokens`/`merges` (ByteLevel pre-tokenizer and decoder, the CONTROL
  tokens added as special tokens) and what `save_pretrained` writes beside it.

Checked against the folder make_smollm2_folder.py writes with transformers 5.25.0 (torch 2.15,
gguf 0.19.0, numpy 2.4.6): every file byte for byte identical. Only Llama GGUFs with a `gpt2`
(byte-level BPE) vocabulary that transformers pre-tokenizes with GPT-2's ByteLevel regex are
taken; anything else is refused rather than converted differently from transformers.
"""
import json
import os
import struct
import sys

import numpy as np
from gguf import GGMLQuantizationType, GGUFReader
from gguf.quants import dequantize

# transformers' Llama names for llama.cpp's (gguf's TensorNameMap for MODEL_ARCH.LLAMA).
LAYER_NAMES = {
    "attn_norm": "input_layernorm",
    "attn_q": "self_attn.q_proj",
    "attn_k": "self_attn.k_proj",
    "attn_v": "self_attn.v_proj",
    "attn_output": "self_attn.o_proj",
    "ffn_norm": "post_attention_layernorm",
    "ffn_gate": "mlp.gate_proj",
    "ffn_up": "mlp.up_proj",
    "ffn_down": "mlp.down_proj",
}
GLOBAL_NAMES = {"token_embd": "model.embed_tokens", "output_norm": "model.norm"}

# What transformers' GGUF loader and LlamaConfig add that the file does not state.
TRANSFORMERS_VERSION = "5.25.0"
LLAMA_DEFAULTS = {
    "attention_bias": False,
    "attention_dropout": 0.0,
    "hidden_act": "silu",
    "initializer_range": 0.02,
    "mlp_bias": False,
    "pretraining_tp": 1,
    "use_cache": True,
}
# transformers' VERY_LARGE_INTEGER, the model_max_length of a tokenizer that states none.
VERY_LARGE_INTEGER = int(1e30)
# Pre-tokenizer names that transformers replaces ByteLevel's regex for with a Split of its own
# (gguf_tokenizer_mapping.py GGUF_PRE_TOKENIZER_SPLITS); this script does not build those.
OWN_SPLIT = {
    "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2",
    "jina-v5-nano", "dbrx", "smaug-bpe", "tekken", "qwen2", "deepseek-r1-qwen", "kormo",
    "f2llmv2", "megrez", "qwen35", "gpt-4o", "llama4", "kanana2", "talkie", "minimax-m2",
}
CONTROL, USER_DEFINED = 3, 4


def fail(message):
    sys.exit(f"make_smollm2_safetensors: {message}")


def bytes_to_unicode():
    """GPT-2's byte alphabet (transformers' convert_slow_tokenizer.bytes_to_unicode)."""
    bs = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
          + list(range(ord("®"), ord("ÿ") + 1)))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


class Metadata:
    def __init__(self, reader):
        self.fields = reader.fields

    def get(self, key, default=None):
        field = self.fields.get(key)
        return default if field is None else field.contents()

    def __getitem__(self, key):
        if key not in self.fields:
            fail(f"the GGUF has no {key}")
        return self.fields[key].contents()


def hf_name(name):
    parts = name.split(".")
    if len(parts) == 4 and parts[0] == "blk" and parts[2] in LAYER_NAMES:
        return f"model.layers.{parts[1]}.{LAYER_NAMES[parts[2]]}.{parts[3]}"
    if len(parts) == 2 and parts[0] in GLOBAL_NAMES:
        return f"{GLOBAL_NAMES[parts[0]]}.{parts[1]}"
    fail(f"tensor {name} has no place in LlamaForCausalLM (output.weight: only tied models)")


def reverse_permute(weights, heads):
    """transformers' LlamaTensorProcessor._reverse_permute_weights."""
    dim = weights.shape[0] // heads // 2
    w = weights.reshape(heads, dim, 2, *weights.shape[1:])
    return w.swapaxes(2, 1).reshape(weights.shape)


def tensor(info, meta):
    """One tensor as transformers holds it: float32, in Hugging Face's row order."""
    weights = dequantize(info.data, info.tensor_type)
    if weights.dtype != np.float32:
        fail(f"{info.name} ({info.tensor_type.name}) did not dequantise to float32")
    heads = meta["llama.attention.head_count"]
    if ".attn_q." in info.name:
        weights = reverse_permute(weights, heads)
    elif ".attn_k." in info.name:
        weights = reverse_permute(weights, meta["llama.attention.head_count_kv"])
    shape = tuple(int(n) for n in reversed(info.shape))
    if weights.shape != shape:
        fail(f"{info.name} dequantised to {weights.shape}, expected {shape}")
    return np.ascontiguousarray(weights)


def write_safetensors(reader, meta, path):
    """Writes each tensor as it is dequantised, so at most one is held in memory."""
    infos = {hf_name(info.name): info for info in reader.tensors}
    header = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name in sorted(infos):
        shape = [int(n) for n in reversed(infos[name].shape)]
        size = 4 * int(np.prod(shape))
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for name in sorted(infos):
            data = tensor(infos[name], meta).astype("<f4", copy=False)
            if 4 * data.size != header[name]["data_offsets"][1] - header[name]["data_offsets"][0]:
                fail(f"{name} has {data.size} values, not what its shape says")
            out.write(data.tobytes())


def config(reader, meta):
    """LlamaConfig as transformers derives it from the metadata, saved as save_pretrained does."""
    tokens = meta["tokenizer.ggml.tokens"]
    result = dict(LLAMA_DEFAULTS)
    result.update({
        "_model_name_or_path": meta["general.name"],
        "model_type": "llama",
        "max_position_embeddings": meta["llama.context_length"],
        "num_hidden_layers": meta["llama.block_count"],
        "intermediate_size": meta["llama.feed_forward_length"],
        "hidden_size": meta["llama.embedding_length"],
        "head_dim": meta["llama.rope.dimension_count"],
        "num_attention_heads": meta["llama.attention.head_count"],
        "num_key_value_heads": meta["llama.attention.head_count_kv"],
        "rms_norm_eps": meta["llama.attention.layer_norm_rms_epsilon"],
        "vocab_size": meta.get("llama.vocab_size", len(tokens)),
        "rope_parameters": {"rope_theta": meta.get("llama.rope.freq_base", 10000.0),
                            "rope_type": "default"},
        "tie_word_embeddings": all(info.name != "output.weight" for info in reader.tensors),
        "dtype": "float32",
        "transformers_version": TRANSFORMERS_VERSION,
    })
    for key, name in [("bos_token_id", "bos_token_id"), ("eos_token_id", "eos_token_id"),
                      ("unknown_token_id", "unk_token_id"), ("padding_token_id", "pad_token_id")]:
        value = meta.get(f"tokenizer.ggml.{key}")
        if value is not None:
            result[name] = value
    for key in ["llama.rope.scaling.type", "llama.expert_count"]:
        if key in meta.fields:
            fail(f"the GGUF states {key}, which this script does not convert")
    return result


def tokenizer(meta):
    """The tokenizer.json transformers' GPT2Tokenizer backend holds after the GGUF converter."""
    if meta["tokenizer.ggml.model"] != "gpt2":
        fail(f"tokenizer.ggml.model is {meta['tokenizer.ggml.model']!r}; only gpt2 is converted")
    if meta.get("tokenizer.ggml.pre") in OWN_SPLIT:
        fail(f"tokenizer.ggml.pre {meta.get('tokenizer.ggml.pre')!r} needs transformers' split")
    if meta.get("tokenizer.ggml.add_bos_token") or meta.get("tokenizer.ggml.add_eos_token"):
        fail("the GGUF adds BOS/EOS tokens; this script writes no post-processor for that")
    spelling = bytes_to_unicode()
    alphabet = set(spelling.values())
    tokens = meta["tokenizer.ggml.tokens"]
    types = meta.get("tokenizer.ggml.token_type") or []
    vocab = {}
    for index, token in enumerate(tokens):
        if not set(token) <= alphabet:
            token = "".join(spelling[b] for b in token.encode("utf-8"))
        vocab[token] = index
    if len(vocab) != len(tokens):
        fail("the vocabulary has repeated tokens")
    merges = []
    for merge in meta["tokenizer.ggml.merges"]:
        pair = merge.split(" ")
        if len(pair) != 2:
            fail(f"merge {merge!r} is not two tokens")
        merges.append(pair)
    if any(kind == USER_DEFINED for kind in types):
        fail("the GGUF has USER_DEFINED tokens; this script adds CONTROL tokens only")
    added = [
        {"id": index, "content": token, "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True}
        for index, (token, kind) in enumerate(zip(tokens, types))
        if kind == CONTROL and set(token) <= alphabet
    ]
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                  "use_regex": True}
    sequence = lambda name, type_id: {"Sequence": {"id": name, "type_id": type_id}}  # noqa: E731
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": byte_level,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [sequence("A", 0)],
            "pair": [sequence("A", 0), sequence("B", 1)],
            "special_tokens": {},
        },
        "decoder": dict(byte_level, add_prefix_space=True),
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": "",
            "end_of_word_suffix": "",
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": False,
            "vocab": vocab,
            "merges": merges,
        },
    }


def tokenizer_config(meta):
    """What transformers 5.25's save_pretrained writes for the GGUF-built tokenizer."""
    tokens = meta["tokenizer.ggml.tokens"]

    def token(key):
        index = meta.get(f"tokenizer.ggml.{key}")
        return tokens[index] if index is not None else None

    return {
        "backend": "tokenizers",
        "bos_token": token("bos_token_id"),
        "eos_token": token("eos_token_id"),
        "is_local": True,
        "local_files_only": False,
        "model_max_length": VERY_LARGE_INTEGER,
        "pad_token": token("padding_token_id"),
        "tokenizer_class": "TokenizersBackend",
        "unk_token": token("unknown_token_id"),
    }


def write_text(path, text):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def main(gguf_path, out):
    reader = GGUFReader(gguf_path)
    meta = Metadata(reader)
    if meta["general.architecture"] != "llama":
        fail(f"{gguf_path} is {meta['general.architecture']!r}; only llama is converted")
    for info in reader.tensors:
        if info.tensor_type not in (GGMLQuantizationType.F32, GGMLQuantizationType.F16,
                                    GGMLQuantizationType.Q4_1, GGMLQuantizationType.Q8_0):
            # Others dequantise too, but only these were checked against transformers.
            fail(f"{info.name} is {info.tensor_type.name}; expected F32, F16, Q4_1 or Q8_0")
    os.makedirs(out, exist_ok=True)
    # config.json as make_smollm2_folder.py rewrites it (indent 2, no final newline); the
    # tokenizer files as transformers and the tokenizers library save them.
    write_text(os.path.join(out, "config.json"),
               json.dumps(config(reader, meta), indent=2, sort_keys=True))
    write_text(os.path.join(out, "tokenizer.json"),
               json.dumps(tokenizer(meta), indent=2, ensure_ascii=False))
    write_text(os.path.join(out, "tokenizer_config.json"),
               json.dumps(tokenizer_config(meta), indent=2, sort_keys=True) + "\n")
    template = meta.get("tokenizer.chat_template")
    if template is not None:
        write_text(os.path.join(out, "chat_template.jinja"), template)
    write_safetensors(reader, meta, os.path.join(out, "model.safetensors"))
    print(f"make_smollm2_safetensors: {out}: {len(reader.tensors)} tensors, float32")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: make_smollm2_safetensors.py GGUF OUT_FOLDER")
    main(sys.argv[1], sys.argv[2])
