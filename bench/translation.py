"""Times `attnviz translate` on the lecture sentence with every attention kept, beside the
same greedy translation in transformers and the numpy Marian reference (docs/performance.md,
"translation"). Standard library only; the baselines run under --python (torch, transformers,
safetensors, sentencepiece, numpy).

- transformers: a MarianMT of the Firefox "tiny" model's size (hidden 256, 6 encoder and 2
  decoder layers, 8 heads, feed-forward 1536, the Firefox 32k SentencePiece vocabulary, random
  weights), made here in a temporary folder, translated by `attnviz translate --model FOLDER
  --format json` and by `generate(do_sample=False, output_attentions=True)` writing the same
  maps as JSON (bench/baseline_transformers_translate.py); both decode the same number of
  tokens, since random weights rarely say </s>.
- numpy: the Firefox English→Portuguese model itself, by attnviz and by
  scripts/reference/make_firefox_reference.py's `Translator` (float64 numpy).

    python3 bench/translation.py --attnviz .build/release/attnviz --python PY \
        [--firefox models/firefox-en-pt] [--runs 5]
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LECTURE = "The black cat sat on the old mat because it was tired."
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

MAKE_MODEL = r"""
import json, shutil, sys, torch, sentencepiece as spm
from transformers import MarianConfig, MarianMTModel
spm_path, folder = sys.argv[1], sys.argv[2]
p = spm.SentencePieceProcessor(model_file=spm_path)
vocab = {p.id_to_piece(i): i for i in range(p.get_piece_size())}
vocab.setdefault("<pad>", len(vocab))
for name in ["source.spm", "target.spm"]:
    shutil.copy(spm_path, f"{folder}/{name}")
json.dump(vocab, open(f"{folder}/vocab.json", "w"), ensure_ascii=False)
torch.manual_seed(0)
config = MarianConfig(vocab_size=len(vocab), d_model=256, encoder_layers=6, decoder_layers=2,
    encoder_attention_heads=8, decoder_attention_heads=8, encoder_ffn_dim=1536,
    decoder_ffn_dim=1536, max_position_embeddings=512, pad_token_id=vocab["<pad>"],
    eos_token_id=vocab["</s>"], decoder_start_token_id=vocab["<pad>"], activation_function="relu",
    scale_embedding=True)
MarianMTModel(config).eval().save_pretrained(folder)
"""

NUMPY_REFERENCE = r"""
import sys, time
start = time.perf_counter()
sys.path.insert(0, sys.argv[1])
from make_firefox_reference import Translator
translator = Translator(sys.argv[2])
result = translator.translate(sys.argv[3])
print(f"{time.perf_counter() - start:.4f}")
"""


def time_runs(argv, runs):
    seconds = []
    for i in range(runs + 1):
        start = time.perf_counter()
        done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(map(str, argv))} failed:\n{done.stderr.strip()}")
        if i > 0:
            seconds.append(elapsed)
    return seconds


def summary(seconds):
    return f"{statistics.median(seconds):.3f} ({min(seconds):.3f}–{max(seconds):.3f})"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--attnviz", required=True)
    parser.add_argument("--python", required=True)
    parser.add_argument("--firefox", default="models/firefox-en-pt")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    firefox = Path(args.firefox)
    spm_file = next(firefox.glob("vocab.*.spm"))
    rows = []
    with tempfile.TemporaryDirectory(prefix="attnviz-bench-translate-") as work:
        model = Path(work) / "marian-firefox-size"
        model.mkdir()
        subprocess.run([args.python, "-c", MAKE_MODEL, str(spm_file), str(model)], check=True,
                       stderr=subprocess.DEVNULL)
        # attnviz decodes up to 3 × the source's tokens; transformers is asked for as many.
        out = Path(work) / "out"
        attnviz = [args.attnviz, "translate", "--quiet", "--model", str(model), "--format",
                   "json", "--out", str(out), LECTURE]
        subprocess.run(attnviz, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import json
        generated = len(json.load(open(out / "attention.json"))["target_ids"])
        baseline = [args.python, str(HERE / "baseline_transformers_translate.py"), str(model),
                    LECTURE, str(generated), str(Path(work) / "baseline")]
        a = time_runs(attnviz, args.runs)
        b = time_runs(baseline, args.runs)
        rows.append((f"MarianMT of the Firefox model's size (random weights), {generated} tokens "
                     "greedy, every attention map as JSON", a, b, "transformers"))
        firefox_run = [args.attnviz, "translate", "--quiet", "--model", str(firefox), "--format",
                       "json", "--out", str(Path(work) / "firefox"), LECTURE]
        c = time_runs(firefox_run, args.runs)
        numpy = [args.python, "-c", NUMPY_REFERENCE, str(ROOT / "scripts/reference"),
                 str(firefox), LECTURE]
        d = time_runs(numpy, args.runs)
        rows.append(("Firefox en→pt (int8 dequantised), 15 tokens, every attention map", c, d,
                     "numpy reference (float64)"))
    print("| job | attnviz (s) | baseline | baseline (s) | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for name, a, b, who in rows:
        ratio = statistics.median(b) / statistics.median(a)
        print(f"| {name} | {summary(a)} | {who} | {summary(b)} | {ratio:.1f}× |")


if __name__ == "__main__":
    sys.exit(main())
