# Two commands from a fresh clone: `make run` (the desktop demo) and `make test`.
# Each installs what it needs first, idempotently, and says what it does.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench screenshots image image-test bundle sysdeps venv clean

$(STAMP): pyproject.toml
	@echo ">> creating virtual env $(VENV) and installing the kiosk with its dev extras"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip
	@$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

sysdeps:
	@echo ">> checking Debian packages (.ci/system-packages.txt)"
	@.ci/install-system-packages

run: sysdeps venv
	@echo ">> starting the desktop demo (kiosk demo)"
	@$(BIN)/kiosk demo

test: sysdeps lint
	@.ci/start-pcscd
	@echo ">> pytest"
	@$(BIN)/python -m pytest -q

# ruff, then mypy (configured in pyproject.toml; incremental through .mypy_cache).
lint: sysdeps venv
	@echo ">> ruff"
	@$(BIN)/ruff check .
	@echo ">> mypy"
	@$(BIN)/mypy

bench: venv
	@for b in bench/*.py; do echo ">> $$b"; $(BIN)/python $$b || exit 1; done

screenshots: sysdeps venv
	@$(BIN)/python -m appliance.ui.screenshots docs/screens

# The build machine's tools first (image-build/host-packages.txt), then the venv the image's
# wheels are pinned to.
image:
	@image-build/host-tools.sh
	@$(MAKE) --no-print-directory venv
	@$(MAKE) -C image-build image

bundle:
	@image-build/host-tools.sh
	@$(MAKE) --no-print-directory venv
	@$(MAKE) -C image-build bundle

image-test:
	@image-build/host-tools.sh
	@$(MAKE) --no-print-directory venv
	@$(MAKE) -C image-build image-test

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
