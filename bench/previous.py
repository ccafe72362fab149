"""Times two attnviz binaries side by side on the same pretrained-model commands: wall time,
CPU time (user + system) and peak memory (maximum resident set size) of each run, runs of the
two interleaved so that a change in the machine's load hits both alike. Standard library only.
`make bench BENCH_PREVIOUS=path/to/old/attnviz` calls it; see docs/performance.md.

    python3 bench/previous.py --attnviz NEW --previous OLD [--model-dir DIR] [--runs 15]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LECTURE = "The animal didn't cross the street because it was too tired."


def measure(argv):
    """(wall seconds, CPU seconds, peak RSS in MB) of one run, standard output discarded."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    stderr = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{stderr.strip()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def median(values):
    return statistics.median(values)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--attnviz", required=True)
    parser.add_argument("--previous", required=True)
    parser.add_argument("--model-dir", default="models/all-MiniLM-L6-v2")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if not Path(args.model_dir, "config.json").is_file():
        sys.exit(f"bench/previous.py: no model at {args.model_dir} (run `make model`)")
    work = tempfile.mkdtemp(prefix="attnviz-previous-")
    cases = [("`--format json --quiet` (load + forward + JSON)",
              ["--format", "json", "--quiet"])]
    binaries = {"previous": str(Path(args.previous).resolve()),
                "this build": str(Path(args.attnviz).resolve())}
    load_before = os.getloadavg()[0]
    print(f"{Path(args.model_dir).name}, lecture sentence; {args.runs} runs of each binary, "
          "interleaved, after one warm-up; medians.\n")
    print("| case | binary | wall s | CPU s | peak MB |")
    print("|---|---|---|---|---|")
    for case, options in cases:
        results = {name: [] for name in binaries}
        for i in range(args.runs + 1):
            for name, binary in binaries.items():
                sample = measure([binary, "--model", args.model_dir, LECTURE, "--out", work,
                                  *options])
                if i > 0:
                    results[name].append(sample)
        for name, samples in results.items():
            wall, cpu, peak = (median([s[k] for s in samples]) for k in range(3))
            print(f"| {case} | {name} | {wall:.3f} | {cpu:.3f} | {peak:.0f} |")
        old, new = results["previous"], results["this build"]
        print(f"\nthis build / previous: wall {median([s[0] for s in new]) / median([s[0] for s in old]):.2f}, "
              f"CPU {median([s[1] for s in new]) / median([s[1] for s in old]):.2f}, "
              f"peak memory {median([s[2] for s in new]) / median([s[2] for s in old]):.2f}")
    print(f"\nLoad average (1 min) {load_before:.1f} before, {os.getloadavg()[0]:.1f} after.")


if __name__ == "__main__":
    main()
