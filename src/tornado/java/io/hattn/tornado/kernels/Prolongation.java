package io.hattn.tornado.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.collections.VectorFloat8;
import uk.ac.manchester.tornado.api.types.vectors.Float8;

/**
 * Prolongation and the final division (docs/algorithm.md section 4, step 4), one level per launch from the coarsest
 * down, after {@link CombineMaxima} has combined that level: row t of level l takes its parent's numerator (already
 * combined over every coarser level) and adds its own, both re-based on the row's combined maximum,
 * {@code Y'_l[t] = exp(c_{l+1} - c_l) Y'_{l+1}[t >> 1] + exp(m_l - c_l) Y_l[t]}, in place. At level 0 that is
 * {@code sum_l exp(m_l - c_i) Y_l[i >> l]}, which is divided by the combined denominator into the output
 * ({@code z_i}; 0 for an invalid query row or one without entries). Each level is summed once per row of that
 * level, not once per fine row. Four 8-float chunks of a row are summed in registers at a time.
 * Grid: x = row of the level (fine rows of the sequence at level 0), y = head.
 */
public final class Prolongation {

    private Prolongation() {
    }

    public static void prolong(KernelContext context, VectorFloat8 numerators, FloatArray rowMax,
                               FloatArray rowOffsets, FloatArray rowDenominators, IntArray counts, VectorFloat8 out,
                               int allRows, int n, int level, int levels, int length, int valueWidth8,
                               IntArray bounds) {
        int t = context.globalIdx;
        int head = context.globalIdy;
        int rows = level == 0 ? length : n >> level;
        if (t < rows) {
            int chunks = bounds.get(Bounds.VALUE_WIDTH8);
            int row = head * allRows + Levels.start(level, n) + t;
            float offset = rowOffsets.get(row);
            float own = Rebase.weight(rowMax.get(row), offset);
            Float8 ownWeight = Lanes.splat(own);
            int parent = row;
            float inherited = 0f;
            if (level < levels - 1) {
                parent = head * allRows + Levels.start(level + 1, n) + (t >> 1);
                inherited = Rebase.weight(rowOffsets.get(parent), offset);
            }
            Float8 parentWeight = Lanes.splat(inherited);
            // level 0 divides into the output; 0 for an invalid query row or one without entries
            float denominator = rowDenominators.get(row);
            float r = counts.get(row) > 0 && denominator > 0f ? 1.0f / denominator : 0f;
            Float8 scale = Lanes.splat(r);
            // the output of level 0, the numerators in place above it
            int target = level == 0 ? (head * length + t) * valueWidth8 : row * valueWidth8;
            // four 8-float chunks at a time (past the row's end a chunk repeats its last one: same value, same
            // place); broadcast Float8 weights, as Float8 * float compiles to eight scalar products
            for (int c = 0; c < chunks; c += 4) {
                int c1 = Math.min(c + 1, chunks - 1);
                int c2 = Math.min(c + 2, chunks - 1);
                int c3 = Math.min(c + 3, chunks - 1);
                Float8 sum0 = sum(numerators, row, parent, c, valueWidth8, ownWeight, parentWeight);
                Float8 sum1 = sum(numerators, row, parent, c1, valueWidth8, ownWeight, parentWeight);
                Float8 sum2 = sum(numerators, row, parent, c2, valueWidth8, ownWeight, parentWeight);
                Float8 sum3 = sum(numerators, row, parent, c3, valueWidth8, ownWeight, parentWeight);
                if (level == 0) {
                    out.set(target + c, Float8.mult(sum0, scale));
                    out.set(target + c1, Float8.mult(sum1, scale));
                    out.set(target + c2, Float8.mult(sum2, scale));
                    out.set(target + c3, Float8.mult(sum3, scale));
                } else {
                    numerators.set(target + c, sum0);
                    numerators.set(target + c1, sum1);
                    numerators.set(target + c2, sum2);
                    numerators.set(target + c3, sum3);
                }
            }
        }
    }

    /** Chunk c of the row's own numerator and its parent's, each with its weight (the parent's is 0 at the top). */
    private static Float8 sum(VectorFloat8 numerators, int row, int parent, int c, int valueWidth8,
                              Float8 ownWeight, Float8 parentWeight) {
        return Float8.add(Float8.mult(numerators.get(row * valueWidth8 + c), ownWeight),
                Float8.mult(numerators.get(parent * valueWidth8 + c), parentWeight));
    }
}
