# The two commands a newcomer needs: `make run` and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
# `make test` (and so CI) fails rather than skips the PostgreSQL tests when no server starts.
export NEWSBOT_TEST_REQUIRE_POSTGRES := 1

.PHONY: install run test bench clean

install: $(VENV)/.installed

# PyTorch first, as the CPU build (torch==2.13.0); anything else pulls a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: install
	$(BIN)/newsbot start

test: install
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) data
