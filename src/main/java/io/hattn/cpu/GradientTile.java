package io.hattn.cpu;

import java.util.Arrays;

/**
 * The backward step of one tile of query rows against its key segments (docs/algorithm.md section 11), shared by
 * the hierarchical and the exact backward. With the recomputed scores turned into {@code E = exp(S - m)} in a
 * {@link SoftmaxTile}, the rows' G (dz / D, restricted) and Delta ((dz . z) / D, restricted), it forms
 * <pre>
 *   ds = E (G V^T - w Delta),  dq += scale ds K,  dk += scale ds^T Q,  dv += E^T G
 * </pre>
 * on the forward's tile kernels (V^T and K are brought into the layouts those kernels read by
 * {@link #loadSegment}). Per-thread scratch; no allocation per tile.
 */
final class GradientTile {
    final int rows;
    final int width;
    final int dim;
    final int valueDim;
    final float[] products;
    private final int productStride;
    private final float[] transposed;
    private final float[] valuesTransposed;
    private final float[] keyRows;
    private final float[] rowsOut;
    private final int[] valueBase;
    private final int[] keyBase;
    private final int[] single = new int[1];

    GradientTile(int rows, int width, int maxSegments, int dim, int valueDim) {
        this.rows = rows;
        this.width = width;
        this.dim = dim;
        this.valueDim = valueDim;
        productStride = width * maxSegments;
        products = new float[rows * productStride];
        transposed = new float[productStride * rows];
        valuesTransposed = new float[maxSegments * width * valueDim];
        keyRows = new float[maxSegments * width * dim];
        rowsOut = new float[Math.max(rows, productStride) * Math.max(dim, valueDim)];
        valueBase = new int[maxSegments];
        keyBase = new int[maxSegments];
        for (int g = 0; g < maxSegments; g++) {
            valueBase[g] = g * width * valueDim;
            keyBase[g] = g * width * dim;
        }
    }

    /**
     * E = exp(S - m) in place for the tile's first {@code rows} rows over its segments, m of row r at
     * {@code offsets[first + r]}; a row with m = +inf (no valid fine row under it) becomes 0, never NaN. Every
     * score of a row is at most its m (section 11), so no entry exceeds 1.
     */
    static void exponentiate(SoftmaxTile tile, int rows, float[] offsets, int first) {
        int columns = tile.columns();
        for (int r = 0; r < rows; r++) {
            float m = offsets[first + r];
            if (m == Float.POSITIVE_INFINITY) {
                Arrays.fill(tile.scores, r * tile.scoreStride, r * tile.scoreStride + columns, 0f);
            } else {
                TileKernels.expShifted(tile.scores, r * tile.scoreStride, columns, m);
            }
        }
    }

    /**
     * Segment g's keys (a transposed block at {@code keysTransposed[keyBlockBase]}, as {@link KeyPanels} lays it
     * out) as rows, and its values (rows from {@code values[valueOffset]}) transposed the same way, for the score
     * kernel that multiplies them by G.
     */
    void loadSegment(int g, float[] keysTransposed, int keyBlockBase, float[] values, int valueOffset) {
        KeyPanels.transposeIn(values, valueOffset, valueDim, width, valueDim, valuesTransposed, valueBase[g]);
        KeyPanels.transposeOut(keysTransposed, keyBlockBase, width, dim, keyRows, keyBase[g], dim);
    }

    /**
     * The step for {@code segments} loaded segments. {@code e} holds E (row r at {@code r * tile.scoreStride},
     * segment g in columns [g * width, (g + 1) * width)); rows' G from {@code g[gOffset]}, Delta from
     * {@code deltas[deltaOffset]}; key weights of segment g from {@code keyWeights[weightRow[g]]}; queries from
     * {@code queries[queryOffset]}. Adds into dq at {@code dqOffset}, into dk and dv at the segments' offsets,
     * and the unscaled ds into {@code bias} when not null (see {@link #biasGradient}).
     */
    void accumulate(SoftmaxTile e, int segments, float[] g, int gOffset, float[] deltas, int deltaOffset,
                    float[] keyWeights, int[] weightRow, float[] queries, int queryOffset, float scale,
                    float[] dq, int dqOffset, float[] dk, int[] dkOffset, float[] dv, int[] dvOffset,
                    int[] sides, float[] bias) {
        int columns = segments * width;
        int stride = e.scoreStride;
        TileKernels.scores(g, gOffset, rows, valueDim, 1f, valuesTransposed, valueBase, segments, width, products,
                productStride);
        for (int r = 0; r < rows; r++) {
            float delta = deltas[deltaOffset + r];
            for (int s = 0; s < segments; s++) {
                TileKernels.scoreGradient(e.scores, r * stride + s * width, products, r * productStride + s * width,
                        keyWeights, weightRow[s], delta, width);
            }
        }
        if (bias != null) {
            biasGradient(segments, sides, bias);
        }
        for (int r = 0; r < rows; r++) {
            TileKernels.scale(products, r * productStride, columns, scale);
        }
        Arrays.fill(rowsOut, 0, rows * dim, 0f);
        TileKernels.accumulateValues(products, productStride, rows, keyBase, segments, width, keyRows, dim, rowsOut);
        TileKernels.addInto(dq, dqOffset, rowsOut, 0, rows * dim);

        TileKernels.transpose(products, 0, productStride, rows, columns, transposed, 0, rows);
        single[0] = queryOffset;
        Arrays.fill(rowsOut, 0, columns * dim, 0f);
        TileKernels.accumulateValues(transposed, rows, columns, single, 1, rows, queries, dim, rowsOut);
        for (int s = 0; s < segments; s++) {
            TileKernels.addInto(dk, dkOffset[s], rowsOut, s * width * dim, width * dim);
        }

        TileKernels.transpose(e.scores, 0, stride, rows, columns, transposed, 0, rows);
        single[0] = gOffset;
        Arrays.fill(rowsOut, 0, columns * valueDim, 0f);
        TileKernels.accumulateValues(transposed, rows, columns, single, 1, rows, g, valueDim, rowsOut);
        for (int s = 0; s < segments; s++) {
            TileKernels.addInto(dv, dvOffset[s], rowsOut, s * width * valueDim, width * valueDim);
        }
    }

    /**
     * {@code bias[side Nr + c - r + 2 Nr - 1] += ds[r][c]} per segment (section 7's index j_l - i_l, for
     * hierarchical tiles, where rows = width = Nr).
     */
    private void biasGradient(int segments, int[] sides, float[] bias) {
        for (int s = 0; s < segments; s++) {
            int base = BlockScores.biasBase(0, width, sides[s]);
            for (int r = 0; r < rows; r++) {
                // row r's columns are consecutive bias entries: one vector add, each entry's sum in the same
                // order (segments, then rows) as element by element
                TileKernels.addInto(bias, base - r, products, r * productStride + s * width, width);
            }
        }
    }
}
