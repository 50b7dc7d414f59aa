# The two commands: `make run` serves the data map, `make test` checks it. Both set up everything.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The font the PDF documents are set in (resolvers/documents.py): Debian's fonts-dejavu-core.
PDF_FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf

# The tests' own Neo4j: another port and data directory, so `make test` never touches `make run`'s.
TEST_NEO4J_PORT ?= 7688
TEST_ENV := DATAMAP_LOCAL_NEO4J_PORT=$(TEST_NEO4J_PORT) DATAMAP_LOCAL_NEO4J_DATA_DIR=$(CURDIR)/var/test/neo4j

.PHONY: run test install lint typecheck pytest bench schema vendor chromium clean

run: install
	$(BIN)/datamap run

test: install chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(TEST_ENV) $(BIN)/pytest

install: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "datamap: $(PYTHON) not found; install Python 3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	test -f $(PDF_FONT) || apt-get install --yes --quiet fonts-dejavu-core
	touch $(STAMP)

schema: install
	$(BIN)/datamap schema export

# The browser tests drive Debian's Chromium (Playwright's own browser builds are not reachable).
chromium:
	command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

# Re-vendor GraphiQL's and the explorer's web assets from npm at the versions pinned in the script.
vendor:
	app/static/vendor.sh

bench: install
	$(BIN)/python -m bench.run

clean:
	-$(BIN)/datamap neo4j stop
	rm -rf var
