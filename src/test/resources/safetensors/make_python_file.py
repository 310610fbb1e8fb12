"""Writes python.safetensors, the test data of SafeTensorsTest, with Python's own `safetensors` package.

Run: python make_python_file.py  (needs `pip install safetensors numpy`; written with safetensors 0.8.0, numpy 2.4.6)
Values are simple formulas so that the Java test can recompute them instead of storing a copy.
"""
import numpy as np
from safetensors.numpy import save_file

tensors = {
    # F32 matrix: value = row * 10 + column + 0.5
    "encoder.layer0.weight": (np.arange(3)[:, None] * 10 + np.arange(4)[None, :] + 0.5).astype(np.float32),
    # F32 vector with values that are not exact in binary, negative zero and extremes
    "encoder.layer0.bias": np.array([0.1, -0.0, 1e-30, -3.4e38, 7.0], dtype=np.float32),
    # F32 scalar (shape [])
    "scale": np.array(0.125, dtype=np.float32),
    # F32 with a zero dimension (no bytes)
    "empty": np.zeros((2, 0), dtype=np.float32),
    # F64 3-D: value = i / 3 for the flat index i
    "double.values": (np.arange(24, dtype=np.float64) / 3).reshape(2, 3, 4),
    # I64 and I32: steps and counts, with negatives and values beyond 32 bits
    "optimizer.step": np.array([40, -1, 2**40 + 7], dtype=np.int64),
    "counts": np.array([[1, -2], [2147483647, -2147483648]], dtype=np.int32),
}
metadata = {"format": "pt", "model.width": "128", "model.layers": "4", "task": "listops", "note": "caf\u00e9 \"quoted\""}

if __name__ == "__main__":
    # The Rust core orders metadata by a randomly seeded hash map: a rerun writes equal content in another order.
    save_file(tensors, "python.safetensors", metadata=metadata)
