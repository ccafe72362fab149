"""Builds the tiny models the transformer engine is checked against, one folder per
architecture under Tests/AttnvizModelTests/Fixtures/engine/, each with config.json, safetensors,
tokenizer.json and reference.json (token ids and transformers' attentions).

    /work/venv/bin/python scripts/reference/make_engine_fixtures.py

Every model has 2 layers and hidden size 32, random weights drawn with a large spread (q/k
weights scaled up, norm weights away from 1, random biases) so attention is peaked, and a small
vocabulary trained by the `tokenizers` library in the layout of the real family:

  llama       Llama 3 layout: byte-level BPE with Llama 3's split regex, <|begin_of_text|> added;
              GQA 4 heads / 2 key-value heads, untied LM head, llama3 rope scaling (factor 8,
              original 64 positions: the low, medium and high frequencies all occur), BF16
              tensors in 3 shards with model.safetensors.index.json
  mistral     Llama 2 / Mistral layout: BPE over Metaspace (▁) with byte fallback, <s> added;
              sliding window of 5 tokens, GQA 4/1, F16 tensors
  qwen2       Qwen2 layout: byte-level BPE with Qwen's split regex, no BOS; q/k/v biases, tied
              embeddings, rope_theta at the top level (transformers 4's config form)
  qwen3       q/k RMSNorm per head, explicit head_dim 16 (heads × head_dim = 64 ≠ hidden 32),
              GQA 4/2, attention biases
  roberta     byte-level BPE with <s> … </s>; positions start after the padding index
  distilbert  WordPiece, its own tensor names, no token types

Attentions are float32 eager attention (`attn_implementation="eager"`,
`output_attentions=True`) in millionths; the script checks float64 agrees to 1e-5.
"""
import json
import os
import sys

import torch
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
from tokenizers import trainers
from transformers import (DistilBertConfig, DistilBertModel, LlamaConfig, LlamaForCausalLM,
                          MistralConfig, MistralForCausalLM, PreTrainedTokenizerFast,
                          Qwen2Config, Qwen2ForCausalLM, Qwen3Config, Qwen3ForCausalLM,
                          RobertaConfig, RobertaModel)

sys.path.insert(0, os.path.dirname(__file__))
from common import peaked, run_float32_and_64, write_json  # noqa: E402

OUT = "Tests/AttnvizModelTests/Fixtures/engine"

CORPUS = [
    "The animal didn't cross the street because it was too tired.",
    "def tired(x):\n    return x * 42  # the street",
    "Attention is all you need, 2017. The cat sat on the mat.",
    "user assistant system: what is the answer? 1234567890",
    "It was the best of times, it was the worst of times.",
]
LLAMA3_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?"
                r"[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?"
              r"[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")


def byte_level(split, specials, bos=None, eos=None, size=300):
    """Byte-level BPE as Llama 3 and Qwen save it: a Split pre-tokenizer with the family's regex,
    then ByteLevel without its own regex; the template adds BOS (and EOS) when given."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(split), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(CORPUS, trainers.BpeTrainer(
        vocab_size=size, special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    single = " ".join(([bos] if bos else []) + ["$A"] + ([eos] if eos else []))
    tokens = [(t, tok.token_to_id(t)) for t in [bos, eos] if t]
    tok.post_processor = processors.TemplateProcessing(single=single, special_tokens=tokens)
    return tok


def metaspace(specials, size=330):
    """Llama 2 / Mistral: ▁ for spaces (prepended), BPE with byte fallback (<0x00>…<0xFF>)."""
    trainer_tok = Tokenizer(models.BPE())
    trainer_tok.normalizer = normalizers.Sequence([
        normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    trainer_tok.train_from_iterator(CORPUS, trainers.BpeTrainer(
        vocab_size=size, special_tokens=specials))
    learned = json.loads(trainer_tok.to_str())["model"]
    vocab = {t: i for i, t in enumerate(specials)}
    for b in range(256):
        vocab[f"<0x{b:02X}>"] = len(vocab)
    for token, _ in sorted(learned["vocab"].items(), key=lambda item: item[1]):
        if token not in vocab:
            vocab[token] = len(vocab)
    merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in learned["merges"]]
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, unk_token="<unk>", byte_fallback=True,
                               fuse_unk=True))
    tok.normalizer = trainer_tok.normalizer
    tok.decoder = decoders.Sequence([
        decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(), decoders.Strip(" ", 1, 0)])
    tok.add_special_tokens(specials)
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A", special_tokens=[("<s>", vocab["<s>"])])
    return tok


def wordpiece():
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok.train_from_iterator(CORPUS, trainers.WordPieceTrainer(vocab_size=200, special_tokens=specials))
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        special_tokens=[("[CLS]", tok.token_to_id("[CLS]")), ("[SEP]", tok.token_to_id("[SEP]"))])
    return tok


def roberta_tokenizer():
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    tok.train_from_iterator(CORPUS, trainers.BpeTrainer(
        vocab_size=300, special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok.post_processor = processors.RobertaProcessing(("</s>", 2), ("<s>", 0))
    return tok


def attentions(model, ids):
    """[layer][head][query][key] in millionths; float64 must agree with float32 to 1e-5."""
    out, _, worst, millionths = run_float32_and_64(model, ids)
    largest = max(a.max().item() for a in out.attentions)
    return millionths, worst, largest


def build(name, model, tok, texts, id_texts=(), dtype=torch.float32, shard=None,
          edit_config=None, tokenizer_config=None):
    """Saves the model and its tokenizer; reference.json has the attentions of `texts` and the
    token ids alone of `id_texts`."""
    folder = f"{OUT}/{name}"
    os.makedirs(folder, exist_ok=True)
    for f in os.listdir(folder):
        os.remove(os.path.join(folder, f))
    # The reference is computed from the weights as stored: the parameters rounded to BF16/F16
    # first. (Not model.to(dtype): that would also round the rotary frequencies, a buffer that
    # is not saved and that transformers computes in float32 when it loads the model.)
    model = model.eval()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.to(dtype).float())
    cases = []
    for text in list(texts) + list(id_texts):
        encoding = tok.encode(text)
        case = {"text": text, "tokens": encoding.tokens, "ids": encoding.ids}
        if text in texts:
            case["attentions"], worst, largest = attentions(model, encoding.ids)
            print(f"{name}: {len(encoding.ids)} tokens, float32/64 {worst:.1e}, "
                  f"largest {largest:.3f}")
        cases.append(case)
    saved = model.to(dtype)
    saved.save_pretrained(folder, max_shard_size=shard) if shard else saved.save_pretrained(folder)
    if os.path.exists(f"{folder}/generation_config.json"):
        os.remove(f"{folder}/generation_config.json")
    tok.save(f"{folder}/tokenizer.json")
    fast = PreTrainedTokenizerFast(tokenizer_file=f"{folder}/tokenizer.json")
    for case in cases:  # what AutoTokenizer gives must be what the reference says
        assert fast(case["text"])["input_ids"] == case["ids"], (name, case["text"])
    if tokenizer_config:
        write_json(f"{folder}/tokenizer_config.json", tokenizer_config)
    config_path = f"{folder}/config.json"
    with open(config_path) as f:
        config = json.load(f)
    if edit_config:
        edit_config(config)
    with open(config_path, "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
    write_json(f"{folder}/reference.json", {
        "source": "scripts/reference/make_engine_fixtures.py", "attention_scale": 1000000,
        "cases": cases})


def main():
    torch.manual_seed(0)
    code = "def f(x):\n    return x*42  # tired"
    tok = byte_level(LLAMA3_SPLIT, ["<|begin_of_text|>", "<|start_header_id|>",
                                    "<|end_header_id|>", "<|eot_id|>"], bos="<|begin_of_text|>")
    config = LlamaConfig(
        vocab_size=tok.get_vocab_size(), hidden_size=32, intermediate_size=32, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
        rms_norm_eps=1e-5, tie_word_embeddings=False, bos_token_id=0, eos_token_id=3,
        rope_parameters={"rope_type": "llama3", "rope_theta": 10000.0, "factor": 8.0,
                         "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                         "original_max_position_embeddings": 64},
        attn_implementation="eager")
    model = LlamaForCausalLM(config)
    peaked(model, 1)
    build("llama", model, tok,
          ["<|start_header_id|>user<|end_header_id|>\n\nIs 2026 ok? 🙂中文<|eot_id|>", code],
          ["The   street\tis 12345 tired."], dtype=torch.bfloat16, shard="12KB")

    tok = metaspace(["<unk>", "<s>", "</s>"])
    config = MistralConfig(
        vocab_size=tok.get_vocab_size(), hidden_size=16, intermediate_size=32, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=1, max_position_embeddings=128,
        sliding_window=5, rms_norm_eps=1e-5, tie_word_embeddings=False, bos_token_id=1,
        eos_token_id=2, attn_implementation="eager")
    model = MistralForCausalLM(config)
    peaked(model, 2)
    build("mistral", model, tok, ["[INST] Is 2026 ok? 🙂中文 [/INST]", code + "</s>"],
          ["  two  spaces\tand a tab 7", "ünïcödé"], dtype=torch.float16)

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    chat = "<|im_start|>user\nIs 2026 ok? 🙂中文<|im_end|>\n"
    tok = byte_level(QWEN_SPLIT, specials)
    config = Qwen2Config(
        vocab_size=tok.get_vocab_size(), hidden_size=16, intermediate_size=32, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
        rms_norm_eps=1e-6, tie_word_embeddings=True, rope_parameters={"rope_type": "default",
                                                                      "rope_theta": 1000000.0},
        attn_implementation="eager")
    model = Qwen2ForCausalLM(config)
    peaked(model, 3)

    def transformers4_rope(c):
        c["rope_theta"] = c.pop("rope_parameters")["rope_theta"]
    build("qwen2", model, tok, [chat, code], ["x = 1234567   # digits"],
          edit_config=transformers4_rope)

    config = Qwen3Config(
        vocab_size=tok.get_vocab_size(), hidden_size=16, intermediate_size=32, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, head_dim=8, max_position_embeddings=128,
        rms_norm_eps=1e-6, tie_word_embeddings=True, attention_bias=True,
        rope_parameters={"rope_type": "default", "rope_theta": 10000.0},
        attn_implementation="eager")
    model = Qwen3ForCausalLM(config)
    peaked(model, 4)
    build("qwen3", model, tok, [chat], [code], dtype=torch.bfloat16)

    tok = roberta_tokenizer()
    config = RobertaConfig(
        vocab_size=tok.get_vocab_size(), hidden_size=16, intermediate_size=32, num_hidden_layers=2,
        num_attention_heads=4, max_position_embeddings=66, type_vocab_size=1, pad_token_id=1,
        bos_token_id=0, eos_token_id=2, layer_norm_eps=1e-5, attn_implementation="eager")
    model = RobertaModel(config, add_pooling_layer=True)
    peaked(model, 5, qk=0.6)
    build("roberta", model, tok, ["Is 2026 ok? 🙂中文", code])

    tok = wordpiece()
    config = DistilBertConfig(
        vocab_size=tok.get_vocab_size(), dim=16, hidden_dim=32, n_layers=2, n_heads=4,
        max_position_embeddings=64, attn_implementation="eager")
    model = DistilBertModel(config)
    peaked(model, 6, qk=0.6)
    build("distilbert", model, tok, ["Is 2026 ok?  🙂 中文 def f(x): return x*42"], [],
          tokenizer_config={"do_lower_case": True, "tokenizer_class": "DistilBertTokenizer"})


if __name__ == "__main__":
    main()
