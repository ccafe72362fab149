"""The engine's speed on the real GGUF models (docs/performance.md, "Engine"): CPU time (user +
system), wall time and peak memory (maximum resident set) of whole attnviz runs, medians of
`--runs` runs after one warm-up. With `--previous OLD`, an earlier attnviz binary runs each
case too, interleaved with this one so that the shared machine's load hits both alike, and the
table gives the ratio. With `--llama-python PY` (a Python with llama-cpp-python, built from its
PyPI sdist: `make bench-engine BENCH_LLAMA=1`), llama.cpp runs the same files side by side,
alternating with attnviz: load + prefill of the lecture sentence, and 32 tokens written greedily
after the chat question, load, prefill and decoding timed apart (`llama_comparison`,
bench/baseline_llama_cpp.py); `--llama-only` runs only that comparison. Standard library only.

    python3 bench/engine.py --attnviz NEW [--previous OLD] [--llama-python PY [--llama-only]]
        [--runs 5]
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


def llama_comparison(python, attnviz, paths, runs, work, threads=2, only=None):
    """attnviz beside llama.cpp (llama-cpp-python) on SmolLM2 and Qwen2.5, the runs of the two
    alternating so that the shared machine's load hits both alike. Prints its table.

    attnviz is timed from outside (a whole process each); its decoding speed is the difference
    between `generate --tokens 32` and `--tokens 1` on the same chat prompt, over 31 tokens (the
    first comes from the prefill, in both). llama.cpp times each span in its own process
    (bench/baseline_llama_cpp.py). The chat prompt's ids and the tokens written are compared."""
    print(f"\nattnviz beside llama.cpp (llama-cpp-python 0.3.36, n_threads {threads}, greedy), "
          f"{runs} runs each after one warm-up, alternating; medians (range).\n")
    print("| model | measure | attnviz | llama.cpp | attnviz / llama.cpp |")
    print("|---|---|---|---|---|")
    loads = []
    for name, path in paths.items():
        if name.startswith("Gemma") or not path.is_file() or (only and only not in name):
            continue
        samples = {key: [] for key in ("json", "g1", "g32", "llama")}
        generated = None
        for i in range(runs + 1):
            loads.append(os.getloadavg()[0])
            done = subprocess.run(
                [python, HERE / "baseline_llama_cpp.py", path, LECTURE, CHAT_QUESTION, "32",
                 str(threads)],
                capture_output=True, text=True)
            if done.returncode != 0:
                print(f"\nllama.cpp: {(done.stderr or done.stdout).strip().splitlines()[-1]}")
                return
            llama = json.loads(done.stdout.strip().splitlines()[-1])
            json_run = measure([attnviz, "--model", path, LECTURE, "--format", "json", "--quiet",
                                "--out", work / "json"])
            runs_of = {}
            for count in (1, 32):
                out = work / f"g{count}"
                runs_of[count] = measure(
                    [attnviz, "generate", "--model", path, "--chat", "--tokens", count,
                     "--format", "json", "--quiet", CHAT_QUESTION, "--out", out])
            generated = json.loads((work / "g32" / "generation.json").read_text())
            if i > 0:
                samples["json"].append(json_run)
                samples["g1"].append(runs_of[1])
                samples["g32"].append(runs_of[32])
                samples["llama"].append(llama)
        # The same prompt, and how far the two greedy answers agree.
        prompt_ids = generated["prompt"]["ids"]
        ids = [step["id"] for step in generated["steps"]]
        llama = samples["llama"][-1]
        same_prompt = prompt_ids == llama["prompt_ids"]
        agree = next((k for k, (a, b) in enumerate(zip(ids, llama["tokens"])) if a != b),
                     min(len(ids), len(llama["tokens"])))
        short = name.split(" ")[0]

        def med(values):
            return statistics.median(values), f"{min(values):.2f}–{max(values):.2f}"

        def row(measure_name, ours, theirs, ratio_text=None):
            (a, ar), (b, br) = med(ours), med(theirs)
            ratio = ratio_text or f"{a / b:.2f}×"
            print(f"| {short} | {measure_name} | {a:.2f} ({ar}) | {b:.2f} ({br}) | {ratio} |",
                  flush=True)

        llama_runs = samples["llama"]
        row("load + prefill of the lecture sentence, CPU s (attnviz: the whole `--format json` "
            "run, every attention weight written)",
            [s[1] for s in samples["json"]], [r["load_prefill_cpu"] for r in llama_runs])
        row("load + prefill of the lecture sentence, wall s",
            [s[0] for s in samples["json"]], [r["load_prefill_wall"] for r in llama_runs])
        decode_wall = [31 / (g32[0] - g1[0]) for g1, g32 in zip(samples["g1"], samples["g32"])]
        decode_cpu = [31 / (g32[1] - g1[1]) for g1, g32 in zip(samples["g1"], samples["g32"])]
        row("decoding, tokens per second of wall time (31 tokens; attnviz keeps every attention "
            "row and writes it as JSON)",
            decode_wall, [31 / r["decode_wall"] for r in llama_runs])
        row("decoding, tokens per CPU second",
            decode_cpu, [31 / r["decode_cpu"] for r in llama_runs])
        row("whole answer: load, chat prefill and 32 tokens, wall s",
            [s[0] for s in samples["g32"]],
            [r["load_wall"] + r["chat_prefill_wall"] + r["decode_wall"] for r in llama_runs])
        row("whole answer: load, chat prefill and 32 tokens, CPU s",
            [s[1] for s in samples["g32"]],
            [r["load_cpu"] + r["chat_prefill_cpu"] + r["decode_cpu"] for r in llama_runs])
        print(f"| {short} | chat prompt: {len(prompt_ids)} tokens, "
              f"{'the same ids' if same_prompt else 'DIFFERENT ids'} in both; answers agree on "
              f"the first {agree} of {len(ids)} tokens (stop: {generated['stop'].get('reason')}) | | | |")
    print(f"\nLoad average (1 min) at the start of each round: "
          f"{min(loads):.1f}–{max(loads):.1f}, median {statistics.median(loads):.1f}.")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--attnviz", required=True)
    parser.add_argument("--previous")
    parser.add_argument("--llama-python")
    parser.add_argument("--model-root", default=".")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", help="run only the cases whose name contains this")
    parser.add_argument("--llama-only", action="store_true",
                        help="with --llama-python: only the comparison with llama.cpp")
    parser.add_argument("--llama-threads", type=int, default=2,
                        help="llama.cpp's n_threads (default 2)")
    parser.add_argument("--llama-model", help="compare only the model whose name has this")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="attnviz-engine-"))
    found, paths = cases(args.model_root, work)
    if args.only:
        found = [c for c in found if args.only in c[0]]
    if args.llama_only:
        found = []
        if not args.llama_python:
            sys.exit("bench/engine.py: --llama-only needs --llama-python")
    if not found and not args.llama_only:
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
        llama_comparison(args.llama_python, binaries["this build"], paths, args.runs, work,
                         threads=args.llama_threads, only=args.llama_model)
    print(f"\nLoad average (1 min) {load_before:.1f} before, {os.getloadavg()[0]:.1f} after.")


if __name__ == "__main__":
    main()
