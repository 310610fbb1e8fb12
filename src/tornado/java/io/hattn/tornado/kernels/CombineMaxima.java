package io.hattn.tornado.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * The row maxima combined across levels (h-attention.md section 5): each fine row i gets one offset
 * {@code c_i = max_l m_l[i >> l]} over the maxima that every level computed with its own coarse-row maximum, and
 * the combined denominator {@code D_i = sum_l exp(m_l[i >> l] - c_i) D_l[i >> l]}; a level without entries
 * (m = {@link Scores#NONE}) adds 0. Equal to the definition of section 4 with one maximum per row.
 * Grid: x = fine row, y = head.
 */
public final class CombineMaxima {

    private CombineMaxima() {
    }

    public static void combine(KernelContext context, FloatArray rowMax, FloatArray denominators,
                               FloatArray rowOffsets, FloatArray rowDenominators, int allRows, int n, int levels,
                               int length) {
        int i = context.globalIdx;
        int head = context.globalIdy;
        if (i < length) {
            float offset = Scores.NONE;
            for (int level = 0; level < levels; level++) {
                offset = Math.max(offset, rowMax.get(head * allRows + Levels.start(level, n) + (i >> level)));
            }
            float denominator = 0f;
            for (int level = 0; level < levels; level++) {
                int coarse = head * allRows + Levels.start(level, n) + (i >> level);
                float max = rowMax.get(coarse);
                if (max > Scores.REAL) {
                    denominator += TornadoMath.exp(max - offset) * denominators.get(coarse);
                }
            }
            rowOffsets.set(head * n + i, offset);
            rowDenominators.set(head * n + i, denominator);
        }
    }
}
