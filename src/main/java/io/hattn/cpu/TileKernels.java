package io.hattn.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The two dense products every path of this backend is made of, on flat arrays with offsets:
 * scores {@code S = Q K^T} against a block of keys stored transposed, and {@code Y += P V}. Each has a Vector API
 * body (four rows at a time, vectors across columns, so no lane reductions are needed) and a scalar body used
 * for tails and when {@link Simd#ENABLED} is off.
 */
final class TileKernels {

    private TileKernels() {
    }

    /**
     * {@code s[(r) * sStride + sCol + c] = sum_x q[(qRow + r) * d + x] * kT[kBase + x * width + c]} for
     * {@code r < rows, c < width}: one query block against one transposed key block of {@code width} columns.
     */
    static void scores(float[] q, int qRow, int rows, int d, float[] kT, int kBase, int width,
                       float[] s, int sStride, int sCol) {
        int vectorColumns = Simd.ENABLED ? width - width % Simd.LANES : 0;
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int q0 = (qRow + r) * d;
            for (int c = 0; c < vectorColumns; c += Simd.LANES) {
                FloatVector a0 = FloatVector.zero(Simd.SPECIES);
                FloatVector a1 = a0;
                FloatVector a2 = a0;
                FloatVector a3 = a0;
                for (int x = 0; x < d; x++) {
                    FloatVector k = FloatVector.fromArray(Simd.SPECIES, kT, kBase + x * width + c);
                    a0 = FloatVector.broadcast(Simd.SPECIES, q[q0 + x]).fma(k, a0);
                    a1 = FloatVector.broadcast(Simd.SPECIES, q[q0 + d + x]).fma(k, a1);
                    a2 = FloatVector.broadcast(Simd.SPECIES, q[q0 + 2 * d + x]).fma(k, a2);
                    a3 = FloatVector.broadcast(Simd.SPECIES, q[q0 + 3 * d + x]).fma(k, a3);
                }
                int out = r * sStride + sCol + c;
                a0.intoArray(s, out);
                a1.intoArray(s, out + sStride);
                a2.intoArray(s, out + 2 * sStride);
                a3.intoArray(s, out + 3 * sStride);
            }
            scalarScores(q, qRow + r, 4, d, kT, kBase, width, vectorColumns, s, r * sStride + sCol, sStride);
        }
        scalarScores(q, qRow + r, rows - r, d, kT, kBase, width, 0, s, r * sStride + sCol, sStride);
    }

    private static void scalarScores(float[] q, int qRow, int rows, int d, float[] kT, int kBase, int width,
                                     int fromColumn, float[] s, int sOffset, int sStride) {
        for (int r = 0; r < rows; r++) {
            int qOff = (qRow + r) * d;
            for (int c = fromColumn; c < width; c++) {
                float sum = 0f;
                for (int x = 0; x < d; x++) {
                    sum += q[qOff + x] * kT[kBase + x * width + c];
                }
                s[sOffset + r * sStride + c] = sum;
            }
        }
    }

    /**
     * {@code y[r * dv + x] += sum_c p[r * pStride + pCol + c] * v[(vRow + c) * dv + x]} for {@code r < rows,
     * c < cols, x < dv}: weights of one key segment times its value rows.
     */
    static void accumulateValues(float[] p, int pStride, int pCol, int rows, int cols, float[] v, int vRow,
                                 int dv, float[] y) {
        int vectorWidth = Simd.ENABLED ? dv - dv % Simd.LANES : 0;
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int p0 = r * pStride + pCol;
            for (int x = 0; x < vectorWidth; x += Simd.LANES) {
                int y0 = r * dv + x;
                FloatVector a0 = FloatVector.fromArray(Simd.SPECIES, y, y0);
                FloatVector a1 = FloatVector.fromArray(Simd.SPECIES, y, y0 + dv);
                FloatVector a2 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 2 * dv);
                FloatVector a3 = FloatVector.fromArray(Simd.SPECIES, y, y0 + 3 * dv);
                for (int c = 0; c < cols; c++) {
                    FloatVector value = FloatVector.fromArray(Simd.SPECIES, v, (vRow + c) * dv + x);
                    a0 = FloatVector.broadcast(Simd.SPECIES, p[p0 + c]).fma(value, a0);
                    a1 = FloatVector.broadcast(Simd.SPECIES, p[p0 + pStride + c]).fma(value, a1);
                    a2 = FloatVector.broadcast(Simd.SPECIES, p[p0 + 2 * pStride + c]).fma(value, a2);
                    a3 = FloatVector.broadcast(Simd.SPECIES, p[p0 + 3 * pStride + c]).fma(value, a3);
                }
                a0.intoArray(y, y0);
                a1.intoArray(y, y0 + dv);
                a2.intoArray(y, y0 + 2 * dv);
                a3.intoArray(y, y0 + 3 * dv);
            }
            scalarValues(p, pStride, pCol, r, 4, cols, v, vRow, dv, vectorWidth, y);
        }
        scalarValues(p, pStride, pCol, r, rows - r, cols, v, vRow, dv, 0, y);
    }

    private static void scalarValues(float[] p, int pStride, int pCol, int row0, int rows, int cols, float[] v,
                                     int vRow, int dv, int fromX, float[] y) {
        for (int r = row0; r < row0 + rows; r++) {
            for (int c = 0; c < cols; c++) {
                float weight = p[r * pStride + pCol + c];
                if (weight == 0f) {
                    continue;
                }
                int vOff = (vRow + c) * dv;
                for (int x = fromX; x < dv; x++) {
                    y[r * dv + x] += weight * v[vOff + x];
                }
            }
        }
    }

    /** {@code s[off + c] = exp(s[off + c] - shift)} for {@code c < count}; exp(-inf) is 0. */
    static void expShifted(float[] s, int off, int count, float shift) {
        int c = 0;
        if (Simd.ENABLED) {
            for (; c + Simd.LANES <= count; c += Simd.LANES) {
                FloatVector.fromArray(Simd.SPECIES, s, off + c).sub(shift).lanewise(VectorOperators.EXP)
                        .intoArray(s, off + c);
            }
        }
        for (; c < count; c++) {
            s[off + c] = (float) Math.exp(s[off + c] - shift);
        }
    }

    /** Maximum of {@code s[off .. off + count)}; -inf when count is 0. */
    static float max(float[] s, int off, int count) {
        float best = Float.NEGATIVE_INFINITY;
        int c = 0;
        if (Simd.ENABLED && count >= Simd.LANES) {
            FloatVector acc = FloatVector.broadcast(Simd.SPECIES, Float.NEGATIVE_INFINITY);
            for (; c + Simd.LANES <= count; c += Simd.LANES) {
                acc = acc.max(FloatVector.fromArray(Simd.SPECIES, s, off + c));
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

    /** {@code sum_c a[aOff + c] * b[bOff + c]} for {@code c < count}. */
    static float dot(float[] a, int aOff, float[] b, int bOff, int count) {
        float sum = 0f;
        int c = 0;
        if (Simd.ENABLED && count >= Simd.LANES) {
            FloatVector acc = FloatVector.zero(Simd.SPECIES);
            for (; c + Simd.LANES <= count; c += Simd.LANES) {
                acc = FloatVector.fromArray(Simd.SPECIES, a, aOff + c)
                        .fma(FloatVector.fromArray(Simd.SPECIES, b, bOff + c), acc);
            }
            sum = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; c < count; c++) {
            sum += a[aOff + c] * b[bOff + c];
        }
        return sum;
    }
}
