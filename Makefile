# Two commands for a newcomer: `make run` (set up, index, start the page) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)
PORT   ?= 8501

.PHONY: setup index run test bench clean

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP)

index: setup
	$(BIN)/python -m rag index

run: index
	$(BIN)/streamlit run app.py --server.address localhost --server.port $(PORT)

# pytest exits 5 when it collects no test: say so rather than fail on it.
test: setup
	$(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; rc=0; fi; exit $$rc

bench: setup
	$(BIN)/python -m bench.retrieval

clean:
	rm -rf data artifacts .pytest_cache
