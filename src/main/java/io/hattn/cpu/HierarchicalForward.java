package io.hattn.cpu;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.HierarchyShape;

/**
 * The hierarchical forward of h-attention.md section 4, blocked per level, one head at a time with the blocks
 * of each level in parallel. Levels run from the coarsest to the finest: a block's rows start from their
 * parent's softmax state (prolongation by copy), add this level's neighbour blocks, and hand the state to their
 * children; the finest level divides and writes the output. Nothing of size L x L exists, and nothing is
 * allocated per block: buffers are per shape, scratch per chunk of blocks.
 */
final class HierarchicalForward {

    private static final int LEFT = -1;
    private static final int DIAGONAL = 0;
    private static final int RIGHT = 1;

    private final ParallelRange parallel;
    private HeadPyramid pyramid;
    private LevelStates states;

    HierarchicalForward(ParallelRange parallel) {
        this.parallel = parallel;
    }

    void run(AttentionProblem problem, float[] out) {
        AttentionSpec spec = problem.spec();
        HierarchyShape shape = spec.hierarchy();
        prepare(spec, shape);
        for (int b = 0; b < spec.batch(); b++) {
            for (int h = 0; h < spec.heads(); h++) {
                buildPyramid(problem, b, h, shape);
                for (int level = shape.levels() - 1; level >= 0; level--) {
                    runLevel(problem, h, (b * spec.heads() + h) * spec.length(), level, out);
                }
            }
        }
    }

    /** Drops the per-shape buffers. */
    void release() {
        pyramid = null;
        states = null;
    }

    private void prepare(AttentionSpec spec, HierarchyShape shape) {
        if (pyramid == null || !pyramid.fits(shape.paddedLength(), spec.block(), shape.levels(), spec.dim(),
                spec.valueDim())) {
            release();
            pyramid = new HeadPyramid(shape.paddedLength(), spec.block(), shape.levels(), spec.dim(),
                    spec.valueDim());
            states = new LevelStates(shape.paddedLength() / 2, spec.valueDim());
        }
    }

    private void buildPyramid(AttentionProblem problem, int b, int h, HierarchyShape shape) {
        HeadPyramid p = pyramid;
        parallel.forEach(shape.paddedLength(), 4096, (from, to) -> p.loadFinest(problem, b, h, from, to));
        for (int level = 1; level < shape.levels(); level++) {
            int coarseLevel = level;
            parallel.forEach(shape.tokensAt(level), 4096,
                    (from, to) -> p.coarsen(coarseLevel, from, to, problem.spec().causal()));
        }
    }

    private void runLevel(AttentionProblem problem, int h, int outputRow, int level, float[] out) {
        AttentionSpec spec = problem.spec();
        int blocks = pyramid.paddedLength / spec.block() >> level;
        parallel.forEach(blocks, 1, (from, to) -> {
            SoftmaxTile tile = new SoftmaxTile(spec.block(), 3 * spec.block(), spec.valueDim());
            for (int block = from; block < to; block++) {
                runBlock(problem, h, outputRow, level, block, blocks, tile, out);
            }
        });
    }

    private void runBlock(AttentionProblem problem, int h, int outputRow, int level, int block, int blocks,
                          SoftmaxTile tile, float[] out) {
        AttentionSpec spec = problem.spec();
        int nr = spec.block();
        int firstRow = pyramid.row(level, block * nr);
        if (noValidRow(firstRow, nr)) {
            if (level > 0) {
                states.storeEmpty(level, block * nr, nr);
            } else {
                writeZeros(spec, outputRow, block * nr, out);
            }
            return;
        }
        if (level == pyramid.levels - 1) {
            tile.clear(nr);
        } else {
            states.loadParents(level, block * nr, nr, tile);
        }
        int[] sides = sidesOf(spec.causal(), level);
        int columns = 0;
        for (int side : sides) {
            int keyBlock = block + side;
            if (keyBlock >= 0 && keyBlock < blocks) {
                TileKernels.scores(pyramid.queries, firstRow, nr, spec.dim(), pyramid.keysTransposed,
                        pyramid.keyBlockBase(level, keyBlock), nr, tile.scores, tile.scoreStride, columns);
                maskSegment(problem, h, level, block, side, tile, columns);
                columns += nr;
            }
        }
        tile.rescaleAndExponentiate(nr, columns);
        columns = 0;
        for (int side : sides) {
            int keyBlock = block + side;
            if (keyBlock >= 0 && keyBlock < blocks) {
                tile.accumulate(nr, columns, nr, pyramid.values, pyramid.row(level, keyBlock * nr),
                        pyramid.weights);
                columns += nr;
            }
        }
        if (level > 0) {
            states.store(level, block * nr, nr, tile);
        } else {
            writeOutput(spec, outputRow, block * nr, tile, out);
        }
    }

    private static final int[] BIDIRECTIONAL_FINEST = {LEFT, DIAGONAL, RIGHT};
    private static final int[] BIDIRECTIONAL_COARSE = {LEFT, RIGHT};
    private static final int[] CAUSAL_FINEST = {LEFT, DIAGONAL};
    private static final int[] CAUSAL_COARSE = {LEFT};

    /** Key blocks a query block meets at a level (section 4 step 1; section 6 for causal). */
    private static int[] sidesOf(boolean causal, int level) {
        if (causal) {
            return level == 0 ? CAUSAL_FINEST : CAUSAL_COARSE;
        }
        return level == 0 ? BIDIRECTIONAL_FINEST : BIDIRECTIONAL_COARSE;
    }

    /**
     * Sets to -inf the scores that are not this level's: invalid keys, the quadrant already computed one level
     * finer (section 4 step 1), the future (section 6); adds the relative-position bias (section 7).
     */
    private void maskSegment(AttentionProblem problem, int h, int level, int block, int side, SoftmaxTile tile,
                             int column) {
        int nr = pyramid.block;
        int half = nr / 2;
        int keyRow = pyramid.row(level, (block + side) * nr);
        float[] bias = problem.bias();
        int biasBase = h * (4 * nr - 1) + side * nr + 2 * nr - 1;
        boolean causal = problem.spec().causal();
        for (int r = 0; r < nr; r++) {
            int off = r * tile.scoreStride + column;
            for (int c = 0; c < nr; c++) {
                boolean dropped = pyramid.weights[keyRow + c] == 0f
                        || (level > 0 && side == RIGHT && r >= half && c < half)
                        || (level > 0 && side == LEFT && r < half && c >= half)
                        || (causal && side == DIAGONAL && c > r);
                if (dropped) {
                    tile.scores[off + c] = Float.NEGATIVE_INFINITY;
                } else if (bias != null) {
                    tile.scores[off + c] += bias[biasBase + c - r];
                }
            }
        }
    }

    private boolean noValidRow(int firstRow, int rows) {
        for (int r = firstRow; r < firstRow + rows; r++) {
            if (pyramid.weights[r] > 0f) {
                return false;
            }
        }
        return true;
    }

    /** Finest level: z = Y / D for the rows inside the real length; invalid query rows output 0. */
    private void writeOutput(AttentionSpec spec, int outputRow, int firstToken, SoftmaxTile tile, float[] out) {
        tile.writeNormalized(Math.min(tile.rows, spec.length() - firstToken), pyramid.weights, firstToken, out,
                (outputRow + firstToken) * spec.valueDim());
    }

    private void writeZeros(AttentionSpec spec, int outputRow, int firstToken, float[] out) {
        int rows = Math.min(pyramid.block, spec.length() - firstToken);
        if (rows > 0) {
            java.util.Arrays.fill(out, (outputRow + firstToken) * spec.valueDim(),
                    (outputRow + firstToken + rows) * spec.valueDim(), 0f);
        }
    }
}
