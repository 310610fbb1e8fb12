package io.hattn.tornado.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * The row maxima combined across levels (docs/algorithm.md section 5), one level per launch from the coarsest down:
 * row t of level l gets {@code c_l[t] = max(c_{l+1}[t >> 1], m_l[t])}, the maximum over its own level and every
 * coarser ancestor, and the denominator re-based on it,
 * {@code D'_l[t] = exp(c_{l+1} - c_l) D'_{l+1}[t >> 1] + exp(m_l - c_l) D_l[t]}; the coarsest level takes its own.
 * At level 0 these are the offset {@code c_i = max_l m_l[i >> l]} and the denominator
 * {@code D_i = sum_l exp(m_l - c_i) D_l[i >> l]} of every fine row, one maximum per row as section 5 defines, built
 * from the parent's instead of from all M levels again. A maximum of {@link Scores#NONE} (no entries) adds 0.
 * Grid: x = row of the level, y = head.
 */
public final class CombineMaxima {

    private CombineMaxima() {
    }

    public static void combine(KernelContext context, FloatArray rowMax, FloatArray denominators,
                               FloatArray rowOffsets, FloatArray rowDenominators, int allRows, int n, int level,
                               int levels) {
        int t = context.globalIdx;
        int head = context.globalIdy;
        if (t < (n >> level)) {
            int row = head * allRows + Levels.start(level, n) + t;
            float own = rowMax.get(row);
            float offset = own;
            float denominator = denominators.get(row);
            if (level < levels - 1) {
                int parent = head * allRows + Levels.start(level + 1, n) + (t >> 1);
                float inherited = rowOffsets.get(parent);
                offset = Math.max(inherited, own);
                denominator = Rebase.weight(inherited, offset) * rowDenominators.get(parent)
                        + Rebase.weight(own, offset) * denominator;
            }
            rowOffsets.set(row, offset);
            rowDenominators.set(row, denominator);
        }
    }
}
