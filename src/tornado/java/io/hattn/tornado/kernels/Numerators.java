package io.hattn.tornado.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.collections.VectorFloat8;
import uk.ac.manchester.tornado.api.types.vectors.Float8;

/**
 * Exponentials, numerators and denominators per level (docs/algorithm.md section 4, steps 2-3):
 * {@code p = exp(s - m_l[t])} by {@link Exponentials}, {@code Y_l[t] = sum p * Vc_l[u]} and
 * {@code D_l[t] = sum p * w(u)}, w = valid fine keys under coarse key u, over the row's score tiles (values are
 * sums, so a coarse value counts for its fine ones); keys are visited a half-block at a time, each half-block wholly
 * inside or outside the sequence. A work-item computes two consecutive rows (one for an odd half-block), which read
 * the same values: each value chunk is loaded once for both (10.1 against 13.1 ms at level 0, 16K, on PoCL). The
 * weights of three score tiles per row at a time come from Float8s of scores, then each is broadcast over eight
 * 8-float value chunks held in registers, so a weight is computed once per row when dv <= 64 (beyond that, once
 * per 64 value features). Three tiles at a time because the exponentials are independent and overlap in the
 * core; one at a time each waits out its own latency (17.6 against 13.3 ms). Grid: x = pair of rows of the launch,
 * y = head.
 */
public final class Numerators {

    private Numerators() {
    }

    /**
     * @param rowTiles score tiles per row of this launch ({@link SlotKeys#rowTiles})
     */
    /**
     * @param rowTiles score tiles per row of this launch ({@link SlotKeys#rowTiles})
     */
    public static void numerators(KernelContext context, VectorFloat8 scores, FloatArray rowMax, int rows,
                                  int rowTiles, int n, int halfBlock, int level0, VectorFloat8 values,
                                  int rowsPerHead, int arrayStart, VectorFloat8 numerators, FloatArray denominators,
                                  IntArray counts, int allRows, int valueWidth8, IntArray bounds) {
        int pair = context.globalIdx;
        int head = context.globalIdy;
        int rowsPerItem = bounds.get(Bounds.ROWS_PER_ITEM);
        int row = pair * rowsPerItem;
        if (row < rows) {
            // the second row shares the first's level and half-block, so both read the same values; with one row
            // per work-item (odd half-blocks) it is the first row again, computed twice and stored twice alike
            int secondRow = row + rowsPerItem - 1;
            int level = Levels.ofLaunchRow(row, level0, n);
            int start = Levels.start(level, n);
            int tokens = n >> level;
            // the token within its level: launch row r is all-levels row arrayStart + r
            int t = row + arrayStart - start;
            int valueBase = head * rowsPerHead + start - arrayStart;
            int scoreRow = (head * rows + row) * rowTiles;
            int secondScoreRow = (head * rows + secondRow) * rowTiles;
            int groups = bounds.get(level0 == 1 ? Bounds.GROUPS_LEVEL0 : Bounds.GROUPS_UP);
            int keysPerGroup = bounds.get(Bounds.HALF_BLOCK);
            int subs = bounds.get(Bounds.TILES_PER_HALF);
            int chunks = bounds.get(Bounds.VALUE_WIDTH8);
            int rowHalf = t / halfBlock;
            int target = head * allRows + start + t;
            int secondTarget = target + secondRow - row;
            float firstMaximum = rowMax.get(target);
            float secondMaximum = rowMax.get(secondTarget);
            Float8 firstMaxima = Lanes.splat(firstMaximum);
            Float8 secondMaxima = Lanes.splat(secondMaximum);
            // the weights of three tiles of each row by lane index (a Float8 lane can only be named, not indexed)
            float[] weights = new float[48];
            for (int c = 0; c < chunks; c += 8) {
                // past the row's end a chunk repeats its last one: same value, same place
                int c1 = Math.min(c + 1, chunks - 1);
                int c2 = Math.min(c + 2, chunks - 1);
                int c3 = Math.min(c + 3, chunks - 1);
                int c4 = Math.min(c + 4, chunks - 1);
                int c5 = Math.min(c + 5, chunks - 1);
                int c6 = Math.min(c + 6, chunks - 1);
                int c7 = Math.min(c + 7, chunks - 1);
                Float8 first0 = Lanes.splat(0f);
                Float8 second0 = Lanes.splat(0f);
                Float8 first1 = Lanes.splat(0f);
                Float8 second1 = Lanes.splat(0f);
                Float8 first2 = Lanes.splat(0f);
                Float8 second2 = Lanes.splat(0f);
                Float8 first3 = Lanes.splat(0f);
                Float8 second3 = Lanes.splat(0f);
                Float8 first4 = Lanes.splat(0f);
                Float8 second4 = Lanes.splat(0f);
                Float8 first5 = Lanes.splat(0f);
                Float8 second5 = Lanes.splat(0f);
                Float8 first6 = Lanes.splat(0f);
                Float8 second6 = Lanes.splat(0f);
                Float8 first7 = Lanes.splat(0f);
                Float8 second7 = Lanes.splat(0f);
                float firstDenominator = 0f;
                float secondDenominator = 0f;
                // tiles three at a time: a row has 3 or 6 half-blocks of tiles
                for (int first = 0; first < rowTiles; first += 3) {
                    store(weights, 0, Exponentials.weights(scores.get(scoreRow + first), firstMaxima));
                    store(weights, 8, Exponentials.weights(scores.get(scoreRow + first + 1), firstMaxima));
                    store(weights, 16, Exponentials.weights(scores.get(scoreRow + first + 2), firstMaxima));
                    store(weights, 24, Exponentials.weights(scores.get(secondScoreRow + first), secondMaxima));
                    store(weights, 32, Exponentials.weights(scores.get(secondScoreRow + first + 1), secondMaxima));
                    store(weights, 40, Exponentials.weights(scores.get(secondScoreRow + first + 2), secondMaxima));
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
                                float secondP = weights[24 + 8 * i + j];
                                float keyCount = counts.get(count + j);
                                firstDenominator += p * keyCount;
                                secondDenominator += secondP * keyCount;
                                // broadcast Float8s: TornadoVM 5.2 compiles Float8 * float to eight scalar
                                // multiplies
                                Float8 broadcast = Lanes.splat(p);
                                Float8 secondBroadcast = Lanes.splat(secondP);
                                int value = (valueBase + key + j) * valueWidth8;
                                Float8 value0 = values.get(value + c);
                                first0 = Float8.add(first0, Float8.mult(value0, broadcast));
                                second0 = Float8.add(second0, Float8.mult(value0, secondBroadcast));
                                Float8 value1 = values.get(value + c1);
                                first1 = Float8.add(first1, Float8.mult(value1, broadcast));
                                second1 = Float8.add(second1, Float8.mult(value1, secondBroadcast));
                                Float8 value2 = values.get(value + c2);
                                first2 = Float8.add(first2, Float8.mult(value2, broadcast));
                                second2 = Float8.add(second2, Float8.mult(value2, secondBroadcast));
                                Float8 value3 = values.get(value + c3);
                                first3 = Float8.add(first3, Float8.mult(value3, broadcast));
                                second3 = Float8.add(second3, Float8.mult(value3, secondBroadcast));
                                Float8 value4 = values.get(value + c4);
                                first4 = Float8.add(first4, Float8.mult(value4, broadcast));
                                second4 = Float8.add(second4, Float8.mult(value4, secondBroadcast));
                                Float8 value5 = values.get(value + c5);
                                first5 = Float8.add(first5, Float8.mult(value5, broadcast));
                                second5 = Float8.add(second5, Float8.mult(value5, secondBroadcast));
                                Float8 value6 = values.get(value + c6);
                                first6 = Float8.add(first6, Float8.mult(value6, broadcast));
                                second6 = Float8.add(second6, Float8.mult(value6, secondBroadcast));
                                Float8 value7 = values.get(value + c7);
                                first7 = Float8.add(first7, Float8.mult(value7, broadcast));
                                second7 = Float8.add(second7, Float8.mult(value7, secondBroadcast));
                            }
                        }
                    }
                }
                int numerator = target * valueWidth8;
                int secondNumerator = secondTarget * valueWidth8;
                storeChunks(numerators, numerator, c, chunks, first0, first1, first2, first3, first4, first5, first6,
                        first7);
                storeChunks(numerators, secondNumerator, c, chunks, second0, second1, second2, second3, second4,
                        second5, second6, second7);
                if (c == 0) {
                    denominators.set(target, firstDenominator);
                    denominators.set(secondTarget, secondDenominator);
                }
            }
        }
    }

    /** Eight value chunks from chunk c of a row at {@code numerator}; chunks past the row's end repeat its last. */
    private static void storeChunks(VectorFloat8 numerators, int numerator, int c, int chunks, Float8 sum0,
                                    Float8 sum1, Float8 sum2, Float8 sum3, Float8 sum4, Float8 sum5, Float8 sum6,
                                    Float8 sum7) {
        numerators.set(numerator + c, sum0);
        numerators.set(numerator + Math.min(c + 1, chunks - 1), sum1);
        numerators.set(numerator + Math.min(c + 2, chunks - 1), sum2);
        numerators.set(numerator + Math.min(c + 3, chunks - 1), sum3);
        numerators.set(numerator + Math.min(c + 4, chunks - 1), sum4);
        numerators.set(numerator + Math.min(c + 5, chunks - 1), sum5);
        numerators.set(numerator + Math.min(c + 6, chunks - 1), sum6);
        numerators.set(numerator + Math.min(c + 7, chunks - 1), sum7);
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
