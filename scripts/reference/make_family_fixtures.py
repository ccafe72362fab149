"""Tiny random models of the architectures added for #23 (gemma, gemma2, gemma3_text, phi3,
olmo2, and a Llama 3.2-style llama with llama3 rope scaling), each saved by transformers as a
Hugging Face folder AND converted to GGUF by llama.cpp's own converter, with the attention and
next-token logits transformers computes. attnviz must give the same numbers from both files.

    CONVERTER=path/to/llama.cpp /work/refvenv/bin/python scripts/reference/make_family_fixtures.py

CONVERTER is the `vendor/llama.cpp` folder of the llama-cpp-python sdist on PyPI
(`pip download --no-deps --no-binary :all: llama-cpp-python==0.3.36`): its
`convert_hf_to_gguf.py` runs with its own `gguf-py` (put first on PYTHONPATH), `--outtype f32`, so
the GGUF holds the folder's weights exactly and only the layout (names, fused tensors, llama.cpp's
Q/K permutation for `llama`, Gemma's norm weights stored with the 1 added, the llama3 factors as
`rope_freqs.weight`) differs.

Writes Tests/AttnvizModelTests/Fixtures/family/NAME/ with config.json, model.safetensors,
tokenizer.json (+ tokenizer_config.json), NAME.gguf and reference.json:
`cases[i] = {text, ids, attentions, logits}`: attentions `[layer][head][query][key]` in
millionths (float32 eager; the script checks float64 agrees to 1e-5), logits of the last
position (float32, 7 significant digits; float64 agreement checked to 1e-4 relative).

The models are peaked (large q/k spread, norm weights away from their neutral value) so the tests
are sensitive; Gemma 2's soft-caps are small (attention 5, logits 3) so they bite; the sliding
windows are short (4 tokens) so the band shows on the reference texts.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import torch
from transformers import (AutoTokenizer, Gemma2Config, Gemma2ForCausalLM, Gemma3TextConfig,
                          Gemma3ForCausalLM, GemmaConfig, GemmaForCausalLM, LlamaConfig,
                          LlamaForCausalLM, Olmo2Config, Olmo2ForCausalLM, Phi3Config,
                          Phi3ForCausalLM)

sys.path.insert(0, os.path.dirname(__file__))
from common import llamacpp_space_rule, peaked, run_float32_and_64, write_json  # noqa: E402

OUT = "Tests/AttnvizModelTests/Fixtures/family"
CORPUS = [
    "The animal didn't cross the street because it was too tired.",
    "def tired(x):\n    return x * 42  # the street",
    "Attention is all you need, 2017. The cat sat on the mat.",
    "user model system: what is the answer? 1234567890",
    "It was the best of times, it was the worst of times.",
    "The quick brown fox jumps over the lazy dog near the river bank.",
]
GGUF_TOKENIZER_TEXTS = [
    " Hello world", "  two spaces", "The cat", "<|user|> hi<|end|>  tired", "a\n b  c ",
    "<start_of_turn>user\n hi<end_of_turn>", "",
]
TEXTS = [
    "The animal didn't cross the street because it was too tired.",
    "<start_of_turn>user\nIs 2026 ok? 🙂中文<end_of_turn>",
]


def sentencepiece_model(folder, specials, bos, eos, unk, pad, pieces=("<bos>", "<eos>", "<unk>")):
    """A BPE SentencePiece model with byte fallback, trained on the corpus (Gemma, Llama 2 and
    Phi-3 ship such a tokenizer.model; llama.cpp's converter reads it)."""
    import sentencepiece as spm
    corpus = os.path.join(folder, "corpus.txt")
    with open(corpus, "w") as f:
        for _ in range(20):
            f.write("\n".join(CORPUS) + "\n")
    spm.SentencePieceTrainer.train(
        input=corpus, model_prefix=os.path.join(folder, "tokenizer"), model_type="bpe",
        vocab_size=400, byte_fallback=True, character_coverage=1.0,
        user_defined_symbols=specials, bos_id=bos, eos_id=eos, unk_id=unk, pad_id=pad,
        bos_piece=pieces[0], eos_piece=pieces[1], unk_piece=pieces[2], pad_piece="<pad>",
        add_dummy_prefix=False, remove_extra_whitespaces=False, split_digits=True,
        normalization_rule_name="identity", minloglevel=2)
    os.remove(corpus)
    path = os.path.join(folder, f"tokenizer-{pieces[0]}.model")
    os.rename(os.path.join(folder, "tokenizer.model"), path)
    return path


def run(model, ids):
    out, out64, worst, attentions = run_float32_and_64(model, ids)
    logits = out.logits[0, -1].double()
    logit_gap = ((logits - out64.logits[0, -1]).abs() / logits.abs().clamp(min=1)).max().item()
    assert logit_gap < 1e-4, f"float32 and float64 logits differ by {logit_gap}"
    print(f"  logits float32/64 {logit_gap:.1e}")
    return attentions, [float(f"{v:.7g}") for v in logits.tolist()], worst


def byte_level_tokenizer():
    """GPT-2-style byte-level BPE (GPT-2's own split), saved as OLMo 2 saves its tokenizer."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(CORPUS, trainers.BpeTrainer(
        vocab_size=400, special_tokens=["<|endoftext|>", "<|pad|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    return PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|endoftext|>",
                                   pad_token="<|pad|>")


def convert(work, outfile, pre=None):
    """llama.cpp's converter on the folder. `pre`: the tokenizer.ggml.pre to write for a
    byte-level vocabulary the converter cannot recognise by its hash (a freshly trained one);
    only that name is forced, the tensors are laid out by the converter itself. The model's
    name is given (the converter would take the temporary folder's random name), so the same
    weights make the same file."""
    converter = os.environ["CONVERTER"]
    env = dict(os.environ, PYTHONPATH=f"{converter}/gguf-py")
    name = os.path.splitext(os.path.basename(outfile))[0]
    argv = ["convert_hf_to_gguf.py", work, "--outtype", "f32", "--outfile", outfile,
            "--model-name", name]
    code = (f"import sys, runpy; sys.path[:0] = [{converter!r}, {converter + '/gguf-py'!r}]; "
            + (f"import conversion.base as b; b.TextModel.get_vocab_base_pre = "
               f"lambda self, t: {pre!r}; " if pre else "")
            + f"sys.argv = {argv!r}; runpy.run_path({converter + '/convert_hf_to_gguf.py'!r}, "
            "run_name='__main__')")
    subprocess.run([sys.executable, "-c", code], check=True, env=env, stdout=subprocess.DEVNULL)


def build(name, model, tokenizer_model, tokenizer_class, texts=TEXTS, edit_config=None,
          tokenizer=None, pre=None):
    folder = f"{OUT}/{name}"
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    model = model.eval()
    with tempfile.TemporaryDirectory() as work:
        if tokenizer_model:
            shutil.copy(tokenizer_model, f"{work}/tokenizer.model")
            tok = tokenizer_class.from_pretrained(work, add_bos_token=True)
        else:
            tok = tokenizer
        model.save_pretrained(work)
        tok.save_pretrained(work)
        with open(f"{work}/tokenizer_config.json") as f:
            tokenizer_config = json.load(f)
        tokenizer_config.pop("vocab_file", None)
        # As the published Gemma files have it: llama.cpp's converter types these CONTROL.
        with open(f"{work}/tokenizer.json") as f:
            added = json.load(f)["added_tokens"]
        tokenizer_config["added_tokens_decoder"] = {
            str(t["id"]): {k: t[k] for k in ["content", "lstrip", "normalized", "rstrip",
                                             "single_word", "special"]} for t in added}
        with open(f"{work}/tokenizer_config.json", "w") as f:
            json.dump(tokenizer_config, f, indent=2, sort_keys=True)
        with open(f"{work}/config.json") as f:
            config = json.load(f)
        if edit_config:
            edit_config(config)
        with open(f"{work}/config.json", "w") as f:
            json.dump(config, f, indent=2, sort_keys=True)
        convert(work, f"{folder}/{name}.gguf", pre)
        for file in ["config.json", "model.safetensors", "tokenizer.json",
                     "tokenizer_config.json"]:
            if os.path.exists(f"{work}/{file}"):
                shutil.copy(f"{work}/{file}", f"{folder}/{file}")
        # transformers reads the folder back as the tests' reference model: the same numbers.
        reloaded = type(model).from_pretrained(work, attn_implementation="eager").eval()
    cases = []
    for text in texts:
        ids = tok(text)["input_ids"]
        attentions, logits, worst = run(reloaded, ids)
        print(f"{name}: {len(ids)} tokens, float32/64 {worst:.1e}, "
              f"largest {max(max(max(max(r) for r in h) for h in l) for l in attentions) / 1e6}")
        cases.append({"text": text, "ids": ids, "attentions": attentions, "logits": logits})
    # The GGUF's tokenizer as transformers builds it from the file, on texts where the rules for
    # the leading ▁ differ (a leading space, text after a special token).
    from transformers import AutoTokenizer as Auto
    try:
        # From a folder holding the GGUF alone: beside tokenizer.json, transformers reads that.
        with tempfile.TemporaryDirectory() as alone:
            shutil.copy(f"{folder}/{name}.gguf", alone)
            gguf_tok = Auto.from_pretrained(alone, gguf_file=f"{name}.gguf")
        if name == "llama":  # attnviz follows llama.cpp's rule there (see common.py)
            gguf_tok = llamacpp_space_rule(gguf_tok)
        gguf_cases = [{"text": t, "ids": gguf_tok(t)["input_ids"]} for t in GGUF_TOKENIZER_TEXTS]
    except ValueError as error:  # transformers reads no `gemma` GGUF
        print(f"{name}: no GGUF tokenizer cases: {error}")
        gguf_cases = []
    write_json(f"{folder}/reference.json", {
        "source": "scripts/reference/make_family_fixtures.py", "attention_scale": 1000000,
        "cases": cases, "gguf_tokenizer_cases": gguf_cases})


def main():
    torch.manual_seed(0)
    only = set(os.environ.get("ONLY", "").split(",")) - {""}
    with tempfile.TemporaryDirectory() as spm_dir:
        gemma_spm = sentencepiece_model(
            spm_dir, ["<mask>", "<start_of_turn>", "<end_of_turn>"], bos=2, eos=1, unk=3, pad=0)
        from transformers import GemmaTokenizer
        common = dict(vocab_size=400, hidden_size=32, intermediate_size=48, num_attention_heads=4,
                      head_dim=8, max_position_embeddings=128, rms_norm_eps=1e-6,
                      bos_token_id=2, eos_token_id=1, pad_token_id=0,
                      attn_implementation="eager")
        if not only or "gemma" in only:
            model = GemmaForCausalLM(GemmaConfig(
                num_hidden_layers=2, num_key_value_heads=1, hidden_act="gelu_pytorch_tanh",
                rope_parameters={"rope_type": "default", "rope_theta": 10000.0}, **common))
            peaked(model, 21, qk=0.35, norm_center=0.0)
            build("gemma", model, gemma_spm, GemmaTokenizer)
        if not only or "gemma2" in only:
            model = Gemma2ForCausalLM(Gemma2Config(
                num_hidden_layers=2, num_key_value_heads=2, sliding_window=4,
                query_pre_attn_scalar=8, attn_logit_softcapping=5.0,
                final_logit_softcapping=3.0,
                rope_parameters={"rope_type": "default", "rope_theta": 10000.0}, **common))
            peaked(model, 22, qk=0.35, norm_center=0.0)
            build("gemma2", model, gemma_spm, GemmaTokenizer)
        if not only or "gemma3" in only:
            model = Gemma3ForCausalLM(Gemma3TextConfig(
                num_hidden_layers=6, num_key_value_heads=1, sliding_window=4,
                query_pre_attn_scalar=8,
                rope_parameters={
                    "full_attention": {"rope_type": "default", "rope_theta": 1000000.0},
                    "sliding_attention": {"rope_type": "default", "rope_theta": 10000.0}},
                **common))
            peaked(model, 23, qk=0.35, norm_center=0.0)
            build("gemma3", model, gemma_spm, GemmaTokenizer)
        if not only or "gemma3-linear" in only:
            # Gemma 3 4B+: linear rope scaling (factor 8) on the global layers only.
            model = Gemma3ForCausalLM(Gemma3TextConfig(
                num_hidden_layers=6, num_key_value_heads=1, sliding_window=4,
                query_pre_attn_scalar=8,
                rope_parameters={
                    "full_attention": {"rope_type": "linear", "factor": 8.0,
                                       "rope_theta": 1000000.0},
                    "sliding_attention": {"rope_type": "default", "rope_theta": 10000.0}},
                **common))
            peaked(model, 24, qk=0.35, norm_center=0.0)
            build("gemma3-linear", model, gemma_spm, GemmaTokenizer)
        llama_spm = sentencepiece_model(spm_dir, ["<|user|>", "<|end|>"], bos=1, eos=2, unk=0,
                                        pad=-1, pieces=("<s>", "</s>", "<unk>"))
        from transformers import LlamaTokenizer
        common.update(bos_token_id=1, eos_token_id=2, pad_token_id=None)
        if not only or "llama" in only:
            # Llama 3.2's rope scaling; llama.cpp stores it as rope_freqs.weight.
            model = LlamaForCausalLM(LlamaConfig(
                num_hidden_layers=2, num_key_value_heads=2, tie_word_embeddings=True,
                rope_parameters={"rope_type": "llama3", "rope_theta": 500000.0, "factor": 32.0,
                                 "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                 "original_max_position_embeddings": 16}, **common))
            peaked(model, 24, qk=0.35)
            build("llama", model, llama_spm, LlamaTokenizer)
        if not only or "phi3" in only:
            model = Phi3ForCausalLM(Phi3Config(
                num_hidden_layers=2, num_key_value_heads=2, sliding_window=5,
                tie_word_embeddings=False, **{k: v for k, v in common.items() if k != "head_dim"}))
            peaked(model, 25, qk=0.35)
            build("phi3", model, llama_spm, LlamaTokenizer)
        if not only or "olmo2" in only:
            tok = byte_level_tokenizer()
            settings = {k: v for k, v in common.items() if k != "head_dim"}
            settings.update(bos_token_id=None, eos_token_id=0, pad_token_id=1)
            model = Olmo2ForCausalLM(Olmo2Config(
                num_hidden_layers=2, num_key_value_heads=2, tie_word_embeddings=False,
                **settings))
            peaked(model, 26, qk=0.35)
            build("olmo2", model, None, None, tokenizer=tok, pre="gpt-2")


if __name__ == "__main__":
    main()
