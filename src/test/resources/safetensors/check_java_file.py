"""Loads java.safetensors (written by hattn's SafeTensors.write, see SafeTensorsTest) with Python's `safetensors`
and checks every tensor and the metadata against make_python_file.py's. Exits non-zero on any difference.

Run: python check_java_file.py  (needs `pip install safetensors numpy`)
"""
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

import make_python_file as reference  # the tensors and metadata (importing it writes nothing)

loaded = load_file("java.safetensors")
assert sorted(loaded) == sorted(reference.tensors), (sorted(loaded), sorted(reference.tensors))
for name, expected in reference.tensors.items():
    actual = loaded[name]
    assert actual.dtype == expected.dtype, (name, actual.dtype, expected.dtype)
    assert actual.shape == expected.shape, (name, actual.shape, expected.shape)
    assert actual.tobytes() == expected.tobytes(), name
with safe_open("java.safetensors", framework="numpy") as f:
    assert f.metadata() == reference.metadata, f.metadata()
print("java.safetensors: %d tensors and %d metadata entries equal to make_python_file.py's" % (len(loaded), len(reference.metadata)))
sys.exit(0)
