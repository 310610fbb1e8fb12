package io.hattn.cpu;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.HierarchyShape;
import java.util.ArrayDeque;

/**
 * The hierarchical forward of h-attention.md section 4, blocked per level. Levels run from the coarsest to the
 * finest: a block's rows start from their parent's softmax state (prolongation by copy), add this level's
 * neighbour blocks, and hand the state to their children; the finest level divides and writes the output.
 * With at least as many heads as threads, each thread takes whole heads (no synchronisation per level);
 * otherwise heads run one after another with the blocks of each level in parallel. Nothing of size L x L
 * exists; buffers are per shape and thread, kept between calls; scratch is per chunk of blocks.
 */
final class HierarchicalForward {

    private static final int LEFT = -1;
    private static final int DIAGONAL = 0;
    private static final int RIGHT = 1;
    private static final int[] BIDIRECTIONAL_FINEST = {LEFT, DIAGONAL, RIGHT};
    private static final int[] BIDIRECTIONAL_COARSE = {LEFT, RIGHT};
    private static final int[] CAUSAL_FINEST = {LEFT, DIAGONAL};
    private static final int[] CAUSAL_COARSE = {LEFT};

    /** Default strip: about 1024 fine tokens, whose softmax states (~0.5 MiB at dv = 64) stay in L2. */
    static final int DEFAULT_STRIP_TOKENS = 1024;

    private final ParallelRange parallel;
    private final int stripTokens;
    private final ArrayDeque<HeadWorkspace> idle = new ArrayDeque<>();
    private ScoreMasks masks;

    HierarchicalForward(ParallelRange parallel, int stripTokens) {
        this.parallel = parallel;
        this.stripTokens = stripTokens;
    }

    void run(AttentionProblem problem, float[] out) {
        AttentionSpec spec = problem.spec();
        HierarchyShape shape = spec.hierarchy();
        if (masks == null || masks.block != spec.block()) {
            masks = new ScoreMasks(spec.block());
        }
        if (spec.headCount() >= parallel.threads()) {
            parallel.forEach(spec.headCount(), 1, (from, to) -> {
                HeadWorkspace workspace = borrow(spec, shape);
                for (int head = from; head < to; head++) {
                    runHead(problem, head, workspace, ParallelRange.SEQUENTIAL, out);
                }
                giveBack(workspace);
            });
        } else {
            HeadWorkspace workspace = borrow(spec, shape);
            for (int head = 0; head < spec.headCount(); head++) {
                runHead(problem, head, workspace, parallel, out);
            }
            giveBack(workspace);
        }
    }

    /** Drops the buffers kept between calls. */
    synchronized void release() {
        idle.clear();
    }

    private synchronized HeadWorkspace borrow(AttentionSpec spec, HierarchyShape shape) {
        HeadWorkspace workspace = idle.poll();
        if (workspace != null && workspace.fits(spec, shape)) {
            return workspace;
        }
        idle.clear();
        return new HeadWorkspace(spec, shape);
    }

    private synchronized void giveBack(HeadWorkspace workspace) {
        idle.push(workspace);
    }

    private void runHead(AttentionProblem problem, int head, HeadWorkspace workspace, ParallelRange blocks,
                         float[] out) {
        AttentionSpec spec = problem.spec();
        HeadPyramid pyramid = workspace.pyramid;
        int b = head / spec.heads();
        int h = head % spec.heads();
        int nr = spec.block();
        int finestBlocks = pyramid.paddedLength / nr;
        // 0 when the sequence is no longer than one strip: then every level runs over the whole sequence
        int stripLevels = stripLevels(nr) < pyramid.levels ? stripLevels(nr) : 0;
        buildPyramid(problem, b, h, pyramid, stripLevels, blocks);
        LevelStates whole = workspace.states;
        for (int level = pyramid.levels - 1; level >= stripLevels; level--) {
            int current = level;
            int count = finestBlocks >> level;
            blocks.forEach(count, 1, (from, to) -> {
                SoftmaxTile tile = new SoftmaxTile(nr, nr, 3, spec.valueDim());
                for (int block = from; block < to; block++) {
                    runBlock(problem, h, head * spec.length(), pyramid, whole, whole, current, block, count, tile, out);
                }
            });
        }
        if (stripLevels == 0) {
            return;
        }
        // The finer levels strip by strip, each strip's states in a cache-sized buffer (see LevelStates).
        int stripTokens = nr << stripLevels;
        blocks.forEach(pyramid.paddedLength / stripTokens, 1, (from, to) -> {
            SoftmaxTile tile = new SoftmaxTile(nr, nr, 3, spec.valueDim());
            LevelStates strip = new LevelStates(stripTokens / 2, spec.valueDim());
            for (int s = from; s < to; s++) {
                strip.moveToStrip(s * stripTokens);
                for (int level = stripLevels - 1; level >= 0; level--) {
                    int perStrip = 1 << (stripLevels - level);
                    LevelStates parents = level == stripLevels - 1 ? whole : strip;
                    for (int block = s * perStrip; block < (s + 1) * perStrip; block++) {
                        runBlock(problem, h, head * spec.length(), pyramid, parents, strip, level, block,
                                finestBlocks >> level, tile, out);
                    }
                }
            }
        });
    }

    /**
     * The pyramid, depth first: each strip's finest blocks and its coarse levels up to one block are made while
     * the strip is in cache (one pass over the inputs), then the few levels above strips over the sequence.
     */
    private static void buildPyramid(AttentionProblem problem, int b, int h, HeadPyramid pyramid, int stripLevels,
                                     ParallelRange blocks) {
        int nr = pyramid.block;
        boolean causal = problem.spec().causal();
        int finestBlocks = pyramid.paddedLength / nr;
        pyramid.attach(problem, b, h);
        int localLevels = stripLevels == 0 ? 0 : Math.min(stripLevels, pyramid.levels - 1);
        int stripBlocks = 1 << localLevels;
        blocks.forEach(finestBlocks / stripBlocks, 1, (from, to) -> {
            float[] inverseCount = new float[nr];
            for (int strip = from; strip < to; strip++) {
                pyramid.loadFinest(problem, b, h, strip * stripBlocks, (strip + 1) * stripBlocks);
                for (int level = 1; level <= localLevels; level++) {
                    int perStrip = stripBlocks >> level;
                    pyramid.coarsen(level, strip * perStrip, (strip + 1) * perStrip, causal, inverseCount);
                }
            }
        });
        for (int level = localLevels + 1; level < pyramid.levels; level++) {
            int coarse = level;
            blocks.forEach(finestBlocks >> level, 64,
                    (from, to) -> pyramid.coarsen(coarse, from, to, causal, new float[nr]));
        }
    }

    /**
     * Levels below this one run strip by strip: a strip of Nr 2^levels fine tokens (about stripTokens), whose
     * softmax states stay in the core's cache between levels.
     */
    private int stripLevels(int block) {
        return Math.max(1, 31 - Integer.numberOfLeadingZeros(Math.max(1, stripTokens / block)));
    }

    private void runBlock(AttentionProblem problem, int h, int outputRow, HeadPyramid pyramid, LevelStates parents,
                          LevelStates own, int level, int block, int blocks, SoftmaxTile tile, float[] out) {
        AttentionSpec spec = problem.spec();
        int nr = spec.block();
        int firstRow = pyramid.row(level, block * nr);
        if (noValidRow(pyramid, firstRow, nr)) {
            if (level > 0) {
                own.storeEmpty(level, block * nr, nr);
            } else {
                writeZeros(spec, pyramid, outputRow, block * nr, out);
            }
            return;
        }
        tile.clearSegments();
        for (int side : sidesOf(spec.causal(), level)) {
            int keyBlock = block + side;
            if (keyBlock >= 0 && keyBlock < blocks) {
                tile.addSegment(pyramid.keyBlockBase(level, keyBlock), pyramid.valueOffset(level, keyBlock * nr),
                        pyramid.row(level, keyBlock * nr));
            }
        }
        tile.computeScores(pyramid.queries(level), pyramid.queryOffset(level, block * nr), nr, spec.dim(),
                spec.scale(), pyramid.keysTransposed);
        int segment = 0;
        for (int side : sidesOf(spec.causal(), level)) {
            int keyBlock = block + side;
            if (keyBlock >= 0 && keyBlock < blocks) {
                maskSegment(problem, h, pyramid, level, block, side, tile, segment++ * nr);
            }
        }
        if (level == pyramid.levels - 1) {
            tile.clear(nr);
            tile.rescaleAndExponentiate(nr, tile.columns());
        } else {
            parents.continueChildren(level, block * nr, nr, tile.columns(), tile);
        }
        tile.accumulate(nr, pyramid.values(level), pyramid.weights);
        if (level > 0) {
            own.store(level, block * nr, nr, tile);
        } else {
            tile.writeNormalized(Math.min(nr, spec.length() - block * nr), pyramid.weights, block * nr, out,
                    (outputRow + block * nr) * spec.valueDim());
        }
    }

    /** Key blocks a query block meets at a level (section 4 step 1; section 6 for causal). */
    private static int[] sidesOf(boolean causal, int level) {
        if (causal) {
            return level == 0 ? CAUSAL_FINEST : CAUSAL_COARSE;
        }
        return level == 0 ? BIDIRECTIONAL_FINEST : BIDIRECTIONAL_COARSE;
    }

    /**
     * Removes the scores that are not this level's (the quadrant already computed one level finer, the future,
     * invalid keys) and adds the relative-position bias (section 7), indexed by j_l - i_l.
     */
    private void maskSegment(AttentionProblem problem, int h, HeadPyramid pyramid, int level, int block, int side,
                             SoftmaxTile tile, int column) {
        int nr = pyramid.block;
        if (level > 0) {
            ScoreMasks.apply(side == RIGHT ? masks.rightNeighbourCorrection : masks.leftNeighbourCorrection, tile,
                    column);
        } else if (side == DIAGONAL && problem.spec().causal()) {
            ScoreMasks.apply(masks.causalDiagonal, tile, column);
        }
        int keyRow = pyramid.row(level, (block + side) * nr);
        if (ScoreMasks.anyInvalid(pyramid.weights, keyRow, nr)) {
            ScoreMasks.dropInvalidKeys(pyramid.weights, keyRow, tile, column, nr, nr);
        }
        float[] bias = problem.bias();
        if (bias != null) {
            int biasBase = h * (4 * nr - 1) + side * nr + 2 * nr - 1;
            for (int r = 0; r < nr; r++) {
                TileKernels.addInto(tile.scores, r * tile.scoreStride + column, bias, biasBase - r, nr);
            }
        }
    }

    private static boolean noValidRow(HeadPyramid pyramid, int firstRow, int rows) {
        for (int r = firstRow; r < firstRow + rows; r++) {
            if (pyramid.weights[r] > 0f) {
                return false;
            }
        }
        return true;
    }

    private static void writeZeros(AttentionSpec spec, HeadPyramid pyramid, int outputRow, int firstToken,
                                   float[] out) {
        int rows = Math.min(pyramid.block, spec.length() - firstToken);
        if (rows > 0) {
            java.util.Arrays.fill(out, (outputRow + firstToken) * spec.valueDim(),
                    (outputRow + firstToken + rows) * spec.valueDim(), 0f);
        }
    }
}
