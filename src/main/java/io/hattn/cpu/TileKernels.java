package io.hattn.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * The dense pieces every path of this backend is made of, on flat arrays with offsets: scores
 * {@code S = Q K^T} against key blocks stored transposed, {@code Y += P V}, and the small row operations of the
 * softmax. Each has a Vector API body (register tiles, vectors across columns, so no lane reductions in the
 * products) and a scalar body used for tails and when {@link Simd#ENABLED} is off. The register tiles are written
 * out by hand (a00 ... a33): the JIT keeps named vector locals in registers, not arrays of vectors.
 */
final class TileKernels {

    private TileKernels() {
    }

    /**
     * Scores of {@code rows} query rows against {@code segments} transposed key blocks of {@code width} columns
     * (laid out as {@link KeyPanels} says):
     * {@code s[r * sStride + g * width + c] = scale * sum_x q[q0 + r * d + x] * kT[keyBase[g] + index(x, c)]}.
     * The vector body keeps 4 rows x 3 column vectors in registers, so each step loads 3 key vectors and 4
     * query scalars for 12 FMAs; columns past the last full vector and rows past the last group of 4 are
     * finished by narrower bodies.
     */
    /**
     * Tiles of at least this many query rows use the 8-row score and 6-row value tiles ({@link Simd#EIGHT_ROW_TILES}):
     * the exact path's 64-row tiles. Measured on the 2-core Xeon (AVX-512), exact attention at 4K bidirectional
     * ran 5-14% faster with them in three interleaved pairs of JMH runs (causal: within the noise); the hierarchical
     * path's blocks of Nr rows showed no gain within the noise and keep 4-row tiles
     * (bench/results/forward-ab-balanced-8row-xeon-spr).
     */
    static final int LARGE_TILE_ROWS = 32;

    static void scores(float[] q, int q0, int rows, int d, float scale, float[] kT, int[] keyBase, int segments,
                       int width, float[] s, int sStride) {
        int vectorsPerSegment = Simd.ENABLED ? width / Simd.LANES : 0;
        int vectorColumns = segments * vectorsPerSegment;
        int r = 0;
        // JDK 17's JIT sometimes boxes the 12 (and 8) accumulators of the wider tiles, depending on what it
        // compiled before (measured: 657 bytes allocated per token in LinearMemoryTest after the full suite), so
        // there the tiles are one vector wide, as for the other kernels (Simd.WIDE_TILES)
        int wide = Simd.WIDE_TILES ? vectorColumns : 0;
        // 3 + 1 vectors as 2 + 2: a one-vector tile loads a key vector for every 4 FMAs, and the FMA ports wait
        // (64 columns of AVX-512, 32 of AVX2)
        int threes = wide % 3 == 1 && wide > 3 ? wide / 3 - 1 : wide / 3;
        if (wide == 1) {
            // one column vector (a causal coarse block of Nr = 16 on AVX-512): 8 rows keep 8 FMAs in flight,
            // where 4 leave a core with two FMA ports of latency 4 half idle
            for (; r + 8 <= rows; r += 8) {
                scores8x1(q, q0 + r * d, d, scale, kT, columnBase(keyBase, 0, vectorsPerSegment, d), s,
                        r * sStride + columnOut(0, vectorsPerSegment, width), sStride);
            }
        }
        // rows in eights over the three-vector columns first: each key vector loaded feeds 8 rows, where 4 rows
        // re-read the whole key block from L2 for every 4 query rows (the exact path's tile of scores, keys and
        // values exceeds L1); the 4-row loop below then starts past those columns for the rows done here
        int eights = 0;
        if (Simd.EIGHT_ROW_TILES && threes > 0 && rows >= LARGE_TILE_ROWS) {
            for (; eights + 8 <= rows; eights += 8) {
                for (int j = 0; j < 3 * threes; j += 3) {
                    scores8x3(q, q0 + eights * d, d, scale, kT, columnBase(keyBase, j, vectorsPerSegment, d),
                            columnBase(keyBase, j + 1, vectorsPerSegment, d),
                            columnBase(keyBase, j + 2, vectorsPerSegment, d), s, eights * sStride, sStride,
                            columnOut(j, vectorsPerSegment, width), columnOut(j + 1, vectorsPerSegment, width),
                            columnOut(j + 2, vectorsPerSegment, width));
                }
            }
        }
        for (; r + 4 <= rows; r += 4) {
            int j = r < eights ? 3 * threes : 0;
            for (; j < 3 * threes; j += 3) {
                scores4x3(q, q0 + r * d, d, scale, kT, columnBase(keyBase, j, vectorsPerSegment, d),
                        columnBase(keyBase, j + 1, vectorsPerSegment, d),
                        columnBase(keyBase, j + 2, vectorsPerSegment, d), s, r * sStride, sStride,
                        columnOut(j, vectorsPerSegment, width), columnOut(j + 1, vectorsPerSegment, width),
                        columnOut(j + 2, vectorsPerSegment, width));
            }
            // at most two: wide - 3 threes is 0, 1, 2 or 4. Written out, not as a loop: with a loop here C2's code
            // boxed vectors on the narrow-tile path (LinearMemoryTest after Section10ChecksTest and
            // BackwardChecksTest: exact attention allocated 15.7x for 4x the length)
            if (j + 2 <= wide) {
                scores4x2(q, q0 + r * d, d, scale, kT, columnBase(keyBase, j, vectorsPerSegment, d),
                        columnBase(keyBase, j + 1, vectorsPerSegment, d), s, r * sStride, sStride,
                        columnOut(j, vectorsPerSegment, width), columnOut(j + 1, vectorsPerSegment, width));
                j += 2;
            }
            if (j + 2 <= wide) {
                scores4x2(q, q0 + r * d, d, scale, kT, columnBase(keyBase, j, vectorsPerSegment, d),
                        columnBase(keyBase, j + 1, vectorsPerSegment, d), s, r * sStride, sStride,
                        columnOut(j, vectorsPerSegment, width), columnOut(j + 1, vectorsPerSegment, width));
                j += 2;
            }
            for (; j < vectorColumns; j++) {
                scores4x1(q, q0 + r * d, d, scale, kT, columnBase(keyBase, j, vectorsPerSegment, d), s,
                        r * sStride + columnOut(j, vectorsPerSegment, width), sStride);
            }
        }
        for (; r < rows; r++) {
            for (int j = 0; j < vectorColumns; j++) {
                scores1x1(q, q0 + r * d, d, scale, kT, columnBase(keyBase, j, vectorsPerSegment, d), s,
                        r * sStride + columnOut(j, vectorsPerSegment, width));
            }
        }
        int fromColumn = vectorsPerSegment * Simd.LANES;
        if (fromColumn < width) {
            for (int g = 0; g < segments; g++) {
                scalarScores(q, q0, rows, d, scale, kT, keyBase[g], width, fromColumn, s, g * width, sStride);
            }
        }
    }

    /** Where vector column j of the segments' key panels starts ({@link KeyPanels}: full panels, one vector wide). */
    private static int columnBase(int[] keyBase, int vectorColumn, int vectorsPerSegment, int d) {
        return keyBase[vectorColumn / vectorsPerSegment] + KeyPanels.panelBase(vectorColumn % vectorsPerSegment, d);
    }

    private static int columnOut(int vectorColumn, int vectorsPerSegment, int width) {
        return (vectorColumn / vectorsPerSegment) * width + (vectorColumn % vectorsPerSegment) * Simd.LANES;
    }

    private static void scores4x3(float[] q, int q0, int d, float scale, float[] kT, int k0, int k1, int k2,
                                  float[] s, int sRow, int sStride, int out0, int out1, int out2) {
        FloatVector a00 = FloatVector.zero(Simd.SPECIES);
        FloatVector a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
        for (int x = 0; x < d; x++) {
            int k = x * KeyPanels.PANEL;
            FloatVector c0 = FloatVector.fromArray(Simd.SPECIES, kT, k0 + k);
            FloatVector c1 = FloatVector.fromArray(Simd.SPECIES, kT, k1 + k);
            FloatVector c2 = FloatVector.fromArray(Simd.SPECIES, kT, k2 + k);
            FloatVector r0 = FloatVector.broadcast(Simd.SPECIES, q[q0 + x]);
            a00 = r0.fma(c0, a00);
            a01 = r0.fma(c1, a01);
            a02 = r0.fma(c2, a02);
            FloatVector r1 = FloatVector.broadcast(Simd.SPECIES, q[q0 + d + x]);
            a10 = r1.fma(c0, a10);
            a11 = r1.fma(c1, a11);
            a12 = r1.fma(c2, a12);
            FloatVector r2 = FloatVector.broadcast(Simd.SPECIES, q[q0 + 2 * d + x]);
            a20 = r2.fma(c0, a20);
            a21 = r2.fma(c1, a21);
            a22 = r2.fma(c2, a22);
            FloatVector r3 = FloatVector.broadcast(Simd.SPECIES, q[q0 + 3 * d + x]);
            a30 = r3.fma(c0, a30);
            a31 = r3.fma(c1, a31);
            a32 = r3.fma(c2, a32);
        }
        a00.mul(scale).intoArray(s, sRow + out0);
        a01.mul(scale).intoArray(s, sRow + out1);
        a02.mul(scale).intoArray(s, sRow + out2);
        a10.mul(scale).intoArray(s, sRow + sStride + out0);
        a11.mul(scale).intoArray(s, sRow + sStride + out1);
        a12.mul(scale).intoArray(s, sRow + sStride + out2);
        a20.mul(scale).intoArray(s, sRow + 2 * sStride + out0);
        a21.mul(scale).intoArray(s, sRow + 2 * sStride + out1);
        a22.mul(scale).intoArray(s, sRow + 2 * sStride + out2);
        a30.mul(scale).intoArray(s, sRow + 3 * sStride + out0);
        a31.mul(scale).intoArray(s, sRow + 3 * sStride + out1);
        a32.mul(scale).intoArray(s, sRow + 3 * sStride + out2);
    }

    /** {@link #scores4x3} for 8 rows: 24 accumulators, each key vector loaded once for 8 rows. */
    private static void scores8x3(float[] q, int q0, int d, float scale, float[] kT, int k0, int k1, int k2,
                                  float[] s, int sRow, int sStride, int out0, int out1, int out2) {
        FloatVector a00 = FloatVector.zero(Simd.SPECIES);
        FloatVector a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
        FloatVector a40 = a00, a41 = a00, a42 = a00, a50 = a00, a51 = a00, a52 = a00;
        FloatVector a60 = a00, a61 = a00, a62 = a00, a70 = a00, a71 = a00, a72 = a00;
        for (int x = 0; x < d; x++) {
            int k = x * KeyPanels.PANEL;
            FloatVector c0 = FloatVector.fromArray(Simd.SPECIES, kT, k0 + k);
            FloatVector c1 = FloatVector.fromArray(Simd.SPECIES, kT, k1 + k);
            FloatVector c2 = FloatVector.fromArray(Simd.SPECIES, kT, k2 + k);
            FloatVector r0 = FloatVector.broadcast(Simd.SPECIES, q[q0 + x]);
            a00 = r0.fma(c0, a00);
            a01 = r0.fma(c1, a01);
            a02 = r0.fma(c2, a02);
            FloatVector r1 = FloatVector.broadcast(Simd.SPECIES, q[q0 + d + x]);
            a10 = r1.fma(c0, a10);
            a11 = r1.fma(c1, a11);
            a12 = r1.fma(c2, a12);
            FloatVector r2 = FloatVector.broadcast(Simd.SPECIES, q[q0 + 2 * d + x]);
            a20 = r2.fma(c0, a20);
            a21 = r2.fma(c1, a21);
            a22 = r2.fma(c2, a22);
            FloatVector r3 = FloatVector.broadcast(Simd.SPECIES, q[q0 + 3 * d + x]);
            a30 = r3.fma(c0, a30);
            a31 = r3.fma(c1, a31);
            a32 = r3.fma(c2, a32);
            FloatVector r4 = FloatVector.broadcast(Simd.SPECIES, q[q0 + 4 * d + x]);
            a40 = r4.fma(c0, a40);
            a41 = r4.fma(c1, a41);
            a42 = r4.fma(c2, a42);
            FloatVector r5 = FloatVector.broadcast(Simd.SPECIES, q[q0 + 5 * d + x]);
            a50 = r5.fma(c0, a50);
            a51 = r5.fma(c1, a51);
            a52 = r5.fma(c2, a52);
            FloatVector r6 = FloatVector.broadcast(Simd.SPECIES, q[q0 + 6 * d + x]);
            a60 = r6.fma(c0, a60);
            a61 = r6.fma(c1, a61);
            a62 = r6.fma(c2, a62);
            FloatVector r7 = FloatVector.broadcast(Simd.SPECIES, q[q0 + 7 * d + x]);
            a70 = r7.fma(c0, a70);
            a71 = r7.fma(c1, a71);
            a72 = r7.fma(c2, a72);
        }
        a00.mul(scale).intoArray(s, sRow + out0);
        a01.mul(scale).intoArray(s, sRow + out1);
        a02.mul(scale).intoArray(s, sRow + out2);
        a10.mul(scale).intoArray(s, sRow + sStride + out0);
        a11.mul(scale).intoArray(s, sRow + sStride + out1);
        a12.mul(scale).intoArray(s, sRow + sStride + out2);
        a20.mul(scale).intoArray(s, sRow + 2 * sStride + out0);
        a21.mul(scale).intoArray(s, sRow + 2 * sStride + out1);
        a22.mul(scale).intoArray(s, sRow + 2 * sStride + out2);
        a30.mul(scale).intoArray(s, sRow + 3 * sStride + out0);
        a31.mul(scale).intoArray(s, sRow + 3 * sStride + out1);
        a32.mul(scale).intoArray(s, sRow + 3 * sStride + out2);
        a40.mul(scale).intoArray(s, sRow + 4 * sStride + out0);
        a41.mul(scale).intoArray(s, sRow + 4 * sStride + out1);
        a42.mul(scale).intoArray(s, sRow + 4 * sStride + out2);
        a50.mul(scale).intoArray(s, sRow + 5 * sStride + out0);
        a51.mul(scale).intoArray(s, sRow + 5 * sStride + out1);
        a52.mul(scale).intoArray(s, sRow + 5 * sStride + out2);
        a60.mul(scale).intoArray(s, sRow + 6 * sStride + out0);
        a61.mul(scale).intoArray(s, sRow + 6 * sStride + out1);
        a62.mul(scale).intoArray(s, sRow + 6 * sStride + out2);
        a70.mul(scale).intoArray(s, sRow + 7 * sStride + out0);
        a71.mul(scale).intoArray(s, sRow + 7 * sStride + out1);
        a72.mul(scale).intoArray(s, sRow + 7 * sStride + out2);
    }

    private static void scores4x2(float[] q, int q0, int d, float scale, float[] kT, int k0, int k1,
                                  float[] s, int sRow, int sStride, int out0, int out1) {
        FloatVector a00 = FloatVector.zero(Simd.SPECIES);
        FloatVector a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        for (int x = 0; x < d; x++) {
            int k = x * KeyPanels.PANEL;
            FloatVector c0 = FloatVector.fromArray(Simd.SPECIES, kT, k0 + k);
            FloatVector c1 = FloatVector.fromArray(Simd.SPECIES, kT, k1 + k);
            FloatVector r0 = FloatVector.broadcast(Simd.SPECIES, q[q0 + x]);
            a00 = r0.fma(c0, a00);
            a01 = r0.fma(c1, a01);
            FloatVector r1 = FloatVector.broadcast(Simd.SPECIES, q[q0 + d + x]);
            a10 = r1.fma(c0, a10);
            a11 = r1.fma(c1, a11);
            FloatVector r2 = FloatVector.broadcast(Simd.SPECIES, q[q0 + 2 * d + x]);
            a20 = r2.fma(c0, a20);
            a21 = r2.fma(c1, a21);
            FloatVector r3 = FloatVector.broadcast(Simd.SPECIES, q[q0 + 3 * d + x]);
            a30 = r3.fma(c0, a30);
            a31 = r3.fma(c1, a31);
        }
        a00.mul(scale).intoArray(s, sRow + out0);
        a01.mul(scale).intoArray(s, sRow + out1);
        a10.mul(scale).intoArray(s, sRow + sStride + out0);
        a11.mul(scale).intoArray(s, sRow + sStride + out1);
        a20.mul(scale).intoArray(s, sRow + 2 * sStride + out0);
        a21.mul(scale).intoArray(s, sRow + 2 * sStride + out1);
        a30.mul(scale).intoArray(s, sRow + 3 * sStride + out0);
        a31.mul(scale).intoArray(s, sRow + 3 * sStride + out1);
    }

    private static void scores4x1(float[] q, int q0, int d, float scale, float[] kT, int k0, float[] s,
                                  int out, int sStride) {
        FloatVector a0 = FloatVector.zero(Simd.SPECIES);
        FloatVector a1 = a0, a2 = a0, a3 = a0;
        for (int x = 0; x < d; x++) {
            FloatVector c = FloatVector.fromArray(Simd.SPECIES, kT, k0 + x * KeyPanels.PANEL);
            a0 = FloatVector.broadcast(Simd.SPECIES, q[q0 + x]).fma(c, a0);
            a1 = FloatVector.broadcast(Simd.SPECIES, q[q0 + d + x]).fma(c, a1);
            a2 = FloatVector.broadcast(Simd.SPECIES, q[q0 + 2 * d + x]).fma(c, a2);
            a3 = FloatVector.broadcast(Simd.SPECIES, q[q0 + 3 * d + x]).fma(c, a3);
        }
        a0.mul(scale).intoArray(s, out);
        a1.mul(scale).intoArray(s, out + sStride);
        a2.mul(scale).intoArray(s, out + 2 * sStride);
        a3.mul(scale).intoArray(s, out + 3 * sStride);
    }

    private static void scores8x1(float[] q, int q0, int d, float scale, float[] kT, int k0, float[] s,
                                  int out, int sStride) {
        FloatVector a0 = FloatVector.zero(Simd.SPECIES);
        FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int x = 0; x < d; x++) {
            FloatVector c = FloatVector.fromArray(Simd.SPECIES, kT, k0 + x * KeyPanels.PANEL);
            a0 = FloatVector.broadcast(Simd.SPECIES, q[q0 + x]).fma(c, a0);
            a1 = FloatVector.broadcast(Simd.SPECIES, q[q0 + d + x]).fma(c, a1);
            a2 = FloatVector.broadcast(Simd.SPECIES, q[q0 + 2 * d + x]).fma(c, a2);
            a3 = FloatVector.broadcast(Simd.SPECIES, q[q0 + 3 * d + x]).fma(c, a3);
            a4 = FloatVector.broadcast(Simd.SPECIES, q[q0 + 4 * d + x]).fma(c, a4);
            a5 = FloatVector.broadcast(Simd.SPECIES, q[q0 + 5 * d + x]).fma(c, a5);
            a6 = FloatVector.broadcast(Simd.SPECIES, q[q0 + 6 * d + x]).fma(c, a6);
            a7 = FloatVector.broadcast(Simd.SPECIES, q[q0 + 7 * d + x]).fma(c, a7);
        }
        a0.mul(scale).intoArray(s, out);
        a1.mul(scale).intoArray(s, out + sStride);
        a2.mul(scale).intoArray(s, out + 2 * sStride);
        a3.mul(scale).intoArray(s, out + 3 * sStride);
        a4.mul(scale).intoArray(s, out + 4 * sStride);
        a5.mul(scale).intoArray(s, out + 5 * sStride);
        a6.mul(scale).intoArray(s, out + 6 * sStride);
        a7.mul(scale).intoArray(s, out + 7 * sStride);
    }

    private static void scores1x1(float[] q, int q0, int d, float scale, float[] kT, int k0, float[] s, int out) {
        FloatVector a = FloatVector.zero(Simd.SPECIES);
        for (int x = 0; x < d; x++) {
            a = FloatVector.broadcast(Simd.SPECIES, q[q0 + x]).fma(FloatVector.fromArray(Simd.SPECIES, kT,
                    k0 + x * KeyPanels.PANEL), a);
        }
        a.mul(scale).intoArray(s, out);
    }

    private static void scalarScores(float[] q, int q0, int rows, int d, float scale, float[] kT, int kBase,
                                     int width, int fromColumn, float[] s, int sColumn, int sStride) {
        for (int r = 0; r < rows; r++) {
            int qOff = q0 + r * d;
            for (int c = fromColumn; c < width; c++) {
                int key = kBase + KeyPanels.index(0, c, width, d);
                int stride = KeyPanels.rowStride(c, width);
                float sum = 0f;
                for (int x = 0; x < d; x++) {
                    sum += q[qOff + x] * kT[key + x * stride];
                }
                s[r * sStride + sColumn + c] = scale * sum;
            }
        }
    }

    /**
     * {@code y[r * dv + x] += sum_g sum_c p[r * pStride + g * width + c] * v[valueOffset[g] + c * dv + x]}: the
     * weights of every key segment times its value rows. The vector body keeps 4 rows x 4 value vectors in
     * registers across all segments: each step loads 4 value vectors and 4 weights for 16 FMAs.
     */
    static void accumulateValues(float[] p, int pStride, int rows, int[] valueOffset, int segments, int width,
                                 float[] v, int dv, float[] y) {
        accumulateValues(p, pStride, rows, valueOffset, segments, width, v, dv, y, null);
    }

    /**
     * The same, told where weights are known to be 0: {@code zeroHalves[g]} -1 when rows below {@code width / 2}
     * have weight 0 in the upper half of segment g's columns, +1 when rows from {@code width / 2} have 0 in its
     * lower half, 0 when nothing is known (null: nowhere). These are the quadrants of a coarse neighbour block
     * already computed one level finer; the 4 x 4 value tiles (dv of four vectors or more) skip them (a weight
     * of 0 adds exactly nothing, so the bits are the same), a quarter of the value FMAs of every coarse level.
     */
    static void accumulateValues(float[] p, int pStride, int rows, int[] valueOffset, int segments, int width,
                                 float[] v, int dv, float[] y, int[] zeroHalves) {
        accumulateValues(p, pStride, 1, rows, valueOffset, segments, width, v, dv, y, zeroHalves);
    }

    /**
     * {@link #accumulateValues} for weights stored transposed, {@code pT[(g * width + c) * rows + r]} (a tile whose
     * rows are vector lanes, {@link SoftmaxTile}): the same register tiles, reading the weights through a column
     * stride.
     */
    static void accumulateValuesTransposed(float[] pT, int rows, int[] valueOffset, int segments, int width,
                                           float[] v, int dv, float[] y, int[] zeroHalves) {
        accumulateValues(pT, 1, rows, rows, valueOffset, segments, width, v, dv, y, zeroHalves);
    }

    /** Whether the lanes step's {@link #accumulateValuesTransposed} takes rows of this value width in whole vectors. */
    static boolean valuesTransposedFit(int dv) {
        return Simd.ENABLED && Simd.WIDE_TILES && dv % Simd.LANES == 0;
    }

    /** The register tiles for weight (row r, column c) at {@code p[r * pStride + c * pColumn]}. */
    private static void accumulateValues(float[] p, int pStride, int pColumn, int rows, int[] valueOffset,
                                         int segments, int width, float[] v, int dv, float[] y, int[] zeroHalves) {
        int vectors = Simd.ENABLED ? dv / Simd.LANES : 0;
        int r = 0;
        if (Simd.EIGHT_ROW_TILES && zeroHalves == null && vectors == 4 && rows >= LARGE_TILE_ROWS && pColumn == 1) {
            // 6 rows of 4 vectors: each value vector loaded feeds 6 rows instead of 4 (the value block is re-read
            // from L2 for every group of rows); the known-zero quadrants of coarse blocks stay with 4 x 4. Row-major
            // weights only: a column stride in this, the exact path's kernel, cost it 2% (bench/ab, 4K)
            for (; r + 6 <= rows; r += 6) {
                values6x4(p, pStride, r, valueOffset, segments, width, v, dv, y);
            }
        }
        if (Simd.WIDE_TILES && vectors == 1) {
            // one vector per row (heads of 16 on AVX-512, the training models' width): 8 rows keep 8 FMAs in
            // flight, where 4 chains of latency 4 leave half of two FMA ports idle
            for (; r + 8 <= rows; r += 8) {
                values8x1(p, pStride, pColumn, r, valueOffset, segments, width, v, dv, y);
            }
        }
        for (; r + 4 <= rows; r += 4) {
            int chunk = 0;
            if (Simd.WIDE_TILES) {
                for (; chunk + 4 <= vectors; chunk += 4) {
                    values4x4(p, pStride, pColumn, r, valueOffset, segments, width, v, dv, chunk * Simd.LANES, y,
                            zeroHalves);
                }
            }
            if (Simd.WIDE_TILES) {
                // two vectors (dv = 16 on AVX2): eight accumulators keep both FMA ports busy, where two passes
                // of 4x1 wait on the FMA latency with four
                for (; chunk + 2 <= vectors; chunk += 2) {
                    values4x2(p, pStride, pColumn, r, valueOffset, segments, width, v, dv, chunk * Simd.LANES, y);
                }
            }
            for (; chunk < vectors; chunk++) {
                values4x1(p, pStride, pColumn, r, valueOffset, segments, width, v, dv, chunk * Simd.LANES, y);
            }
        }
        for (; r < rows; r++) {
            for (int chunk = 0; chunk < vectors; chunk++) {
                values1x1(p, pStride, pColumn, r, valueOffset, segments, width, v, dv, chunk * Simd.LANES, y);
            }
        }
        int fromX = vectors * Simd.LANES;
        if (fromX < dv) {
            scalarValues(p, pStride, pColumn, rows, valueOffset, segments, width, v, dv, fromX, y);
        }
    }

    /** {@link #values4x4} for 6 rows and no known zeros: 24 accumulators, each value vector loaded once for 6 rows. */
    private static void values6x4(float[] p, int pStride, int r, int[] valueOffset, int segments, int width,
                                  float[] v, int dv, float[] y) {
        int lanes = Simd.LANES;
        int y0 = r * dv;
        FloatVector a00 = FloatVector.fromArray(Simd.SPECIES, y, y0);
        FloatVector a01 = FloatVector.fromArray(Simd.SPECIES, y, y0 + lanes);
        FloatVector a02 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 2 * lanes);
        FloatVector a03 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 3 * lanes);
        FloatVector a10 = FloatVector.fromArray(Simd.SPECIES, y, y0 + dv);
        FloatVector a11 = FloatVector.fromArray(Simd.SPECIES, y, y0 + dv + lanes);
        FloatVector a12 = FloatVector.fromArray(Simd.SPECIES, y, y0 + dv + 2 * lanes);
        FloatVector a13 = FloatVector.fromArray(Simd.SPECIES, y, y0 + dv + 3 * lanes);
        FloatVector a20 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 2 * dv);
        FloatVector a21 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 2 * dv + lanes);
        FloatVector a22 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 2 * dv + 2 * lanes);
        FloatVector a23 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 2 * dv + 3 * lanes);
        FloatVector a30 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 3 * dv);
        FloatVector a31 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 3 * dv + lanes);
        FloatVector a32 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 3 * dv + 2 * lanes);
        FloatVector a33 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 3 * dv + 3 * lanes);
        FloatVector a40 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 4 * dv);
        FloatVector a41 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 4 * dv + lanes);
        FloatVector a42 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 4 * dv + 2 * lanes);
        FloatVector a43 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 4 * dv + 3 * lanes);
        FloatVector a50 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 5 * dv);
        FloatVector a51 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 5 * dv + lanes);
        FloatVector a52 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 5 * dv + 2 * lanes);
        FloatVector a53 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 5 * dv + 3 * lanes);
        int p0 = r * pStride;
        for (int g = 0; g < segments; g++) {
            for (int c = 0; c < width; c++) {
                int vOff = valueOffset[g] + c * dv;
                int pc = p0 + g * width + c;
                FloatVector v0 = FloatVector.fromArray(Simd.SPECIES, v, vOff);
                FloatVector v1 = FloatVector.fromArray(Simd.SPECIES, v, vOff + lanes);
                FloatVector v2 = FloatVector.fromArray(Simd.SPECIES, v, vOff + 2 * lanes);
                FloatVector v3 = FloatVector.fromArray(Simd.SPECIES, v, vOff + 3 * lanes);
                FloatVector w = FloatVector.broadcast(Simd.SPECIES, p[pc]);
                a00 = w.fma(v0, a00);
                a01 = w.fma(v1, a01);
                a02 = w.fma(v2, a02);
                a03 = w.fma(v3, a03);
                w = FloatVector.broadcast(Simd.SPECIES, p[pc + pStride]);
                a10 = w.fma(v0, a10);
                a11 = w.fma(v1, a11);
                a12 = w.fma(v2, a12);
                a13 = w.fma(v3, a13);
                w = FloatVector.broadcast(Simd.SPECIES, p[pc + 2 * pStride]);
                a20 = w.fma(v0, a20);
                a21 = w.fma(v1, a21);
                a22 = w.fma(v2, a22);
                a23 = w.fma(v3, a23);
                w = FloatVector.broadcast(Simd.SPECIES, p[pc + 3 * pStride]);
                a30 = w.fma(v0, a30);
                a31 = w.fma(v1, a31);
                a32 = w.fma(v2, a32);
                a33 = w.fma(v3, a33);
                w = FloatVector.broadcast(Simd.SPECIES, p[pc + 4 * pStride]);
                a40 = w.fma(v0, a40);
                a41 = w.fma(v1, a41);
                a42 = w.fma(v2, a42);
                a43 = w.fma(v3, a43);
                w = FloatVector.broadcast(Simd.SPECIES, p[pc + 5 * pStride]);
                a50 = w.fma(v0, a50);
                a51 = w.fma(v1, a51);
                a52 = w.fma(v2, a52);
                a53 = w.fma(v3, a53);
            }
        }
        a00.intoArray(y, y0);
        a01.intoArray(y, y0 + lanes);
        a02.intoArray(y, y0 + 2 * lanes);
        a03.intoArray(y, y0 + 3 * lanes);
        a10.intoArray(y, y0 + dv);
        a11.intoArray(y, y0 + dv + lanes);
        a12.intoArray(y, y0 + dv + 2 * lanes);
        a13.intoArray(y, y0 + dv + 3 * lanes);
        a20.intoArray(y, y0 + 2 * dv);
        a21.intoArray(y, y0 + 2 * dv + lanes);
        a22.intoArray(y, y0 + 2 * dv + 2 * lanes);
        a23.intoArray(y, y0 + 2 * dv + 3 * lanes);
        a30.intoArray(y, y0 + 3 * dv);
        a31.intoArray(y, y0 + 3 * dv + lanes);
        a32.intoArray(y, y0 + 3 * dv + 2 * lanes);
        a33.intoArray(y, y0 + 3 * dv + 3 * lanes);
        a40.intoArray(y, y0 + 4 * dv);
        a41.intoArray(y, y0 + 4 * dv + lanes);
        a42.intoArray(y, y0 + 4 * dv + 2 * lanes);
        a43.intoArray(y, y0 + 4 * dv + 3 * lanes);
        a50.intoArray(y, y0 + 5 * dv);
        a51.intoArray(y, y0 + 5 * dv + lanes);
        a52.intoArray(y, y0 + 5 * dv + 2 * lanes);
        a53.intoArray(y, y0 + 5 * dv + 3 * lanes);
    }

    private static void values4x4(float[] p, int pStride, int pColumn, int r, int[] valueOffset, int segments,
                                  int width, float[] v, int dv, int x0, float[] y, int[] zeroHalves) {
        int lanes = Simd.LANES;
        int y0 = r * dv + x0;
        FloatVector a00 = FloatVector.fromArray(Simd.SPECIES, y, y0);
        FloatVector a01 = FloatVector.fromArray(Simd.SPECIES, y, y0 + lanes);
        FloatVector a02 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 2 * lanes);
        FloatVector a03 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 3 * lanes);
        FloatVector a10 = FloatVector.fromArray(Simd.SPECIES, y, y0 + dv);
        FloatVector a11 = FloatVector.fromArray(Simd.SPECIES, y, y0 + dv + lanes);
        FloatVector a12 = FloatVector.fromArray(Simd.SPECIES, y, y0 + dv + 2 * lanes);
        FloatVector a13 = FloatVector.fromArray(Simd.SPECIES, y, y0 + dv + 3 * lanes);
        FloatVector a20 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 2 * dv);
        FloatVector a21 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 2 * dv + lanes);
        FloatVector a22 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 2 * dv + 2 * lanes);
        FloatVector a23 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 2 * dv + 3 * lanes);
        FloatVector a30 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 3 * dv);
        FloatVector a31 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 3 * dv + lanes);
        FloatVector a32 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 3 * dv + 2 * lanes);
        FloatVector a33 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 3 * dv + 3 * lanes);
        int p0 = r * pStride;
        int half = width / 2;
        for (int g = 0; g < segments; g++) {
            int from = 0;
            int to = width;
            if (zeroHalves != null) {
                if (zeroHalves[g] < 0 && r + 4 <= half) {
                    to = half;
                } else if (zeroHalves[g] > 0 && r >= half) {
                    from = half;
                }
            }
            for (int c = from; c < to; c++) {
                int vOff = valueOffset[g] + c * dv + x0;
                int pc = p0 + (g * width + c) * pColumn;
                FloatVector v0 = FloatVector.fromArray(Simd.SPECIES, v, vOff);
                FloatVector v1 = FloatVector.fromArray(Simd.SPECIES, v, vOff + lanes);
                FloatVector v2 = FloatVector.fromArray(Simd.SPECIES, v, vOff + 2 * lanes);
                FloatVector v3 = FloatVector.fromArray(Simd.SPECIES, v, vOff + 3 * lanes);
                FloatVector w = FloatVector.broadcast(Simd.SPECIES, p[pc]);
                a00 = w.fma(v0, a00);
                a01 = w.fma(v1, a01);
                a02 = w.fma(v2, a02);
                a03 = w.fma(v3, a03);
                w = FloatVector.broadcast(Simd.SPECIES, p[pc + pStride]);
                a10 = w.fma(v0, a10);
                a11 = w.fma(v1, a11);
                a12 = w.fma(v2, a12);
                a13 = w.fma(v3, a13);
                w = FloatVector.broadcast(Simd.SPECIES, p[pc + 2 * pStride]);
                a20 = w.fma(v0, a20);
                a21 = w.fma(v1, a21);
                a22 = w.fma(v2, a22);
                a23 = w.fma(v3, a23);
                w = FloatVector.broadcast(Simd.SPECIES, p[pc + 3 * pStride]);
                a30 = w.fma(v0, a30);
                a31 = w.fma(v1, a31);
                a32 = w.fma(v2, a32);
                a33 = w.fma(v3, a33);
            }
        }
        a00.intoArray(y, y0);
        a01.intoArray(y, y0 + lanes);
        a02.intoArray(y, y0 + 2 * lanes);
        a03.intoArray(y, y0 + 3 * lanes);
        a10.intoArray(y, y0 + dv);
        a11.intoArray(y, y0 + dv + lanes);
        a12.intoArray(y, y0 + dv + 2 * lanes);
        a13.intoArray(y, y0 + dv + 3 * lanes);
        a20.intoArray(y, y0 + 2 * dv);
        a21.intoArray(y, y0 + 2 * dv + lanes);
        a22.intoArray(y, y0 + 2 * dv + 2 * lanes);
        a23.intoArray(y, y0 + 2 * dv + 3 * lanes);
        a30.intoArray(y, y0 + 3 * dv);
        a31.intoArray(y, y0 + 3 * dv + lanes);
        a32.intoArray(y, y0 + 3 * dv + 2 * lanes);
        a33.intoArray(y, y0 + 3 * dv + 3 * lanes);
    }

    /** {@link #values4x4} for two vectors of dv (wide tiles only: the accumulators live across segments). */
    private static void values4x2(float[] p, int pStride, int pColumn, int r, int[] valueOffset, int segments,
                                  int width, float[] v, int dv, int x0, float[] y) {
        int lanes = Simd.LANES;
        int y0 = r * dv + x0;
        FloatVector a00 = FloatVector.fromArray(Simd.SPECIES, y, y0);
        FloatVector a01 = FloatVector.fromArray(Simd.SPECIES, y, y0 + lanes);
        FloatVector a10 = FloatVector.fromArray(Simd.SPECIES, y, y0 + dv);
        FloatVector a11 = FloatVector.fromArray(Simd.SPECIES, y, y0 + dv + lanes);
        FloatVector a20 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 2 * dv);
        FloatVector a21 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 2 * dv + lanes);
        FloatVector a30 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 3 * dv);
        FloatVector a31 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 3 * dv + lanes);
        int p0 = r * pStride;
        for (int g = 0; g < segments; g++) {
            for (int c = 0; c < width; c++) {
                int vOff = valueOffset[g] + c * dv + x0;
                int pc = p0 + (g * width + c) * pColumn;
                FloatVector v0 = FloatVector.fromArray(Simd.SPECIES, v, vOff);
                FloatVector v1 = FloatVector.fromArray(Simd.SPECIES, v, vOff + lanes);
                FloatVector w = FloatVector.broadcast(Simd.SPECIES, p[pc]);
                a00 = w.fma(v0, a00);
                a01 = w.fma(v1, a01);
                w = FloatVector.broadcast(Simd.SPECIES, p[pc + pStride]);
                a10 = w.fma(v0, a10);
                a11 = w.fma(v1, a11);
                w = FloatVector.broadcast(Simd.SPECIES, p[pc + 2 * pStride]);
                a20 = w.fma(v0, a20);
                a21 = w.fma(v1, a21);
                w = FloatVector.broadcast(Simd.SPECIES, p[pc + 3 * pStride]);
                a30 = w.fma(v0, a30);
                a31 = w.fma(v1, a31);
            }
        }
        a00.intoArray(y, y0);
        a01.intoArray(y, y0 + lanes);
        a10.intoArray(y, y0 + dv);
        a11.intoArray(y, y0 + dv + lanes);
        a20.intoArray(y, y0 + 2 * dv);
        a21.intoArray(y, y0 + 2 * dv + lanes);
        a30.intoArray(y, y0 + 3 * dv);
        a31.intoArray(y, y0 + 3 * dv + lanes);
    }

    /** 4 rows x 1 value vector, one segment per pass: a single inner loop, which JDK 17's C2 keeps unboxed. */
    private static void values4x1(float[] p, int pStride, int pColumn, int r, int[] valueOffset, int segments,
                                  int width, float[] v, int dv, int x0, float[] y) {
        int y0 = r * dv + x0;
        for (int g = 0; g < segments; g++) {
            FloatVector a0 = FloatVector.fromArray(Simd.SPECIES, y, y0);
            FloatVector a1 = FloatVector.fromArray(Simd.SPECIES, y, y0 + dv);
            FloatVector a2 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 2 * dv);
            FloatVector a3 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 3 * dv);
            int p0 = r * pStride + g * width * pColumn;
            int v0 = valueOffset[g] + x0;
            for (int c = 0; c < width; c++) {
                FloatVector value = FloatVector.fromArray(Simd.SPECIES, v, v0 + c * dv);
                a0 = FloatVector.broadcast(Simd.SPECIES, p[p0 + c * pColumn]).fma(value, a0);
                a1 = FloatVector.broadcast(Simd.SPECIES, p[p0 + pStride + c * pColumn]).fma(value, a1);
                a2 = FloatVector.broadcast(Simd.SPECIES, p[p0 + 2 * pStride + c * pColumn]).fma(value, a2);
                a3 = FloatVector.broadcast(Simd.SPECIES, p[p0 + 3 * pStride + c * pColumn]).fma(value, a3);
            }
            a0.intoArray(y, y0);
            a1.intoArray(y, y0 + dv);
            a2.intoArray(y, y0 + 2 * dv);
            a3.intoArray(y, y0 + 3 * dv);
        }
    }

    /** {@link #values4x1} for 8 rows, the whole of a one-vector dv: each row's sum in the same order. */
    private static void values8x1(float[] p, int pStride, int pColumn, int r, int[] valueOffset, int segments,
                                  int width, float[] v, int dv, float[] y) {
        int y0 = r * dv;
        for (int g = 0; g < segments; g++) {
            FloatVector a0 = FloatVector.fromArray(Simd.SPECIES, y, y0);
            FloatVector a1 = FloatVector.fromArray(Simd.SPECIES, y, y0 + dv);
            FloatVector a2 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 2 * dv);
            FloatVector a3 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 3 * dv);
            FloatVector a4 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 4 * dv);
            FloatVector a5 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 5 * dv);
            FloatVector a6 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 6 * dv);
            FloatVector a7 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 7 * dv);
            int p0 = r * pStride + g * width * pColumn;
            int v0 = valueOffset[g];
            for (int c = 0; c < width; c++) {
                FloatVector value = FloatVector.fromArray(Simd.SPECIES, v, v0 + c * dv);
                a0 = FloatVector.broadcast(Simd.SPECIES, p[p0 + c * pColumn]).fma(value, a0);
                a1 = FloatVector.broadcast(Simd.SPECIES, p[p0 + pStride + c * pColumn]).fma(value, a1);
                a2 = FloatVector.broadcast(Simd.SPECIES, p[p0 + 2 * pStride + c * pColumn]).fma(value, a2);
                a3 = FloatVector.broadcast(Simd.SPECIES, p[p0 + 3 * pStride + c * pColumn]).fma(value, a3);
                a4 = FloatVector.broadcast(Simd.SPECIES, p[p0 + 4 * pStride + c * pColumn]).fma(value, a4);
                a5 = FloatVector.broadcast(Simd.SPECIES, p[p0 + 5 * pStride + c * pColumn]).fma(value, a5);
                a6 = FloatVector.broadcast(Simd.SPECIES, p[p0 + 6 * pStride + c * pColumn]).fma(value, a6);
                a7 = FloatVector.broadcast(Simd.SPECIES, p[p0 + 7 * pStride + c * pColumn]).fma(value, a7);
            }
            a0.intoArray(y, y0);
            a1.intoArray(y, y0 + dv);
            a2.intoArray(y, y0 + 2 * dv);
            a3.intoArray(y, y0 + 3 * dv);
            a4.intoArray(y, y0 + 4 * dv);
            a5.intoArray(y, y0 + 5 * dv);
            a6.intoArray(y, y0 + 6 * dv);
            a7.intoArray(y, y0 + 7 * dv);
        }
    }

    private static void values1x1(float[] p, int pStride, int pColumn, int r, int[] valueOffset, int segments,
                                  int width, float[] v, int dv, int x0, float[] y) {
        for (int g = 0; g < segments; g++) {
            FloatVector a = FloatVector.fromArray(Simd.SPECIES, y, r * dv + x0);
            int p0 = r * pStride + g * width * pColumn;
            for (int c = 0; c < width; c++) {
                a = FloatVector.broadcast(Simd.SPECIES, p[p0 + c * pColumn])
                        .fma(FloatVector.fromArray(Simd.SPECIES, v, valueOffset[g] + c * dv + x0), a);
            }
            a.intoArray(y, r * dv + x0);
        }
    }

    private static void scalarValues(float[] p, int pStride, int pColumn, int rows, int[] valueOffset, int segments,
                                     int width, float[] v, int dv, int fromX, float[] y) {
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g < segments; g++) {
                for (int c = 0; c < width; c++) {
                    float weight = p[r * pStride + (g * width + c) * pColumn];
                    int vOff = valueOffset[g] + c * dv;
                    for (int x = fromX; x < dv; x++) {
                        y[r * dv + x] += weight * v[vOff + x];
                    }
                }
            }
        }
    }

    /** {@code s[off + c] = exp(s[off + c] - shift)} for {@code c < count}; exp(-inf) is 0. */
    static void expShifted(float[] s, int off, int count, float shift) {
        VectorMath.exp(s, off, off + count, shift);
    }

    /** Maximum of {@code s[off .. off + count)}; -inf when count is 0. */
    static float max(float[] s, int off, int count) {
        float best = Float.NEGATIVE_INFINITY;
        int c = 0;
        if (Simd.ENABLED && count >= Simd.LANES) {
            FloatVector acc = FloatVector.broadcast(Simd.SPECIES, Float.NEGATIVE_INFINITY);
            for (; c + Simd.LANES <= count; c += Simd.LANES) {
                // a compare and blend, not max(): C2 spends six instructions on max's rules for -0.0 and NaN.
                // A NaN score is passed over here; its weight exp(NaN - m) is NaN all the same
                FloatVector next = FloatVector.fromArray(Simd.SPECIES, s, off + c);
                acc = acc.blend(next, acc.compare(VectorOperators.LT, next));
            }
            best = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; c < count; c++) {
            best = Math.max(best, s[off + c]);
        }
        return best;
    }

    /** {@code dst[dOff + c] += src[sOff + c]} for {@code c < count}: additive masks and biases on a score row. */
    static void addInto(float[] dst, int dOff, float[] src, int sOff, int count) {
        int c = 0;
        if (Simd.ENABLED) {
            for (; c + Simd.LANES <= count; c += Simd.LANES) {
                FloatVector.fromArray(Simd.SPECIES, dst, dOff + c)
                        .add(FloatVector.fromArray(Simd.SPECIES, src, sOff + c)).intoArray(dst, dOff + c);
            }
        }
        for (; c < count; c++) {
            dst[dOff + c] += src[sOff + c];
        }
    }

    /** {@code values[off + c] *= factor} for {@code c < count}. */
    static void scale(float[] values, int off, int count, float factor) {
        int c = 0;
        if (Simd.ENABLED) {
            for (; c + Simd.LANES <= count; c += Simd.LANES) {
                FloatVector.fromArray(Simd.SPECIES, values, off + c).mul(factor).intoArray(values, off + c);
            }
        }
        for (; c < count; c++) {
            values[off + c] *= factor;
        }
    }

    /**
     * Adds {@code sum_g sum_c row[rowOff + g width + c] * weights[weightRows[g] + c]} over {@code segments} segments
     * of {@code width} to the {@link Simd#LANES} partial sums at {@code sums[sumsOff]}: as one vector, its lanes
     * summed only later by {@link #sumAndClear} (a lane sum per segment cost a fifth of the forward at head width
     * 32, and one per call 17% of the exact forward); lane by lane into {@code sums[sumsOff]} where tiles are narrow.
     */
    static void addSegmentDots(float[] row, int rowOff, int width, int segments, float[] weights, int[] weightRows,
                               float[] sums, int sumsOff) {
        // JDK 17's JIT boxes a vector carried across the two loops (measured: 74 KB allocated per token)
        if (!Simd.ENABLED || !Simd.WIDE_TILES || width % Simd.LANES != 0) {
            float sum = 0f;
            for (int g = 0; g < segments; g++) {
                sum += VectorMath.dot(row, rowOff + g * width, weights, weightRows[g], width);
            }
            sums[sumsOff] += sum;
            return;
        }
        FloatVector acc = FloatVector.fromArray(Simd.SPECIES, sums, sumsOff);
        for (int g = 0; g < segments; g++) {
            int off = rowOff + g * width;
            for (int c = 0; c < width; c += Simd.LANES) {
                acc = FloatVector.fromArray(Simd.SPECIES, row, off + c)
                        .fma(FloatVector.fromArray(Simd.SPECIES, weights, weightRows[g] + c), acc);
            }
        }
        acc.intoArray(sums, sumsOff);
    }

    /**
     * {@code sum_c values[off + c]} for {@code c < count}, leaving those values 0: as {@link VectorMath#sumOfLanes}
     * where they are one vector (the order {@link #addSegmentDots}' callers always had), front to back otherwise.
     */
    static float sumAndClear(float[] values, int off, int count) {
        if (Simd.ENABLED && Simd.WIDE_TILES && count == Simd.LANES) {
            float sum = VectorMath.sumOfLanes(values, off, count);
            FloatVector.zero(Simd.SPECIES).intoArray(values, off);
            return sum;
        }
        float sum = 0f;
        for (int c = 0; c < count; c++) {
            sum += values[off + c];
            values[off + c] = 0f;
        }
        return sum;
    }

    /**
     * {@code dst[dOff + c] = src[sOff + c]} for {@code c < count}, front to back (so a row may move to a lower
     * offset of the same array): one row of a causal coarse query, the first child's. System.arraycopy calls a stub
     * for a length the JIT does not know, and that call per row cost 4% of the causal forward.
     */
    static void copy(float[] src, int sOff, float[] dst, int dOff, int count) {
        int c = 0;
        if (Simd.ENABLED) {
            if (Simd.WIDE_TILES) {
                for (; c + 4 * Simd.LANES <= count; c += 4 * Simd.LANES) {
                    int s = sOff + c;
                    int d = dOff + c;
                    FloatVector v0 = FloatVector.fromArray(Simd.SPECIES, src, s);
                    FloatVector v1 = FloatVector.fromArray(Simd.SPECIES, src, s + Simd.LANES);
                    FloatVector v2 = FloatVector.fromArray(Simd.SPECIES, src, s + 2 * Simd.LANES);
                    FloatVector v3 = FloatVector.fromArray(Simd.SPECIES, src, s + 3 * Simd.LANES);
                    v0.intoArray(dst, d);
                    v1.intoArray(dst, d + Simd.LANES);
                    v2.intoArray(dst, d + 2 * Simd.LANES);
                    v3.intoArray(dst, d + 3 * Simd.LANES);
                }
            }
            for (; c + Simd.LANES <= count; c += Simd.LANES) {
                FloatVector.fromArray(Simd.SPECIES, src, sOff + c).intoArray(dst, dOff + c);
            }
        }
        for (; c < count; c++) {
            dst[dOff + c] = src[sOff + c];
        }
    }

    /** {@code dst[dOff + c] = src[sOff + c] * factor} for {@code c < count}. */
    static void scaleInto(float[] src, int sOff, float[] dst, int dOff, int count, float factor) {
        int c = 0;
        if (Simd.ENABLED) {
            if (Simd.WIDE_TILES) {
                for (; c + 4 * Simd.LANES <= count; c += 4 * Simd.LANES) {
                    int s = sOff + c;
                    int d = dOff + c;
                    FloatVector v0 = FloatVector.fromArray(Simd.SPECIES, src, s).mul(factor);
                    FloatVector v1 = FloatVector.fromArray(Simd.SPECIES, src, s + Simd.LANES).mul(factor);
                    FloatVector v2 = FloatVector.fromArray(Simd.SPECIES, src, s + 2 * Simd.LANES).mul(factor);
                    FloatVector v3 = FloatVector.fromArray(Simd.SPECIES, src, s + 3 * Simd.LANES).mul(factor);
                    v0.intoArray(dst, d);
                    v1.intoArray(dst, d + Simd.LANES);
                    v2.intoArray(dst, d + 2 * Simd.LANES);
                    v3.intoArray(dst, d + 3 * Simd.LANES);
                }
            }
            for (; c + Simd.LANES <= count; c += Simd.LANES) {
                FloatVector.fromArray(Simd.SPECIES, src, sOff + c).mul(factor).intoArray(dst, dOff + c);
            }
        }
        for (; c < count; c++) {
            dst[dOff + c] = src[sOff + c] * factor;
        }
    }

    /**
     * {@link #scaleInto}, also adding 0 x each value written to {@code check} (lane by lane; lane 0 for a scalar
     * tail), which stays 0 while every value is finite and turns NaN on the first infinity or NaN.
     */
    static void scaleIntoChecked(float[] src, int sOff, float[] dst, int dOff, int count, float factor,
                                 float[] check) {
        int c = 0;
        if (Simd.ENABLED && count >= Simd.LANES) {
            FloatVector zero = FloatVector.zero(Simd.SPECIES);
            FloatVector sum = FloatVector.fromArray(Simd.SPECIES, check, 0);
            for (; c + Simd.LANES <= count; c += Simd.LANES) {
                FloatVector v = FloatVector.fromArray(Simd.SPECIES, src, sOff + c).mul(factor);
                v.intoArray(dst, dOff + c);
                sum = v.fma(zero, sum);
            }
            sum.intoArray(check, 0);
        }
        for (; c < count; c++) {
            float v = src[sOff + c] * factor;
            dst[dOff + c] = v;
            check[0] += v * 0f;
        }
    }

    /**
     * {@link #scaleIntoChecked} for {@code rows} consecutive rows of {@code width}: row r times {@code factors[r]}.
     * With wide tiles the check stays in two registers across the rows, where a call per row carried it through
     * memory: a chain of FMAs and a store-to-load forward per row (with the rows of four vectors of copy, scaleInto
     * and pairMean, 3-4% off the hierarchical forward, bench/ab; alone it was within the noise).
     */
    static void scaleRowsIntoChecked(float[] src, int sOff, float[] dst, int dOff, int rows, int width,
                                     float[] factors, float[] check) {
        if (!Simd.ENABLED || !Simd.WIDE_TILES) {
            for (int r = 0; r < rows; r++) {
                scaleIntoChecked(src, sOff + r * width, dst, dOff + r * width, width, factors[r], check);
            }
            return;
        }
        FloatVector zero = FloatVector.zero(Simd.SPECIES);
        FloatVector sum0 = FloatVector.fromArray(Simd.SPECIES, check, 0);
        FloatVector sum1 = zero;
        float tail = 0f;
        for (int r = 0; r < rows; r++) {
            float factor = factors[r];
            int s = sOff + r * width;
            int d = dOff + r * width;
            int c = 0;
            for (; c + 2 * Simd.LANES <= width; c += 2 * Simd.LANES) {
                FloatVector v0 = FloatVector.fromArray(Simd.SPECIES, src, s + c).mul(factor);
                FloatVector v1 = FloatVector.fromArray(Simd.SPECIES, src, s + c + Simd.LANES).mul(factor);
                v0.intoArray(dst, d + c);
                v1.intoArray(dst, d + c + Simd.LANES);
                sum0 = v0.fma(zero, sum0);
                sum1 = v1.fma(zero, sum1);
            }
            for (; c + Simd.LANES <= width; c += Simd.LANES) {
                FloatVector v = FloatVector.fromArray(Simd.SPECIES, src, s + c).mul(factor);
                v.intoArray(dst, d + c);
                sum0 = v.fma(zero, sum0);
            }
            for (; c < width; c++) {
                float v = src[s + c] * factor;
                dst[d + c] = v;
                tail += v * 0f;
            }
        }
        sum0.add(sum1).intoArray(check, 0);
        check[0] += tail;
    }

    /**
     * {@code out[outOffset + c] = (a[first + c] + a[first + width + c]) * factor} for {@code c < width}: two adjacent
     * rows folded into one (coarsening), sum with factor 1, mean with 1/2.
     */
    static void pairMean(float[] a, int first, int width, float factor, float[] out, int outOffset) {
        int c = 0;
        if (Simd.ENABLED) {
            if (Simd.WIDE_TILES) {
                for (; c + 4 * Simd.LANES <= width; c += 4 * Simd.LANES) {
                    pairMeanOfFourVectors(a, first + c, first + width + c, factor, out, outOffset + c);
                }
            }
            for (; c + Simd.LANES <= width; c += Simd.LANES) {
                FloatVector.fromArray(Simd.SPECIES, a, first + c)
                        .add(FloatVector.fromArray(Simd.SPECIES, a, first + width + c)).mul(factor)
                        .intoArray(out, outOffset + c);
            }
        }
        for (; c < width; c++) {
            out[outOffset + c] = (a[first + c] + a[first + width + c]) * factor;
        }
    }

    /**
     * Four vectors of {@code (a[x + c] + a[y + c]) * factor} into {@code out} from {@code o}: the body of
     * {@link #pairMean}'s and {@link #pairMeanRows}' wide loops. Every load comes before the first store, so the
     * output may overlap the first input (in place). Arrays and offsets in, no vector crosses the call.
     */
    private static void pairMeanOfFourVectors(float[] a, int x, int y, float factor, float[] out, int o) {
        int lanes = Simd.LANES;
        FloatVector v0 = FloatVector.fromArray(Simd.SPECIES, a, x)
                .add(FloatVector.fromArray(Simd.SPECIES, a, y)).mul(factor);
        FloatVector v1 = FloatVector.fromArray(Simd.SPECIES, a, x + lanes)
                .add(FloatVector.fromArray(Simd.SPECIES, a, y + lanes)).mul(factor);
        FloatVector v2 = FloatVector.fromArray(Simd.SPECIES, a, x + 2 * lanes)
                .add(FloatVector.fromArray(Simd.SPECIES, a, y + 2 * lanes)).mul(factor);
        FloatVector v3 = FloatVector.fromArray(Simd.SPECIES, a, x + 3 * lanes)
                .add(FloatVector.fromArray(Simd.SPECIES, a, y + 3 * lanes)).mul(factor);
        v0.intoArray(out, o);
        v1.intoArray(out, o + lanes);
        v2.intoArray(out, o + 2 * lanes);
        v3.intoArray(out, o + 3 * lanes);
    }

    /**
     * {@link #pairMean} for {@code rows} consecutive pairs of rows: row t of {@code out} (at outOffset + t width) from
     * rows 2t and 2t + 1 of {@code a} (from {@code first}), times {@code factors[t]}, or {@code factor} where factors
     * is null. In place ({@code out == a}, outOffset == first) works: row t is written after rows 2t and 2t + 1 are
     * read. The same bits as pairMean row by row. Why one loop over the rows: called per row, pairMean's bounds
     * checks and loop set-up stayed in every call, and the passes reading the inputs ran at half a plain read's
     * rate, out of cache as in it (the Zen 5 EPYC, docs/performance.md); in a loop over rows C2 hoists the checks.
     */
    static void pairMeanRows(float[] a, int first, int width, int rows, float[] factors, float factor, float[] out,
                             int outOffset) {
        if (Simd.ENABLED && Simd.WIDE_TILES && width == 4 * Simd.LANES) {
            for (int t = 0; t < rows; t++) {
                int x = first + 2 * t * width;
                pairMeanOfFourVectors(a, x, x + width, factors == null ? factor : factors[t], out,
                        outOffset + t * width);
            }
            return;
        }
        for (int t = 0; t < rows; t++) {
            pairMean(a, first + 2 * t * width, width, factors == null ? factor : factors[t], out,
                    outOffset + t * width);
        }
    }

    /**
     * Two levels of {@link #pairMeanRows} at once with one factor: row t of {@code out} from rows 4t .. 4t + 3 of
     * {@code a} as ((a0 + a1) f + (a2 + a3) f) f, the same operations in the same order as two passes, so the same
     * bits. The first level's rows never leave the registers (wide tiles, width of four vectors; otherwise each
     * output row passes through {@code scratch}, of at least 2 width floats). In place works, as for pairMeanRows.
     */
    static void quadMeanRows(float[] a, int first, int width, int rows, float factor, float[] scratch, float[] out,
                             int outOffset) {
        if (!(Simd.ENABLED && Simd.WIDE_TILES && width == 4 * Simd.LANES)) {
            for (int t = 0; t < rows; t++) {
                pairMeanRows(a, first + 4 * t * width, width, 2, null, factor, scratch, 0);
                pairMeanRows(scratch, 0, width, 1, null, factor, out, outOffset + t * width);
            }
            return;
        }
        int lanes = Simd.LANES;
        for (int t = 0; t < rows; t++) {
            int x = first + 4 * t * width;
            int o = outOffset + t * width;
            for (int c = 0; c < width; c += lanes) {
                FloatVector first2 = FloatVector.fromArray(Simd.SPECIES, a, x + c)
                        .add(FloatVector.fromArray(Simd.SPECIES, a, x + width + c)).mul(factor);
                FloatVector second2 = FloatVector.fromArray(Simd.SPECIES, a, x + 2 * width + c)
                        .add(FloatVector.fromArray(Simd.SPECIES, a, x + 3 * width + c)).mul(factor);
                first2.add(second2).mul(factor).intoArray(out, o + c);
            }
        }
    }

    /** {@code dst[dOff + c] += src[sOff + c] * factor} for {@code c < count}. */
    static void addScaled(float[] src, int sOff, float[] dst, int dOff, int count, float factor) {
        int c = 0;
        if (Simd.ENABLED) {
            FloatVector scale = FloatVector.broadcast(Simd.SPECIES, factor);
            for (; c + Simd.LANES <= count; c += Simd.LANES) {
                FloatVector.fromArray(Simd.SPECIES, src, sOff + c)
                        .fma(scale, FloatVector.fromArray(Simd.SPECIES, dst, dOff + c)).intoArray(dst, dOff + c);
            }
        }
        for (; c < count; c++) {
            dst[dOff + c] += src[sOff + c] * factor;
        }
    }

    /**
     * The score gradient of one row (docs/algorithm.md section 11), in place:
     * {@code g[gOff + c] = e[eOff + c] * (g[gOff + c] - w[wOff + c] * delta)} for {@code c < count}, where e holds
     * exp(s - m), g the products G . Vc, and w the key weights.
     */
    static void scoreGradient(float[] e, int eOff, float[] g, int gOff, float[] w, int wOff, float delta, int count) {
        int c = 0;
        if (Simd.ENABLED) {
            FloatVector minusDelta = FloatVector.broadcast(Simd.SPECIES, -delta);
            for (; c + Simd.LANES <= count; c += Simd.LANES) {
                FloatVector.fromArray(Simd.SPECIES, w, wOff + c)
                        .fma(minusDelta, FloatVector.fromArray(Simd.SPECIES, g, gOff + c))
                        .mul(FloatVector.fromArray(Simd.SPECIES, e, eOff + c)).intoArray(g, gOff + c);
            }
        }
        for (; c < count; c++) {
            g[gOff + c] = e[eOff + c] * (g[gOff + c] - w[wOff + c] * delta);
        }
    }

    /**
     * {@code dst[dOff + c * dStride + r] = src[sOff + r * sStride + c]} for r < rows, c < columns. With 16 lanes
     * (AVX-512) and wide tiles, 16 x 16 blocks go through registers ({@link #transpose16}); the rest element by
     * element. A form with one vector gather per column of 16 rows was tried (6 December) and taken back: in the
     * whole suite's JIT state exact attention's LinearMemoryTest saw its gathers allocate (about 800 bytes each).
     */
    static void transpose(float[] src, int sOff, int sStride, int rows, int columns, float[] dst, int dOff,
                          int dStride) {
        int r0 = 0;
        if (BLOCK_TRANSPOSE) {
            for (; r0 + 16 <= rows; r0 += 16) {
                int c0 = 0;
                for (; c0 + 16 <= columns; c0 += 16) {
                    transpose16(src, sOff + r0 * sStride + c0, sStride, dst, dOff + c0 * dStride + r0, dStride);
                }
                scalarTranspose(src, sOff, sStride, r0, r0 + 16, c0, columns, dst, dOff, dStride);
            }
        }
        scalarTranspose(src, sOff, sStride, r0, rows, 0, columns, dst, dOff, dStride);
    }

    /** Whether {@link #transpose} takes 16 x 16 blocks in registers: 16 lanes and the wide tiles' JIT. */
    static final boolean BLOCK_TRANSPOSE = Simd.ENABLED && Simd.WIDE_TILES && Simd.LANES == 16;

    private static void scalarTranspose(float[] src, int sOff, int sStride, int fromRow, int toRow, int fromColumn,
                                        int toColumn, float[] dst, int dOff, int dStride) {
        for (int r = fromRow; r < toRow; r++) {
            int in = sOff + r * sStride;
            for (int c = fromColumn; c < toColumn; c++) {
                dst[dOff + c * dStride + r] = src[in + c];
            }
        }
    }

    private static final VectorShuffle<Float> LANES_UP_8 = rotation(-8);
    private static final VectorShuffle<Float> LANES_UP_4 = rotation(-4);
    private static final VectorShuffle<Float> LANES_UP_2 = rotation(-2);
    private static final VectorShuffle<Float> LANES_UP_1 = rotation(-1);
    private static final VectorShuffle<Float> LANES_DOWN_8 = rotation(8);
    private static final VectorShuffle<Float> LANES_DOWN_4 = rotation(4);
    private static final VectorShuffle<Float> LANES_DOWN_2 = rotation(2);
    private static final VectorShuffle<Float> LANES_DOWN_1 = rotation(1);
    private static final VectorMask<Float> LANES_WITH_8 = lanesWithBit(8);
    private static final VectorMask<Float> LANES_WITH_4 = lanesWithBit(4);
    private static final VectorMask<Float> LANES_WITH_2 = lanesWithBit(2);
    private static final VectorMask<Float> LANES_WITH_1 = lanesWithBit(1);

    /** Lane i takes lane i + by (mod the lanes). */
    private static VectorShuffle<Float> rotation(int by) {
        return VectorShuffle.fromOp(Simd.SPECIES, i -> Math.floorMod(i + by, Simd.LANES));
    }

    /** The lanes whose index has bit {@code bit} set. */
    private static VectorMask<Float> lanesWithBit(int bit) {
        long lanes = 0;
        for (int i = 0; i < Simd.LANES; i++) {
            if ((i & bit) != 0) {
                lanes |= 1L << i;
            }
        }
        return VectorMask.fromLong(Simd.SPECIES, lanes);
    }

    /**
     * One 16 x 16 block: {@code dst[dOff + c * dStride + r] = src[sOff + r * sStride + c]}, in registers. Each of
     * four stages swaps one bit of the row index with the same bit of the column index (s = 8, 4, 2, 1): rows r
     * and r + s (r without bit s) exchange their lanes with and without bit s, by a rotation of s lanes and a
     * blend. Written out: an array of vectors, or a helper taking vectors, would box them.
     */
    private static void transpose16(float[] src, int sOff, int sStride, float[] dst, int dOff, int dStride) {
        FloatVector a0 = FloatVector.fromArray(Simd.SPECIES, src, sOff);
        FloatVector a1 = FloatVector.fromArray(Simd.SPECIES, src, sOff + 1 * sStride);
        FloatVector a2 = FloatVector.fromArray(Simd.SPECIES, src, sOff + 2 * sStride);
        FloatVector a3 = FloatVector.fromArray(Simd.SPECIES, src, sOff + 3 * sStride);
        FloatVector a4 = FloatVector.fromArray(Simd.SPECIES, src, sOff + 4 * sStride);
        FloatVector a5 = FloatVector.fromArray(Simd.SPECIES, src, sOff + 5 * sStride);
        FloatVector a6 = FloatVector.fromArray(Simd.SPECIES, src, sOff + 6 * sStride);
        FloatVector a7 = FloatVector.fromArray(Simd.SPECIES, src, sOff + 7 * sStride);
        FloatVector a8 = FloatVector.fromArray(Simd.SPECIES, src, sOff + 8 * sStride);
        FloatVector a9 = FloatVector.fromArray(Simd.SPECIES, src, sOff + 9 * sStride);
        FloatVector a10 = FloatVector.fromArray(Simd.SPECIES, src, sOff + 10 * sStride);
        FloatVector a11 = FloatVector.fromArray(Simd.SPECIES, src, sOff + 11 * sStride);
        FloatVector a12 = FloatVector.fromArray(Simd.SPECIES, src, sOff + 12 * sStride);
        FloatVector a13 = FloatVector.fromArray(Simd.SPECIES, src, sOff + 13 * sStride);
        FloatVector a14 = FloatVector.fromArray(Simd.SPECIES, src, sOff + 14 * sStride);
        FloatVector a15 = FloatVector.fromArray(Simd.SPECIES, src, sOff + 15 * sStride);
        FloatVector t;
        t = a0.blend(a8.rearrange(LANES_UP_8), LANES_WITH_8);
        a8 = a0.rearrange(LANES_DOWN_8).blend(a8, LANES_WITH_8);
        a0 = t;
        t = a1.blend(a9.rearrange(LANES_UP_8), LANES_WITH_8);
        a9 = a1.rearrange(LANES_DOWN_8).blend(a9, LANES_WITH_8);
        a1 = t;
        t = a2.blend(a10.rearrange(LANES_UP_8), LANES_WITH_8);
        a10 = a2.rearrange(LANES_DOWN_8).blend(a10, LANES_WITH_8);
        a2 = t;
        t = a3.blend(a11.rearrange(LANES_UP_8), LANES_WITH_8);
        a11 = a3.rearrange(LANES_DOWN_8).blend(a11, LANES_WITH_8);
        a3 = t;
        t = a4.blend(a12.rearrange(LANES_UP_8), LANES_WITH_8);
        a12 = a4.rearrange(LANES_DOWN_8).blend(a12, LANES_WITH_8);
        a4 = t;
        t = a5.blend(a13.rearrange(LANES_UP_8), LANES_WITH_8);
        a13 = a5.rearrange(LANES_DOWN_8).blend(a13, LANES_WITH_8);
        a5 = t;
        t = a6.blend(a14.rearrange(LANES_UP_8), LANES_WITH_8);
        a14 = a6.rearrange(LANES_DOWN_8).blend(a14, LANES_WITH_8);
        a6 = t;
        t = a7.blend(a15.rearrange(LANES_UP_8), LANES_WITH_8);
        a15 = a7.rearrange(LANES_DOWN_8).blend(a15, LANES_WITH_8);
        a7 = t;
        t = a0.blend(a4.rearrange(LANES_UP_4), LANES_WITH_4);
        a4 = a0.rearrange(LANES_DOWN_4).blend(a4, LANES_WITH_4);
        a0 = t;
        t = a1.blend(a5.rearrange(LANES_UP_4), LANES_WITH_4);
        a5 = a1.rearrange(LANES_DOWN_4).blend(a5, LANES_WITH_4);
        a1 = t;
        t = a2.blend(a6.rearrange(LANES_UP_4), LANES_WITH_4);
        a6 = a2.rearrange(LANES_DOWN_4).blend(a6, LANES_WITH_4);
        a2 = t;
        t = a3.blend(a7.rearrange(LANES_UP_4), LANES_WITH_4);
        a7 = a3.rearrange(LANES_DOWN_4).blend(a7, LANES_WITH_4);
        a3 = t;
        t = a8.blend(a12.rearrange(LANES_UP_4), LANES_WITH_4);
        a12 = a8.rearrange(LANES_DOWN_4).blend(a12, LANES_WITH_4);
        a8 = t;
        t = a9.blend(a13.rearrange(LANES_UP_4), LANES_WITH_4);
        a13 = a9.rearrange(LANES_DOWN_4).blend(a13, LANES_WITH_4);
        a9 = t;
        t = a10.blend(a14.rearrange(LANES_UP_4), LANES_WITH_4);
        a14 = a10.rearrange(LANES_DOWN_4).blend(a14, LANES_WITH_4);
        a10 = t;
        t = a11.blend(a15.rearrange(LANES_UP_4), LANES_WITH_4);
        a15 = a11.rearrange(LANES_DOWN_4).blend(a15, LANES_WITH_4);
        a11 = t;
        t = a0.blend(a2.rearrange(LANES_UP_2), LANES_WITH_2);
        a2 = a0.rearrange(LANES_DOWN_2).blend(a2, LANES_WITH_2);
        a0 = t;
        t = a1.blend(a3.rearrange(LANES_UP_2), LANES_WITH_2);
        a3 = a1.rearrange(LANES_DOWN_2).blend(a3, LANES_WITH_2);
        a1 = t;
        t = a4.blend(a6.rearrange(LANES_UP_2), LANES_WITH_2);
        a6 = a4.rearrange(LANES_DOWN_2).blend(a6, LANES_WITH_2);
        a4 = t;
        t = a5.blend(a7.rearrange(LANES_UP_2), LANES_WITH_2);
        a7 = a5.rearrange(LANES_DOWN_2).blend(a7, LANES_WITH_2);
        a5 = t;
        t = a8.blend(a10.rearrange(LANES_UP_2), LANES_WITH_2);
        a10 = a8.rearrange(LANES_DOWN_2).blend(a10, LANES_WITH_2);
        a8 = t;
        t = a9.blend(a11.rearrange(LANES_UP_2), LANES_WITH_2);
        a11 = a9.rearrange(LANES_DOWN_2).blend(a11, LANES_WITH_2);
        a9 = t;
        t = a12.blend(a14.rearrange(LANES_UP_2), LANES_WITH_2);
        a14 = a12.rearrange(LANES_DOWN_2).blend(a14, LANES_WITH_2);
        a12 = t;
        t = a13.blend(a15.rearrange(LANES_UP_2), LANES_WITH_2);
        a15 = a13.rearrange(LANES_DOWN_2).blend(a15, LANES_WITH_2);
        a13 = t;
        t = a0.blend(a1.rearrange(LANES_UP_1), LANES_WITH_1);
        a1 = a0.rearrange(LANES_DOWN_1).blend(a1, LANES_WITH_1);
        a0 = t;
        t = a2.blend(a3.rearrange(LANES_UP_1), LANES_WITH_1);
        a3 = a2.rearrange(LANES_DOWN_1).blend(a3, LANES_WITH_1);
        a2 = t;
        t = a4.blend(a5.rearrange(LANES_UP_1), LANES_WITH_1);
        a5 = a4.rearrange(LANES_DOWN_1).blend(a5, LANES_WITH_1);
        a4 = t;
        t = a6.blend(a7.rearrange(LANES_UP_1), LANES_WITH_1);
        a7 = a6.rearrange(LANES_DOWN_1).blend(a7, LANES_WITH_1);
        a6 = t;
        t = a8.blend(a9.rearrange(LANES_UP_1), LANES_WITH_1);
        a9 = a8.rearrange(LANES_DOWN_1).blend(a9, LANES_WITH_1);
        a8 = t;
        t = a10.blend(a11.rearrange(LANES_UP_1), LANES_WITH_1);
        a11 = a10.rearrange(LANES_DOWN_1).blend(a11, LANES_WITH_1);
        a10 = t;
        t = a12.blend(a13.rearrange(LANES_UP_1), LANES_WITH_1);
        a13 = a12.rearrange(LANES_DOWN_1).blend(a13, LANES_WITH_1);
        a12 = t;
        t = a14.blend(a15.rearrange(LANES_UP_1), LANES_WITH_1);
        a15 = a14.rearrange(LANES_DOWN_1).blend(a15, LANES_WITH_1);
        a14 = t;
        a0.intoArray(dst, dOff);
        a1.intoArray(dst, dOff + 1 * dStride);
        a2.intoArray(dst, dOff + 2 * dStride);
        a3.intoArray(dst, dOff + 3 * dStride);
        a4.intoArray(dst, dOff + 4 * dStride);
        a5.intoArray(dst, dOff + 5 * dStride);
        a6.intoArray(dst, dOff + 6 * dStride);
        a7.intoArray(dst, dOff + 7 * dStride);
        a8.intoArray(dst, dOff + 8 * dStride);
        a9.intoArray(dst, dOff + 9 * dStride);
        a10.intoArray(dst, dOff + 10 * dStride);
        a11.intoArray(dst, dOff + 11 * dStride);
        a12.intoArray(dst, dOff + 12 * dStride);
        a13.intoArray(dst, dOff + 13 * dStride);
        a14.intoArray(dst, dOff + 14 * dStride);
        a15.intoArray(dst, dOff + 15 * dStride);
    }

    /**
     * Lanes 0, 2, 4, ... and 1, 3, 5, ... of one vector, twice over; the upper half of the lanes. One-vector
     * shuffles and a blend rather than the two-vector rearrange, which C2 sometimes left as a call that boxed
     * every vector (LinearMemoryTest: 309 bytes per token).
     */
    private static final VectorShuffle<Float> EVEN_LANES =
            VectorShuffle.fromOp(Simd.SPECIES, i -> 2 * i % Simd.LANES);
    private static final VectorShuffle<Float> ODD_LANES =
            VectorShuffle.fromOp(Simd.SPECIES, i -> (2 * i + 1) % Simd.LANES);
    private static final VectorMask<Float> UPPER_HALF =
            VectorMask.fromLong(Simd.SPECIES, (-1L << (Simd.LANES / 2)) & ((1L << Simd.LANES) - 1));

    /**
     * For {@code rows} rows of one vector each: {@code out[outOffset + x * LANES + c] = (pair c of (row x at first, row x
     * at second) laid end to end) * inverse[c]}: the means of adjacent pairs across two transposed key blocks,
     * i.e. one coarse key block from its two children, when a block is exactly one panel ({@link KeyPanels}) wide.
     * The rows' stride is the constant panel width, so that C2 drops the loop's bounds checks.
     */
    static void pairMeansOfTwoRows(float[] a, int first, int second, int rows, float[] inverse, float[] out,
                                   int outOffset) {
        FloatVector factor = FloatVector.fromArray(Simd.SPECIES, inverse, 0);
        for (int x = 0; x < rows; x++) {
            FloatVector left = FloatVector.fromArray(Simd.SPECIES, a, first + x * KeyPanels.PANEL);
            FloatVector right = FloatVector.fromArray(Simd.SPECIES, a, second + x * KeyPanels.PANEL);
            FloatVector leftPairs = left.rearrange(EVEN_LANES).add(left.rearrange(ODD_LANES));
            FloatVector rightPairs = right.rearrange(EVEN_LANES).add(right.rearrange(ODD_LANES));
            leftPairs.blend(rightPairs, UPPER_HALF).mul(factor).intoArray(out, outOffset + x * KeyPanels.PANEL);
        }
    }
}
