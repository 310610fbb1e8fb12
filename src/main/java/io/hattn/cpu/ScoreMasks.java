package io.hattn.cpu;

/**
 * The fixed score masks of one block size, as additive Nr x Nr patterns of 0 and -inf: the quadrant of a coarse
 * neighbour block that was already computed one level finer (docs/algorithm.md section 4 step 1) and the future
 * inside the causal diagonal block (section 6). Adding a pattern row to a score row costs one vector add, where
 * testing each entry would cost as much as the scores themselves.
 */
final class ScoreMasks {
    final int block;
    final float[] rightNeighbourCorrection;
    final float[] leftNeighbourCorrection;
    final float[] causalDiagonal;

    ScoreMasks(int block) {
        this.block = block;
        int half = block / 2;
        rightNeighbourCorrection = new float[block * block];
        leftNeighbourCorrection = new float[block * block];
        causalDiagonal = new float[block * block];
        for (int r = 0; r < block; r++) {
            for (int c = 0; c < block; c++) {
                int at = r * block + c;
                rightNeighbourCorrection[at] = r >= half && c < half ? Float.NEGATIVE_INFINITY : 0f;
                leftNeighbourCorrection[at] = r < half && c >= half ? Float.NEGATIVE_INFINITY : 0f;
                causalDiagonal[at] = c > r ? Float.NEGATIVE_INFINITY : 0f;
            }
        }
    }

    /** Adds an Nr x Nr pattern to the tile's score columns [column, column + Nr). */
    static void apply(float[] pattern, SoftmaxTile tile, int column) {
        int block = tile.rows;
        for (int r = 0; r < block; r++) {
            TileKernels.addInto(tile.scores, r * tile.scoreStride + column, pattern, r * block, block);
        }
    }

    /** Sets to -inf every score column whose key has no valid fine token under it. */
    static void dropInvalidKeys(float[] keyWeights, int keyRow, SoftmaxTile tile, int column, int rows, int count) {
        for (int c = 0; c < count; c++) {
            if (keyWeights[keyRow + c] == 0f) {
                for (int r = 0; r < rows; r++) {
                    tile.scores[r * tile.scoreStride + column + c] = Float.NEGATIVE_INFINITY;
                }
            }
        }
    }

    static boolean anyInvalid(float[] keyWeights, int keyRow, int count) {
        for (int c = 0; c < count; c++) {
            if (keyWeights[keyRow + c] == 0f) {
                return true;
            }
        }
        return false;
    }
}
