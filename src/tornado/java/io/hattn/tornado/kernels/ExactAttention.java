package io.hattn.tornado.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.collections.VectorFloat8;
import uk.ac.manchester.tornado.api.types.vectors.Float8;

/**
 * Exact softmax attention, one work-item per query row: keys in tiles of {@link #TILE} with an online (running
 * maximum) softmax, accumulating straight into the output row, so no L x L matrix exists. Same masks and causal
 * option as the hierarchical operator; invalid query rows output 0. Grid: x = query row, y = head.
 */
public final class ExactAttention {

    public static final int TILE = 16;

    private ExactAttention() {
    }

    public static void attend(KernelContext context, VectorFloat8 queries, VectorFloat8 keys, VectorFloat8 values,
                              IntArray valid, FloatArray tileScores, VectorFloat8 out, int length, int causal,
                              int width8, int valueWidth8, float scale, IntArray bounds) {
        int i = context.globalIdx;
        int head = context.globalIdy;
        if (i < length) {
            int row = head * length + i;
            int chunks = bounds.get(Bounds.WIDTH8);
            int valueChunks = bounds.get(Bounds.VALUE_WIDTH8);
            int tile = bounds.get(Bounds.TILE);
            Float8 zero = Lanes.splat(0f);
            for (int c = 0; c < valueChunks; c++) {
                out.set(row * valueWidth8 + c, zero);
            }
            if (valid.get(row) > 0) {
                int end = causal == 1 ? i + 1 : length;
                float runningMax = Scores.NONE;
                float denominator = 0f;
                for (int tileStart = 0; tileStart < end; tileStart += tile) {
                    float tileMax = Scores.NONE;
                    for (int offset = 0; offset < tile; offset++) {
                        int j = Math.min(tileStart + offset, length - 1);
                        Float8 sum = zero;
                        for (int c = 0; c < chunks; c++) {
                            sum = Float8.add(sum, Float8.mult(queries.get(row * width8 + c),
                                    keys.get((head * length + j) * width8 + c)));
                        }
                        float score = scale * (sum.getS0() + sum.getS1() + sum.getS2() + sum.getS3()
                                + sum.getS4() + sum.getS5() + sum.getS6() + sum.getS7());
                        if (tileStart + offset >= end || valid.get(head * length + j) == 0) {
                            score = Scores.NONE;
                        }
                        tileScores.set(row * tile + offset, score);
                        tileMax = Math.max(tileMax, score);
                    }
                    if (tileMax > Scores.REAL) {
                        float newMax = Math.max(runningMax, tileMax);
                        float rescale = 0f;
                        if (runningMax > Scores.REAL) {
                            rescale = TornadoMath.exp(runningMax - newMax);
                        }
                        denominator = denominator * rescale;
                        // broadcast Float8 factors: TornadoVM 5.2 compiles Float8 * float to eight scalar multiplies
                        Float8 rescale8 = Lanes.splat(rescale);
                        for (int c = 0; c < valueChunks; c++) {
                            out.set(row * valueWidth8 + c, Float8.mult(out.get(row * valueWidth8 + c), rescale8));
                        }
                        for (int offset = 0; offset < tile; offset++) {
                            float score = tileScores.get(row * tile + offset);
                            float weight = 0f;
                            if (score > Scores.REAL) {
                                weight = TornadoMath.exp(score - newMax);
                            }
                            denominator += weight;
                            int j = Math.min(tileStart + offset, length - 1);
                            Float8 weight8 = Lanes.splat(weight);
                            for (int c = 0; c < valueChunks; c++) {
                                out.set(row * valueWidth8 + c, Float8.add(out.get(row * valueWidth8 + c),
                                        Float8.mult(values.get((head * length + j) * valueWidth8 + c), weight8)));
                            }
                        }
                        runningMax = newMax;
                    }
                }
                float inverse = 1.0f / denominator;
                for (int c = 0; c < valueChunks; c++) {
                    out.set(row * valueWidth8 + c, Float8.mult(out.get(row * valueWidth8 + c), inverse));
                }
            }
        }
    }
}
