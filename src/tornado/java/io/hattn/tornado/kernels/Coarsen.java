package io.hattn.tornado.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.collections.VectorFloat8;
import uk.ac.manchester.tornado.api.types.vectors.Float8;

/**
 * The coarsening pyramid (docs/algorithm.md section 3): level l from the pairs of children at level l-1. Keys are the
 * mean over the valid children, queries the same or (causal) the first child, values the sum, and the validity
 * count (valid fine tokens under a coarse token) the sum. Invalid tokens hold zeros, so sums and means need no
 * masking beyond the count of valid children. Grid: x = 8-float feature chunk, y = coarse token, z = head.
 */
public final class Coarsen {

    public static final int MEAN = 0;
    public static final int FIRST_CHILD = 1;

    private Coarsen() {
    }

    /** Level 1 from the level-0 input arrays. */
    public static void fromInputs(KernelContext context, VectorFloat8 queries, VectorFloat8 keys, VectorFloat8 values,
                                  VectorFloat8 coarseQueries, VectorFloat8 coarseKeys, VectorFloat8 coarseValues,
                                  IntArray counts, int countRows, int pyramidRows, int n, int queryMode, int width8,
                                  int valueWidth8) {
        int chunk = context.globalIdx;
        int t = context.globalIdy;
        int head = context.globalIdz;
        if (t < (n >> 1)) {
            int child = head * n + 2 * t;
            int parent = head * pyramidRows + t;
            coarsenToken(queries, keys, values, coarseQueries, coarseKeys, coarseValues, counts,
                    head * countRows + 2 * t, head * countRows + n + t, child, parent, chunk, queryMode, width8,
                    valueWidth8);
        }
    }

    /** Level {@code level} >= 2 from level - 1, both inside the pyramid arrays. */
    public static void withinPyramid(KernelContext context, VectorFloat8 queries, VectorFloat8 keys,
                                     VectorFloat8 values, IntArray counts, int countRows, int pyramidRows, int n,
                                     int level, int queryMode, int width8, int valueWidth8) {
        int chunk = context.globalIdx;
        int t = context.globalIdy;
        int head = context.globalIdz;
        if (t < (n >> level)) {
            int childStart = Levels.start(level - 1, n);
            int parentStart = Levels.start(level, n);
            int child = head * pyramidRows + childStart - n + 2 * t;
            int parent = head * pyramidRows + parentStart - n + t;
            coarsenToken(queries, keys, values, queries, keys, values, counts,
                    head * countRows + childStart + 2 * t, head * countRows + parentStart + t, child, parent, chunk,
                    queryMode, width8, valueWidth8);
        }
    }

    private static void coarsenToken(VectorFloat8 queries, VectorFloat8 keys, VectorFloat8 values,
                                     VectorFloat8 coarseQueries, VectorFloat8 coarseKeys, VectorFloat8 coarseValues,
                                     IntArray counts, int childCount, int parentCount, int child, int parent,
                                     int chunk, int queryMode, int width8, int valueWidth8) {
        int first = counts.get(childCount);
        int second = counts.get(childCount + 1);
        int validChildren = (first > 0 ? 1 : 0) + (second > 0 ? 1 : 0);
        float mean = 1.0f / Math.max(1, validChildren);
        // broadcast Float8 weights: Float8 * float compiles to eight scalar products
        Float8 meanWeight = Lanes.splat(mean);
        if (chunk < width8) {
            Float8 k0 = keys.get(child * width8 + chunk);
            Float8 k1 = keys.get((child + 1) * width8 + chunk);
            coarseKeys.set(parent * width8 + chunk, Float8.mult(Float8.add(k0, k1), meanWeight));
            // the first child as q0 * 1 + q1 * 0: TornadoVM 5.2 cannot compile storing a loaded Float8 unchanged
            float first0 = queryMode == FIRST_CHILD ? 1.0f : mean;
            float second0 = queryMode == FIRST_CHILD ? 0.0f : mean;
            Float8 firstWeight = Lanes.splat(first0);
            Float8 secondWeight = Lanes.splat(second0);
            Float8 q0 = queries.get(child * width8 + chunk);
            Float8 q1 = queries.get((child + 1) * width8 + chunk);
            coarseQueries.set(parent * width8 + chunk,
                    Float8.add(Float8.mult(q0, firstWeight), Float8.mult(q1, secondWeight)));
        }
        if (chunk < valueWidth8) {
            Float8 v0 = values.get(child * valueWidth8 + chunk);
            Float8 v1 = values.get((child + 1) * valueWidth8 + chunk);
            coarseValues.set(parent * valueWidth8 + chunk, Float8.add(v0, v1));
        }
        if (chunk == 0) {
            counts.set(parentCount, first + second);
        }
    }
}
