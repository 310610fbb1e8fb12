package io.hattn.cpu;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import java.util.Arrays;

/**
 * One head's coarse tokens at every level (h-attention.md section 3), in the layouts the tile kernels read:
 * queries and values row-major, keys transposed per block of {@code block} tokens so a block's scores need no
 * lane reductions, and per token the number of valid fine tokens under it (0 = invalid). Queries are unscaled
 * (the scale is applied to the scores). When a head needs no padding and no mask, level 0 of the queries and
 * values is read in place from the caller's arrays instead of being copied. All levels together hold fewer than
 * 2 x paddedLength tokens, so memory is O(L (d + dv)). Reused across heads and calls of the same shape.
 */
final class HeadPyramid {
    final int paddedLength;
    final int block;
    final int levels;
    final int dim;
    final int valueDim;
    /** First token of each level in the per-token arrays. */
    private final int[] levelStart;
    private final float[] ownQueries;
    private final float[] ownValues;
    final float[] keysTransposed;
    final float[] weights;
    private float[] finestQueries;
    private int finestQueryBase;
    private float[] finestValues;
    private int finestValueBase;

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
        ownQueries = new float[tokens * dim];
        ownValues = new float[tokens * valueDim];
        keysTransposed = new float[tokens * dim];
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

    /** Index of a token of a level in {@link #weights}. */
    int row(int level, int token) {
        return levelStart[level] + token;
    }

    float[] queries(int level) {
        return level == 0 ? finestQueries : ownQueries;
    }

    int queryOffset(int level, int token) {
        return level == 0 ? finestQueryBase + token * dim : row(level, token) * dim;
    }

    float[] values(int level) {
        return level == 0 ? finestValues : ownValues;
    }

    int valueOffset(int level, int token) {
        return level == 0 ? finestValueBase + token * valueDim : row(level, token) * valueDim;
    }

    /**
     * Chooses where level 0 lives for head (batch, head): in place in the caller's arrays when every token is
     * valid and no padding is needed, otherwise in this pyramid (filled by {@link #loadFinest}).
     */
    void attach(AttentionProblem problem, int batch, int head) {
        AttentionSpec spec = problem.spec();
        int inputHead = batch * spec.heads() + head;
        if (spec.length() == paddedLength && problem.mask() == null) {
            finestQueries = problem.q();
            finestQueryBase = inputHead * spec.length() * dim;
            finestValues = problem.v();
            finestValueBase = inputHead * spec.length() * valueDim;
        } else {
            finestQueries = ownQueries;
            finestQueryBase = 0;
            finestValues = ownValues;
            finestValueBase = 0;
        }
    }

    /**
     * Level 0 for blocks [fromBlock, toBlock) after {@link #attach}: transposed keys and weights, and a copy of
     * the queries and values when they are not read in place; zeros for padded and masked tokens.
     */
    void loadFinest(AttentionProblem problem, int batch, int head, int fromBlock, int toBlock) {
        AttentionSpec spec = problem.spec();
        int length = spec.length();
        int inputHead = batch * spec.heads() + head;
        boolean copy = finestQueries == ownQueries;
        float[] k = problem.k();
        for (int t = fromBlock * block; t < toBlock * block; t++) {
            boolean valid = t < length && problem.isValid(batch, t);
            weights[t] = valid ? 1f : 0f;
            int qkIn = (inputHead * length + t) * dim;
            int keyColumn = keyBlockBase(0, t / block) + t % block;
            for (int x = 0; x < dim; x++) {
                keysTransposed[keyColumn + x * block] = valid ? k[qkIn + x] : 0f;
            }
            if (copy && valid) {
                System.arraycopy(problem.q(), qkIn, ownQueries, t * dim, dim);
                System.arraycopy(problem.v(), (inputHead * length + t) * valueDim, ownValues, t * valueDim,
                        valueDim);
            } else if (copy) {
                Arrays.fill(ownQueries, t * dim, (t + 1) * dim, 0f);
                Arrays.fill(ownValues, t * valueDim, (t + 1) * valueDim, 0f);
            }
        }
    }

    /**
     * Coarse blocks [fromBlock, toBlock) of {@code level} from pairs of children at level - 1: keys (and
     * bidirectional queries) the mean of the valid children, causal queries the first child, values the sum,
     * weights the count of valid fine tokens. Invalid children are zero, so the plain sum over children is the
     * valid sum. Coarse block B is made from child blocks 2B and 2B + 1.
     */
    void coarsen(int level, int fromBlock, int toBlock, boolean causal, float[] inverseCount) {
        float[] childQueries = queries(level - 1);
        float[] childValues = values(level - 1);
        for (int b = fromBlock; b < toBlock; b++) {
            for (int c = 0; c < block; c++) {
                int t = b * block + c;
                int first = row(level - 1, 2 * t);
                int out = row(level, t);
                int validChildren = (weights[first] > 0 ? 1 : 0) + (weights[first + 1] > 0 ? 1 : 0);
                inverseCount[c] = 1f / Math.max(1, validChildren);
                weights[out] = weights[first] + weights[first + 1];
                int childQuery = queryOffset(level - 1, 2 * t);
                if (causal) {
                    System.arraycopy(childQueries, childQuery, ownQueries, out * dim, dim);
                } else {
                    TileKernels.pairMean(childQueries, childQuery, dim, inverseCount[c], ownQueries, out * dim);
                }
                TileKernels.pairMean(childValues, valueOffset(level - 1, 2 * t), valueDim, 1f, ownValues,
                        out * valueDim);
            }
            coarsenKeyBlock(level, b, inverseCount);
        }
    }

    /** Keys are stored transposed: row x of coarse block b takes adjacent pairs along row x of its children. */
    private void coarsenKeyBlock(int level, int b, float[] inverseCount) {
        int out = keyBlockBase(level, b);
        if (Simd.ENABLED && block == Simd.LANES) {
            TileKernels.pairMeansOfTwoRows(keysTransposed, keyBlockBase(level - 1, 2 * b),
                    keyBlockBase(level - 1, 2 * b + 1), block, dim, inverseCount, out);
            return;
        }
        int half = block / 2;
        for (int child = 0; child < 2; child++) {
            int in = keyBlockBase(level - 1, 2 * b + child);
            int column0 = child * half;
            for (int x = 0; x < dim; x++) {
                int inRow = in + x * block;
                int outRow = out + x * block + column0;
                for (int c = 0; c < half; c++) {
                    keysTransposed[outRow + c] = (keysTransposed[inRow + 2 * c] + keysTransposed[inRow + 2 * c + 1])
                            * inverseCount[column0 + c];
                }
            }
        }
    }
}
