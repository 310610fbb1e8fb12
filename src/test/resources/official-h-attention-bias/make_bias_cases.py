"""Golden cases for hattn's relative-position bias, computed by Google's official H-Transformer-1D code.

Runs flaxformer's `OneDimHierarchicalAttention` core (architectures/h_transformer/h_attention.py) with its
hierarchical relative-position bias on (`use_rpb=True`, `use_multihead_rpb=True`), in float32 on CPU, on random
q, k, v and a random bias table, and writes the inputs, the bias in hattn's layout and the official output as
.npy files plus cases.json.

Usage:  python make_bias_cases.py FLAXFORMER_CHECKOUT OUTPUT_DIR [FLAXFORMER_COMMIT]
        (the commit, if given, is only written into cases.json)
Needs:  numpy, jax, jaxlib, flax (any recent release; made with jax 0.10.2, flax 0.12.8, numpy 2.4.6).

Stubs (modules the h_transformer code imports but these cases never use):
  - `gin` (gin-config): only `gin.constants_from_enum` and `gin.configurable` decorators are touched at import
    time; they are replaced by identity decorators.
  - `flaxformer.components.dense` (needs the `aqt` quantisation package): the multihead and output projections
    are switched off (`multihead_projection=False`, `output_projection=False`), so `DenseGeneral` is never built.
Nothing else of flaxformer is changed; the attention core, token hierarchy and bias modules run as published.

Bias mapping (verified below against a literal float64 evaluation, and by hattn's OfficialBiasOutputsTest):
flaxformer's parameter `1d_relative_position_bias` has shape [4*Nr - 1, heads]; entry [r, h] is added to every
score whose coarse relative position (key index minus query index at that pair's level) is r - (2*Nr - 1), at
every level. hattn's table is bias[h * (4*Nr - 1) + r], i.e. the transpose.
"""

import json
import os
import sys
import types

import numpy as np

CHECKOUT, OUT_DIR = sys.argv[1], sys.argv[2]
COMMIT = sys.argv[3] if len(sys.argv) > 3 else "not recorded"
sys.path.insert(0, CHECKOUT)

gin = types.ModuleType("gin")
gin.constants_from_enum = lambda cls=None, **kwargs: cls if cls is not None else (lambda c: c)
gin.configurable = lambda fn=None, **kwargs: fn if fn is not None else (lambda f: f)
sys.modules["gin"] = gin
dense_stub = types.ModuleType("flaxformer.components.dense")
sys.modules["flaxformer.components.dense"] = dense_stub

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from flax import linen as nn  # noqa: E402
from flaxformer.architectures.h_transformer import h_attention  # noqa: E402

jax.config.update("jax_platforms", "cpu")


class OfficialCore(h_attention.OneDimHierarchicalAttention):
    """The official attention core on given multi-head q, k, v (no projections), q already divided by sqrt(d)."""

    @nn.compact
    def __call__(self, query, key, value, padding_mask):  # pylint: disable=arguments-differ
        return self._hierarchical_attention_fn(
            query, key, value, query_padding_mask=padding_mask, key_padding_mask=padding_mask,
            dropout_rng=None, is_self_attention=True)


def official(q, k, v, valid, bias, block, causal):
    """q, k, v: [B, H, L, d] raw (q unscaled); valid: [B, L]; bias: [H, 4*block - 1]. Returns [B, H, L, d]."""
    b, h, length, d = q.shape
    to_blhd = lambda x: jnp.asarray(np.transpose(x, (0, 2, 1, 3)))
    mask = jnp.asarray(valid[:, :, None].astype(np.float32))
    module = OfficialCore(num_heads=h, num_clusters=block, causal_mask=causal, dtype=jnp.float32,
                          use_rpb=True, use_multihead_rpb=True, dropout_rate=0.0, multihead_projection=False,
                          output_projection=False, enable_param_axes=False,
                          interpolation_kernel_type=h_attention.th.ConvKernelType.CONST)
    args = (to_blhd(q / np.float32(np.sqrt(d))), to_blhd(k), to_blhd(v), mask)
    params = module.init(jax.random.PRNGKey(0), *args)
    table = params["params"]["1d_relative_position_bias"]["1d_relative_position_bias"]
    assert table.shape == (4 * block - 1, h), table.shape
    params = jax.tree_util.tree_map(lambda x: x, params)
    params["params"]["1d_relative_position_bias"]["1d_relative_position_bias"] = jnp.asarray(bias.T)
    out = np.asarray(module.apply(params, *args))  # [B, L, H * d]
    return np.transpose(out.reshape(b, length, h, d), (0, 2, 1, 3))


def level_of(i, j, block):
    level = 0
    while abs(i // (block << level) - j // (block << level)) > 1:
        level += 1
    return level


def literal(q, k, v, valid, bias, block, causal):
    """The definition in float64: H-similarity (coarse q.k/sqrt(d) + bias[h, j_l - i_l + 2*block - 1]), softmax."""
    b, h, length, d = q.shape
    levels = int(np.log2(length // block))
    out = np.zeros(q.shape, dtype=np.float64)
    for bi in range(b):
        for hi in range(h):
            qs, ks, ok = [q[bi, hi].astype(np.float64) / np.sqrt(d)], [k[bi, hi].astype(np.float64)], [valid[bi]]
            for _ in range(1, levels):
                pq, pk, pv = qs[-1], ks[-1], ok[-1]
                a, c = pv[0::2].astype(np.float64)[:, None], pv[1::2].astype(np.float64)[:, None]
                count = np.maximum(1.0, a + c)
                ks.append((pk[0::2] * a + pk[1::2] * c) / count)
                qs.append(pq[0::2].copy() if causal else (pq[0::2] * a + pq[1::2] * c) / count)
                ok.append(pv[0::2] | pv[1::2])
            for i in range(length):
                if not valid[bi, i]:
                    continue
                scores, keys = [], []
                for j in range(length):
                    if not valid[bi, j] or (causal and j > i):
                        continue
                    lv = level_of(i, j, block)
                    il, jl = i >> lv, j >> lv
                    scores.append(qs[lv][il] @ ks[lv][jl] + bias[hi, jl - il + 2 * block - 1])
                    keys.append(j)
                s = np.array(scores)
                w = np.exp(s - s.max())
                out[bi, hi, i] = w @ v[bi, hi, keys].astype(np.float64) / w.sum()
    return out


CASES = [
    # name, batch, heads, length, dim, block, causal, valid lengths
    ("enc-bias-L64-H2-d16-Nr4", 1, 2, 64, 16, 4, False, [64]),
    ("dec-bias-L64-H2-d16-Nr4", 1, 2, 64, 16, 4, True, [64]),
    ("enc-bias-L128-H2-d8-Nr4", 1, 2, 128, 8, 4, False, [128]),
    ("dec-bias-L128-H2-d8-Nr4", 1, 2, 128, 8, 4, True, [128]),
    ("enc-bias-masked-B2-L128-H2-d8-Nr8", 2, 2, 128, 8, 8, False, [100, 128]),
    ("dec-bias-masked-B2-L128-H2-d8-Nr8", 2, 2, 128, 8, 8, True, [77, 128]),
    ("enc-bias-exact-L16-H2-d8-Nr8", 1, 2, 16, 8, 8, False, [16]),
    ("dec-bias-exact-L16-H2-d8-Nr8", 1, 2, 16, 8, 8, True, [16]),
]


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    rng = np.random.default_rng(20261201)
    listed = []
    for name, b, h, length, d, block, causal, lengths in CASES:
        valid = np.zeros((b, length), dtype=bool)
        for bi, n in enumerate(lengths):
            valid[bi, :n] = True
        q, k, v = (rng.standard_normal((b, h, length, d)).astype(np.float32) for _ in range(3))
        for x in (q, k, v):
            x[~np.broadcast_to(valid[:, None, :], (b, h, length))] = 0.0
        # Standard deviation 1 (flaxformer initialises with 0.1): large enough that a wrong index shows.
        bias = rng.standard_normal((h, 4 * block - 1)).astype(np.float32)
        out = official(q, k, v, valid, bias, block, causal)
        reference = literal(q, k, v, valid, bias, block, causal)
        diff = float(np.max(np.abs(out - reference)))
        without_bias = literal(q, k, v, valid, np.zeros_like(bias), block, causal)
        effect = float(np.max(np.abs(reference - without_bias)))
        print(f"{name}: max |official - literal| = {diff:.3g}, bias moves outputs by up to {effect:.3g}")
        assert diff < 1e-5, name
        for suffix, array in (("q", q), ("k", k), ("v", v), ("mask", valid.astype(np.float32)),
                              ("bias", bias), ("out", out.astype(np.float32))):
            np.save(os.path.join(OUT_DIR, f"{name}.{suffix}.npy"), array)
        listed.append({"name": name, "batch": b, "heads": h, "length": length, "dim": d, "block": block,
                       "causal": causal, "valid_lengths": lengths,
                       "max_abs_diff_vs_literal_definition": diff, "max_abs_effect_of_bias": effect})
    with open(os.path.join(OUT_DIR, "cases.json"), "w") as f:
        json.dump({
            "source": "google/flaxformer architectures/h_transformer (official H-Transformer-1D), float32 on CPU, "
                      "OneDimHierarchicalAttention core via _hierarchical_attention_fn, use_rpb=True, "
                      "use_multihead_rpb=True, CONST interpolation, no projections, no dropout",
            "flaxformer_commit": COMMIT,
            "layout": "q, k, v, out: [batch, heads, length, dim]; mask: [batch, length], 1 = valid; "
                      "bias: [heads, 4*Nr - 1], entry [h, (j_l - i_l) + 2*Nr - 1] (the transpose of flaxformer's "
                      "1d_relative_position_bias parameter); q is raw (the official code was given q / sqrt(dim)); "
                      "padded rows of q, k, v are zero; padded output rows are 0",
            "cases": listed,
        }, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
