"""Tiny Hugging Face encoder–decoders (marian, bart, t5) with their greedy translations and
every attention map, for attnviz's Hugging Face translator reader.

Each model is built by transformers from a small config (hidden 32, 2 + 2 layers, 4 heads),
its parameters re-drawn with a larger spread so attention is peaked, and saved as a Hugging Face
folder (config.json, model.safetensors, tokenizer files):

- marian: `MarianMTModel` with `MarianTokenizer` (source.spm = target.spm, the small unigram
  model of make_unigram_references.py, and vocab.json), swish feed-forward, √d-scaled embeddings,
  sinusoidal positions;
- bart: `BartForConditionalGeneration` with a byte-level BPE tokenizer.json (`<s> … </s>`),
  learned positions (offset 2), layernorm_embedding, GELU;
- t5: `T5ForConditionalGeneration` (v1.1 style: gated-GELU, untied output) with the T5
  tokenizer.json of make_unigram_references.py: RMS norms, relative position buckets.

For each of three sentences, `reference.json` holds the source ids, the ids of
`generate(do_sample=False, num_beams=1)` (at most `STEPS` tokens; attnviz decodes up to 3 × the
source's tokens and must agree on these), and, from a forward pass over the decoder start plus those ids with
`output_attentions=True` (eager, float32): encoder self-attention [layer][head] (S, S),
decoder self-attention (T, T) and cross-attention (T, S).

    /work/refvenv/bin/python scripts/reference/make_encoder_decoder_fixtures.py

writes Tests/AttnvizModelTests/Fixtures/encoder-decoder/{marian,bart,t5}/.
"""

import json
import os
import shutil

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
from transformers import (BartConfig, BartForConditionalGeneration, MarianConfig, MarianMTModel,
                          MarianTokenizer, PreTrainedTokenizerFast, T5Config,
                          T5ForConditionalGeneration, T5TokenizerFast, AutoTokenizer)

OUT = "Tests/AttnvizModelTests/Fixtures/encoder-decoder"
SPM = "Tests/AttnvizTokensTests/Fixtures/unigram-small.spm"
T5_TOKENIZER = "Tests/AttnvizTokensTests/Fixtures/tokenizers/unigram-t5-rules.json"

SENTENCES = [
    "The black cat sat.",
    "Maria lives in Lisbon.",
    "Where is the station?",
]
# Steps of greedy decoding kept (random models rarely say </s>): attnviz decodes at least as
# many (3 × the source's tokens) and must agree on these.
STEPS = 12

CORPUS = [
    "The black cat sat on the old mat because it was tired.",
    "O gato preto sentou-se no tapete velho porque estava cansado.",
    "Maria and João live in Lisbon, but Pedro lives in Porto.",
    "Where is the train station? Onde fica a estação de comboios?",
    "Attention is all you need: queries, keys and values.",
] * 20


def peaked(model, seed, spread=0.35):
    """Parameters re-drawn with a larger spread, norms away from 1, so attention is peaked.
    T5 takes a smaller spread: its scores are not divided by √D, and at 0.35 transformers' own
    float32 and float64 attention differ by 3e-5, more than the tolerance."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name and name.endswith("weight"):
                p.copy_(1 + 0.3 * torch.randn(p.shape, generator=generator))
            elif name.endswith("bias") or "norm" in name:
                p.copy_(0.1 * torch.randn(p.shape, generator=generator))
            else:
                p.copy_(spread * torch.randn(p.shape, generator=generator))
        if hasattr(model, "final_logits_bias"):
            model.final_logits_bias.copy_(0.1 * torch.randn(model.final_logits_bias.shape,
                                                            generator=generator))


def bart_tokenizer(folder):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=300, special_tokens=["<s>", "<pad>", "</s>", "<unk>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(CORPUS, trainer)
    tok.post_processor = processors.RobertaProcessing(("</s>", 2), ("<s>", 0), trim_offsets=True)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
        unk_token="<unk>")
    fast.save_pretrained(folder)
    return fast


def build(kind):
    folder = f"{OUT}/{kind}"
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    common = dict(d_model=32, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4,
                  decoder_attention_heads=4, encoder_ffn_dim=64, decoder_ffn_dim=64)
    if kind == "marian":
        shutil.copy(SPM, f"{folder}/source.spm")
        shutil.copy(SPM, f"{folder}/target.spm")
        import sentencepiece as spm
        processor = spm.SentencePieceProcessor(model_file=SPM)
        vocab = {processor.id_to_piece(i): i for i in range(processor.get_piece_size())}
        with open(f"{folder}/vocab.json", "w") as f:
            json.dump(vocab, f, ensure_ascii=False, indent=1)
        tokenizer = MarianTokenizer(
            source_spm=f"{folder}/source.spm", target_spm=f"{folder}/target.spm",
            vocab=f"{folder}/vocab.json", pad_token="<pad>", eos_token="</s>", unk_token="<unk>")
        tokenizer.save_pretrained(folder)
        config = MarianConfig(
            vocab_size=len(vocab), max_position_embeddings=128, pad_token_id=0, eos_token_id=1,
            decoder_start_token_id=0, forced_eos_token_id=None, activation_function="swish",
            scale_embedding=True, **common)
        model = MarianMTModel(config)
    elif kind == "bart":
        tokenizer = bart_tokenizer(folder)
        config = BartConfig(
            vocab_size=len(tokenizer), max_position_embeddings=128, pad_token_id=1,
            bos_token_id=0, eos_token_id=2, decoder_start_token_id=2, forced_bos_token_id=None,
            forced_eos_token_id=None, activation_function="gelu", **common)
        model = BartForConditionalGeneration(config)
    else:
        shutil.copy(T5_TOKENIZER, f"{folder}/tokenizer.json")
        tokenizer = T5TokenizerFast(tokenizer_file=f"{folder}/tokenizer.json", extra_ids=3)
        tokenizer.save_pretrained(folder)
        config = T5Config(
            vocab_size=len(tokenizer), d_model=32, d_kv=8, d_ff=64, num_layers=2,
            num_decoder_layers=2, num_heads=4, relative_attention_num_buckets=8,
            relative_attention_max_distance=20, feed_forward_proj="gated-gelu",
            tie_word_embeddings=False, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0)
        model = T5ForConditionalGeneration(config)
    peaked(model, {"marian": 1, "bart": 2, "t5": 5}[kind], 0.2 if kind == "t5" else 0.35)
    model.eval()
    model.generation_config.forced_bos_token_id = None
    model.generation_config.forced_eos_token_id = None
    model.save_pretrained(folder, safe_serialization=True)
    for extra in ["generation_config.json"]:
        if os.path.exists(f"{folder}/{extra}"):
            os.remove(f"{folder}/{extra}")
    # Read back as a user would, in float32 and eager attention.
    model = type(model).from_pretrained(folder, attn_implementation="eager",
                                        dtype=torch.float32).eval()
    model64 = type(model).from_pretrained(folder, attn_implementation="eager",
                                          dtype=torch.float64).eval()
    tokenizer = AutoTokenizer.from_pretrained(folder)
    cases = []
    for text in SENTENCES:
        source = tokenizer(text)["input_ids"]
        limit = STEPS
        with torch.no_grad():
            out = model.generate(
                torch.tensor([source]), do_sample=False, num_beams=1, max_new_tokens=limit,
                min_new_tokens=0, no_repeat_ngram_size=0, repetition_penalty=1.0,
                forced_bos_token_id=None, forced_eos_token_id=None,
                bad_words_ids=None, length_penalty=1.0)[0].tolist()
        start = config.decoder_start_token_id
        assert out[0] == start
        generated = out[1:]
        decoder_input = [start] + generated[:-1] if generated[-1] == config.eos_token_id \
            else [start] + generated[:-1]
        with torch.no_grad():
            result = model(input_ids=torch.tensor([source]),
                           decoder_input_ids=torch.tensor([decoder_input]),
                           output_attentions=True)
        def maps(attentions):
            return [[[[round(float(v), 8) for v in row] for row in head] for head in layer[0]]
                    for layer in attentions]
        # transformers' own float32 against float64, kept in the reference: the comparison at
        # 1e-5 must be well above it (measured: at most 6.3e-6).
        with torch.no_grad():
            exact = model64(input_ids=torch.tensor([source]),
                            decoder_input_ids=torch.tensor([decoder_input]),
                            output_attentions=True)
        gap = max(float((a.double() - b).abs().max())
                  for key in ["encoder_attentions", "decoder_attentions", "cross_attentions"]
                  for a, b in zip(getattr(result, key), getattr(exact, key)))
        cases.append({
            "text": text, "float32_float64_gap": gap, "source_ids": source, "generated_ids": generated,
            "translation": tokenizer.decode(generated, skip_special_tokens=True),
            "encoder_attention": maps(result.encoder_attentions),
            "decoder_attention": maps(result.decoder_attentions),
            "cross_attention": maps(result.cross_attentions),
        })
        print(kind, len(source), "→", len(generated), generated[:12], f"float32 vs 64 {gap:.1e}")
    with open(f"{folder}/reference.json", "w") as f:
        json.dump({"model_type": kind, "steps": STEPS, "cases": cases}, f)
    print(kind, sorted(os.listdir(folder)))


if __name__ == "__main__":
    for kind in ["marian", "bart", "t5"]:
        build(kind)
