import os
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
torch.set_num_threads(1)

DEFAULT_MNIST = ROOT.parent / "shared" / "data" / "mnist"
os.environ.setdefault("MNIST_DIR", str(DEFAULT_MNIST))


@pytest.fixture
def root() -> Path:
    return ROOT
