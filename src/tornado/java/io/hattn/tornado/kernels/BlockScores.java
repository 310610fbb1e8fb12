package io.hattn.tornado.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.collections.VectorFloat8;
import uk.ac.manchester.tornado.api.types.vectors.Float8;

/**
 * Per-level block scores (docs/algorithm.md section 4, step 1): {@code s = scale * qc[t] . kc[u] + bias[u - t]} for
 * every slot of {@link SlotKeys}, stored as one Float8 per score tile ({@link SlotKeys#rowTiles}), or a score
 * at or below {@link Scores#REAL} (no entry) where the key is outside the sequence, invalid, or in the
 * future (causal, section 6), or the query row itself is invalid; and the row's maximum at its own level,
 * {@code m_l[t]} (NONE when the row has no entry), which the exponentials of that level are taken against
 * (section 5). One launch covers level 0 (from the inputs) or every level >= 1 at once (from the pyramid).
 * A work-item computes two consecutive rows (one for an odd half-block; {@link SlotKeys#rowsPerItem}), three
 * half-blocks of keys at a time from their {@link KeyTiles}, each key tile loaded once for both rows: each query
 * feature is broadcast once and multiplies a Float8 of eight keys' same feature in each half-block, so eight
 * scores come out of one accumulator without sums across lanes, and are scaled, biased (eight-wide bias windows)
 * and masked (the tile's key masks, the causal mask) as one Float8. Grid: x = pair of rows of the launch, y = head.
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
                              int arrayStart, IntArray counts, int countRows, VectorFloat8 biasWindows,
                              int biasPerHead, VectorFloat8 scores, FloatArray rowMax, int rows, int rowTiles, int n,
                              int halfBlock, int level0, int causal, int width8, float scale, IntArray bounds) {
        int head = context.globalIdy;
        int rowsPerItem = bounds.get(Bounds.ROWS_PER_ITEM);
        int row = context.globalIdx * rowsPerItem;
        if (row < rows) {
            // the second row shares the first's level and half-block, and so every key tile; with one row per
            // work-item (odd half-blocks) it is the first row again, computed twice and stored twice alike
            int next = rowsPerItem - 1;
            int level = Levels.ofLaunchRow(row, level0, n);
            int start = Levels.start(level, n);
            int tokens = n >> level;
            // the token within its level: launch row r is all-levels row arrayStart + r
            int t = row + arrayStart - start;
            int queryRow = (head * rowsPerHead + row) * width8;
            int countBase = head * countRows + start;
            int queryCount = counts.get(countBase + t);
            int secondQueryCount = counts.get(countBase + t + next);
            int scoreRow = (head * rows + row) * rowTiles;
            int secondScoreRow = scoreRow + next * rowTiles;
            int biasBase = head * biasPerHead;
            int biasCentre = (biasPerHead - 1) / 2;
            int chunks = bounds.get(Bounds.WIDTH8);
            int groups = bounds.get(level0 == 1 ? Bounds.GROUPS_LEVEL0 : Bounds.GROUPS_UP);
            int subs = bounds.get(Bounds.TILES_PER_HALF);
            int tilesPerHead = rowsPerHead / halfBlock * subs;
            // tile of this level's first half-block; half-blocks outside the level are clamped and masked later
            int levelTile = (start - arrayStart) / halfBlock * subs;
            int lastHalf = tokens / halfBlock - 1;
            int rowHalf = t / halfBlock;
            Float8 scaling = Lanes.splat(scale);
            Float8 max = Lanes.splat(Scores.NONE);
            Float8 secondMax = max;
            for (int group = 0; group < groups; group += 3) {
                int half0 = SlotKeys.keyHalf(group, rowHalf, level0);
                int half1 = SlotKeys.keyHalf(group + 1, rowHalf, level0);
                int half2 = SlotKeys.keyHalf(group + 2, rowHalf, level0);
                int tile0 = levelTile + Math.min(Math.max(half0, 0), lastHalf) * subs;
                int tile1 = levelTile + Math.min(Math.max(half1, 0), lastHalf) * subs;
                int tile2 = levelTile + Math.min(Math.max(half2, 0), lastHalf) * subs;
                for (int sub = 0; sub < subs; sub++) {
                    int keys0 = KeyTiles.index(head, tilesPerHead, tile0 + sub, width8, 0);
                    int keys1 = KeyTiles.index(head, tilesPerHead, tile1 + sub, width8, 0);
                    int keys2 = KeyTiles.index(head, tilesPerHead, tile2 + sub, width8, 0);
                    Float8 dot0 = Lanes.splat(0f);
                    Float8 dot1 = Lanes.splat(0f);
                    Float8 dot2 = Lanes.splat(0f);
                    Float8 secondDot0 = Lanes.splat(0f);
                    Float8 secondDot1 = Lanes.splat(0f);
                    Float8 secondDot2 = Lanes.splat(0f);
                    // the eight features of a chunk written out: a Float8 lane can only be named, not indexed
                    for (int c = 0; c < chunks; c++) {
                        Float8 query = queries.get(queryRow + c);
                        Float8 secondQuery = queries.get(queryRow + next * width8 + c);
                        int d = 8 * c;
                        float q = query.getS0();
                        Float8 feature = Lanes.splat(q);
                        q = secondQuery.getS0();
                        Float8 secondFeature = Lanes.splat(q);
                        Float8 key0 = keyTiles.get(keys0 + d);
                        dot0 = Float8.add(dot0, Float8.mult(key0, feature));
                        secondDot0 = Float8.add(secondDot0, Float8.mult(key0, secondFeature));
                        Float8 key1 = keyTiles.get(keys1 + d);
                        dot1 = Float8.add(dot1, Float8.mult(key1, feature));
                        secondDot1 = Float8.add(secondDot1, Float8.mult(key1, secondFeature));
                        Float8 key2 = keyTiles.get(keys2 + d);
                        dot2 = Float8.add(dot2, Float8.mult(key2, feature));
                        secondDot2 = Float8.add(secondDot2, Float8.mult(key2, secondFeature));
                        q = query.getS1();
                        feature = Lanes.splat(q);
                        q = secondQuery.getS1();
                        secondFeature = Lanes.splat(q);
                        key0 = keyTiles.get(keys0 + d + 1);
                        dot0 = Float8.add(dot0, Float8.mult(key0, feature));
                        secondDot0 = Float8.add(secondDot0, Float8.mult(key0, secondFeature));
                        key1 = keyTiles.get(keys1 + d + 1);
                        dot1 = Float8.add(dot1, Float8.mult(key1, feature));
                        secondDot1 = Float8.add(secondDot1, Float8.mult(key1, secondFeature));
                        key2 = keyTiles.get(keys2 + d + 1);
                        dot2 = Float8.add(dot2, Float8.mult(key2, feature));
                        secondDot2 = Float8.add(secondDot2, Float8.mult(key2, secondFeature));
                        q = query.getS2();
                        feature = Lanes.splat(q);
                        q = secondQuery.getS2();
                        secondFeature = Lanes.splat(q);
                        key0 = keyTiles.get(keys0 + d + 2);
                        dot0 = Float8.add(dot0, Float8.mult(key0, feature));
                        secondDot0 = Float8.add(secondDot0, Float8.mult(key0, secondFeature));
                        key1 = keyTiles.get(keys1 + d + 2);
                        dot1 = Float8.add(dot1, Float8.mult(key1, feature));
                        secondDot1 = Float8.add(secondDot1, Float8.mult(key1, secondFeature));
                        key2 = keyTiles.get(keys2 + d + 2);
                        dot2 = Float8.add(dot2, Float8.mult(key2, feature));
                        secondDot2 = Float8.add(secondDot2, Float8.mult(key2, secondFeature));
                        q = query.getS3();
                        feature = Lanes.splat(q);
                        q = secondQuery.getS3();
                        secondFeature = Lanes.splat(q);
                        key0 = keyTiles.get(keys0 + d + 3);
                        dot0 = Float8.add(dot0, Float8.mult(key0, feature));
                        secondDot0 = Float8.add(secondDot0, Float8.mult(key0, secondFeature));
                        key1 = keyTiles.get(keys1 + d + 3);
                        dot1 = Float8.add(dot1, Float8.mult(key1, feature));
                        secondDot1 = Float8.add(secondDot1, Float8.mult(key1, secondFeature));
                        key2 = keyTiles.get(keys2 + d + 3);
                        dot2 = Float8.add(dot2, Float8.mult(key2, feature));
                        secondDot2 = Float8.add(secondDot2, Float8.mult(key2, secondFeature));
                        q = query.getS4();
                        feature = Lanes.splat(q);
                        q = secondQuery.getS4();
                        secondFeature = Lanes.splat(q);
                        key0 = keyTiles.get(keys0 + d + 4);
                        dot0 = Float8.add(dot0, Float8.mult(key0, feature));
                        secondDot0 = Float8.add(secondDot0, Float8.mult(key0, secondFeature));
                        key1 = keyTiles.get(keys1 + d + 4);
                        dot1 = Float8.add(dot1, Float8.mult(key1, feature));
                        secondDot1 = Float8.add(secondDot1, Float8.mult(key1, secondFeature));
                        key2 = keyTiles.get(keys2 + d + 4);
                        dot2 = Float8.add(dot2, Float8.mult(key2, feature));
                        secondDot2 = Float8.add(secondDot2, Float8.mult(key2, secondFeature));
                        q = query.getS5();
                        feature = Lanes.splat(q);
                        q = secondQuery.getS5();
                        secondFeature = Lanes.splat(q);
                        key0 = keyTiles.get(keys0 + d + 5);
                        dot0 = Float8.add(dot0, Float8.mult(key0, feature));
                        secondDot0 = Float8.add(secondDot0, Float8.mult(key0, secondFeature));
                        key1 = keyTiles.get(keys1 + d + 5);
                        dot1 = Float8.add(dot1, Float8.mult(key1, feature));
                        secondDot1 = Float8.add(secondDot1, Float8.mult(key1, secondFeature));
                        key2 = keyTiles.get(keys2 + d + 5);
                        dot2 = Float8.add(dot2, Float8.mult(key2, feature));
                        secondDot2 = Float8.add(secondDot2, Float8.mult(key2, secondFeature));
                        q = query.getS6();
                        feature = Lanes.splat(q);
                        q = secondQuery.getS6();
                        secondFeature = Lanes.splat(q);
                        key0 = keyTiles.get(keys0 + d + 6);
                        dot0 = Float8.add(dot0, Float8.mult(key0, feature));
                        secondDot0 = Float8.add(secondDot0, Float8.mult(key0, secondFeature));
                        key1 = keyTiles.get(keys1 + d + 6);
                        dot1 = Float8.add(dot1, Float8.mult(key1, feature));
                        secondDot1 = Float8.add(secondDot1, Float8.mult(key1, secondFeature));
                        key2 = keyTiles.get(keys2 + d + 6);
                        dot2 = Float8.add(dot2, Float8.mult(key2, feature));
                        secondDot2 = Float8.add(secondDot2, Float8.mult(key2, secondFeature));
                        q = query.getS7();
                        feature = Lanes.splat(q);
                        q = secondQuery.getS7();
                        secondFeature = Lanes.splat(q);
                        key0 = keyTiles.get(keys0 + d + 7);
                        dot0 = Float8.add(dot0, Float8.mult(key0, feature));
                        secondDot0 = Float8.add(secondDot0, Float8.mult(key0, secondFeature));
                        key1 = keyTiles.get(keys1 + d + 7);
                        dot1 = Float8.add(dot1, Float8.mult(key1, feature));
                        secondDot1 = Float8.add(secondDot1, Float8.mult(key1, secondFeature));
                        key2 = keyTiles.get(keys2 + d + 7);
                        dot2 = Float8.add(dot2, Float8.mult(key2, feature));
                        secondDot2 = Float8.add(secondDot2, Float8.mult(key2, secondFeature));
                    }
                    max = Float8.max(max, tile(dot0, half0, sub, t, tokens, halfBlock, queryCount, causal,
                            scaling, keyTiles, keys0 + 8 * width8, biasWindows, biasBase, biasCentre, biasPerHead,
                            scores, scoreRow + group * subs + sub));
                    secondMax = Float8.max(secondMax, tile(secondDot0, half0, sub, t + next, tokens, halfBlock,
                            secondQueryCount, causal, scaling, keyTiles, keys0 + 8 * width8, biasWindows, biasBase,
                            biasCentre, biasPerHead, scores, secondScoreRow + group * subs + sub));
                    max = Float8.max(max, tile(dot1, half1, sub, t, tokens, halfBlock, queryCount, causal,
                            scaling, keyTiles, keys1 + 8 * width8, biasWindows, biasBase, biasCentre, biasPerHead,
                            scores, scoreRow + (group + 1) * subs + sub));
                    secondMax = Float8.max(secondMax, tile(secondDot1, half1, sub, t + next, tokens, halfBlock,
                            secondQueryCount, causal, scaling, keyTiles, keys1 + 8 * width8, biasWindows, biasBase,
                            biasCentre, biasPerHead, scores, secondScoreRow + (group + 1) * subs + sub));
                    max = Float8.max(max, tile(dot2, half2, sub, t, tokens, halfBlock, queryCount, causal,
                            scaling, keyTiles, keys2 + 8 * width8, biasWindows, biasBase, biasCentre, biasPerHead,
                            scores, scoreRow + (group + 2) * subs + sub));
                    secondMax = Float8.max(secondMax, tile(secondDot2, half2, sub, t + next, tokens, halfBlock,
                            secondQueryCount, causal, scaling, keyTiles, keys2 + 8 * width8, biasWindows, biasBase,
                            biasCentre, biasPerHead, scores, secondScoreRow + (group + 2) * subs + sub));
                }
            }
            rowMax.set(countBase + t, largestLane(max));
            rowMax.set(countBase + t + next, largestLane(secondMax));
        }
    }

    /**
     * The eight scores of one tile, {@code scale * dot + bias + key masks + causal masks}, capped at
     * {@link Scores#NONE} for a half-block outside the level or an invalid query, stored at {@code scoreTile}.
     */
    private static Float8 tile(Float8 dot, int keyHalf, int sub, int t, int tokens, int halfBlock, int queryCount,
                               int causal, Float8 scaling, VectorFloat8 keyTiles, int masks, VectorFloat8 biasWindows,
                               int biasBase, int biasCentre, int biasPerHead, VectorFloat8 scores, int scoreTile) {
        int u = keyHalf * halfBlock + 8 * sub;
        int window = Math.min(Math.max(u - t + biasCentre, 0), biasPerHead - 1);
        // lanes from arithmetic, not branches: TornadoVM 5.2's scheduler fails on branches feeding one Float8
        Float8 causalMasks = new Float8(future(u, t, causal), future(u + 1, t, causal), future(u + 2, t, causal),
                future(u + 3, t, causal), future(u + 4, t, causal), future(u + 5, t, causal),
                future(u + 6, t, causal), future(u + 7, t, causal));
        int live = Math.min(queryCount, 1) * Math.min(Math.max(keyHalf + 1, 0), 1)
                * Math.min(Math.max(tokens - keyHalf * halfBlock, 0), 1);
        float cap = Scores.NONE * (1 - 2 * live);
        Float8 caps = Lanes.splat(cap);
        Float8 score = Float8.min(Float8.add(Float8.add(Float8.add(Float8.mult(dot, scaling),
                biasWindows.get(biasBase + window)), keyTiles.get(masks)), causalMasks), caps);
        scores.set(scoreTile, score);
        return score;
    }

    private static float largestLane(Float8 lanes) {
        return Math.max(Math.max(Math.max(lanes.getS0(), lanes.getS1()), Math.max(lanes.getS2(), lanes.getS3())),
                Math.max(Math.max(lanes.getS4(), lanes.getS5()), Math.max(lanes.getS6(), lanes.getS7())));
    }

    /** The causal mask of key u for query t (section 6): MASK in the future when causal, 0 otherwise. */
    private static float future(int u, int t, int causal) {
        return Scores.MASK * (causal * Math.min(Math.max(u - t, 0), 1));
    }
}
