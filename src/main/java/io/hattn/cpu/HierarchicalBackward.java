package io.hattn.cpu;

import io.hattn.attention.AttentionGradients;
import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.HierarchyShape;
import io.hattn.attention.SavedForward;
import java.util.Arrays;

/**
 * The hierarchical backward of docs/algorithm.md section 11 in linear memory. From the forward it keeps only
 * each row's offset c_i, denominator D_i and output; it rebuilds the pyramid, restricts
 * {@code G = dz / D}, {@code Delta = (dz . z) / D} to every level with {@code m_t = min c_i} (so every exponential
 * is at most 1), then per level and query block recomputes the forward's scores ({@link BlockScores}) and forms
 * <pre>
 *   E = exp(S - m_t),  ds = E (G Vc^T - w Delta),  dVc += E^T G,  dqc += scale ds Kc,  dkc += scale ds^T Qc
 * </pre>
 * with the forward's tile kernels, and the bias gradient from ds. Levels run from the coarsest to the finest; a
 * finished level's gradients go down to its children (a mean's to each child over the valid-children count, a
 * causal query's to its first child, a value sum's to both). Parallel like the forward: whole heads per thread
 * when there are enough heads (and the sequence is not so long that a workspace per thread would be too big),
 * otherwise one head at a time with its blocks in parallel, in three passes per level (blocks b mod 3) so that
 * no two blocks running together write the same key block.
 */
final class HierarchicalBackward {

    /** Above this padded length heads run one at a time, so that only one workspace exists. */
    static final int HEADS_IN_PARALLEL_UP_TO = 1 << 18;

    private final ParallelRange parallel;
    private final KeptBuffers<BackwardWorkspace> workspaces = new KeptBuffers<>();
    /** Block scratch kept between chunks and calls (one per chunk in flight): no garbage per call. */
    private final KeptBuffers<BlockScratch> scratches = new KeptBuffers<>();
    private BlockScores scores;

    HierarchicalBackward(ParallelRange parallel) {
        this.parallel = parallel;
    }

    AttentionGradients run(SavedForward saved, float[] dOut) {
        AttentionProblem problem = saved.problem();
        AttentionSpec spec = problem.spec();
        HierarchyShape shape = spec.hierarchy();
        if (scores == null || scores.masks.block != spec.block()) {
            scores = new BlockScores(spec.block());
        }
        Gradients out = new Gradients(spec, problem.bias() != null);
        if (spec.headCount() >= parallel.threads() && shape.paddedLength() <= HEADS_IN_PARALLEL_UP_TO) {
            parallel.forEach(spec.headCount(), 1, (from, to) -> {
                BackwardWorkspace workspace = borrow(spec, shape);
                for (int head = from; head < to; head++) {
                    runHead(saved, dOut, head, workspace, ParallelRange.SEQUENTIAL, out);
                }
                giveBack(workspace);
            });
        } else {
            BackwardWorkspace workspace = borrow(spec, shape);
            for (int head = 0; head < spec.headCount(); head++) {
                runHead(saved, dOut, head, workspace, parallel, out);
            }
            giveBack(workspace);
        }
        return out.collect(spec);
    }

    void release() {
        workspaces.clear();
        scratches.clear();
    }

    private BackwardWorkspace borrow(AttentionSpec spec, HierarchyShape shape) {
        return workspaces.borrow(
                kept -> kept.fits(shape.paddedLength(), spec.block(), shape.levels(), spec.dim(), spec.valueDim()),
                () -> new BackwardWorkspace(shape.paddedLength(), spec.block(), shape.levels(), spec.dim(),
                        spec.valueDim()));
    }

    private void giveBack(BackwardWorkspace workspace) {
        workspaces.giveBack(workspace);
    }

    /** The gradients being filled, and the bias gradient per head (batch entries summed at the end). */
    private static final class Gradients {
        final float[] dq;
        final float[] dk;
        final float[] dv;
        final float[][] headBias;

        Gradients(AttentionSpec spec, boolean bias) {
            dq = new float[spec.queryElements()];
            dk = new float[spec.queryElements()];
            dv = new float[spec.valueElements()];
            headBias = bias ? new float[spec.headCount()][spec.biasEntriesPerHead()] : null;
        }

        synchronized void addBias(int head, float[] local) {
            for (int e = 0; e < local.length; e++) {
                headBias[head][e] += local[e];
            }
        }

        AttentionGradients collect(AttentionSpec spec) {
            float[] dbias = null;
            if (headBias != null) {
                int entries = spec.biasEntriesPerHead();
                dbias = new float[spec.heads() * entries];
                for (int head = 0; head < spec.headCount(); head++) {
                    int h = head % spec.heads();
                    for (int e = 0; e < entries; e++) {
                        dbias[h * entries + e] += headBias[head][e];
                    }
                }
            }
            return new AttentionGradients(dq, dk, dv, dbias);
        }
    }

    /** Scratch of one chunk of blocks. */
    private static final class BlockScratch {
        final SoftmaxTile tile;
        final GradientTile gradients;
        final int[] dkOffset = new int[3];
        final int[] dvOffset = new int[3];
        final float[] bias;

        BlockScratch(int nr, int dim, int valueDim, boolean bias) {
            tile = new SoftmaxTile(nr, nr, 3, valueDim);
            gradients = new GradientTile(nr, nr, 3, dim, valueDim);
            this.bias = bias ? new float[4 * nr - 1] : null;
        }

        boolean fits(int nr, int dim, int valueDim, boolean bias) {
            return tile.rows == nr && tile.valueDim == valueDim && gradients.dim == dim && (this.bias != null) == bias;
        }
    }

    private void runHead(SavedForward saved, float[] dOut, int head, BackwardWorkspace workspace,
                         ParallelRange blocks, Gradients out) {
        AttentionProblem problem = saved.problem();
        AttentionSpec spec = problem.spec();
        Pyramid pyramid = workspace.pyramid;
        int b = head / spec.heads();
        int h = head % spec.heads();
        int nr = spec.block();
        int finestBlocks = pyramid.paddedLength / nr;
        boolean inPlace = spec.length() == pyramid.paddedLength;
        pyramid.attach(problem, b, h);
        blocks.forEach(finestBlocks, 64, (from, to) -> pyramid.loadFinest(problem, b, h, from, to));
        for (int level = 1; level < pyramid.levels; level++) {
            int coarse = level;
            blocks.forEach(finestBlocks >> level, 64,
                    (from, to) -> pyramid.coarsen(coarse, from, to, spec.causal(), new float[nr]));
        }
        workspace.startHead(inPlace ? out.dq : null, out.dk, out.dv, head * spec.length() * spec.dim(),
                head * spec.length() * spec.valueDim());
        blocks.forEach(finestBlocks, 16, (from, to) -> fineRowSums(saved, dOut, head, workspace, from, to));
        for (int level = 1; level < pyramid.levels; level++) {
            int coarse = level;
            blocks.forEach(finestBlocks >> level, 16, (from, to) -> restrictRowSums(workspace, coarse, from, to));
        }
        for (int level = pyramid.levels - 1; level >= 0; level--) {
            int current = level;
            int count = finestBlocks >> level;
            for (int phase = 0; phase < 3; phase++) {
                int first = phase;
                int stride = 3;
                if (blocks == ParallelRange.SEQUENTIAL) {
                    // one thread: every block in order, in one pass
                    if (phase > 0) {
                        break;
                    }
                    first = 0;
                    stride = 1;
                }
                int firstBlock = first;
                int blockStride = stride;
                int inPhase = (count - first + stride - 1) / stride;
                blocks.forEach(inPhase, 1, (from, to) -> {
                    boolean bias = out.headBias != null;
                    BlockScratch scratch = scratches.borrow(kept -> kept.fits(nr, spec.dim(), spec.valueDim(), bias),
                            () -> new BlockScratch(nr, spec.dim(), spec.valueDim(), bias));
                    for (int n = from; n < to; n++) {
                        runBlock(problem, h, workspace, current, firstBlock + n * blockStride, count, scratch);
                    }
                    if (scratch.bias != null) {
                        out.addBias(head, scratch.bias);
                        Arrays.fill(scratch.bias, 0f);
                    }
                    scratches.giveBack(scratch);
                });
            }
            if (level > 0) {
                blocks.forEach(count, 16, (from, to) -> prolongGradients(workspace, current, from, to,
                        spec.causal()));
            }
        }
        finishFineRows(problem, head, workspace, inPlace, out);
    }

    /** Level 0: m = c_i, G = dz_i / D_i, Delta = (dz_i . z_i) / D_i for valid rows; nothing for the others. */
    private static void fineRowSums(SavedForward saved, float[] dOut, int head, BackwardWorkspace workspace,
                                    int fromBlock, int toBlock) {
        AttentionSpec spec = saved.problem().spec();
        Pyramid pyramid = workspace.pyramid;
        int dv = spec.valueDim();
        float[] weights = pyramid.weights(0);
        for (int t = fromBlock * pyramid.block; t < toBlock * pyramid.block; t++) {
            int row = head * spec.length() + t;
            if (t < spec.length() && weights[pyramid.weightIndex(0, t)] > 0f) {
                float inverse = 1f / saved.rowDenominators()[row];
                workspace.minOffsets[t] = saved.rowOffsets()[row];
                workspace.deltas[t] = VectorMath.dot(dOut, row * dv, saved.output(), row * dv, dv) * inverse;
                TileKernels.scaleInto(dOut, row * dv, workspace.rowGradients, t * dv, dv, inverse);
            } else {
                workspace.minOffsets[t] = Float.POSITIVE_INFINITY;
                workspace.deltas[t] = 0f;
                Arrays.fill(workspace.rowGradients, t * dv, (t + 1) * dv, 0f);
            }
        }
    }

    /**
     * Level l from its children: m = min(m_a, m_b), and G, Delta rescaled from each child's m to the new one
     * (factors exp(m - m_child) <= 1); a row with no valid fine row stays empty (m = +inf, no NaN).
     */
    private static void restrictRowSums(BackwardWorkspace workspace, int level, int fromBlock, int toBlock) {
        int nr = workspace.pyramid.block;
        int dv = workspace.pyramid.valueDim;
        float[] m = workspace.minOffsets;
        float[] g = workspace.rowGradients;
        for (int t = fromBlock * nr; t < toBlock * nr; t++) {
            int row = workspace.start[level] + t;
            int first = workspace.start[level - 1] + 2 * t;
            float min = Math.min(m[first], m[first + 1]);
            m[row] = min;
            if (min == Float.POSITIVE_INFINITY) {
                workspace.deltas[row] = 0f;
                Arrays.fill(g, row * dv, (row + 1) * dv, 0f);
                continue;
            }
            float a = m[first] == Float.POSITIVE_INFINITY ? 0f : (float) Math.exp(min - m[first]);
            float b = m[first + 1] == Float.POSITIVE_INFINITY ? 0f : (float) Math.exp(min - m[first + 1]);
            workspace.deltas[row] = a * workspace.deltas[first] + b * workspace.deltas[first + 1];
            TileKernels.scaleInto(g, first * dv, g, row * dv, dv, a);
            TileKernels.addScaled(g, (first + 1) * dv, g, row * dv, dv, b);
        }
    }

    private void runBlock(AttentionProblem problem, int h, BackwardWorkspace workspace, int level, int block,
                          int blocks, BlockScratch scratch) {
        AttentionSpec spec = problem.spec();
        Pyramid pyramid = workspace.pyramid;
        int nr = spec.block();
        int dv = spec.valueDim();
        if (BlockScores.noValidRow(pyramid.weights(level), pyramid.weightIndex(level, block * nr), nr)) {
            return;
        }
        SoftmaxTile tile = scratch.tile;
        scores.compute(problem, h, pyramid, level, block, blocks, tile);
        int segments = tile.segments;
        int rowSums = workspace.start[level] + block * nr;
        GradientTile.exponentiate(tile, nr, workspace.minOffsets, rowSums);
        GradientTile step = scratch.gradients;
        for (int g = 0; g < segments; g++) {
            int keyRow = (block + tile.segmentSide[g]) * nr;
            step.loadSegment(g, pyramid.keys(level), tile.segmentKeyBase[g], pyramid.values(level),
                    tile.segmentValueOffset[g]);
            scratch.dkOffset[g] = workspace.queryGradientOffset(level, keyRow);
            scratch.dvOffset[g] = workspace.valueGradientOffset(level, keyRow);
        }
        step.accumulate(tile, segments, workspace.rowGradients, rowSums * dv, workspace.deltas, rowSums,
                pyramid.weights(level), tile.segmentWeightRow, pyramid.queries(level),
                pyramid.queryOffset(level, block * nr), spec.scale(), workspace.dq(level),
                workspace.queryGradientOffset(level, block * nr), workspace.dk(level), scratch.dkOffset,
                workspace.dv(level), scratch.dvOffset, tile.segmentSide, scratch.bias);
    }

    /**
     * Back through the coarsening from level {@code level} to level - 1 (section 11), for the coarse blocks
     * [fromBlock, toBlock): keys (and bidirectional queries) were means, so each child gets the gradient over
     * the count of valid children; a causal query was its first child; a value was a sum. Invalid children
     * receive something too, which only ever reaches invalid fine tokens, whose gradients are zeroed at the end.
     */
    private static void prolongGradients(BackwardWorkspace workspace, int level, int fromBlock, int toBlock,
                                         boolean causal) {
        Pyramid pyramid = workspace.pyramid;
        int nr = pyramid.block;
        int d = pyramid.dim;
        int dv = pyramid.valueDim;
        float[] childWeights = pyramid.weights(level - 1);
        float[] dq = workspace.dq(level);
        float[] dk = workspace.dk(level);
        float[] dvc = workspace.dv(level);
        float[] childDq = workspace.dq(level - 1);
        float[] childDk = workspace.dk(level - 1);
        float[] childDv = workspace.dv(level - 1);
        for (int t = fromBlock * nr; t < toBlock * nr; t++) {
            int firstWeight = pyramid.weightIndex(level - 1, 2 * t);
            float inverse = Pyramid.inverseOfValidChildren(childWeights[firstWeight], childWeights[firstWeight + 1]);
            int queryRow = workspace.queryGradientOffset(level, t);
            int valueRow = workspace.valueGradientOffset(level, t);
            for (int child = 0; child < 2; child++) {
                int childQuery = workspace.queryGradientOffset(level - 1, 2 * t + child);
                TileKernels.addScaled(dk, queryRow, childDk, childQuery, d, inverse);
                if (!causal) {
                    TileKernels.addScaled(dq, queryRow, childDq, childQuery, d, inverse);
                } else if (child == 0) {
                    TileKernels.addInto(childDq, childQuery, dq, queryRow, d);
                }
                TileKernels.addInto(childDv, workspace.valueGradientOffset(level - 1, 2 * t + child), dvc, valueRow,
                        dv);
            }
        }
    }

    /** Level 0 into the caller's layout: masked rows get 0; with padding, the valid rows are copied out. */
    private static void finishFineRows(AttentionProblem problem, int head, BackwardWorkspace workspace,
                                       boolean inPlace, Gradients out) {
        AttentionSpec spec = problem.spec();
        Pyramid pyramid = workspace.pyramid;
        int d = spec.dim();
        int dv = spec.valueDim();
        float[] weights = pyramid.weights(0);
        for (int t = 0; t < spec.length(); t++) {
            boolean valid = weights[pyramid.weightIndex(0, t)] > 0f;
            int qRow = (head * spec.length() + t) * d;
            int vRow = (head * spec.length() + t) * dv;
            if (inPlace) {
                if (!valid) {
                    Arrays.fill(out.dq, qRow, qRow + d, 0f);
                    Arrays.fill(out.dk, qRow, qRow + d, 0f);
                    Arrays.fill(out.dv, vRow, vRow + dv, 0f);
                }
            } else if (valid) {
                System.arraycopy(workspace.dq(0), workspace.queryGradientOffset(0, t), out.dq, qRow, d);
                System.arraycopy(workspace.dk(0), workspace.queryGradientOffset(0, t), out.dk, qRow, d);
                System.arraycopy(workspace.dv(0), workspace.valueGradientOffset(0, t), out.dv, vRow, dv);
            }
        }
    }
}
