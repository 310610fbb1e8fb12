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
 * A work-item computes one row, three half-blocks of keys at a time from their {@link KeyTiles}: each query
 * feature is broadcast once and multiplies a Float8 of eight keys' same feature in each half-block, so eight
 * scores come out of one accumulator without sums across lanes. Grid: x = row of the launch, y = head.
 */
public final class BlockScores {

    private BlockScores() {
    }

    /**
     * @param rowsPerHead rows per head of {@code queries} and of the keys tiled in {@code keyTiles}: n for the
     *                    inputs, n - 2 Nr for the pyramid
     * @param arrayStart  all-levels row where those arrays begin: 0 for the inputs, n for the pyramid
     * @param rows        rows of this launch per head: n at level 0, n - 2 Nr for levels >= 1
     * @param level0      1 for the level-0 launch, 0 for the launch over levels >= 1
     */
    public static void scores(KernelContext context, VectorFloat8 queries, VectorFloat8 keyTiles, int rowsPerHead,
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
            int queryRow = (head * rowsPerHead + start - arrayStart + t) * width8;
            int countBase = head * countRows + start;
            int queryCount = counts.get(countBase + t);
            int scoreRow = (head * rows + row) * slots;
            int biasBase = head * biasPerHead;
            int chunks = bounds.get(Bounds.WIDTH8);
            int groups = bounds.get(level0 == 1 ? Bounds.GROUPS_LEVEL0 : Bounds.GROUPS_UP);
            int subs = bounds.get(Bounds.TILES_PER_HALF);
            int dims = 8 * width8;
            int tilesPerHead = rowsPerHead / halfBlock * subs;
            // tile of this level's first half-block; half-blocks outside the level are clamped and masked later
            int levelTile = (start - arrayStart) / halfBlock * subs;
            int lastHalf = tokens / halfBlock - 1;
            int rowHalf = t / halfBlock;
            float max = Scores.NONE;
            for (int group = 0; group < groups; group += 3) {
                int half0 = SlotKeys.keyHalf(group, rowHalf, level0);
                int half1 = SlotKeys.keyHalf(group + 1, rowHalf, level0);
                int half2 = SlotKeys.keyHalf(group + 2, rowHalf, level0);
                int tile0 = levelTile + Math.min(Math.max(half0, 0), lastHalf) * subs;
                int tile1 = levelTile + Math.min(Math.max(half1, 0), lastHalf) * subs;
                int tile2 = levelTile + Math.min(Math.max(half2, 0), lastHalf) * subs;
                for (int sub = 0; sub < subs; sub++) {
                    int keys0 = KeyTiles.index(head, tilesPerHead, tile0 + sub, dims, 0);
                    int keys1 = KeyTiles.index(head, tilesPerHead, tile1 + sub, dims, 0);
                    int keys2 = KeyTiles.index(head, tilesPerHead, tile2 + sub, dims, 0);
                    Float8 dot0 = new Float8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
                    Float8 dot1 = new Float8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
                    Float8 dot2 = new Float8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
                    // the eight features of a chunk written out: a Float8 lane can only be named, not indexed
                    for (int c = 0; c < chunks; c++) {
                        Float8 query = queries.get(queryRow + c);
                        int d = 8 * c;
                        float q = query.getS0();
                        Float8 feature = new Float8(q, q, q, q, q, q, q, q);
                        dot0 = Float8.add(dot0, Float8.mult(keyTiles.get(keys0 + d), feature));
                        dot1 = Float8.add(dot1, Float8.mult(keyTiles.get(keys1 + d), feature));
                        dot2 = Float8.add(dot2, Float8.mult(keyTiles.get(keys2 + d), feature));
                        q = query.getS1();
                        feature = new Float8(q, q, q, q, q, q, q, q);
                        dot0 = Float8.add(dot0, Float8.mult(keyTiles.get(keys0 + d + 1), feature));
                        dot1 = Float8.add(dot1, Float8.mult(keyTiles.get(keys1 + d + 1), feature));
                        dot2 = Float8.add(dot2, Float8.mult(keyTiles.get(keys2 + d + 1), feature));
                        q = query.getS2();
                        feature = new Float8(q, q, q, q, q, q, q, q);
                        dot0 = Float8.add(dot0, Float8.mult(keyTiles.get(keys0 + d + 2), feature));
                        dot1 = Float8.add(dot1, Float8.mult(keyTiles.get(keys1 + d + 2), feature));
                        dot2 = Float8.add(dot2, Float8.mult(keyTiles.get(keys2 + d + 2), feature));
                        q = query.getS3();
                        feature = new Float8(q, q, q, q, q, q, q, q);
                        dot0 = Float8.add(dot0, Float8.mult(keyTiles.get(keys0 + d + 3), feature));
                        dot1 = Float8.add(dot1, Float8.mult(keyTiles.get(keys1 + d + 3), feature));
                        dot2 = Float8.add(dot2, Float8.mult(keyTiles.get(keys2 + d + 3), feature));
                        q = query.getS4();
                        feature = new Float8(q, q, q, q, q, q, q, q);
                        dot0 = Float8.add(dot0, Float8.mult(keyTiles.get(keys0 + d + 4), feature));
                        dot1 = Float8.add(dot1, Float8.mult(keyTiles.get(keys1 + d + 4), feature));
                        dot2 = Float8.add(dot2, Float8.mult(keyTiles.get(keys2 + d + 4), feature));
                        q = query.getS5();
                        feature = new Float8(q, q, q, q, q, q, q, q);
                        dot0 = Float8.add(dot0, Float8.mult(keyTiles.get(keys0 + d + 5), feature));
                        dot1 = Float8.add(dot1, Float8.mult(keyTiles.get(keys1 + d + 5), feature));
                        dot2 = Float8.add(dot2, Float8.mult(keyTiles.get(keys2 + d + 5), feature));
                        q = query.getS6();
                        feature = new Float8(q, q, q, q, q, q, q, q);
                        dot0 = Float8.add(dot0, Float8.mult(keyTiles.get(keys0 + d + 6), feature));
                        dot1 = Float8.add(dot1, Float8.mult(keyTiles.get(keys1 + d + 6), feature));
                        dot2 = Float8.add(dot2, Float8.mult(keyTiles.get(keys2 + d + 6), feature));
                        q = query.getS7();
                        feature = new Float8(q, q, q, q, q, q, q, q);
                        dot0 = Float8.add(dot0, Float8.mult(keyTiles.get(keys0 + d + 7), feature));
                        dot1 = Float8.add(dot1, Float8.mult(keyTiles.get(keys1 + d + 7), feature));
                        dot2 = Float8.add(dot2, Float8.mult(keyTiles.get(keys2 + d + 7), feature));
                    }
                    max = Math.max(max, fourLanes(dot0.getS0(), dot0.getS1(), dot0.getS2(), dot0.getS3(),
                            8 * sub, half0, group, t, tokens, halfBlock, queryCount, counts, countBase, bias,
                            biasBase, biasPerHead, causal, scale, scores, scoreRow));
                    max = Math.max(max, fourLanes(dot0.getS4(), dot0.getS5(), dot0.getS6(), dot0.getS7(),
                            8 * sub + 4, half0, group, t, tokens, halfBlock, queryCount, counts, countBase, bias,
                            biasBase, biasPerHead, causal, scale, scores, scoreRow));
                    max = Math.max(max, fourLanes(dot1.getS0(), dot1.getS1(), dot1.getS2(), dot1.getS3(),
                            8 * sub, half1, group + 1, t, tokens, halfBlock, queryCount, counts, countBase, bias,
                            biasBase, biasPerHead, causal, scale, scores, scoreRow));
                    max = Math.max(max, fourLanes(dot1.getS4(), dot1.getS5(), dot1.getS6(), dot1.getS7(),
                            8 * sub + 4, half1, group + 1, t, tokens, halfBlock, queryCount, counts, countBase, bias,
                            biasBase, biasPerHead, causal, scale, scores, scoreRow));
                    max = Math.max(max, fourLanes(dot2.getS0(), dot2.getS1(), dot2.getS2(), dot2.getS3(),
                            8 * sub, half2, group + 2, t, tokens, halfBlock, queryCount, counts, countBase, bias,
                            biasBase, biasPerHead, causal, scale, scores, scoreRow));
                    max = Math.max(max, fourLanes(dot2.getS4(), dot2.getS5(), dot2.getS6(), dot2.getS7(),
                            8 * sub + 4, half2, group + 2, t, tokens, halfBlock, queryCount, counts, countBase, bias,
                            biasBase, biasPerHead, causal, scale, scores, scoreRow));
                }
            }
            rowMax.set(countBase + t, max);
        }
    }

    /**
     * Writes the scores of four keys of a tile (those inside its half-block) and returns their maximum. Four, not
     * eight: TornadoVM 5.2 refuses to inline a helper of more than 600 graph nodes, and eight lanes take 653.
     */
    private static float fourLanes(float dot0, float dot1, float dot2, float dot3, int first, int keyHalf,
                                   int group, int t, int tokens, int halfBlock, int queryCount, IntArray counts,
                                   int countBase, FloatArray bias, int biasBase, int biasPerHead, int causal,
                                   float scale, FloatArray scores, int scoreRow) {
        float max = lane(dot0, first, keyHalf, group, t, tokens, halfBlock, queryCount, counts, countBase, bias,
                biasBase, biasPerHead, causal, scale, scores, scoreRow);
        max = Math.max(max, lane(dot1, first + 1, keyHalf, group, t, tokens, halfBlock, queryCount, counts,
                countBase, bias, biasBase, biasPerHead, causal, scale, scores, scoreRow));
        max = Math.max(max, lane(dot2, first + 2, keyHalf, group, t, tokens, halfBlock, queryCount, counts,
                countBase, bias, biasBase, biasPerHead, causal, scale, scores, scoreRow));
        max = Math.max(max, lane(dot3, first + 3, keyHalf, group, t, tokens, halfBlock, queryCount, counts,
                countBase, bias, biasBase, biasPerHead, causal, scale, scores, scoreRow));
        return max;
    }

    /**
     * Writes the score of key {@code offset} of half-block {@code keyHalf} (slot {@code group * halfBlock + offset})
     * and returns it: NONE for a missing, invalid or (causal) future key or an invalid query; nothing past the
     * half-block's end.
     */
    private static float lane(float dot, int offset, int keyHalf, int group, int t, int tokens, int halfBlock,
                              int queryCount, IntArray counts, int countBase, FloatArray bias, int biasBase,
                              int biasPerHead, int causal, float scale, FloatArray scores, int scoreRow) {
        float value = Scores.NONE;
        if (offset < halfBlock) {
            int u = keyHalf * halfBlock + offset;
            int key = Math.min(Math.max(u, 0), tokens - 1);
            if (queryCount > 0 && u >= 0 && u < tokens && counts.get(countBase + key) > 0
                    && (causal == 0 || u <= t)) {
                value = scale * dot + bias.get(biasBase + key - t + (biasPerHead - 1) / 2);
            }
            scores.set(scoreRow + group * halfBlock + offset, value);
        }
        return value;
    }
}
