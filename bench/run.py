"""Times attnviz against the numpy+matplotlib and transformers+matplotlib baselines and prints a
Markdown table of medians and ratios (baseline / attnviz). Standard library only; the baselines
run under --python. `make bench` calls it; see docs/performance.md.

    python3 bench/run.py --attnviz .build/release/attnviz --python PY [--model-dir DIR]
        [--gguf FILE] [--runs 7]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LECTURE = "The animal didn't cross the street because it was too tired."
HERE = Path(__file__).resolve().parent
NUMPY_BASELINE = HERE / "baseline_numpy_matplotlib.py"
TRANSFORMERS_BASELINE = HERE / "baseline_transformers.py"
TRANSFORMERS_GGUF_BASELINE = HERE / "baseline_transformers_gguf.py"
TRANSFORMERS_GENERATE_BASELINE = HERE / "baseline_transformers_generate.py"
CHAT_QUESTION = "Explain in two sentences what attention does in a transformer."
# transformers takes about 15 s to load the GGUF: fewer runs of it.
GGUF_BASELINE_RUNS = 3


def generated_text(tokens):
    """`tokens` word tokens: the lecture sentence's tokens repeated, separated by spaces."""
    words = LECTURE[:-1].split() + ["."]
    return " ".join(words[i % len(words)] for i in range(tokens))


# Processor seconds (user + system, from wait4) of every timed run, by argv: on a shared machine
# they are steadier than wall time, so the ratios are printed both ways.
CPU_SECONDS = {}


def time_runs(argv, runs):
    """One warm-up run, then `runs` timed runs; returns (wall seconds list, stderr of the last
    run) and records the processor seconds in CPU_SECONDS."""
    seconds = []
    cpu = []
    for i in range(runs + 1):
        with tempfile.TemporaryFile() as err:
            start = time.perf_counter()
            child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err)
            _, status, usage = os.wait4(child.pid, 0)
            elapsed = time.perf_counter() - start
            err.seek(0)
            stderr = err.read().decode(errors="replace")
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"{' '.join(map(str, argv))} failed:\n{stderr.strip()}")
        if i > 0:
            seconds.append(elapsed)
            cpu.append(usage.ru_utime + usage.ru_stime)
    CPU_SECONDS[tuple(map(str, argv))] = cpu
    return seconds, stderr


def summary(seconds):
    if not seconds:
        return "—"
    return f"{statistics.median(seconds):.3f} ({min(seconds):.3f}–{max(seconds):.3f})"


def ratio(baseline, attnviz):
    if not baseline or not attnviz:
        return "—"
    return f"{statistics.median(baseline) / statistics.median(attnviz):.1f}×"


def check_same_attention(args, text, work):
    """attnviz's attention.json and the numpy baseline must agree to 1e-9 (same layer)."""
    out = work / f"check-{len(text)}"
    run([args.attnviz, text, "--format", "json", "--quiet", "--out", out])
    done = run([args.python, NUMPY_BASELINE, text, out, "--check", out / "attention.json"])
    return done.stdout.strip()


def run(argv):
    done = subprocess.run(list(map(str, argv)), capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} failed:\n{(done.stderr or done.stdout).strip()}")
    return done


def model_status(args, work):
    """None when attnviz and transformers can both run the model, else why not (per side)."""
    attnviz_note = baseline_note = None
    if not (args.model_dir and Path(args.model_dir, "model.safetensors").is_file()):
        note = f"no model at {args.model_dir} (run `make model`)"
        return note, note
    try:
        run([args.attnviz, "--model", args.model_dir, LECTURE, "--quiet", "--format", "json",
             "--out", work / "model-check"])
    except RuntimeError as error:
        attnviz_note = str(error).splitlines()[-1]
    probe = subprocess.run([args.python, "-c", "import torch, transformers"], capture_output=True)
    if probe.returncode != 0:
        baseline_note = "transformers/torch not installed (make bench BENCH_MODEL=1)"
    return attnviz_note, baseline_note


def peak_memory_mb(argv):
    """The largest resident set (MB) of `argv`, run alone under a fresh Python (so no earlier
    child's peak counts)."""
    probe = ("import resource, subprocess, sys; "
             "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, "
             "check=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    done = run([sys.executable, "-c", probe, *argv])
    return int(done.stdout.strip()) / 1024


def gguf_status(args):
    """None when the baseline can load a GGUF with transformers, else why not."""
    probe = subprocess.run([args.python, "-c", "import torch, transformers, gguf, accelerate"],
                           capture_output=True)
    if probe.returncode != 0:
        return "transformers/torch/gguf/accelerate not installed (make bench BENCH_MODEL=1)"
    return None


def gguf_rows(args, work, attnviz, notes):
    """SmolLM2-135M-Instruct's Q4_1 GGUF: attnviz's load + forward + JSON and default job, and
    transformers loading the same file; peak memory of each in the notes."""
    if not (args.gguf and Path(args.gguf).is_file()):
        notes.append(f"no GGUF at {args.gguf} (run `make model`)")
        return []
    model = ["--model", args.gguf]
    baseline_note = gguf_status(args)
    baseline = None if baseline_note else [
        args.python, TRANSFORMERS_GGUF_BASELINE, args.gguf, LECTURE, work / "tg", "--timings"]
    if baseline_note:
        notes.append(baseline_note)
    json_only = attnviz(*model, "--format", "json", "--quiet")
    default_job = attnviz(*model)
    with_next = attnviz(*model, "--view", "heads,lines,model,next")
    # #24's overheads: each must add under 20% to the default job.
    with_credit = attnviz(*model, "--view", "heads,lines,model,credit")
    with_contribution = attnviz(*model, "--view", "heads,lines,model,contribution")
    # A chat prompt of about 30 tokens (SmolLM2's template adds its system message), 32 tokens
    # written greedily, every layer's and head's attention row kept in the JSON.
    generate = [args.attnviz, "generate", *model, "--chat", "--tokens", "32", "--format", "json",
                "--quiet", "--out", work / "g", CHAT_QUESTION]
    generate_baseline = None if baseline_note else [
        args.python, TRANSFORMERS_GENERATE_BASELINE, args.gguf, CHAT_QUESTION, "32",
        work / "tgen", "--timings"]
    memory = [f"attnviz `--format json --quiet` {peak_memory_mb(json_only):.0f} MB",
              f"attnviz default job {peak_memory_mb(default_job):.0f} MB",
              f"attnviz generate (32 tokens, every attention row) {peak_memory_mb(generate):.0f} MB"]
    if baseline:
        memory.append(f"transformers {peak_memory_mb(baseline):.0f} MB")
    notes.append("SmolLM2 GGUF peak memory (max resident set): " + ", ".join(memory))
    return [
        ("SmolLM2-135M Q4_1 GGUF, lecture sentence: `--format json --quiet` "
         "(load + forward + JSON) vs transformers loading the same file", json_only, baseline),
        ("SmolLM2-135M Q4_1 GGUF: default job (tables + heads/lines/model PNGs + JSON)",
         default_job, None),
        ("SmolLM2-135M Q4_1 GGUF: default job + `--view next` (the LM head on the last token)",
         with_next, None),
        ("SmolLM2-135M Q4_1 GGUF: default job + `--view credit` (direct logit attribution)",
         with_credit, None),
        ("SmolLM2-135M Q4_1 GGUF: default job + `--view contribution` (‖α·f(x)‖)",
         with_contribution, None),
        ("SmolLM2-135M Q4_1 GGUF: `generate --chat --tokens 32`, every attention row kept, vs "
         "transformers generate(output_attentions=True) on the same file", generate,
         generate_baseline),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--attnviz", required=True)
    parser.add_argument("--python", required=True, help="python with numpy and matplotlib")
    parser.add_argument("--model-dir", default="models/all-MiniLM-L6-v2")
    parser.add_argument(
        "--gguf", default="models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    args.attnviz = str(Path(args.attnviz).resolve())
    work = Path(tempfile.mkdtemp(prefix="attnviz-bench-"))
    load_before = os.getloadavg()[0]
    texts = {13: LECTURE, 100: generated_text(100), 500: generated_text(500)}

    for text in texts.values():
        print(check_same_attention(args, text, work), file=sys.stderr)

    def attnviz(*options, text=LECTURE):
        return [args.attnviz, text, "--out", work / "a", *options]

    def numpy_baseline(text):
        return [args.python, NUMPY_BASELINE, text, work / "b"]

    heatmaps_only = ("--view", "heatmap", "--format", "png", "--quiet")
    rows = [  # (case, attnviz argv, baseline argv or None)
        ("lecture sentence, 12 tokens: tables + heatmap/heads/lines PNGs + JSON",
         attnviz(), numpy_baseline(LECTURE)),
        ("lecture sentence: `--format json` only", attnviz("--format", "json"), None),
        ("lecture sentence: one heatmap PNG per head (2)",
         attnviz(*heatmaps_only), numpy_baseline(LECTURE)),
    ]
    for n in (100, 500):
        rows.append((f"{n} tokens: one heatmap PNG per head (2)",
                     attnviz(*heatmaps_only, text=texts[n]), numpy_baseline(texts[n])))
    long_text = generated_text(1024)
    rows.append(("1,024 tokens: default job (tables + heatmap/heads/lines PNGs + JSON)",
                 attnviz(text=long_text), None))
    rows.append(("1,024 tokens: `--format json` only", attnviz("--format", "json", text=long_text),
                 None))
    attnviz_note, baseline_note = model_status(args, work)
    notes = []
    if attnviz_note is None or baseline_note is None:
        model = ["--model", args.model_dir]
        transformers = [args.python, TRANSFORMERS_BASELINE, args.model_dir, LECTURE, work / "t",
                        "--timings"]
        rows.append(("all-MiniLM-L6-v2, lecture sentence: tables + default figures + JSON",
                     None if attnviz_note else attnviz(*model), None))
        rows.append(("all-MiniLM-L6-v2: one heatmap PNG per head of the last layer (12)",
                     None if attnviz_note else attnviz(*model, *heatmaps_only),
                     None if baseline_note else transformers))
        rows.append(("all-MiniLM-L6-v2: `--format json --quiet` (load + forward + JSON)",
                     None if attnviz_note else attnviz(*model, "--format", "json", "--quiet"),
                     None))
    for note in (attnviz_note, baseline_note):
        if note and note not in notes:
            notes.append(note)
    rows += gguf_rows(args, work, attnviz, notes)
    rows.append(("startup: `attnviz --version`", [args.attnviz, "--version"], None))

    results = []
    argvs = {case: (mine, theirs) for case, mine, theirs in rows}
    for case, mine, theirs in rows:
        print(f"timing: {case}", file=sys.stderr)
        times = {}
        for side, argv in (("attnviz", mine), ("baseline", theirs)):
            if argv is None:
                continue
            gguf_baseline = {str(TRANSFORMERS_GGUF_BASELINE),
                             str(TRANSFORMERS_GENERATE_BASELINE)} & set(map(str, argv))
            runs = min(args.runs, GGUF_BASELINE_RUNS) if gguf_baseline else args.runs
            seconds, stderr = time_runs(list(map(str, argv)), runs)
            times[side] = seconds
            if "--timings" in argv:
                notes.append(f"transformers baseline, last run: {stderr.strip().splitlines()[-1]}")
        results.append((case, times.get("attnviz"), times.get("baseline")))

    print(f"\n{args.runs} timed runs each after one warm-up; seconds: median (min–max). "
          f"Load average (1 min) {load_before:.1f} before, {os.getloadavg()[0]:.1f} after.\n")
    print("| case | attnviz | baseline | baseline / attnviz |")
    print("|---|---|---|---|")
    for case, mine, theirs in results:
        print(f"| {case} | {summary(mine)} | {summary(theirs)} | {ratio(theirs, mine)} |")
    for note in notes:
        print(f"\n- {note}")
    print_targets(results, argvs)
    shutil.rmtree(work)


def print_targets(results, argvs):
    """Issue 26's output-side targets from this run's medians: wall time and processor time
    (user + system) side by side, since a loaded machine inflates wall time."""
    times = {case: (mine, theirs) for case, mine, theirs in results}

    def medians(case, side):
        """(wall, cpu) medians of one side of a case, or None when it did not run."""
        if case not in times or not times[case][side]:
            return None
        argv = argvs[case][side]
        cpu = CPU_SECONDS.get(tuple(map(str, argv)), [])
        return statistics.median(times[case][side]), statistics.median(cpu) if cpu else None

    def ratio_line(label, top, bottom, goal, at_least):
        if top is None or bottom is None:
            print(f"| {label} | — | — | not measured |")
            return
        wall = top[0] / bottom[0]
        cpu = top[1] / bottom[1] if top[1] and bottom[1] else None
        met = all((r >= goal) if at_least else (r <= goal) for r in (wall, cpu) if r is not None)
        cpu_text = f"{cpu:.2f}×" if cpu is not None else "—"
        sign = "≥" if at_least else "≤"
        print(f"| {label} ({sign} {goal:g}×) | {wall:.2f}× | {cpu_text} | "
              f"{'met' if met else 'not met'} |")

    lecture = "lecture sentence, 12 tokens: tables + heatmap/heads/lines PNGs + JSON"
    lecture_json = "lecture sentence: `--format json` only"
    minilm = "all-MiniLM-L6-v2, lecture sentence: tables + default figures + JSON"
    minilm_json = "all-MiniLM-L6-v2: `--format json --quiet` (load + forward + JSON)"
    minilm_heatmaps = "all-MiniLM-L6-v2: one heatmap PNG per head of the last layer (12)"
    long_default = "1,024 tokens: default job (tables + heatmap/heads/lines PNGs + JSON)"
    print("\nTargets (issue 26, output side); ratios of medians, wall and processor time:\n")
    print("| target | wall | processor | |")
    print("|---|---|---|---|")
    ratio_line("lecture sentence: numpy + matplotlib / attnviz default job",
               medians(lecture, 1), medians(lecture, 0), 30, True)
    ratio_line("built-in layer: default job / `--format json`",
               medians(lecture, 0), medians(lecture_json, 0), 2, False)
    ratio_line("all-MiniLM-L6-v2: default job / `--format json`",
               medians(minilm, 0), medians(minilm_json, 0), 2, False)
    ratio_line("all-MiniLM-L6-v2: transformers + matplotlib / attnviz, 12 heatmaps",
               medians(minilm_heatmaps, 1), medians(minilm_heatmaps, 0), 100, True)
    long = medians(long_default, 0)
    if long:
        met = "met" if long[0] < 1 and (long[1] is None or long[1] < 1) else "not met"
        print(f"| 1,024 tokens: default job (< 1 s) | {long[0]:.3f} s | {long[1]:.3f} s | {met} |")


if __name__ == "__main__":
    main()
