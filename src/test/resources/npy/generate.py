"""Regenerates the .npy fixtures read by io.hattn.io.NpyTest (python3 + numpy).

Values are arange-based so the Java test can recompute every expected element.
Run from this directory: python3 generate.py
"""
import numpy as np

def save(name, a, **kw):
    with open(name, "wb") as f:
        np.lib.format.write_array(f, a, **kw)

save("f4_c_2x3.npy", (np.arange(6, dtype="<f4") * 0.5 - 1).reshape(2, 3))
save("f8_3x4.npy", (np.arange(12, dtype="<f8") * 0.1 - 1).reshape(3, 4))
save("f8_be_5.npy", (np.arange(5, dtype="<f8") / 3).astype(">f8"))
save("f4_be_2x2x2.npy", (np.arange(8) * 1.25 + 0.1).astype(">f4").reshape(2, 2, 2))
fo = np.asfortranarray(np.arange(24, dtype="<f4").reshape(2, 3, 4))
assert fo.flags.f_contiguous and not fo.flags.c_contiguous
save("fortran_2x3x4.npy", fo)
save("v2_f4_2x5.npy", np.arange(10, dtype="<f4").reshape(2, 5), version=(2, 0))
save("v3_f4_4.npy", np.arange(4, dtype="<f4") + 0.25, version=(3, 0))
save("mask_bool_5.npy", np.array([True, False, True, True, False]))
save("mask_i4_2x3.npy", np.arange(-3, 3, dtype="<i4").reshape(2, 3))
save("i8_3.npy", np.array([-(2**40), 0, 2**40], dtype="<i8"))
save("u1_3.npy", np.array([0, 200, 255], dtype="|u1"))
save("i1_3.npy", np.array([-128, 0, 127], dtype="|i1"))
save("scalar_f4.npy", np.array(3.5, dtype="<f4"))
save("empty_0x3.npy", np.zeros((0, 3), dtype="<f4"))
save("complex_c8.npy", np.zeros(3, dtype="<c8"))
save("object.npy", np.array([1, "a", None], dtype=object), allow_pickle=True)
