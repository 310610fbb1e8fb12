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
 * {@code z_i = sum_l exp(m_l - c_i) Y_l[i >> l] / D_i}; invalid query rows output 0. The output row is the
 * accumulator. Grid: x = fine row, y = head.
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
            Float8 zero = new Float8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
            for (int c = 0; c < chunks; c++) {
                out.set(outRow + c, zero);
            }
            float denominator = rowDenominators.get(head * n + i);
            if (counts.get(head * allRows + i) > 0 && denominator > 0f) {
                float offset = rowOffsets.get(head * n + i);
                for (int level = 0; level < levels; level++) {
                    int coarse = head * allRows + Levels.start(level, n) + (i >> level);
                    float max = rowMax.get(coarse);
                    if (max > Scores.REAL) {
                        float weight = TornadoMath.exp(max - offset);
                        for (int c = 0; c < chunks; c++) {
                            out.set(outRow + c, Float8.add(out.get(outRow + c),
                                    Float8.mult(numerators.get(coarse * valueWidth8 + c), weight)));
                        }
                    }
                }
                float inverse = 1.0f / denominator;
                for (int c = 0; c < chunks; c++) {
                    out.set(outRow + c, Float8.mult(out.get(outRow + c), inverse));
                }
            }
        }
    }
}
