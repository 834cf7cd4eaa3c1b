# Two entry points for a fresh machine: `make demo` (the main job on the bundled demo song)
# and `make test` (the quick test suite; `make test-all` adds the slow tests, as CI runs it).
# Both create .venv and install the pinned set in constraints.txt on first use.
#
# TORCH picks the PyTorch build: cpu (default; PyTorch's CPU wheels, no CUDA packages) or cuda
# (the CUDA build that the Python package index serves on Linux). TORCH_INDEX overrides the
# index that torch alone is installed from; everything else comes from the usual index.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
TORCH ?= cpu
TORCH_INDEX_cpu := https://download.pytorch.org/whl/cpu
TORCH_INDEX_cuda := https://pypi.org/simple
TORCH_INDEX ?= $(TORCH_INDEX_$(TORCH))

# The `pose` extra (mediapipe, numpy < 2) lives in its own environment, built from
# constraints-pose.txt; `make test-pose` runs the tests marked `pose` there.
POSE_VENV ?= .venv-pose
POSE_PY := $(POSE_VENV)/bin/python
POSE_STAMP := $(POSE_VENV)/.installed

.PHONY: demo test test-all test-pose lint

$(STAMP): pyproject.toml constraints.txt
	$(if $(TORCH_INDEX),,$(error TORCH must be cpu or cuda, not '$(TORCH)'))
	@echo "== [1/4] creating $(VENV)"
	python3 -m venv $(VENV)
	@echo "== [2/4] updating pip"
	$(PIP) install -c constraints.txt --upgrade pip
	@echo "== [3/4] installing PyTorch ($(TORCH) build) from $(TORCH_INDEX)"
	@echo "   (where that index cannot be reached, pip retries it for ~10 s, then uses its other sources)"
	$(PIP) install --no-deps -c constraints.txt --index-url $(TORCH_INDEX) torch
	@echo "== [4/4] installing dancekit and its dependencies (first time: a few minutes)"
	$(PIP) install -c constraints.txt -e ".[dev,serve]"
	touch $(STAMP)
	@echo "== installed into $(VENV)"

$(POSE_STAMP): pyproject.toml constraints-pose.txt
	$(if $(TORCH_INDEX),,$(error TORCH must be cpu or cuda, not '$(TORCH)'))
	@echo "== creating $(POSE_VENV) with the pose extra (mediapipe 0.10.21, numpy 1.26)"
	python3 -m venv $(POSE_VENV)
	$(POSE_PY) -m pip install -c constraints-pose.txt --upgrade pip
	$(POSE_PY) -m pip install --no-deps -c constraints-pose.txt --index-url $(TORCH_INDEX) torch
	$(POSE_PY) -m pip install -c constraints-pose.txt -e ".[dev,serve,pose]"
	touch $(POSE_STAMP)

demo: $(STAMP)
	@echo "== dancing to the bundled demo song -> demo.mp4"
	$(VENV)/bin/dancekit demo -o demo.mp4

test: lint
	$(PY) -m pytest

test-all: lint
	$(PY) -m pytest -m "slow or not slow"

test-pose: $(POSE_STAMP)
	$(POSE_PY) -m pytest -m pose

lint: $(STAMP)
	$(PY) -m ruff check src tests benchmarks studies dataprep recipes
