package io.hattn.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A matrix product for the layers' shapes, C[m, n] (+)= sum_k A(m, k) B[k, n] with B and C row-major and A read
 * through strides (so A may be a matrix or a transposed one without a copy). Register tiles of 6 rows x 2
 * vectors of C: 12 accumulators, 2 loads of B and a broadcast, 15 of AVX2's 16 registers (2 x 2 on JDK 17, whose
 * JIT cannot keep more in registers); two vectors divide the layers' widths of 16 x 2^k. With AVX-512's 32
 * registers the tiles are 6 x 4 (panels of 64 columns). Each element of A is
 * broadcast and multiplied into a row of B. B is copied, a block of depth and columns at a time, into
 * contiguous panels two vectors wide, so that the tiles stream it in order (A is read in place: copying a
 * transposed A into tiles measured 5-10% slower). One thread: callers split the rows. {@code -Dhattn.simd=false}
 * runs the scalar body.
 */
public final class MatrixKernels {

    private static final VectorSpecies<Float> SPECIES = Simd.SPECIES;
    private static final int LANES = Simd.LANES;
    private static final int ROWS = Simd.WIDE_TILES ? 6 : 2;
    /**
     * Vectors per panel and tile: 4 where the JIT keeps 29 vectors in AVX-512's 32 registers (6 x 4 tiles: each
     * broadcast of A feeds 4 FMAs instead of 2), else 2.
     */
    private static final int VECTORS = Simd.EIGHT_ROW_TILES ? 4 : 2;
    /** Depth block: one block of B, 256 x {@link #COLUMN_BLOCK} packed, fits in L2 beside the rows of A and C. */
    private static final int DEPTH_BLOCK = 256;
    /** Columns packed at a time: 256 rows x 256 columns of B are 256 KiB, within every L2 seen. */
    private static final int COLUMN_BLOCK = 256;
    /** Each thread's packed panels of B, grown to the largest block it has packed and kept. */
    private static final ThreadLocal<float[]> BUFFERS = ThreadLocal.withInitial(() -> new float[0]);

    private MatrixKernels() {
    }

    /** Words for result lines, as the backend's. */
    public static String describe() {
        return Simd.describe() + (Simd.ENABLED ? ", " + ROWS + "x" + VECTORS + " register tiles" : "");
    }

    /**
     * C[m, n] = (accumulate ? C : 0) + sum_k A(m, k) B[k, n], A(m, k) = a[aOffset + m aRow + k aColumn],
     * B[k, n] = b[bOffset + k ldb + n], C[m, n] = c[cOffset + m ldc + n]. Every element of C is summed over k in
     * ascending order whatever the path, so the tiles, the packing and the tails give the same bits.
     */
    public static void multiply(int m, int n, int depth, float[] a, int aOffset, int aRow, int aColumn, float[] b,
                                int bOffset, int ldb, float[] c, int cOffset, int ldc, boolean accumulate) {
        if (!accumulate) {
            for (int i = 0; i < m; i++) {
                java.util.Arrays.fill(c, cOffset + i * ldc, cOffset + i * ldc + n, 0f);
            }
        }
        if (!Simd.ENABLED) {
            for (int k0 = 0; k0 < depth; k0 += DEPTH_BLOCK) {
                scalar(0, m, 0, n, k0, Math.min(depth, k0 + DEPTH_BLOCK), a, aOffset, aRow, aColumn, b, bOffset, ldb,
                        c, cOffset, ldc);
            }
            return;
        }
        int width = VECTORS * LANES;
        int packed = n / width * width;
        float[] buffer = packingBuffer(DEPTH_BLOCK * Math.min(packed, COLUMN_BLOCK));
        for (int k0 = 0; k0 < depth; k0 += DEPTH_BLOCK) {
            int k1 = Math.min(depth, k0 + DEPTH_BLOCK);
            for (int j0 = 0; j0 < packed; j0 += COLUMN_BLOCK) {
                int panels = (Math.min(packed, j0 + COLUMN_BLOCK) - j0) / width;
                packPanels(b, bOffset + k0 * ldb + j0, ldb, k1 - k0, panels, width, buffer);
                int row = tiledRows(m, j0, panels, k0, k1, a, aOffset, aRow, aColumn, buffer, c, cOffset, ldc);
                columnsLeft(row, m, j0, j0 + panels * width, k0, k1, a, aOffset, aRow, aColumn, b, bOffset, ldb, c,
                        cOffset, ldc);
            }
            columnsLeft(0, m, packed, n, k0, k1, a, aOffset, aRow, aColumn, b, bOffset, ldb, c, cOffset, ldc);
        }
    }

    /**
     * Rows of C in register tiles over the packed panels of columns [j0, j0 + panels x width) and depth [k0, k1):
     * 6-row tiles, then 2-row ones for the tail (one accumulator alone would wait on each FMA). Returns the first row
     * left, at most one.
     */
    private static int tiledRows(int m, int j0, int panels, int k0, int k1, float[] a, int aOffset, int aRow,
                                 int aColumn, float[] buffer, float[] c, int cOffset, int ldc) {
        int kb = k1 - k0;
        int width = VECTORS * LANES;
        int i = 0;
        for (; i + ROWS <= m; i += ROWS) {
            int aStart = aOffset + i * aRow + k0 * aColumn;
            for (int p = 0; p < panels; p++) {
                int bStart = p * kb * width;
                int cStart = cOffset + i * ldc + j0 + p * width;
                if (VECTORS == 4) {
                    tile6x4(a, aStart, aRow, aColumn, buffer, bStart, width, kb, c, cStart, ldc);
                } else if (Simd.WIDE_TILES) {
                    tile6x2(a, aStart, aRow, aColumn, buffer, bStart, width, kb, c, cStart, ldc);
                } else {
                    tile2x2(a, aStart, aRow, aColumn, buffer, bStart, width, kb, c, cStart, ldc);
                }
            }
        }
        for (; i + 2 <= m; i += 2) {
            for (int p = 0; p < panels; p++) {
                for (int half = 0; half < VECTORS; half += 2) {
                    tile2x2(a, aOffset + i * aRow + k0 * aColumn, aRow, aColumn, buffer,
                            p * kb * width + half * LANES, width, kb, c, cOffset + i * ldc + j0 + p * width
                                    + half * LANES, ldc);
                }
            }
        }
        return i;
    }

    /** A per-thread scratch array of at least this many floats, kept for the thread's later calls. */
    private static float[] packingBuffer(int length) {
        float[] buffer = BUFFERS.get();
        if (buffer.length < length) {
            buffer = new float[length];
            BUFFERS.set(buffer);
        }
        return buffer;
    }

    /**
     * B's rows [0, kb) from bStart, columns [0, panels x width), into the buffer's panels of width columns,
     * each kb x width contiguous: the tiles then read B in order, from L1 or by prefetch, instead of one line ldb
     * floats apart per k (which maps a panel onto a few L1 sets when ldb is a multiple of 128). Forward and
     * backward-input products at width 128 ran 20% faster for it (JMH, 2 threads, AVX2).
     */
    private static void packPanels(float[] b, int bStart, int ldb, int kb, int panels, int width, float[] buffer) {
        for (int p = 0; p < panels; p++) {
            int to = p * kb * width;
            for (int k = 0; k < kb; k++) {
                int from = bStart + k * ldb + p * width;
                for (int v = 0; v < width; v += LANES) {
                    FloatVector.fromArray(SPECIES, b, from + v).intoArray(buffer, to + k * width + v);
                }
            }
        }
    }

    /** C[6 rows, 2 vectors] from cStart += sum over k in [0, depth) of A(r, k) B[k, :]. */
    private static void tile6x2(float[] a, int aStart, int aRow, int aColumn, float[] b, int bStart, int bStride,
                                int depth, float[] c, int c0, int ldc) {
        FloatVector s00 = FloatVector.fromArray(SPECIES, c, c0);
        FloatVector s01 = FloatVector.fromArray(SPECIES, c, c0 + LANES);
        FloatVector s10 = FloatVector.fromArray(SPECIES, c, c0 + ldc);
        FloatVector s11 = FloatVector.fromArray(SPECIES, c, c0 + ldc + LANES);
        FloatVector s20 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc);
        FloatVector s21 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc + LANES);
        FloatVector s30 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc);
        FloatVector s31 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc + LANES);
        FloatVector s40 = FloatVector.fromArray(SPECIES, c, c0 + 4 * ldc);
        FloatVector s41 = FloatVector.fromArray(SPECIES, c, c0 + 4 * ldc + LANES);
        FloatVector s50 = FloatVector.fromArray(SPECIES, c, c0 + 5 * ldc);
        FloatVector s51 = FloatVector.fromArray(SPECIES, c, c0 + 5 * ldc + LANES);
        for (int k = 0; k < depth; k++) {
            int bk = bStart + k * bStride;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bk);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bk + LANES);
            int ak = aStart + k * aColumn;
            FloatVector x = FloatVector.broadcast(SPECIES, a[ak]);
            s00 = b0.fma(x, s00);
            s01 = b1.fma(x, s01);
            x = FloatVector.broadcast(SPECIES, a[ak + aRow]);
            s10 = b0.fma(x, s10);
            s11 = b1.fma(x, s11);
            x = FloatVector.broadcast(SPECIES, a[ak + 2 * aRow]);
            s20 = b0.fma(x, s20);
            s21 = b1.fma(x, s21);
            x = FloatVector.broadcast(SPECIES, a[ak + 3 * aRow]);
            s30 = b0.fma(x, s30);
            s31 = b1.fma(x, s31);
            x = FloatVector.broadcast(SPECIES, a[ak + 4 * aRow]);
            s40 = b0.fma(x, s40);
            s41 = b1.fma(x, s41);
            x = FloatVector.broadcast(SPECIES, a[ak + 5 * aRow]);
            s50 = b0.fma(x, s50);
            s51 = b1.fma(x, s51);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + LANES);
        s10.intoArray(c, c0 + ldc);
        s11.intoArray(c, c0 + ldc + LANES);
        s20.intoArray(c, c0 + 2 * ldc);
        s21.intoArray(c, c0 + 2 * ldc + LANES);
        s30.intoArray(c, c0 + 3 * ldc);
        s31.intoArray(c, c0 + 3 * ldc + LANES);
        s40.intoArray(c, c0 + 4 * ldc);
        s41.intoArray(c, c0 + 4 * ldc + LANES);
        s50.intoArray(c, c0 + 5 * ldc);
        s51.intoArray(c, c0 + 5 * ldc + LANES);
    }

    /** {@link #tile6x2} four vectors wide: 24 accumulators, 4 loads of B and a broadcast per step of k. */
    private static void tile6x4(float[] a, int aStart, int aRow, int aColumn, float[] b, int bStart, int bStride,
                                int depth, float[] c, int c0, int ldc) {
        FloatVector s00 = FloatVector.fromArray(SPECIES, c, c0);
        FloatVector s01 = FloatVector.fromArray(SPECIES, c, c0 + LANES);
        FloatVector s02 = FloatVector.fromArray(SPECIES, c, c0 + 2 * LANES);
        FloatVector s03 = FloatVector.fromArray(SPECIES, c, c0 + 3 * LANES);
        FloatVector s10 = FloatVector.fromArray(SPECIES, c, c0 + ldc);
        FloatVector s11 = FloatVector.fromArray(SPECIES, c, c0 + ldc + LANES);
        FloatVector s12 = FloatVector.fromArray(SPECIES, c, c0 + ldc + 2 * LANES);
        FloatVector s13 = FloatVector.fromArray(SPECIES, c, c0 + ldc + 3 * LANES);
        FloatVector s20 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc);
        FloatVector s21 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc + LANES);
        FloatVector s22 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc + 2 * LANES);
        FloatVector s23 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc + 3 * LANES);
        FloatVector s30 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc);
        FloatVector s31 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc + LANES);
        FloatVector s32 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc + 2 * LANES);
        FloatVector s33 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc + 3 * LANES);
        FloatVector s40 = FloatVector.fromArray(SPECIES, c, c0 + 4 * ldc);
        FloatVector s41 = FloatVector.fromArray(SPECIES, c, c0 + 4 * ldc + LANES);
        FloatVector s42 = FloatVector.fromArray(SPECIES, c, c0 + 4 * ldc + 2 * LANES);
        FloatVector s43 = FloatVector.fromArray(SPECIES, c, c0 + 4 * ldc + 3 * LANES);
        FloatVector s50 = FloatVector.fromArray(SPECIES, c, c0 + 5 * ldc);
        FloatVector s51 = FloatVector.fromArray(SPECIES, c, c0 + 5 * ldc + LANES);
        FloatVector s52 = FloatVector.fromArray(SPECIES, c, c0 + 5 * ldc + 2 * LANES);
        FloatVector s53 = FloatVector.fromArray(SPECIES, c, c0 + 5 * ldc + 3 * LANES);
        for (int k = 0; k < depth; k++) {
            int bk = bStart + k * bStride;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bk);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bk + LANES);
            FloatVector b2 = FloatVector.fromArray(SPECIES, b, bk + 2 * LANES);
            FloatVector b3 = FloatVector.fromArray(SPECIES, b, bk + 3 * LANES);
            int ak = aStart + k * aColumn;
            FloatVector x = FloatVector.broadcast(SPECIES, a[ak]);
            s00 = b0.fma(x, s00);
            s01 = b1.fma(x, s01);
            s02 = b2.fma(x, s02);
            s03 = b3.fma(x, s03);
            x = FloatVector.broadcast(SPECIES, a[ak + aRow]);
            s10 = b0.fma(x, s10);
            s11 = b1.fma(x, s11);
            s12 = b2.fma(x, s12);
            s13 = b3.fma(x, s13);
            x = FloatVector.broadcast(SPECIES, a[ak + 2 * aRow]);
            s20 = b0.fma(x, s20);
            s21 = b1.fma(x, s21);
            s22 = b2.fma(x, s22);
            s23 = b3.fma(x, s23);
            x = FloatVector.broadcast(SPECIES, a[ak + 3 * aRow]);
            s30 = b0.fma(x, s30);
            s31 = b1.fma(x, s31);
            s32 = b2.fma(x, s32);
            s33 = b3.fma(x, s33);
            x = FloatVector.broadcast(SPECIES, a[ak + 4 * aRow]);
            s40 = b0.fma(x, s40);
            s41 = b1.fma(x, s41);
            s42 = b2.fma(x, s42);
            s43 = b3.fma(x, s43);
            x = FloatVector.broadcast(SPECIES, a[ak + 5 * aRow]);
            s50 = b0.fma(x, s50);
            s51 = b1.fma(x, s51);
            s52 = b2.fma(x, s52);
            s53 = b3.fma(x, s53);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + LANES);
        s02.intoArray(c, c0 + 2 * LANES);
        s03.intoArray(c, c0 + 3 * LANES);
        s10.intoArray(c, c0 + ldc);
        s11.intoArray(c, c0 + ldc + LANES);
        s12.intoArray(c, c0 + ldc + 2 * LANES);
        s13.intoArray(c, c0 + ldc + 3 * LANES);
        s20.intoArray(c, c0 + 2 * ldc);
        s21.intoArray(c, c0 + 2 * ldc + LANES);
        s22.intoArray(c, c0 + 2 * ldc + 2 * LANES);
        s23.intoArray(c, c0 + 2 * ldc + 3 * LANES);
        s30.intoArray(c, c0 + 3 * ldc);
        s31.intoArray(c, c0 + 3 * ldc + LANES);
        s32.intoArray(c, c0 + 3 * ldc + 2 * LANES);
        s33.intoArray(c, c0 + 3 * ldc + 3 * LANES);
        s40.intoArray(c, c0 + 4 * ldc);
        s41.intoArray(c, c0 + 4 * ldc + LANES);
        s42.intoArray(c, c0 + 4 * ldc + 2 * LANES);
        s43.intoArray(c, c0 + 4 * ldc + 3 * LANES);
        s50.intoArray(c, c0 + 5 * ldc);
        s51.intoArray(c, c0 + 5 * ldc + LANES);
        s52.intoArray(c, c0 + 5 * ldc + 2 * LANES);
        s53.intoArray(c, c0 + 5 * ldc + 3 * LANES);
    }

    /** {@link #tile6x2} for 2 rows: JDK 17's tile, and the tail of the rows. */
    private static void tile2x2(float[] a, int aStart, int aRow, int aColumn, float[] b, int bStart, int bStride,
                                int depth, float[] c, int c0, int ldc) {
        FloatVector s00 = FloatVector.fromArray(SPECIES, c, c0);
        FloatVector s01 = FloatVector.fromArray(SPECIES, c, c0 + LANES);
        FloatVector s10 = FloatVector.fromArray(SPECIES, c, c0 + ldc);
        FloatVector s11 = FloatVector.fromArray(SPECIES, c, c0 + ldc + LANES);
        for (int k = 0; k < depth; k++) {
            int bk = bStart + k * bStride;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bk);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bk + LANES);
            int ak = aStart + k * aColumn;
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
