package io.hattn.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A matrix product for the layers' shapes, C[m, n] (+)= sum_k A(m, k) B[k, n] with B and C row-major and A read
 * through strides (so A may be a matrix or a transposed one without a copy). Register tiles of 4 rows x 3
 * vectors of C (2 x 2 on JDK 17, whose JIT cannot keep more in registers), each element of A broadcast and
 * multiplied into a row of B; the depth runs in blocks that keep the panel of B in L2. One thread: callers split
 * the rows. {@code -Dhattn.simd=false} runs the scalar body.
 */
public final class MatrixKernels {

    private static final VectorSpecies<Float> SPECIES = Simd.SPECIES;
    private static final int LANES = Simd.LANES;
    private static final int ROWS = Simd.WIDE_TILES ? 4 : 2;
    private static final int VECTORS = Simd.WIDE_TILES ? 3 : 2;
    /** Depth block: 256 rows of B of a few hundred floats stay in a 1 MiB L2 with room for C. */
    private static final int DEPTH_BLOCK = 256;

    private MatrixKernels() {
    }

    /** Words for result lines, as the backend's. */
    public static String describe() {
        return Simd.describe() + (Simd.ENABLED ? ", " + ROWS + "x" + VECTORS + " register tiles" : "");
    }

    /**
     * C[m, n] = (accumulate ? C : 0) + sum_k A(m, k) B[k, n], A(m, k) = a[aOffset + m aRow + k aColumn],
     * B[k, n] = b[bOffset + k ldb + n], C[m, n] = c[cOffset + m ldc + n].
     */
    public static void multiply(int m, int n, int depth, float[] a, int aOffset, int aRow, int aColumn, float[] b,
                                int bOffset, int ldb, float[] c, int cOffset, int ldc, boolean accumulate) {
        if (!accumulate) {
            for (int i = 0; i < m; i++) {
                java.util.Arrays.fill(c, cOffset + i * ldc, cOffset + i * ldc + n, 0f);
            }
        }
        for (int k0 = 0; k0 < depth; k0 += DEPTH_BLOCK) {
            int k1 = Math.min(depth, k0 + DEPTH_BLOCK);
            if (!Simd.ENABLED) {
                scalar(0, m, 0, n, k0, k1, a, aOffset, aRow, aColumn, b, bOffset, ldb, c, cOffset, ldc);
                continue;
            }
            int width = VECTORS * LANES;
            int i = 0;
            for (; i + ROWS <= m; i += ROWS) {
                int j = 0;
                for (; j + width <= n; j += width) {
                    if (Simd.WIDE_TILES) {
                        tile4x3(i, j, k0, k1, a, aOffset, aRow, aColumn, b, bOffset, ldb, c, cOffset, ldc);
                    } else {
                        tile2x2(i, j, k0, k1, a, aOffset, aRow, aColumn, b, bOffset, ldb, c, cOffset, ldc);
                    }
                }
                columnsLeft(i, i + ROWS, j, n, k0, k1, a, aOffset, aRow, aColumn, b, bOffset, ldb, c, cOffset, ldc);
            }
            columnsLeft(i, m, 0, n, k0, k1, a, aOffset, aRow, aColumn, b, bOffset, ldb, c, cOffset, ldc);
        }
    }

    private static void tile4x3(int i, int j, int k0, int k1, float[] a, int aOffset, int aRow, int aColumn,
                                float[] b, int bOffset, int ldb, float[] c, int cOffset, int ldc) {
        int c0 = cOffset + i * ldc + j;
        FloatVector s00 = FloatVector.fromArray(SPECIES, c, c0);
        FloatVector s01 = FloatVector.fromArray(SPECIES, c, c0 + LANES);
        FloatVector s02 = FloatVector.fromArray(SPECIES, c, c0 + 2 * LANES);
        FloatVector s10 = FloatVector.fromArray(SPECIES, c, c0 + ldc);
        FloatVector s11 = FloatVector.fromArray(SPECIES, c, c0 + ldc + LANES);
        FloatVector s12 = FloatVector.fromArray(SPECIES, c, c0 + ldc + 2 * LANES);
        FloatVector s20 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc);
        FloatVector s21 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc + LANES);
        FloatVector s22 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc + 2 * LANES);
        FloatVector s30 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc);
        FloatVector s31 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc + LANES);
        FloatVector s32 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc + 2 * LANES);
        int a0 = aOffset + i * aRow;
        for (int k = k0; k < k1; k++) {
            int bk = bOffset + k * ldb + j;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bk);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bk + LANES);
            FloatVector b2 = FloatVector.fromArray(SPECIES, b, bk + 2 * LANES);
            int ak = a0 + k * aColumn;
            FloatVector x = FloatVector.broadcast(SPECIES, a[ak]);
            s00 = b0.fma(x, s00);
            s01 = b1.fma(x, s01);
            s02 = b2.fma(x, s02);
            x = FloatVector.broadcast(SPECIES, a[ak + aRow]);
            s10 = b0.fma(x, s10);
            s11 = b1.fma(x, s11);
            s12 = b2.fma(x, s12);
            x = FloatVector.broadcast(SPECIES, a[ak + 2 * aRow]);
            s20 = b0.fma(x, s20);
            s21 = b1.fma(x, s21);
            s22 = b2.fma(x, s22);
            x = FloatVector.broadcast(SPECIES, a[ak + 3 * aRow]);
            s30 = b0.fma(x, s30);
            s31 = b1.fma(x, s31);
            s32 = b2.fma(x, s32);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + LANES);
        s02.intoArray(c, c0 + 2 * LANES);
        s10.intoArray(c, c0 + ldc);
        s11.intoArray(c, c0 + ldc + LANES);
        s12.intoArray(c, c0 + ldc + 2 * LANES);
        s20.intoArray(c, c0 + 2 * ldc);
        s21.intoArray(c, c0 + 2 * ldc + LANES);
        s22.intoArray(c, c0 + 2 * ldc + 2 * LANES);
        s30.intoArray(c, c0 + 3 * ldc);
        s31.intoArray(c, c0 + 3 * ldc + LANES);
        s32.intoArray(c, c0 + 3 * ldc + 2 * LANES);
    }

    private static void tile2x2(int i, int j, int k0, int k1, float[] a, int aOffset, int aRow, int aColumn,
                                float[] b, int bOffset, int ldb, float[] c, int cOffset, int ldc) {
        int c0 = cOffset + i * ldc + j;
        FloatVector s00 = FloatVector.fromArray(SPECIES, c, c0);
        FloatVector s01 = FloatVector.fromArray(SPECIES, c, c0 + LANES);
        FloatVector s10 = FloatVector.fromArray(SPECIES, c, c0 + ldc);
        FloatVector s11 = FloatVector.fromArray(SPECIES, c, c0 + ldc + LANES);
        int a0 = aOffset + i * aRow;
        for (int k = k0; k < k1; k++) {
            int bk = bOffset + k * ldb + j;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bk);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bk + LANES);
            int ak = a0 + k * aColumn;
            FloatVector x = FloatVector.broadcast(SPECIES, a[ak]);
            s00 = b0.fma(x, s00);
            s01 = b1.fma(x, s01);
            x = FloatVector.broadcast(SPECIES, a[ak + aRow]);
            s10 = b0.fma(x, s10);
            s11 = b1.fma(x, s11);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + LANES);
        s10.intoArray(c, c0 + ldc);
        s11.intoArray(c, c0 + ldc + LANES);
    }

    /** Rows [i0, i1) x columns [j0, n): one vector at a time, then scalars for the last columns. */
    private static void columnsLeft(int i0, int i1, int j0, int n, int k0, int k1, float[] a, int aOffset,
                                    int aRow, int aColumn, float[] b, int bOffset, int ldb, float[] c, int cOffset,
                                    int ldc) {
        for (int i = i0; i < i1; i++) {
            int j = j0;
            int ai = aOffset + i * aRow;
            for (; j + LANES <= n; j += LANES) {
                int ci = cOffset + i * ldc + j;
                FloatVector s = FloatVector.fromArray(SPECIES, c, ci);
                for (int k = k0; k < k1; k++) {
                    s = FloatVector.fromArray(SPECIES, b, bOffset + k * ldb + j)
                            .fma(FloatVector.broadcast(SPECIES, a[ai + k * aColumn]), s);
                }
                s.intoArray(c, ci);
            }
            scalar(i, i + 1, j, n, k0, k1, a, aOffset, aRow, aColumn, b, bOffset, ldb, c, cOffset, ldc);
        }
    }

    private static void scalar(int i0, int i1, int j0, int j1, int k0, int k1, float[] a, int aOffset, int aRow,
                               int aColumn, float[] b, int bOffset, int ldb, float[] c, int cOffset, int ldc) {
        for (int i = i0; i < i1; i++) {
            for (int j = j0; j < j1; j++) {
                float sum = c[cOffset + i * ldc + j];
                for (int k = k0; k < k1; k++) {
                    sum += a[aOffset + i * aRow + k * aColumn] * b[bOffset + k * ldb + j];
                }
                c[cOffset + i * ldc + j] = sum;
            }
        }
    }
}
