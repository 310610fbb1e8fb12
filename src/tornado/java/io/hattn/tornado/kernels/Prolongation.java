package io.hattn.tornado.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.collections.VectorFloat8;
import uk.ac.manchester.tornado.api.types.vectors.Float8;

/**
 * Prolongation and the final division (h-attention.md section 4, step 4): every fine row i takes the numerator of
 * its coarse row i >> l at each level, re-based on the row's offset from {@link CombineMaxima},
 * {@code z_i = sum_l exp(m_l - c_i) Y_l[i >> l] / D_i}; invalid query rows output 0. Four 8-float chunks of the
 * output row are summed in registers at a time. Grid: x = fine row, y = head.
 */
public final class Prolongation {

    private Prolongation() {
    }

    public static void prolong(KernelContext context, VectorFloat8 numerators, FloatArray rowMax,
                               FloatArray rowOffsets, FloatArray rowDenominators, IntArray counts, VectorFloat8 out,
                               int allRows, int n, int length, int valueWidth8, IntArray bounds) {
        int i = context.globalIdx;
        int head = context.globalIdy;
        if (i < length) {
            int chunks = bounds.get(Bounds.VALUE_WIDTH8);
            int levels = bounds.get(Bounds.LEVELS);
            int outRow = (head * length + i) * valueWidth8;
            float denominator = rowDenominators.get(head * n + i);
            // 0 for an invalid query row or one without entries
            float r = counts.get(head * allRows + i) > 0 && denominator > 0f ? 1.0f / denominator : 0f;
            Float8 inverse = new Float8(r, r, r, r, r, r, r, r);
            float offset = rowOffsets.get(head * n + i);
            // four 8-float chunks at a time in registers (past the row's end a chunk repeats its last one: same
            // value, same place); a broadcast Float8 weight, as Float8 * float compiles to eight scalar products
            for (int c = 0; c < chunks; c += 4) {
                int c1 = Math.min(c + 1, chunks - 1);
                int c2 = Math.min(c + 2, chunks - 1);
                int c3 = Math.min(c + 3, chunks - 1);
                Float8 sum0 = new Float8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
                Float8 sum1 = new Float8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
                Float8 sum2 = new Float8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
                Float8 sum3 = new Float8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
                for (int level = 0; level < levels; level++) {
                    int coarse = head * allRows + Levels.start(level, n) + (i >> level);
                    float max = rowMax.get(coarse);
                    float w = 0f;
                    if (max > Scores.REAL) {
                        w = TornadoMath.exp(max - offset);
                    }
                    Float8 weight = new Float8(w, w, w, w, w, w, w, w);
                    int numerator = coarse * valueWidth8;
                    sum0 = Float8.add(sum0, Float8.mult(numerators.get(numerator + c), weight));
                    sum1 = Float8.add(sum1, Float8.mult(numerators.get(numerator + c1), weight));
                    sum2 = Float8.add(sum2, Float8.mult(numerators.get(numerator + c2), weight));
                    sum3 = Float8.add(sum3, Float8.mult(numerators.get(numerator + c3), weight));
                }
                out.set(outRow + c, Float8.mult(sum0, inverse));
                out.set(outRow + c1, Float8.mult(sum1, inverse));
                out.set(outRow + c2, Float8.mult(sum2, inverse));
                out.set(outRow + c3, Float8.mult(sum3, inverse));
            }
        }
    }
}
