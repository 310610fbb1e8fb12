package io.hattn.tornado.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.collections.VectorFloat8;
import uk.ac.manchester.tornado.api.types.vectors.Float8;

/**
 * Per-level block scores (h-attention.md section 4, step 1): {@code s = scale * qc[t] . kc[u] + bias[u - t]} for
 * every slot of {@link SlotKeys}, or {@link Scores#NONE} where the key is outside the sequence, invalid, or in the
 * future (causal, section 6), or the query row itself is invalid; and the row's maximum at its own level,
 * {@code m_l[t]} (NONE when the row has no entry), which the exponentials of that level are taken against
 * (section 5). One launch covers level 0 (from the inputs) or every level >= 1 at once (from the pyramid).
 * A work-item computes one row, four slots at a time sharing the query loads. Grid: x = row of the launch, y = head.
 */
public final class BlockScores {

    private BlockScores() {
    }

    /**
     * @param rowsPerHead rows per head of {@code queries}/{@code keys}: n for the inputs, n - 2 Nr for the pyramid
     * @param arrayStart  all-levels row where those arrays begin: 0 for the inputs, n for the pyramid
     * @param rows        rows of this launch per head: n at level 0, n - 2 Nr for levels >= 1
     * @param level0      1 for the level-0 launch, 0 for the launch over levels >= 1
     */
    public static void scores(KernelContext context, VectorFloat8 queries, VectorFloat8 keys, int rowsPerHead,
                              int arrayStart, IntArray counts, int countRows, FloatArray bias, int biasPerHead,
                              FloatArray scores, FloatArray rowMax, int rows, int slots, int n, int halfBlock,
                              int level0, int causal, int width8, float scale, IntArray bounds) {
        int row = context.globalIdx;
        int head = context.globalIdy;
        if (row < rows) {
            int level = level0 == 1 ? 0 : Levels.ofPyramidRow(row, n);
            int start = Levels.start(level, n);
            int tokens = n >> level;
            int t = level0 == 1 ? row : row + arrayStart - start;
            int base = head * rowsPerHead + start - arrayStart;
            int queryRow = (base + t) * width8;
            int countBase = head * countRows + start;
            int queryCount = counts.get(countBase + t);
            int scoreRow = (head * rows + row) * slots;
            int biasBase = head * biasPerHead;
            int chunks = bounds.get(Bounds.WIDTH8);
            int quads = (bounds.get(level0 == 1 ? Bounds.SLOTS_LEVEL0 : Bounds.SLOTS_UP) + 3) / 4;
            float max = Scores.NONE;
            for (int quad = 0; quad < quads; quad++) {
                // past the last slot a quad repeats the last one: same key, same value, same place
                int slot0 = 4 * quad;
                int slot1 = Math.min(slot0 + 1, slots - 1);
                int slot2 = Math.min(slot0 + 2, slots - 1);
                int slot3 = Math.min(slot0 + 3, slots - 1);
                int u0 = SlotKeys.keyOf(slot0, t, halfBlock, level0);
                int u1 = SlotKeys.keyOf(slot1, t, halfBlock, level0);
                int u2 = SlotKeys.keyOf(slot2, t, halfBlock, level0);
                int u3 = SlotKeys.keyOf(slot3, t, halfBlock, level0);
                int key0 = Math.min(Math.max(u0, 0), tokens - 1);
                int key1 = Math.min(Math.max(u1, 0), tokens - 1);
                int key2 = Math.min(Math.max(u2, 0), tokens - 1);
                int key3 = Math.min(Math.max(u3, 0), tokens - 1);
                Float8 sum0 = new Float8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
                Float8 sum1 = new Float8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
                Float8 sum2 = new Float8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
                Float8 sum3 = new Float8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
                for (int c = 0; c < chunks; c++) {
                    Float8 query = queries.get(queryRow + c);
                    sum0 = Float8.add(sum0, Float8.mult(query, keys.get((base + key0) * width8 + c)));
                    sum1 = Float8.add(sum1, Float8.mult(query, keys.get((base + key1) * width8 + c)));
                    sum2 = Float8.add(sum2, Float8.mult(query, keys.get((base + key2) * width8 + c)));
                    sum3 = Float8.add(sum3, Float8.mult(query, keys.get((base + key3) * width8 + c)));
                }
                float s0 = score(sum0, u0, key0, t, tokens, queryCount, counts, countBase, bias, biasBase,
                        biasPerHead, causal, scale);
                float s1 = score(sum1, u1, key1, t, tokens, queryCount, counts, countBase, bias, biasBase,
                        biasPerHead, causal, scale);
                float s2 = score(sum2, u2, key2, t, tokens, queryCount, counts, countBase, bias, biasBase,
                        biasPerHead, causal, scale);
                float s3 = score(sum3, u3, key3, t, tokens, queryCount, counts, countBase, bias, biasBase,
                        biasPerHead, causal, scale);
                scores.set(scoreRow + slot0, s0);
                scores.set(scoreRow + slot1, s1);
                scores.set(scoreRow + slot2, s2);
                scores.set(scoreRow + slot3, s3);
                max = Math.max(max, Math.max(Math.max(s0, s1), Math.max(s2, s3)));
            }
            rowMax.set(countBase + t, max);
        }
    }

    /** The score of one slot, or NONE for a missing, invalid or (causal) future key or an invalid query. */
    private static float score(Float8 sum, int u, int key, int t, int tokens, int queryCount, IntArray counts,
                               int countBase, FloatArray bias, int biasBase, int biasPerHead, int causal,
                               float scale) {
        float value = Scores.NONE;
        if (queryCount > 0 && u >= 0 && u < tokens && counts.get(countBase + key) > 0 && (causal == 0 || u <= t)) {
            float dot = sum.getS0() + sum.getS1() + sum.getS2() + sum.getS3() + sum.getS4() + sum.getS5()
                    + sum.getS6() + sum.getS7();
            value = scale * dot + bias.get(biasBase + key - t + (biasPerHead - 1) / 2);
        }
        return value;
    }
}
