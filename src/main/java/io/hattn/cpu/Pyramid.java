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
    private StripScratch stripScratch;

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

    /** Offset in {@link #keys} of block {@code b} of a level: transposed keys, laid out as {@link KeyPanels} says. */
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
     * Block {@code strip} of level {@code stripLevels} (the first whole level) straight from the inputs, for the
     * forward's build pass: the levels below are reduced in row-major scratch, where a pair of rows is a plain
     * vector sum, and only the final block's keys are transposed. {@link #loadStrip} and {@link #coarsen} would
     * transpose every fine key first and pair keys up with lane shuffles, in a ring too large for L2; here the
     * inputs are read once, in order. The same sums in the same order, so the same bits: the backward, which
     * builds its pyramid with {@link #coarsen}, reads the offsets of a forward built here.
     */
    void coarsenStripFromInputs(AttentionProblem problem, int batch, int head, int strip) {
        if (stripScratch == null) {
            stripScratch = new StripScratch(this);
        }
        StripScratch scratch = stripScratch;
        AttentionSpec spec = problem.spec();
        boolean causal = spec.causal();
        int length = spec.length();
        int inputBase = (batch * spec.heads() + head) * length;
        int firstToken = strip * stripTokens();
        float[] q = scratch.queries;
        float[] k = scratch.keys;
        float[] v = scratch.values;
        float[] w = scratch.weights;
        int rows = stripTokens() / 2;
        // level 1 from pairs of input rows; an invalid or padded row counts as zeros, as loadFinest stores it
        int firstLevel = 2;
        boolean everyTokenValid = allValid(problem, batch, firstToken, stripTokens());
        if (everyTokenValid && stripLevels >= 2 && !causal) {
            // the usual strip, every token valid: levels 1 and 2 at once from each input, one loop over its rows
            rows /= 2;
            Arrays.fill(w, 0, rows, 4f);
            int qk = (inputBase + firstToken) * dim;
            TileKernels.quadMeanRows(problem.q(), qk, dim, rows, 0.5f, scratch.pair, q, 0);
            TileKernels.quadMeanRows(problem.k(), qk, dim, rows, 0.5f, scratch.pair, k, 0);
            TileKernels.quadMeanRows(problem.v(), (inputBase + firstToken) * valueDim, valueDim, rows, 1f,
                    scratch.pair, v, 0);
            firstLevel = 3;
        } else if (everyTokenValid) {
            // every token valid: each input read in one loop over its rows (pairMeanRows)
            Arrays.fill(w, 0, rows, 2f);
            pairLevel(problem.q(), problem.k(), (inputBase + firstToken) * dim, problem.v(),
                    (inputBase + firstToken) * valueDim, rows, null, 0.5f, causal, scratch);
        } else {
            for (int t = 0; t < rows; t++) {
                int fine = firstToken + 2 * t;
                boolean first = fine < length && problem.isValid(batch, fine);
                boolean second = fine + 1 < length && problem.isValid(batch, fine + 1);
                int count = (first ? 1 : 0) + (second ? 1 : 0);
                w[t] = count;
                float inverse = 1f / Math.max(1, count);
                int qk = (inputBase + fine) * dim;
                int vIn = (inputBase + fine) * valueDim;
                if (first && second) {
                    if (causal) {
                        TileKernels.copy(problem.q(), qk, q, t * dim, dim);
                    } else {
                        TileKernels.pairMean(problem.q(), qk, dim, inverse, q, t * dim);
                    }
                    TileKernels.pairMean(problem.k(), qk, dim, inverse, k, t * dim);
                    TileKernels.pairMean(problem.v(), vIn, valueDim, 1f, v, t * valueDim);
                } else {
                    // rare (masks, the padded end): the pair through zero-filled copies, for the same sums
                    pairWithZeros(problem.q(), qk, dim, first, second, causal ? 0f : inverse, scratch.pair, q,
                            t * dim);
                    pairWithZeros(problem.k(), qk, dim, first, second, inverse, scratch.pair, k, t * dim);
                    pairWithZeros(problem.v(), vIn, valueDim, first, second, 1f, scratch.pair, v, t * valueDim);
                }
            }
        }
        // levels 2 .. stripLevels in place: row t of the next level from rows 2t and 2t + 1, never read again
        float[] inverse = scratch.inverse;
        for (int level = firstLevel; level <= stripLevels; level++) {
            rows /= 2;
            for (int t = 0; t < rows; t++) {
                float firstWeight = w[2 * t];
                float secondWeight = w[2 * t + 1];
                inverse[t] = inverseOfValidChildren(firstWeight, secondWeight);
                w[t] = firstWeight + secondWeight;
            }
            pairLevel(q, k, 0, v, 0, rows, inverse, 0f, causal, scratch);
        }
        // rows == block: one block of the first whole level
        int firstRow = whole.row(stripLevels, strip * block);
        System.arraycopy(q, 0, whole.queries, firstRow * dim, block * dim);
        System.arraycopy(v, 0, whole.values, firstRow * valueDim, block * valueDim);
        System.arraycopy(w, 0, whole.weights, firstRow, block);
        KeyPanels.transposeIn(k, 0, dim, block, dim, whole.keysTransposed, keyBlockBase(stripLevels, strip));
    }

    /**
     * For the causal stream ({@code HierarchicalForward}): what a whole level's block needs before the strips under it
     * have been read, for every whole level (stripLevels and above): the weights (valid fine tokens under each row)
     * from the mask, and the queries, which causal coarsening samples (a row's query is that of its first fine
     * token, 0 where that token is invalid): the first whole level reads one input row in 2^stripLevels, the levels
     * above copy their first child's. Keys and values follow strip by strip ({@link #coarsen} from the ring, as the
     * stream passes). The values {@link #coarsen} gives, so the same bits.
     */
    void sampleCausalWholeLevels(AttentionProblem problem, int batch, int head) {
        AttentionSpec spec = problem.spec();
        int length = spec.length();
        int inputBase = (batch * spec.heads() + head) * length;
        int span = 1 << stripLevels;
        for (int t = 0; t < paddedLength >> stripLevels; t++) {
            int row = whole.row(stripLevels, t);
            int first = t * span;
            int count = 0;
            for (int fine = first; fine < Math.min(first + span, length); fine++) {
                count += problem.isValid(batch, fine) ? 1 : 0;
            }
            whole.weights[row] = count;
            if (first < length && problem.isValid(batch, first)) {
                TileKernels.copy(problem.q(), (inputBase + first) * dim, whole.queries, row * dim, dim);
            } else {
                Arrays.fill(whole.queries, row * dim, (row + 1) * dim, 0f);
            }
        }
        for (int level = stripLevels + 1; level < levels; level++) {
            for (int t = 0; t < paddedLength >> level; t++) {
                int row = whole.row(level, t);
                int firstChild = whole.row(level - 1, 2 * t);
                whole.weights[row] = whole.weights[firstChild] + whole.weights[firstChild + 1];
                TileKernels.copy(whole.queries, firstChild * dim, whole.queries, row * dim, dim);
            }
        }
    }

    /**
     * One level of a strip into the scratch: row t from rows 2t and 2t + 1 of the sources (queries and keys from
     * {@code qk}, values from {@code vFirst}), keys and bidirectional queries their sum times {@code factors[t]} (or
     * {@code factor} where factors is null), causal queries the first row of the pair, values the sum. In place
     * (the sources the scratch, offsets 0) works, as for {@link TileKernels#pairMeanRows}.
     */
    private void pairLevel(float[] qIn, float[] kIn, int qk, float[] vIn, int vFirst, int rows, float[] factors,
                           float factor, boolean causal, StripScratch scratch) {
        if (causal) {
            for (int t = 0; t < rows; t++) {
                TileKernels.copy(qIn, qk + 2 * t * dim, scratch.queries, t * dim, dim);
            }
        } else {
            TileKernels.pairMeanRows(qIn, qk, dim, rows, factors, factor, scratch.queries, 0);
        }
        TileKernels.pairMeanRows(kIn, qk, dim, rows, factors, factor, scratch.keys, 0);
        TileKernels.pairMeanRows(vIn, vFirst, valueDim, rows, null, 1f, scratch.values, 0);
    }

    /** Whether tokens [firstToken, firstToken + tokens) of sequence {@code batch} all exist and are valid. */
    private static boolean allValid(AttentionProblem problem, int batch, int firstToken, int tokens) {
        if (firstToken + tokens > problem.spec().length()) {
            return false;
        }
        for (int t = firstToken; t < firstToken + tokens; t++) {
            if (!problem.isValid(batch, t)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The pair of input rows at {@code in} and {@code in + width} with invalid ones as zeros, into {@code out}:
     * their sum times {@code factor}, or with factor 0 the first row alone (a causal query).
     */
    private static void pairWithZeros(float[] input, int in, int width, boolean first, boolean second, float factor,
                                      float[] pair, float[] out, int outOffset) {
        if (first) {
            System.arraycopy(input, in, pair, 0, width);
        } else {
            java.util.Arrays.fill(pair, 0, width, 0f);
        }
        if (factor == 0f) {
            System.arraycopy(pair, 0, out, outOffset, width);
            return;
        }
        if (second) {
            System.arraycopy(input, in + width, pair, width, width);
        } else {
            java.util.Arrays.fill(pair, width, 2 * width, 0f);
        }
        TileKernels.pairMean(pair, 0, width, factor, out, outOffset);
    }

    /** Row-major scratch of one strip's levels for {@link #coarsenStripFromInputs}: one per view, so per thread. */
    private static final class StripScratch {
        final float[] queries;
        final float[] keys;
        final float[] values;
        final float[] weights;
        /** 1 / valid children of each row of the level being built. */
        final float[] inverse;
        final float[] pair;

        StripScratch(Pyramid pyramid) {
            int rows = pyramid.stripTokens() / 2;
            queries = new float[rows * pyramid.dim];
            keys = new float[rows * pyramid.dim];
            values = new float[rows * pyramid.valueDim];
            weights = new float[rows];
            inverse = new float[rows];
            pair = new float[2 * Math.max(pyramid.dim, pyramid.valueDim)];
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
        for (int b = fromBlock; b < toBlock; b++) {
            // a block's rows are consecutive in either store: its row and key base once per block, since the
            // ring's row needs two divisions (measured: they cost more than the copies)
            int firstRow = finest.row(0, b * block);
            int keyBase = keyBlockBase(0, b);
            for (int c = 0; c < block; c++) {
                int t = b * block + c;
                boolean valid = t < length && problem.isValid(batch, t);
                int row = firstRow + c;
                finest.weights[row] = valid ? 1f : 0f;
                int qkIn = (inputHead * length + t) * dim;
                if (copy && valid) {
                    System.arraycopy(problem.q(), qkIn, finest.queries, row * dim, dim);
                    System.arraycopy(problem.v(), (inputHead * length + t) * valueDim, finest.values,
                            row * valueDim, valueDim);
                } else if (copy) {
                    Arrays.fill(finest.queries, row * dim, (row + 1) * dim, 0f);
                    Arrays.fill(finest.values, row * valueDim, (row + 1) * valueDim, 0f);
                }
            }
            int firstKey = (inputHead * length + b * block) * dim;
            if (!ScoreMasks.anyInvalid(finest.weights, firstRow, block)) {
                // every token valid (so none padded): the block's keys as one transposition
                KeyPanels.transposeIn(k, firstKey, dim, block, dim, finest.keysTransposed, keyBase);
            } else {
                for (int c = 0; c < block; c++) {
                    boolean valid = finest.weights[firstRow + c] > 0f;
                    int key = keyBase + KeyPanels.index(0, c, block, dim);
                    int stride = KeyPanels.rowStride(c, block);
                    for (int x = 0; x < dim; x++) {
                        finest.keysTransposed[key + x * stride] = valid ? k[firstKey + c * dim + x] : 0f;
                    }
                }
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
            // the two child blocks are consecutive rows, as are the block's own: offsets once per block (see
            // loadFinest)
            int firstChild = children.row(level - 1, 2 * b * block);
            int firstOut = parents.row(level, b * block);
            int childQueries0 = queryOffset(level - 1, 2 * b * block);
            int childValues0 = valueOffset(level - 1, 2 * b * block);
            for (int c = 0; c < block; c++) {
                float firstWeight = children.weights[firstChild + 2 * c];
                float secondWeight = children.weights[firstChild + 2 * c + 1];
                inverseCount[c] = inverseOfValidChildren(firstWeight, secondWeight);
                parents.weights[firstOut + c] = firstWeight + secondWeight;
                if (causal) {
                    // a causal query is its first child's; kept per row with the values: as loops of their own the
                    // causal forward read 1.00-1.04 of its time on the Zen 5 EPYC (bench/ab, noise about 4%)
                    TileKernels.copy(childQueries, childQueries0 + 2 * c * dim, parents.queries, (firstOut + c) * dim,
                            dim);
                    TileKernels.pairMean(childValues, childValues0 + 2 * c * valueDim, valueDim, 1f, parents.values,
                            (firstOut + c) * valueDim);
                }
            }
            if (!causal) {
                TileKernels.pairMeanRows(childQueries, childQueries0, dim, block, inverseCount, 0f, parents.queries,
                        firstOut * dim);
                TileKernels.pairMeanRows(childValues, childValues0, valueDim, block, null, 1f, parents.values,
                        firstOut * valueDim);
            }
            coarsenKeyBlock(level, b, inverseCount);
        }
    }

    /**
     * 1 / the number of valid children of a pair (their weights are counts of valid fine tokens), 1 when neither
     * is: the factor of a coarse key's (and bidirectional query's) mean. The forward's two builds and the
     * backward's chain rule through the means all use it.
     */
    static float inverseOfValidChildren(float firstWeight, float secondWeight) {
        return 1f / Math.max(1, (firstWeight > 0 ? 1 : 0) + (secondWeight > 0 ? 1 : 0));
    }

    /** Keys are stored transposed: row x of coarse block b takes adjacent pairs along row x of its children. */
    private void coarsenKeyBlock(int level, int b, float[] inverseCount) {
        float[] in = keys(level - 1);
        float[] out = keys(level);
        int outBase = keyBlockBase(level, b);
        int left = keyBlockBase(level - 1, 2 * b);
        int right = keyBlockBase(level - 1, 2 * b + 1);
        if (Simd.ENABLED && Simd.WIDE_TILES && block == Simd.LANES) {
            TileKernels.pairMeansOfTwoRows(in, left, right, dim, inverseCount, out, outBase);
            return;
        }
        int half = block / 2;
        for (int child = 0; child < 2; child++) {
            int childBase = child == 0 ? left : right;
            int column0 = child * half;
            for (int c = 0; c < half; c++) {
                // a pair of keys 2c, 2c + 1 lies side by side in one panel (panels are of even width)
                int pair = childBase + KeyPanels.index(0, 2 * c, block, dim);
                int pairStride = KeyPanels.rowStride(2 * c, block);
                int mean = outBase + KeyPanels.index(0, column0 + c, block, dim);
                int meanStride = KeyPanels.rowStride(column0 + c, block);
                float factor = inverseCount[column0 + c];
                for (int x = 0; x < dim; x++) {
                    out[mean + x * meanStride] = (in[pair + x * pairStride] + in[pair + x * pairStride + 1]) * factor;
                }
            }
        }
    }
}
