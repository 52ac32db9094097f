# Build targets for `sam build` (BuildMethod: makefile). SAM calls `make build-<LogicalId>` with
# ARTIFACTS_DIR set; build in source (samconfig.toml) so the checkout is not copied per function.
#
# Every file lands under the same dotted name it has in the repository (`shared.db`,
# `functions.health.app`), and every module ships with .pyc compiled by Python 3.13: Lambda's code
# directories are read-only, so without them each cold start recompiles everything.

.DEFAULT_GOAL := help

PYTHON ?= python3.13
LAMBDA_ARCH ?= x86_64
PIP_ARCH := $(if $(filter arm64,$(LAMBDA_ARCH)),aarch64,$(LAMBDA_ARCH))
# Amazon Linux 2023 (the python3.13 runtime) has glibc 2.34: any manylinux wheel up to 2_34 runs.
TARGET_PLATFORM := $(PIP_ARCH)-manylinux_2_34
# boto3 and the packages only it needs come with the python3.13 runtime: shipping them adds size
# and version skew. (jmespath is shipped: Powertools imports it directly.)
RUNTIME_PROVIDED := boto3|botocore|s3transfer|python-dateutil|six|urllib3
# The shared layer holds only what two or more functions import (tests/import_allowlist.json says
# who imports what): a package one function alone needs ships in that function's artifact.
MIGRATIONS_ONLY := alembic|mako|markupsafe
USERS_ONLY := pwdlib|argon2-cffi|argon2-cffi-bindings
# The X-Ray SDK and wrapt (nothing else needs it) go to XRaySdkLayer, attached only when the
# stack's XRaySdkTracing is true.
XRAY_SDK := aws-xray-sdk|wrapt
NOT_SHARED := $(RUNTIME_PROVIDED)|$(MIGRATIONS_ONLY)|$(USERS_ONLY)|$(XRAY_SDK)
# The CA bundles the layer ships (docs/database-tls.md): none unless downloaded into certs/.
CERTS_DIR ?= certs
CA_BUNDLES = $(wildcard $(CERTS_DIR)/*.pem)
COMPILE := $(PYTHON) -m compileall -q -j 0 --invalidation-mode unchecked-hash
# Wheels ship their shared objects with debug symbols, a third of the layer that Lambda never
# reads. A cross build (LAMBDA_ARCH=arm64 on x86_64) needs a strip for the target's ELF files.
STRIP ?= $(if $(filter $(PIP_ARCH),$(shell uname -m)),strip,$(PIP_ARCH)-linux-gnu-strip)

.PHONY: help dev test lint build check-artifacts-dir build-SharedLayer build-XRaySdkLayer \
	build-UsersFunction build-MigrationsFunction

help:
	@echo "Everyday targets (thin wrappers around the README's commands):"
	@echo "  make dev     uv run bookstore dev --seed   the API on http://127.0.0.1:3000"
	@echo "  make test    uv run pytest"
	@echo "  make lint    ruff, mypy, cfn-lint, sam validate and checkov, as CI runs them"
	@echo "  make build   uv run sam build"
	@echo "The build-<LogicalId> targets are for 'sam build' (it sets ARTIFACTS_DIR), not for you."

dev:
	uv run bookstore dev --seed

test:
	uv run pytest

lint:
	uv run ruff check .
	uv run ruff format --check .
	uv run mypy
	uv run cfn-lint template.yaml
	uv run sam validate --lint --region us-east-1
	uv run bookstore scan-template

build:
	uv run sam build

# SAM always sets ARTIFACTS_DIR; without it the recipes below would write to (and delete in) /.
check-artifacts-dir:
	@test -n "$(strip $(ARTIFACTS_DIR))" || { echo "ARTIFACTS_DIR is not set: the build-* targets are run by 'sam build'" >&2; exit 2; }

build-SharedLayer: check-artifacts-dir
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 13), "build with Python 3.13 (PYTHON=...)"'
	rm -rf "$(ARTIFACTS_DIR)/python"
	$(call install_packages,$(ARTIFACTS_DIR)/python,-Ev,$(NOT_SHARED))
	# pydantic.v1 is Pydantic 1, kept inside Pydantic 2 for old code. Nothing here runs it: FastAPI
	# imports it only to refuse v1 models, and takes its absence as "none", which saves every
	# function that import (about a twentieth of a bare FastAPI cold start).
	rm -rf "$(ARTIFACTS_DIR)/python/pydantic/v1"
	cp -R shared "$(ARTIFACTS_DIR)/python/shared"
	# CA bundles for DB_SSLROOTCERT (certs/README.md), at /opt/python/certs/ in every function.
	$(if $(CA_BUNDLES),mkdir -p "$(ARTIFACTS_DIR)/python/certs" && cp $(CA_BUNDLES) "$(ARTIFACTS_DIR)/python/certs/")
	find "$(ARTIFACTS_DIR)/python" -name __pycache__ -type d -prune -exec rm -rf {} +
	$(COMPILE) "$(ARTIFACTS_DIR)/python"

build-XRaySdkLayer: check-artifacts-dir
	rm -rf "$(ARTIFACTS_DIR)/python"
	$(call install_packages,$(ARTIFACTS_DIR)/python,-E,$(XRAY_SDK))
	$(COMPILE) "$(ARTIFACTS_DIR)/python"

build-%Function: check-artifacts-dir
	$(call copy_function,$(shell echo '$*' | tr '[:upper:]' '[:lower:]'))
	$(COMPILE) "$(ARTIFACTS_DIR)"

build-UsersFunction: check-artifacts-dir
	$(call install_packages,$(ARTIFACTS_DIR),-E,$(USERS_ONLY))
	$(call copy_function,users)
	$(COMPILE) "$(ARTIFACTS_DIR)"

# The Alembic package and the migration scripts share the folder `alembic/`: the runner looks for
# the scripts beside `functions/`, where Lambda also imports packages from. The package goes in
# first, and none of its files bears a script's name (env.py, script.py.mako, versions/).
build-MigrationsFunction: check-artifacts-dir
	$(call install_packages,$(ARTIFACTS_DIR),-E,$(MIGRATIONS_ONLY))
	$(call copy_function,migrations)
	cp -R alembic/env.py alembic/script.py.mako alembic/versions "$(ARTIFACTS_DIR)/alembic/"
	find "$(ARTIFACTS_DIR)" -name __pycache__ -type d -prune -exec rm -rf {} +
	$(COMPILE) -x '/alembic/templates/' "$(ARTIFACTS_DIR)"

# $(1): where; $(2) and $(3): grep's -E (only) or -Ev (all but) and the locked packages' names, as
# `uv export` spells them. Manylinux wheels for the runtime, whatever machine builds. Copies, not
# links: strip rewrites a hard-linked file in place, which would strip uv's cache and every
# environment linked to it, under the feet of the processes that have the library loaded.
define install_packages
	@command -v $(STRIP) >/dev/null || { echo "$(STRIP) not found: install binutils, or set STRIP= (llvm-strip reads every architecture)" >&2; exit 2; }
	mkdir -p "$(1)"
	uv export --frozen --no-dev --no-emit-project --no-hashes --no-header --no-annotate \
		| grep $(2) '^($(3))==' > "$(ARTIFACTS_DIR)/requirements.txt"
	uv pip install --quiet --no-deps --no-compile --link-mode copy --target "$(1)" \
		--python-platform $(TARGET_PLATFORM) --python-version 3.13 --only-binary :all: \
		-r "$(ARTIFACTS_DIR)/requirements.txt"
	rm -rf "$(ARTIFACTS_DIR)/requirements.txt" "$(1)/bin"
	find "$(1)" -type f \( -name '*.so' -o -name '*.so.*' \) -exec $(STRIP) --strip-unneeded {} +
endef

define copy_function
	mkdir -p "$(ARTIFACTS_DIR)/functions"
	cp functions/__init__.py "$(ARTIFACTS_DIR)/functions/"
	rm -rf "$(ARTIFACTS_DIR)/functions/$(1)"
	cp -R "functions/$(1)" "$(ARTIFACTS_DIR)/functions/$(1)"
	find "$(ARTIFACTS_DIR)/functions" -name __pycache__ -type d -prune -exec rm -rf {} +
endef
