package io.hattn.cpu;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;

/**
 * The scores of one query block at one level against the key blocks it meets (docs/algorithm.md section 4 step
 * 1, section 6 for causal), with the level's quadrant correction, the causal diagonal, invalid keys dropped and
 * the relative-position bias of section 7 added. The forward and the backward both recompute scores through
 * this one piece of code, so they see the same entries.
 */
final class BlockScores {

    static final int LEFT = -1;
    static final int DIAGONAL = 0;
    static final int RIGHT = 1;
    private static final int[] BIDIRECTIONAL_FINEST = {LEFT, DIAGONAL, RIGHT};
    private static final int[] BIDIRECTIONAL_COARSE = {LEFT, RIGHT};
    private static final int[] CAUSAL_FINEST = {LEFT, DIAGONAL};
    private static final int[] CAUSAL_COARSE = {LEFT};

    final ScoreMasks masks;

    BlockScores(int block) {
        masks = new ScoreMasks(block);
    }

    /** Key blocks a query block meets at a level, as offsets from the query block. */
    static int[] sidesOf(boolean causal, int level) {
        if (causal) {
            return level == 0 ? CAUSAL_FINEST : CAUSAL_COARSE;
        }
        return level == 0 ? BIDIRECTIONAL_FINEST : BIDIRECTIONAL_COARSE;
    }

    /**
     * Fills the tile's segments (the key blocks that exist, in the order of {@link #sidesOf}) and their scores
     * for query block {@code block} of {@code level}, which has {@code blocks} blocks; each segment's side
     * goes to {@link SoftmaxTile#segmentSide}.
     */
    void compute(AttentionProblem problem, int h, Pyramid pyramid, int level, int block, int blocks,
                 SoftmaxTile tile) {
        int[] sides = tile.segmentSide;
        AttentionSpec spec = problem.spec();
        int nr = spec.block();
        tile.clearSegments();
        for (int side : sidesOf(spec.causal(), level)) {
            int keyBlock = block + side;
            if (keyBlock >= 0 && keyBlock < blocks) {
                sides[tile.segments] = side;
                tile.addSegment(pyramid.keyBlockBase(level, keyBlock), pyramid.valueOffset(level, keyBlock * nr),
                        pyramid.weightIndex(level, keyBlock * nr));
            }
        }
        tile.computeScores(pyramid.queries(level), pyramid.queryOffset(level, block * nr), nr, spec.dim(),
                spec.scale(), pyramid.keys(level));
        for (int g = 0; g < tile.segments; g++) {
            maskSegment(problem, h, pyramid, level, block, sides[g], tile, g * nr);
        }
    }

    /**
     * Removes the scores that are not this level's (the quadrant already computed one level finer, the future,
     * invalid keys) and adds the relative-position bias (section 7), indexed by j_l - i_l.
     */
    private void maskSegment(AttentionProblem problem, int h, Pyramid pyramid, int level, int block, int side,
                             SoftmaxTile tile, int column) {
        int nr = pyramid.block;
        if (level > 0) {
            ScoreMasks.apply(side == RIGHT ? masks.rightNeighbourCorrection : masks.leftNeighbourCorrection, tile,
                    column);
        } else if (side == DIAGONAL && problem.spec().causal()) {
            ScoreMasks.apply(masks.causalDiagonal, tile, column);
        }
        int keyRow = pyramid.weightIndex(level, (block + side) * nr);
        float[] weights = pyramid.weights(level);
        if (ScoreMasks.anyInvalid(weights, keyRow, nr)) {
            ScoreMasks.dropInvalidKeys(weights, keyRow, tile, column, nr, nr);
        }
        float[] bias = problem.bias();
        if (bias != null) {
            int biasBase = biasBase(h, nr, side);
            for (int r = 0; r < nr; r++) {
                TileKernels.addInto(tile.scores, r * tile.scoreStride + column, bias, biasBase - r, nr);
            }
        }
    }

    /**
     * Index in the bias table of the entry of row 0, column 0 of a segment; row r, column c use
     * {@code biasBase - r + c} (j_l - i_l = side Nr + c - r, offset by 2 Nr - 1).
     */
    static int biasBase(int h, int nr, int side) {
        return h * (4 * nr - 1) + side * nr + 2 * nr - 1;
    }

    /** Whether no query row of [firstRow, firstRow + rows) is valid (weight 0). */
    static boolean noValidRow(float[] weights, int firstRow, int rows) {
        for (int r = firstRow; r < firstRow + rows; r++) {
            if (weights[r] > 0f) {
                return false;
            }
        }
        return true;
    }
}
