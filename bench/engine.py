"""The engine's speed on the real GGUF models (docs/performance.md, "Engine"): CPU time (user +
system), wall time and peak memory (maximum resident set) of whole attnviz runs, medians of
`--runs` runs after one warm-up. With `--previous OLD`, an earlier attnviz binary runs each
case too, interleaved with this one so that the shared machine's load hits both alike, and the
table gives the ratio. With `--llama-python PY` (a Python with llama-cpp-python, built from its
PyPI sdist: `make bench-llama`), llama.cpp runs the same files side by side: load + prefill of
the lecture sentence, and 32 tokens written greedily after the chat question
(bench/baseline_llama_cpp.py). Standard library only.

    python3 bench/engine.py --attnviz NEW [--previous OLD] [--llama-python PY] [--runs 5]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

LECTURE = "The animal didn't cross the street because it was too tired."
CHAT_QUESTION = "Why is the sky blue? Explain it to a ten-year-old in a few sentences."
HERE = Path(__file__).resolve().parent
MODELS = {
    "SmolLM2-135M Q4_1": "models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf",
    "Qwen2.5-Coder-0.5B Q4_K_M":
        "models/Qwen2.5-Coder-0.5B-Instruct/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    "Gemma 3 270M Q4_K_M": "models/gemma-3-270m/gemma-3-270m-q4_k_m.gguf",
}


def measure(argv):
    """(wall s, CPU s, peak RSS MB) of one run; standard output discarded."""
    import time
    start = time.perf_counter()
    process = subprocess.Popen(list(map(str, argv)), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    stderr = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} failed:\n{stderr.strip()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def cases(model_root, work):
    """(case, options after the binary) for every model present."""
    found = []
    paths = {name: Path(model_root, path) for name, path in MODELS.items()}
    smol, qwen, gemma = (paths[n] for n in MODELS)
    out = ["--out", work / "a"]
    if smol.is_file():
        found += [
            ("SmolLM2: `--format json --quiet` (load + forward + JSON)",
             ["--model", smol, LECTURE, "--format", "json", "--quiet", *out]),
            ("SmolLM2: default job", ["--model", smol, LECTURE, *out]),
            ("SmolLM2: `generate --chat --tokens 32 --format json`",
             ["generate", "--model", smol, "--chat", "--tokens", "32", "--format", "json",
              "--quiet", CHAT_QUESTION, *out]),
            ("SmolLM2: `--view ablation --format json` (270 heads)",
             ["--model", smol, LECTURE, "--view", "ablation", "--format", "json", "--quiet",
              *out]),
        ]
    if qwen.is_file():
        found += [
            ("Qwen2.5-0.5B: default job", ["--model", qwen, LECTURE, *out]),
            ("Qwen2.5-0.5B: `generate --chat --tokens 32 --format json`",
             ["generate", "--model", qwen, "--chat", "--tokens", "32", "--format", "json",
              "--quiet", CHAT_QUESTION, *out]),
        ]
    if gemma.is_file():
        found.append(("Gemma 3 270M: default job", ["--model", gemma, LECTURE, *out]))
    return found, paths


def median_row(samples):
    return tuple(statistics.median(s[k] for s in samples) for k in range(3))


def spread(samples, k):
    values = [s[k] for s in samples]
    return f"{min(values):.2f}–{max(values):.2f}"


def llama_rows(python, paths, runs):
    """llama.cpp through llama-cpp-python: (case, median seconds, range) rows."""
    rows = []
    for name, path in paths.items():
        if name.startswith("Gemma") or not path.is_file():
            continue
        results = []
        for _ in range(runs + 1):
            done = subprocess.run(
                [python, HERE / "baseline_llama_cpp.py", path, LECTURE, CHAT_QUESTION, "32"],
                capture_output=True, text=True)
            if done.returncode != 0:
                return [], f"llama.cpp: {(done.stderr or done.stdout).strip().splitlines()[-1]}"
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        results = results[1:]
        for key, label in (("load_prefill_cpu", "load + prefill of the lecture sentence, CPU s"),
                           ("load_prefill_wall", "load + prefill of the lecture sentence, wall s"),
                           ("tokens_per_second", "generation: tokens/s (32 tokens, wall)")):
            values = [r[key] for r in results]
            rows.append((f"{name}: llama.cpp {label}", statistics.median(values),
                         f"{min(values):.2f}–{max(values):.2f}"))
    return rows, None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--attnviz", required=True)
    parser.add_argument("--previous")
    parser.add_argument("--llama-python")
    parser.add_argument("--model-root", default=".")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", help="run only the cases whose name contains this")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="attnviz-engine-"))
    found, paths = cases(args.model_root, work)
    if args.only:
        found = [c for c in found if args.only in c[0]]
    if not found:
        sys.exit("bench/engine.py: no GGUF model under models/ (run `make model`)")
    binaries = {"this build": str(Path(args.attnviz).resolve())}
    if args.previous:
        binaries = {"previous": str(Path(args.previous).resolve()), **binaries}
    load_before = os.getloadavg()[0]
    print(f"Engine: {args.runs} runs of each case after one warm-up"
          + (", the two binaries interleaved" if args.previous else "")
          + f"; medians (range); {os.cpu_count()} cores.\n")
    print("| case | binary | CPU s | wall s | peak MB |" + (" CPU previous / this |"
                                                        if args.previous else ""))
    print("|---|---|---|---|---|" + ("---|" if args.previous else ""))
    for case, options in found:
        results = {name: [] for name in binaries}
        for i in range(args.runs + 1):
            for name, binary in binaries.items():
                sample = measure([binary, *options])
                if i > 0:
                    results[name].append(sample)
        for name, samples in results.items():
            wall, cpu, peak = median_row(samples)
            ratio = ""
            if args.previous:
                ratio = " |"
                if name == "this build":
                    old = median_row(results["previous"])[1]
                    ratio = f" {old / cpu:.2f}× |"
            print(f"| {case} | {name} | {cpu:.2f} ({spread(samples, 1)}) | "
                  f"{wall:.2f} ({spread(samples, 0)}) | {peak:.0f} |{ratio}", flush=True)
    if args.llama_python:
        rows, note = llama_rows(args.llama_python, paths, args.runs)
        if note:
            print(f"\n{note}")
        if rows:
            print("\n| llama.cpp (llama-cpp-python, 2 threads) | median | range |")
            print("|---|---|---|")
            for case, value, values in rows:
                print(f"| {case} | {value:.2f} | {values} |")
    print(f"\nLoad average (1 min) {load_before:.1f} before, {os.getloadavg()[0]:.1f} after.")


if __name__ == "__main__":
    main()
