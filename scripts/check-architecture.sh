#!/usr/bin/env bash
# The module graph from the real imports, and the rules the compiler cannot enforce.
#   scripts/check-architecture.sh          check: fails when docs/architecture.md's graph is stale
#                                         or a rule is broken (run by make lint)
#   scripts/check-architecture.sh --print  print the graph block for docs/architecture.md
set -euo pipefail
cd "$(dirname "$0")/.."

system='^(Foundation|FoundationXML|Glibc|Darwin|Musl|Dispatch|Synchronization|Testing|XCTest)$'

graph() {
  for dir in Sources/*/; do
    module=$(basename "$dir")
    imports=$(grep -rhoE '^(@_exported )?import [A-Za-z]+' "$dir" 2>/dev/null \
      | sed -E 's/^(@_exported )?import //' | grep -vE "$system" | sort -u | tr '\n' ' ' \
      | sed 's/ $//' || true)
    printf '%-16s → %s\n' "$module" "${imports:-(nothing)}"
  done
}

if [ "${1:-}" = "--print" ]; then graph; exit 0; fi

status=0
documented=$(sed -n '/<!-- module-graph:begin -->/,/<!-- module-graph:end -->/p' \
  docs/architecture.md | grep '→' || true)
if [ "$documented" != "$(graph)" ]; then
  echo "docs/architecture.md: the module graph no longer matches the imports; now:"
  graph
  status=1
fi
# Only the command-line library sees ArgumentParser.
if grep -rlE '^import ArgumentParser' Sources | grep -v '^Sources/AttnvizCLI/'; then
  echo "only AttnvizCLI may import ArgumentParser"; status=1
fi
# C libraries stay behind the rasteriser; the engine's own C kernels behind the engine.
if grep -rlE '^import C[A-Z]' Sources --include=*.swift | grep -v '^Sources/AttnvizRender/' \
  | grep -vxF 'Sources/AttnvizModel/Engine/TransformerKernels.swift'; then
  echo "only AttnvizRender may import the C libraries (and TransformerKernels.swift CEngineKernels)"
  status=1
fi
if grep -rlE '^import CEngineKernels' Sources --include=*.swift \
  | grep -vxF 'Sources/AttnvizModel/Engine/TransformerKernels.swift'; then
  echo "CEngineKernels is called from TransformerKernels.swift alone"; status=1
fi
# Renderers and tables take labelled matrices and scenes, never the model or the tokenizers.
if grep -rlE '^import Attnviz(Model|Tokens|Kit)$' Sources/AttnvizStyle Sources/AttnvizRender \
  Sources/AttnvizViews Sources/AttnvizTables Sources/AttnvizHTML; then
  echo "Style, Render, Views, Tables and HTML must not import the model, tokenizers or pipeline"
  status=1
fi
# The pipeline never touches the process's streams or arguments.
if grep -rnE 'isatty|STDIN_FILENO|STDOUT_FILENO|FileHandle\.standard|Thread \{' \
  Sources/AttnvizKit Sources/AttnvizExplain; then
  echo "process I/O belongs in AttnvizTerminal or AttnvizCLI"; status=1
fi
# Nor its environment or arguments: the executable reads them once and passes them down in the
# run's RunContext. (AttnvizTerminal is the process's edge; the font search takes the home
# folder from the run's figure options.)
if grep -rnE 'ProcessInfo\.processInfo\.(environment|arguments)|CommandLine\.|getenv\(' \
  $(ls -d Sources/*/ | grep -vE '^Sources/(AttnvizTerminal|AttnvizCLI|attnviz)/$'); then
  echo "the environment and the arguments are read by the executable and passed in a RunContext"
  status=1
fi
# macOS: every file that imports the GNU C library imports Darwin's too, and calls into the C
# library are not qualified by Glibc (an alias per platform names them instead).
for file in $(grep -rlE 'canImport\(Glibc\)' Sources --include=*.swift); do
  if ! grep -q 'canImport(Darwin)' "$file"; then
    echo "$file: imports Glibc without its Darwin counterpart (#elseif canImport(Darwin))"; status=1
  fi
done
if grep -rnE 'Glibc\.[a-z]' Sources --include=*.swift | grep -vE 'private let system[A-Z][a-z]+ = Glibc\.'; then
  echo "a call qualified by Glibc does not build on macOS; name it through a per-platform alias"
  status=1
fi
exit $status
