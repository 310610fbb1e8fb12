package io.hattn.tornado.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.collections.VectorFloat8;
import uk.ac.manchester.tornado.api.types.vectors.Float8;

/**
 * Exponentials, numerators and denominators per level (h-attention.md section 4, steps 2-3):
 * {@code p = exp(s - m_l[t])} by {@link Exponentials}, {@code Y_l[t] = sum p * Vc_l[u]} and
 * {@code D_l[t] = sum p * w(u)}, w = valid fine keys under coarse key u, over the row's score tiles (values are
 * sums, so a coarse value counts for its fine ones); keys are visited a half-block at a time, each half-block wholly
 * inside or outside the sequence. A work-item computes one row: the weights of three score tiles at a time come from
 * three Float8s of scores, then each is broadcast over eight 8-float value chunks held in registers, so a weight is
 * computed once per row when dv <= 64 (beyond that, once per 64 value features). Three tiles at a time because the
 * three exponentials are independent and overlap in the core; one at a time each waits out its own latency (17.6
 * against 13.3 ms at level 0, 16K, on PoCL). Grid: x = row of the launch, y = head.
 */
public final class Numerators {

    private Numerators() {
    }

    /**
     * @param rowTiles score tiles per row of this launch ({@link SlotKeys#rowTiles})
     */
    public static void numerators(KernelContext context, VectorFloat8 scores, FloatArray rowMax, int rows,
                                  int rowTiles, int n, int halfBlock, int level0, VectorFloat8 values,
                                  int rowsPerHead, int arrayStart, VectorFloat8 numerators, FloatArray denominators,
                                  IntArray counts, int allRows, int valueWidth8, IntArray bounds) {
        int row = context.globalIdx;
        int head = context.globalIdy;
        if (row < rows) {
            int level = Levels.ofLaunchRow(row, level0, n);
            int start = Levels.start(level, n);
            int tokens = n >> level;
            // the token within its level: launch row r is all-levels row arrayStart + r
            int t = row + arrayStart - start;
            int valueBase = head * rowsPerHead + start - arrayStart;
            int scoreRow = (head * rows + row) * rowTiles;
            int groups = bounds.get(level0 == 1 ? Bounds.GROUPS_LEVEL0 : Bounds.GROUPS_UP);
            int keysPerGroup = bounds.get(Bounds.HALF_BLOCK);
            int subs = bounds.get(Bounds.TILES_PER_HALF);
            int chunks = bounds.get(Bounds.VALUE_WIDTH8);
            int rowHalf = t / halfBlock;
            int target = head * allRows + start + t;
            float rowMaximum = rowMax.get(target);
            Float8 maxima = new Float8(rowMaximum, rowMaximum, rowMaximum, rowMaximum, rowMaximum, rowMaximum,
                    rowMaximum, rowMaximum);
            // the weights of three tiles by lane index (a Float8 lane can only be named, not indexed)
            float[] weights = new float[24];
            for (int c = 0; c < chunks; c += 8) {
                // past the row's end a chunk repeats its last one: same value, same place
                int c1 = Math.min(c + 1, chunks - 1);
                int c2 = Math.min(c + 2, chunks - 1);
                int c3 = Math.min(c + 3, chunks - 1);
                int c4 = Math.min(c + 4, chunks - 1);
                int c5 = Math.min(c + 5, chunks - 1);
                int c6 = Math.min(c + 6, chunks - 1);
                int c7 = Math.min(c + 7, chunks - 1);
                Float8 sum0 = new Float8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
                Float8 sum1 = new Float8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
                Float8 sum2 = new Float8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
                Float8 sum3 = new Float8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
                Float8 sum4 = new Float8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
                Float8 sum5 = new Float8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
                Float8 sum6 = new Float8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
                Float8 sum7 = new Float8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
                float denominator = 0f;
                // tiles three at a time: a row has 3 or 6 half-blocks of tiles
                for (int first = 0; first < rowTiles; first += 3) {
                    store(weights, 0, Exponentials.weights(scores.get(scoreRow + first), maxima));
                    store(weights, 8, Exponentials.weights(scores.get(scoreRow + first + 1), maxima));
                    store(weights, 16, Exponentials.weights(scores.get(scoreRow + first + 2), maxima));
                    for (int i = 0; i < 3; i++) {
                        int group = (first + i) / subs;
                        int sub = first + i - group * subs;
                        int keyHalf = SlotKeys.keyHalf(group, rowHalf, level0);
                        if (keyHalf >= 0 && keyHalf * halfBlock < tokens) {
                            int key = keyHalf * halfBlock + 8 * sub;
                            int lanes = Math.min(8, keysPerGroup - 8 * sub);
                            int count = head * allRows + start + key;
                            for (int j = 0; j < lanes; j++) {
                                float p = weights[8 * i + j];
                                denominator += p * counts.get(count + j);
                                // a broadcast Float8: TornadoVM 5.2 compiles Float8 * float to eight scalar
                                // multiplies
                                Float8 broadcast = new Float8(p, p, p, p, p, p, p, p);
                                int value = (valueBase + key + j) * valueWidth8;
                                sum0 = Float8.add(sum0, Float8.mult(values.get(value + c), broadcast));
                                sum1 = Float8.add(sum1, Float8.mult(values.get(value + c1), broadcast));
                                sum2 = Float8.add(sum2, Float8.mult(values.get(value + c2), broadcast));
                                sum3 = Float8.add(sum3, Float8.mult(values.get(value + c3), broadcast));
                                sum4 = Float8.add(sum4, Float8.mult(values.get(value + c4), broadcast));
                                sum5 = Float8.add(sum5, Float8.mult(values.get(value + c5), broadcast));
                                sum6 = Float8.add(sum6, Float8.mult(values.get(value + c6), broadcast));
                                sum7 = Float8.add(sum7, Float8.mult(values.get(value + c7), broadcast));
                            }
                        }
                    }
                }
                int numerator = target * valueWidth8;
                numerators.set(numerator + c, sum0);
                numerators.set(numerator + c1, sum1);
                numerators.set(numerator + c2, sum2);
                numerators.set(numerator + c3, sum3);
                numerators.set(numerator + c4, sum4);
                numerators.set(numerator + c5, sum5);
                numerators.set(numerator + c6, sum6);
                numerators.set(numerator + c7, sum7);
                if (c == 0) {
                    denominators.set(target, denominator);
                }
            }
        }
    }

    /** The eight lanes of {@code tile} into {@code weights[offset ..]}. */
    private static void store(float[] weights, int offset, Float8 tile) {
        weights[offset] = tile.getS0();
        weights[offset + 1] = tile.getS1();
        weights[offset + 2] = tile.getS2();
        weights[offset + 3] = tile.getS3();
        weights[offset + 4] = tile.getS4();
        weights[offset + 5] = tile.getS5();
        weights[offset + 6] = tile.getS6();
        weights[offset + 7] = tile.getS7();
    }
}
