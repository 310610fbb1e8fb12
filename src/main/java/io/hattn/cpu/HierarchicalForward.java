package io.hattn.cpu;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.HierarchyShape;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The hierarchical forward of docs/algorithm.md section 4, blocked per level. Levels run from the coarsest to the
 * finest: a block's rows start from their parent's softmax state (prolongation by copy), add this level's
 * neighbour blocks, and hand the state to their children; the finest level divides and writes the output.
 * With at least as many heads as threads, each thread takes whole heads (no synchronisation per level);
 * otherwise heads run one after another with the blocks of each level in parallel. A causal head on a thread of
 * its own runs as one stream over its strips ({@link #streamCausal}), reading its inputs once. Nothing of size
 * L x L exists; buffers are per shape and thread, kept between calls, the block scratch too where a thread runs a
 * head's blocks in order (heads at least as many as threads); blocks run in parallel take scratch per chunk.
 */
final class HierarchicalForward {

    /**
     * The size the ring of three strips (their queries, keys and values) is kept within, so that it and the strip's
     * softmax states stay in L2 on every machine seen (1-2 MiB per core): strips of 256 tokens at d = dv = 64, 512
     * at 32, 1024 at 16. The same bits whatever the strip.
     */
    static final int RING_BYTES = 768 * 1024;
    /**
     * By default strips are used from this many strips' worth of tokens up; shorter sequences run every level
     * whole. Measured on the 2-core Xeon (2 MiB L2), strip sizes in one JVM with calls alternated
     * (docs/performance.md): at d = 64, strips of 256 ran 5-10% faster than strips of 1024 at 4K-256K and 2-5%
     * faster than no strips at 8K-16K, but 14% slower than no strips at 2K; at d = 16 (the ListOps models) strips
     * of 1024 were 2-10% slower than none from 2K to 8K.
     */
    static final int MIN_STRIPS = 16;
    /** The strip from the heads' widths ({@link #RING_BYTES}, {@link #MIN_STRIPS}), as {@link CpuBackend} chooses. */
    static final int STRIP_FROM_WIDTHS = 0;

    private final ParallelRange parallel;
    /** Fine tokens per strip, or {@link #STRIP_FROM_WIDTHS}. */
    private final int stripTokens;
    private final KeptBuffers<HeadWorkspace> workspaces = new KeptBuffers<>();
    private BlockScores scores;

    HierarchicalForward(ParallelRange parallel, int stripTokens) {
        this.parallel = parallel;
        this.stripTokens = stripTokens;
    }

    /** The forward; false when an output value is not finite (float32 overflowed). */
    boolean run(AttentionProblem problem, float[] out) {
        return run(problem, out, null, null);
    }

    /**
     * The forward; when {@code rowOffsets} is not null, also each valid row's final softmax offset c_i and
     * denominator D_i into rowOffsets and rowDenominators ([batch, heads, length]), for the backward. Returns
     * whether every output value is finite (checked as the rows are written).
     */
    boolean run(AttentionProblem problem, float[] out, float[] rowOffsets, float[] rowDenominators) {
        AttentionSpec spec = problem.spec();
        HierarchyShape shape = spec.hierarchy();
        if (scores == null || scores.masks.block != spec.block()) {
            scores = new BlockScores(spec.block());
        }
        AtomicBoolean finite = new AtomicBoolean(true);
        if (spec.headCount() >= parallel.threads()) {
            parallel.forEach(spec.headCount(), 1, (from, to) -> {
                HeadWorkspace workspace = borrow(spec, shape);
                for (int head = from; head < to; head++) {
                    runHead(problem, head, workspace, ParallelRange.SEQUENTIAL, out, rowOffsets, rowDenominators,
                            finite);
                }
                giveBack(workspace);
            });
        } else {
            HeadWorkspace workspace = borrow(spec, shape);
            for (int head = 0; head < spec.headCount(); head++) {
                runHead(problem, head, workspace, parallel, out, rowOffsets, rowDenominators, finite);
            }
            giveBack(workspace);
        }
        return finite.get();
    }

    /** Drops the buffers kept between calls. */
    void release() {
        workspaces.clear();
    }

    private HeadWorkspace borrow(AttentionSpec spec, HierarchyShape shape) {
        int stripLevels = stripLevels(spec, shape, stripTokens);
        return workspaces.borrow(
                kept -> kept.fits(shape.paddedLength(), spec.block(), shape.levels(), stripLevels, spec.dim(),
                        spec.valueDim()),
                () -> new HeadWorkspace(shape.paddedLength(), spec.block(), shape.levels(), stripLevels, spec.dim(),
                        spec.valueDim()));
    }

    private void giveBack(HeadWorkspace workspace) {
        workspaces.giveBack(workspace);
    }

    private void runHead(AttentionProblem problem, int head, HeadWorkspace workspace, ParallelRange blocks,
                         float[] out, float[] rowOffsets, float[] rowDenominators, AtomicBoolean finite) {
        AttentionSpec spec = problem.spec();
        Pyramid pyramid = workspace.pyramid;
        int b = head / spec.heads();
        int h = head % spec.heads();
        int nr = spec.block();
        int finestBlocks = pyramid.paddedLength / nr;
        int stripLevels = pyramid.stripLevels;
        int outputRow = head * spec.length();
        pyramid.attach(problem, b, h);
        LevelStates whole = workspace.states;
        if (spec.causal() && stripLevels > 0 && blocks == ParallelRange.SEQUENTIAL) {
            streamCausal(problem, h, b, outputRow, workspace, out, rowOffsets, rowDenominators, finite);
            return;
        }
        buildWholeLevels(problem, b, h, workspace, blocks);
        for (int level = pyramid.levels - 1; level >= stripLevels; level--) {
            int current = level;
            int count = finestBlocks >> level;
            blocks.forEach(count, 1, (from, to) -> {
                SoftmaxTile tile = workspace.tile(blocks == ParallelRange.SEQUENTIAL);
                for (int block = from; block < to; block++) {
                    runBlock(problem, h, outputRow, pyramid, whole, whole, current, block, count, tile, out,
                            rowOffsets, rowDenominators);
                }
                tile.reportFiniteness(finite);
            });
        }
        if (stripLevels == 0) {
            return;
        }
        // The finer levels strip by strip: a strip's blocks need only it and its neighbours, which the ring holds
        // (rebuilt from the inputs as the strips advance), and its states fit a small buffer: all in cache.
        int strips = pyramid.paddedLength / pyramid.stripTokens();
        blocks.forEach(strips, 1, (from, to) -> {
            boolean alone = blocks == ParallelRange.SEQUENTIAL;
            Pyramid local = alone ? pyramid : workspace.borrowView();
            SoftmaxTile tile = workspace.tile(alone);
            LevelStates strip = workspace.stripStates(alone);
            float[] inverseCount = workspace.inverseCount(alone);
            if (from > 0) {
                local.loadStrip(problem, b, h, from - 1, inverseCount);
            }
            local.loadStrip(problem, b, h, from, inverseCount);
            for (int s = from; s < to; s++) {
                if (s + 1 < strips) {
                    local.loadStrip(problem, b, h, s + 1, inverseCount);
                }
                runStrip(problem, h, outputRow, local, whole, strip, s, tile, out, rowOffsets, rowDenominators);
            }
            if (local != pyramid) {
                workspace.returnView(local);
            }
            tile.reportFiniteness(finite);
        });
    }

    /**
     * The causal forward of one head in one pass over its inputs. Causal blocks meet only the block to their left,
     * so a whole level's block can run as soon as the stream reaches its first strip: its queries and weights are
     * sampled beforehand ({@link Pyramid#sampleCausalWholeLevels}), the keys and values to its left are complete, its
     * parent ran when the stream reached the parent's first strip. Each strip is read once, into the ring; the whole
     * levels' keys and values are coarsened from the ring as the strips end, instead of in a pass of their own over
     * the inputs (which took a fifth of the causal forward). The same blocks from the same pyramid: the same bits
     * as the two passes.
     */
    private void streamCausal(AttentionProblem problem, int h, int b, int outputRow, HeadWorkspace workspace,
                              float[] out, float[] rowOffsets, float[] rowDenominators, AtomicBoolean finite) {
        AttentionSpec spec = problem.spec();
        Pyramid pyramid = workspace.pyramid;
        int nr = spec.block();
        int finestBlocks = pyramid.paddedLength / nr;
        int stripLevels = pyramid.stripLevels;
        int strips = pyramid.paddedLength / pyramid.stripTokens();
        LevelStates whole = workspace.states;
        SoftmaxTile tile = workspace.tile(true);
        LevelStates strip = workspace.stripStates(true);
        float[] inverseCount = workspace.inverseCount(true);
        pyramid.sampleCausalWholeLevels(problem, b, h);
        for (int s = 0; s < strips; s++) {
            pyramid.loadStrip(problem, b, h, s, inverseCount);
            // the whole levels' blocks that start here, coarsest first (a block's parent before it)
            for (int level = pyramid.levels - 1; level >= stripLevels; level--) {
                int stripsPerBlock = 1 << (level - stripLevels);
                if (s % stripsPerBlock == 0) {
                    runBlock(problem, h, outputRow, pyramid, whole, whole, level, s / stripsPerBlock,
                            finestBlocks >> level, tile, out, rowOffsets, rowDenominators);
                }
            }
            runStrip(problem, h, outputRow, pyramid, whole, strip, s, tile, out, rowOffsets, rowDenominators);
            // this strip's keys and values into the whole levels, for the blocks to its right
            for (int level = stripLevels; level < pyramid.levels; level++) {
                int stripsPerBlock = 1 << (level - stripLevels);
                if ((s + 1) % stripsPerBlock != 0) {
                    break;
                }
                int block = (s + 1) / stripsPerBlock - 1;
                pyramid.coarsen(level, block, block + 1, true, inverseCount);
            }
        }
        tile.reportFiniteness(finite);
    }

    /** The levels below stripLevels of strip {@code s}, from its parents' states in {@code whole}. */
    private void runStrip(AttentionProblem problem, int h, int outputRow, Pyramid pyramid, LevelStates whole,
                          LevelStates strip, int s, SoftmaxTile tile, float[] out, float[] rowOffsets,
                          float[] rowDenominators) {
        int stripLevels = pyramid.stripLevels;
        int finestBlocks = pyramid.paddedLength / pyramid.block;
        strip.moveToStrip(s * pyramid.stripTokens());
        for (int level = stripLevels - 1; level >= 0; level--) {
            int perStrip = 1 << (stripLevels - level);
            LevelStates parents = level == stripLevels - 1 ? whole : strip;
            for (int block = s * perStrip; block < (s + 1) * perStrip; block++) {
                runBlock(problem, h, outputRow, pyramid, parents, strip, level, block, finestBlocks >> level, tile,
                        out, rowOffsets, rowDenominators);
            }
        }
    }

    /**
     * The whole levels of the pyramid (stripLevels and above). With strips, each strip is reduced from the inputs
     * to one block of the first whole level, reading the inputs once here; the levels above follow over the
     * sequence. Without strips every level is whole.
     */
    private static void buildWholeLevels(AttentionProblem problem, int b, int h, HeadWorkspace workspace,
                                         ParallelRange blocks) {
        Pyramid pyramid = workspace.pyramid;
        int nr = pyramid.block;
        boolean causal = problem.spec().causal();
        int finestBlocks = pyramid.paddedLength / nr;
        int stripLevels = pyramid.stripLevels;
        if (stripLevels == 0) {
            blocks.forEach(finestBlocks, 64, (from, to) -> pyramid.loadFinest(problem, b, h, from, to));
        } else {
            blocks.forEach(pyramid.paddedLength / pyramid.stripTokens(), 1, (from, to) -> {
                // a view only for its scratch (kept between calls): the whole levels are shared
                Pyramid local = blocks == ParallelRange.SEQUENTIAL ? pyramid : workspace.borrowView();
                for (int strip = from; strip < to; strip++) {
                    local.coarsenStripFromInputs(problem, b, h, strip);
                }
                if (local != pyramid) {
                    workspace.returnView(local);
                }
            });
        }
        for (int level = Math.max(1, stripLevels + 1); level < pyramid.levels; level++) {
            int coarse = level;
            blocks.forEach(finestBlocks >> level, 64, (from, to) -> pyramid.coarsen(coarse, from, to, causal,
                    workspace.inverseCount(blocks == ParallelRange.SEQUENTIAL)));
        }
    }

    /**
     * Levels below this one run strip by strip, in strips of Nr 2^stripLevels fine tokens (about stripTokens, or
     * chosen from the heads' widths with {@link #STRIP_FROM_WIDTHS}, as the forward does);
     * 0 when the sequence is no longer than one strip (or, with strips from the widths, shorter than
     * {@link #MIN_STRIPS} strips), and every level runs over the whole sequence.
     */
    static int stripLevels(AttentionSpec spec, HierarchyShape shape, int stripTokens) {
        int tokens = stripTokens;
        if (stripTokens == STRIP_FROM_WIDTHS) {
            tokens = stripTokensFor(spec.dim(), spec.valueDim());
            if (shape.paddedLength() < (long) MIN_STRIPS * tokens) {
                return 0;
            }
        }
        int stripLevels = Math.max(1, 31 - Integer.numberOfLeadingZeros(Math.max(1, tokens / spec.block())));
        return stripLevels < shape.levels() ? stripLevels : 0;
    }

    /** The largest power of two of fine tokens whose ring of three strips fits {@link #RING_BYTES}. */
    static int stripTokensFor(int dim, int valueDim) {
        int bytesPerToken = 3 * Float.BYTES * (2 * dim + valueDim);
        return Integer.highestOneBit(Math.max(1, RING_BYTES / bytesPerToken));
    }

    private void runBlock(AttentionProblem problem, int h, int outputRow, Pyramid pyramid, LevelStates parents,
                          LevelStates own, int level, int block, int blocks, SoftmaxTile tile, float[] out,
                          float[] rowOffsets, float[] rowDenominators) {
        AttentionSpec spec = problem.spec();
        int nr = spec.block();
        if (BlockScores.noValidRow(pyramid.weights(level), pyramid.weightIndex(level, block * nr), nr)) {
            if (level > 0) {
                own.storeEmpty(level, block * nr, nr);
            } else {
                writeZeros(spec, pyramid, outputRow, block * nr, out);
            }
            return;
        }
        scores.compute(problem, h, pyramid, level, block, blocks, tile);
        if (level == pyramid.levels - 1) {
            tile.clear(nr);
            tile.rescaleAndExponentiate(nr, tile.columns());
        } else {
            parents.continueChildren(level, block * nr, nr, tile.columns(), tile);
        }
        // a coarse level's segments are LEFT (-1) or RIGHT (+1), and BlockScores masked the half of each that the
        // level below computed: the side is the zeroHalves code of accumulateValues
        tile.accumulate(nr, pyramid.values(level), pyramid.weights(level), level > 0 ? tile.segmentSide : null);
        if (level > 0) {
            own.store(level, block * nr, nr, tile);
        } else {
            int rows = Math.min(nr, spec.length() - block * nr);
            tile.writeNormalized(rows, pyramid.weights(0), pyramid.weightIndex(0, block * nr), out,
                    (outputRow + block * nr) * spec.valueDim());
            if (rowOffsets != null && rows > 0) {
                // what the backward needs of each row: its final offset c_i and denominator D_i (section 11)
                System.arraycopy(tile.maxima, 0, rowOffsets, outputRow + block * nr, rows);
                System.arraycopy(tile.denominators(rows), 0, rowDenominators, outputRow + block * nr, rows);
            }
        }
    }

    private static void writeZeros(AttentionSpec spec, Pyramid pyramid, int outputRow, int firstToken,
                                   float[] out) {
        int rows = Math.min(pyramid.block, spec.length() - firstToken);
        if (rows > 0) {
            java.util.Arrays.fill(out, (outputRow + firstToken) * spec.valueDim(),
                    (outputRow + firstToken + rows) * spec.valueDim(), 0f);
        }
    }
}
