package io.hattn.cpu;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;

/**
 * One head's coarse tokens at every level (h-attention.md section 3), in the layouts the tile kernels read:
 * queries (already scaled) and values row-major, keys transposed per block of {@code block} tokens so a block's
 * scores need no lane reductions, and per token the number of valid fine tokens under it (0 = invalid).
 * Level l starts at token {@code levelStart[l]}; all levels together hold fewer than 2 x paddedLength tokens,
 * so memory is O(L (d + dv)). Reused across heads and calls of the same shape: nothing is allocated per head.
 */
final class HeadPyramid {
    final int paddedLength;
    final int block;
    final int levels;
    final int dim;
    final int valueDim;
    final int[] levelStart;
    final float[] queries;
    final float[] keysTransposed;
    final float[] values;
    final float[] weights;

    HeadPyramid(int paddedLength, int block, int levels, int dim, int valueDim) {
        this.paddedLength = paddedLength;
        this.block = block;
        this.levels = levels;
        this.dim = dim;
        this.valueDim = valueDim;
        this.levelStart = new int[levels + 1];
        for (int level = 0; level < levels; level++) {
            levelStart[level + 1] = levelStart[level] + (paddedLength >> level);
        }
        int tokens = levelStart[levels];
        queries = new float[tokens * dim];
        keysTransposed = new float[tokens * dim];
        values = new float[tokens * valueDim];
        weights = new float[tokens];
    }

    boolean fits(int paddedLength, int block, int levels, int dim, int valueDim) {
        return this.paddedLength == paddedLength && this.block == block && this.levels == levels
                && this.dim == dim && this.valueDim == valueDim;
    }

    /** Offset in {@link #keysTransposed} of block {@code b} at a level: element (x, c) at + x * block + c. */
    int keyBlockBase(int level, int b) {
        return (levelStart[level] + b * block) * dim;
    }

    /** First row of a level in {@link #queries} / {@link #values} / {@link #weights}. */
    int row(int level, int token) {
        return levelStart[level] + token;
    }

    /** Level 0 for tokens [from, to): the head's inputs, scaled queries, zeros for padded and masked tokens. */
    void loadFinest(AttentionProblem problem, int batch, int head, int from, int to) {
        AttentionSpec spec = problem.spec();
        int length = spec.length();
        float scale = spec.scale();
        int inputHead = batch * spec.heads() + head;
        for (int t = from; t < to; t++) {
            boolean valid = t < length && problem.isValid(batch, t);
            weights[t] = valid ? 1f : 0f;
            int qkIn = (inputHead * length + t) * dim;
            int vIn = (inputHead * length + t) * valueDim;
            int keyBase = keyBlockBase(0, t / block) + t % block;
            for (int x = 0; x < dim; x++) {
                queries[t * dim + x] = valid ? scale * problem.q()[qkIn + x] : 0f;
                keysTransposed[keyBase + x * block] = valid ? problem.k()[qkIn + x] : 0f;
            }
            for (int x = 0; x < valueDim; x++) {
                values[t * valueDim + x] = valid ? problem.v()[vIn + x] : 0f;
            }
        }
    }

    /**
     * Coarse tokens [from, to) of {@code level} from pairs of children at level - 1: keys (and bidirectional
     * queries) the mean of the valid children, causal queries the first child, values the sum, weights the
     * count of valid fine tokens. Invalid children are zero, so the plain sum over children is the valid sum.
     */
    void coarsen(int level, int from, int to, boolean causal) {
        for (int t = from; t < to; t++) {
            int a = row(level - 1, 2 * t);
            int b = a + 1;
            int out = row(level, t);
            int validChildren = (weights[a] > 0 ? 1 : 0) + (weights[b] > 0 ? 1 : 0);
            float inverse = 1f / Math.max(1, validChildren);
            weights[out] = weights[a] + weights[b];
            int childKeys = keyBlockBase(level - 1, (2 * t) / block) + (2 * t) % block;
            int keys = keyBlockBase(level, t / block) + t % block;
            for (int x = 0; x < dim; x++) {
                queries[out * dim + x] = causal ? queries[a * dim + x]
                        : (queries[a * dim + x] + queries[b * dim + x]) * inverse;
                keysTransposed[keys + x * block] = (keysTransposed[childKeys + x * block]
                        + keysTransposed[childKeys + x * block + 1]) * inverse;
            }
            for (int x = 0; x < valueDim; x++) {
                values[out * valueDim + x] = values[a * valueDim + x] + values[b * valueDim + x];
            }
        }
    }
}
