package io.hattn.cpu;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import java.util.Arrays;

/**
 * One head's pyramid as the kernels see it: levels below {@code stripLevels} in a ring of three strips, the
 * others whole (see {@link LevelStore}). When the head needs no padding and no mask, level 0 of the queries and
 * values is read in place from the caller's arrays instead of being copied. Queries are unscaled (the scale is
 * applied to the scores). Also builds the pyramid: the finest level from the inputs, coarse levels from pairs of
 * children. A view is used by one thread at a time; {@link #withRing} gives another thread its own ring.
 */
final class Pyramid {
    final int paddedLength;
    final int block;
    final int levels;
    final int dim;
    final int valueDim;
    /** Levels below this one live in the ring; 0 when every level is whole. */
    final int stripLevels;
    private final LevelStore whole;
    private final LevelStore ring;
    private float[] finestQueries;
    private int finestQueryBase;
    private float[] finestValues;
    private int finestValueBase;

    Pyramid(int paddedLength, int block, int levels, int stripLevels, int dim, int valueDim) {
        this(paddedLength, block, levels, stripLevels, dim, valueDim,
                LevelStore.whole(paddedLength, stripLevels, levels, dim, valueDim),
                stripLevels == 0 ? null : LevelStore.ring(block << stripLevels, stripLevels, dim, valueDim));
    }

    private Pyramid(int paddedLength, int block, int levels, int stripLevels, int dim, int valueDim, LevelStore whole,
                    LevelStore ring) {
        this.paddedLength = paddedLength;
        this.block = block;
        this.levels = levels;
        this.stripLevels = stripLevels;
        this.dim = dim;
        this.valueDim = valueDim;
        this.whole = whole;
        this.ring = ring;
    }

    /** The same pyramid with a ring of its own, for another thread working on other strips. */
    Pyramid withRing() {
        Pyramid view = new Pyramid(paddedLength, block, levels, stripLevels, dim, valueDim, whole,
                LevelStore.ring(block << stripLevels, stripLevels, dim, valueDim));
        view.followFinest(this);
        return view;
    }

    /** Reads level 0 from where {@code other} does (in place, or from its own ring). */
    void followFinest(Pyramid other) {
        finestQueries = other.finestQueries == other.ring.queries ? ring.queries : other.finestQueries;
        finestQueryBase = other.finestQueryBase;
        finestValues = other.finestValues == other.ring.values ? ring.values : other.finestValues;
        finestValueBase = other.finestValueBase;
    }

    boolean fits(int paddedLength, int block, int levels, int stripLevels, int dim, int valueDim) {
        return this.paddedLength == paddedLength && this.block == block && this.levels == levels
                && this.stripLevels == stripLevels && this.dim == dim && this.valueDim == valueDim;
    }

    int stripTokens() {
        return block << stripLevels;
    }

    private LevelStore store(int level) {
        return level < stripLevels ? ring : whole;
    }

    float[] queries(int level) {
        return level == 0 ? finestQueries : store(level).queries;
    }

    int queryOffset(int level, int token) {
        return level == 0 && finestQueries != store(0).queries ? finestQueryBase + token * dim
                : store(level).row(level, token) * dim;
    }

    float[] values(int level) {
        return level == 0 ? finestValues : store(level).values;
    }

    int valueOffset(int level, int token) {
        return level == 0 && finestValues != store(0).values ? finestValueBase + token * valueDim
                : store(level).row(level, token) * valueDim;
    }

    float[] keys(int level) {
        return store(level).keysTransposed;
    }

    /** Offset in {@link #keys} of block {@code b} of a level: element (x, c) at + x * block + c. */
    int keyBlockBase(int level, int b) {
        return store(level).row(level, b * block) * dim;
    }

    float[] weights(int level) {
        return store(level).weights;
    }

    int weightIndex(int level, int token) {
        return store(level).row(level, token);
    }

    /**
     * Chooses where level 0 of the queries and values lives for head (batch, head): in place in the caller's
     * arrays when every token is valid and no padding is needed, otherwise in this pyramid.
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
            finestQueries = store(0).queries;
            finestQueryBase = 0;
            finestValues = store(0).values;
            finestValueBase = 0;
        }
    }

    /** Level 0 of strip {@code strip} and its coarse levels below stripLevels, into the ring. */
    void loadStrip(AttentionProblem problem, int batch, int head, int strip, float[] inverseCount) {
        int blocks = 1 << stripLevels;
        loadFinest(problem, batch, head, strip * blocks, (strip + 1) * blocks);
        for (int level = 1; level < stripLevels; level++) {
            int perStrip = blocks >> level;
            coarsen(level, strip * perStrip, (strip + 1) * perStrip, problem.spec().causal(), inverseCount);
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
        LevelStore finest = store(0);
        boolean copy = finestQueries == finest.queries;
        float[] k = problem.k();
        for (int t = fromBlock * block; t < toBlock * block; t++) {
            boolean valid = t < length && problem.isValid(batch, t);
            int row = finest.row(0, t);
            finest.weights[row] = valid ? 1f : 0f;
            int qkIn = (inputHead * length + t) * dim;
            int keyColumn = keyBlockBase(0, t / block) + t % block;
            for (int x = 0; x < dim; x++) {
                finest.keysTransposed[keyColumn + x * block] = valid ? k[qkIn + x] : 0f;
            }
            if (copy && valid) {
                System.arraycopy(problem.q(), qkIn, finest.queries, row * dim, dim);
                System.arraycopy(problem.v(), (inputHead * length + t) * valueDim, finest.values, row * valueDim,
                        valueDim);
            } else if (copy) {
                Arrays.fill(finest.queries, row * dim, (row + 1) * dim, 0f);
                Arrays.fill(finest.values, row * valueDim, (row + 1) * valueDim, 0f);
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
        LevelStore children = store(level - 1);
        LevelStore parents = store(level);
        float[] childQueries = queries(level - 1);
        float[] childValues = values(level - 1);
        for (int b = fromBlock; b < toBlock; b++) {
            for (int c = 0; c < block; c++) {
                int t = b * block + c;
                int first = children.row(level - 1, 2 * t);
                int out = parents.row(level, t);
                float firstWeight = children.weights[first];
                float secondWeight = children.weights[first + 1];
                inverseCount[c] = 1f / Math.max(1, (firstWeight > 0 ? 1 : 0) + (secondWeight > 0 ? 1 : 0));
                parents.weights[out] = firstWeight + secondWeight;
                int childQuery = queryOffset(level - 1, 2 * t);
                if (causal) {
                    System.arraycopy(childQueries, childQuery, parents.queries, out * dim, dim);
                } else {
                    TileKernels.pairMean(childQueries, childQuery, dim, inverseCount[c], parents.queries, out * dim);
                }
                TileKernels.pairMean(childValues, valueOffset(level - 1, 2 * t), valueDim, 1f, parents.values,
                        out * valueDim);
            }
            coarsenKeyBlock(level, b, inverseCount);
        }
    }

    /** Keys are stored transposed: row x of coarse block b takes adjacent pairs along row x of its children. */
    private void coarsenKeyBlock(int level, int b, float[] inverseCount) {
        float[] in = keys(level - 1);
        float[] out = keys(level);
        int outBase = keyBlockBase(level, b);
        int left = keyBlockBase(level - 1, 2 * b);
        int right = keyBlockBase(level - 1, 2 * b + 1);
        if (Simd.ENABLED && Simd.WIDE_TILES && block == Simd.LANES) {
            TileKernels.pairMeansOfTwoRows(in, left, right, block, dim, inverseCount, out, outBase);
            return;
        }
        int half = block / 2;
        for (int child = 0; child < 2; child++) {
            int childBase = child == 0 ? left : right;
            int column0 = child * half;
            for (int x = 0; x < dim; x++) {
                int inRow = childBase + x * block;
                int outRow = outBase + x * block + column0;
                for (int c = 0; c < half; c++) {
                    out[outRow + c] = (in[inRow + 2 * c] + in[inRow + 2 * c + 1]) * inverseCount[column0 + c];
                }
            }
        }
    }
}
