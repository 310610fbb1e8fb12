package io.hattn.tornado;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.HierarchyShape;
import io.hattn.tornado.kernels.BlockScores;
import io.hattn.tornado.kernels.Bounds;
import io.hattn.tornado.kernels.Coarsen;
import io.hattn.tornado.kernels.CombineMaxima;
import io.hattn.tornado.kernels.KeyTiles;
import io.hattn.tornado.kernels.Levels;
import io.hattn.tornado.kernels.Numerators;
import io.hattn.tornado.kernels.Prolongation;
import io.hattn.tornado.kernels.SlotKeys;
import java.util.ArrayList;
import java.util.List;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.collections.VectorFloat8;

/**
 * Hierarchical attention for one shape as a single TaskGraph (docs/algorithm.md section 4), compiled and warmed up
 * once. Tasks: the coarsening pyramid, one launch per level; then, one launch each for level 0 (from the inputs)
 * and one for all levels >= 1 (from the pyramid): the keys transposed into {@link KeyTiles}, block scores with each
 * row's level maximum, and the exponentials with numerators and denominators; then, level by level from the
 * coarsest down, the maxima combined with the parent's and prolongation, with the final division at level 0
 * (3M + 4 tasks for M > 1). Everything between inputs and output stays on the device, across calls too: per call
 * only q, k, v, the validity and the bias go in and the output comes back. A call with more heads than the plan
 * holds runs in chunks of heads. Memory per head O(L (d + Nr)).
 */
final class HierarchicalPlan implements DevicePlan {

    /** What the compiled kernels depend on. */
    record Shape(int length, int block, int dim, int valueDim, boolean causal, float scale, int heads) {

        static Shape of(AttentionSpec spec, int heads) {
            return new Shape(spec.length(), spec.block(), spec.dim(), spec.valueDim(), spec.causal(), spec.scale(),
                    heads);
        }
    }

    /** Host copies of the device buffers after a call of a plan built with {@code inspect} (tests). */
    record Intermediates(float[] coarseQueries, float[] coarseKeys, float[] coarseValues, int[] counts,
                         float[] scores, float[] rowMax, float[] denominators, float[] numerators,
                         float[] rowOffsets, float[] rowDenominators) {
    }

    private final Shape shape;
    private final int n;
    private final int levels;
    private final int allRows;
    private final int pyramidRows;
    private final VectorFloat8 queries;
    private final VectorFloat8 keys;
    private final VectorFloat8 values;
    private final IntArray counts;
    private final VectorFloat8 biasWindows;
    private final VectorFloat8 out;
    private final List<Object> inspected = new ArrayList<>();
    private final Grids grids;
    private final TornadoExecutionPlan plan;

    HierarchicalPlan(Shape shape, TornadoDevices.Selected device, WorkGroups groups, String name) {
        this(shape, device, groups, name, false);
    }

    /** With {@code inspect}, every intermediate buffer also comes back to the host after each call. */
    HierarchicalPlan(Shape shape, TornadoDevices.Selected device, WorkGroups groups, String name, boolean inspect) {
        this.shape = shape;
        HierarchyShape hierarchy = HierarchyShape.of(shape.length(), shape.block());
        n = hierarchy.paddedLength();
        levels = hierarchy.levels();
        allRows = Levels.allRows(n, shape.block());
        pyramidRows = Levels.pyramidRows(n, shape.block());
        int width8 = Packing.chunks8(shape.dim());
        int valueWidth8 = Packing.chunks8(shape.valueDim());
        int heads = shape.heads();
        int length = shape.length();

        queries = vectors(heads * n * width8);
        keys = vectors(heads * n * width8);
        values = vectors(heads * n * valueWidth8);
        counts = new IntArray(heads * allRows);
        counts.init(0);
        biasWindows = vectors(heads * (4 * shape.block() - 1));
        out = vectors(heads * length * valueWidth8);
        IntArray bounds = Bounds.hierarchical(width8, valueWidth8, shape.block());
        // `scores` holds level 0 first, then is reused for all levels >= 1 (fewer rows, half the tiles).
        VectorFloat8 scores = vectors(heads * n * SlotKeys.rowTiles(shape.block() / 2, true));
        FloatArray rowMax = zeros(heads * allRows);
        FloatArray denominators = zeros(heads * allRows);
        VectorFloat8 numerators = vectors(heads * allRows * valueWidth8);
        FloatArray rowOffsets = zeros(heads * allRows);
        FloatArray rowDenominators = zeros(heads * allRows);
        VectorFloat8 coarseQueries = vectors(levels > 1 ? heads * pyramidRows * width8 : 1);
        VectorFloat8 coarseKeys = vectors(levels > 1 ? heads * pyramidRows * width8 : 1);
        VectorFloat8 coarseValues = vectors(levels > 1 ? heads * pyramidRows * valueWidth8 : 1);
        int half = shape.block() / 2;
        int vectorsPerHalfBlock = KeyTiles.perHalfBlock(half) * KeyTiles.stride(width8);
        VectorFloat8 keyTiles = vectors(heads * (n / half) * vectorsPerHalfBlock);
        VectorFloat8 coarseKeyTiles = vectors(levels > 1 ? heads * (pyramidRows / half) * vectorsPerHalfBlock : 1);

        KernelContext context = new KernelContext();
        grids = new Grids(name, groups);
        TaskGraph graph = new TaskGraph(name)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, queries, keys, values, counts, biasWindows)
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, bounds, keyTiles, scores, rowMax,
                        denominators, numerators, rowOffsets, rowDenominators, out);
        Stages stages = new Stages(graph, context, bounds, scores, rowMax, denominators, numerators);

        if (levels > 1) {
            graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, coarseQueries, coarseKeys, coarseValues,
                    coarseKeyTiles);
            int queryMode = shape.causal() ? Coarsen.FIRST_CHILD : Coarsen.MEAN;
            int chunks = Math.max(width8, valueWidth8);
            graph.task("coarsen1", Coarsen::fromInputs, context, queries, keys, values, coarseQueries, coarseKeys,
                    coarseValues, counts, allRows, pyramidRows, n, queryMode, width8, valueWidth8);
            grids.volume("coarsen1", chunks, n >> 1, heads);
            for (int level = 2; level < levels; level++) {
                graph.task("coarsen" + level, Coarsen::withinPyramid, context, coarseQueries, coarseKeys,
                        coarseValues, counts, allRows, pyramidRows, n, level, queryMode, width8, valueWidth8);
                grids.volume("coarsen" + level, chunks, n >> level, heads);
            }
        }
        stages.levelTasks("Level0", queries, keys, keyTiles, values, n, 0, n, true);
        if (levels > 1) {
            stages.levelTasks("Levels", coarseQueries, coarseKeys, coarseKeyTiles, coarseValues, pyramidRows, n,
                    pyramidRows, false);
        }
        // from the coarsest level down: each level combines with its parent's maxima, then prolongs (in place above
        // level 0, into the output at level 0); the coarsest level's own sums are already combined
        for (int level = levels - 1; level >= 0; level--) {
            graph.task("combine" + level, CombineMaxima::combine, context, rowMax, denominators, rowOffsets,
                    rowDenominators, allRows, n, level, levels);
            grids.rows("combine" + level, n >> level, heads);
            if (level < levels - 1 || level == 0) {
                graph.task("prolong" + level, Prolongation::prolong, context, numerators, rowMax, rowOffsets,
                        rowDenominators, counts, out, allRows, n, level, levels, length, valueWidth8, bounds);
                grids.rows("prolong" + level, level == 0 ? length : n >> level, heads);
            }
        }
        graph.transferToHost(DataTransferMode.EVERY_EXECUTION, out);

        if (inspect) {
            inspected.addAll(List.of(coarseQueries, coarseKeys, coarseValues, counts, scores, rowMax, denominators,
                    numerators, rowOffsets, rowDenominators));
            graph.transferToHost(DataTransferMode.EVERY_EXECUTION, inspected.toArray());
        }
        plan = DevicePlan.compile(graph, device, grids);
    }

    /** The per-level tasks of one launch: level 0, or every level >= 1 at once. */
    private final class Stages {
        private final TaskGraph graph;
        private final KernelContext context;
        private final IntArray bounds;
        private final VectorFloat8 scores;
        private final FloatArray rowMax;
        private final FloatArray denominators;
        private final VectorFloat8 numerators;

        Stages(TaskGraph graph, KernelContext context, IntArray bounds, VectorFloat8 scores, FloatArray rowMax,
               FloatArray denominators, VectorFloat8 numerators) {
            this.graph = graph;
            this.context = context;
            this.bounds = bounds;
            this.scores = scores;
            this.rowMax = rowMax;
            this.denominators = denominators;
            this.numerators = numerators;
        }

        /**
         * The keys {@code k} transposed into {@code keyTiles}, then block scores, exponentials and numerators.
         *
         * @param rowsPerHead rows per head of q/k/v: n for the inputs, n - 2 Nr for the pyramid
         * @param arrayStart  the all-levels row where q/k/v begin: 0 for the inputs, n for the pyramid
         * @param rows        rows of this launch per head
         */
        void levelTasks(String suffix, VectorFloat8 q, VectorFloat8 k, VectorFloat8 keyTiles, VectorFloat8 v,
                        int rowsPerHead, int arrayStart, int rows, boolean level0) {
            int heads = shape.heads();
            int half = shape.block() / 2;
            int rowTiles = SlotKeys.rowTiles(half, level0);
            int flag = level0 ? 1 : 0;
            int width8 = Packing.chunks8(shape.dim());
            int valueWidth8 = Packing.chunks8(shape.valueDim());
            int biasPerHead = 4 * shape.block() - 1;
            int tilesPerHead = rowsPerHead / half * KeyTiles.perHalfBlock(half);
            graph.task("tiles" + suffix, KeyTiles::transpose, context, k, keyTiles, counts, allRows, arrayStart,
                    rowsPerHead, tilesPerHead, half, width8);
            grids.volume("tiles" + suffix, width8, tilesPerHead, heads);
            graph.task("scores" + suffix, BlockScores::scores, context, q, keyTiles, rowsPerHead, arrayStart, counts,
                    allRows, biasWindows, biasPerHead, scores, rowMax, rows, rowTiles, n, half, flag,
                    shape.causal() ? 1 : 0, width8, shape.scale(), bounds);
            grids.rows("scores" + suffix, rows / SlotKeys.rowsPerItem(half), heads);
            graph.task("numerators" + suffix, Numerators::numerators, context, scores, rowMax, rows, rowTiles, n,
                    half, flag, v, rowsPerHead, arrayStart, numerators, denominators, counts, allRows, valueWidth8,
                    bounds);
            grids.rows("numerators" + suffix, rows / SlotKeys.rowsPerItem(half), heads);
        }
    }

    /** Device bytes per head of a plan for this shape (all buffers). */
    static long bytesPerHead(int length, int block, int dim, int valueDim) {
        long n = HierarchyShape.of(length, block).paddedLength();
        long all = Levels.allRows((int) n, block);
        long pyramid = Levels.pyramidRows((int) n, block);
        long w = Packing.chunks8(dim) * (long) Packing.LANES;
        long wv = Packing.chunks8(valueDim) * (long) Packing.LANES;
        long half = block / 2;
        long tiles = (n + pyramid) / half * KeyTiles.perHalfBlock((int) half)
                * KeyTiles.stride(Packing.chunks8(dim)) * Packing.LANES;
        long scores = n * SlotKeys.rowTiles((int) half, true) * Packing.LANES;
        long floats = (n + pyramid) * (2 * w + wv) + tiles + scores + 5 * all + all * wv
                + length * wv + 4L * block * Packing.LANES;
        return floats * Float.BYTES;
    }

    /** Bytes per head of the largest single buffer (the numerators of all levels). */
    static long largestBufferPerHead(int length, int block, int valueDim) {
        long n = HierarchyShape.of(length, block).paddedLength();
        return Levels.allRows((int) n, block) * Packing.chunks8(valueDim) * (long) Packing.LANES * Float.BYTES;
    }

    @Override
    public long bytes() {
        return shape.heads() * bytesPerHead(shape.length(), shape.block(), shape.dim(), shape.valueDim());
    }

    @Override
    public void run(AttentionProblem problem, float[] output) {
        AttentionSpec spec = problem.spec();
        int total = spec.headCount();
        for (int first = 0; first < total; first += shape.heads()) {
            int heads = Math.min(shape.heads(), total - first);
            Packing.packTokens(problem, problem.q(), spec.dim(), first, heads, queries.getArray(), n);
            Packing.packTokens(problem, problem.k(), spec.dim(), first, heads, keys.getArray(), n);
            Packing.packTokens(problem, problem.v(), spec.valueDim(), first, heads, values.getArray(), n);
            Packing.packValidity(problem, first, heads, counts, allRows);
            Packing.packBiasWindows(problem, first, heads, biasWindows.getArray());
            grids.heads(heads);
            plan.execute();
            Packing.unpackTokens(out.getArray(), spec.valueDim(), spec.length(), first, heads, output);
        }
    }

    /** The intermediates of the last call; only for a plan built with {@code inspect}. */
    Intermediates intermediates() {
        if (inspected.isEmpty()) {
            throw new IllegalStateException("this plan was built without inspect");
        }
        return new Intermediates(floats(0), floats(1), floats(2), ((IntArray) inspected.get(3)).toHeapArray(),
                floats(4), floats(5), floats(6), floats(7), floats(8), floats(9));
    }

    private float[] floats(int index) {
        Object buffer = inspected.get(index);
        return buffer instanceof VectorFloat8 vectors ? vectors.getArray().toHeapArray()
                : ((FloatArray) buffer).toHeapArray();
    }

    @Override
    public void close() {
        DevicePlan.release(plan);
    }

    private static VectorFloat8 vectors(int count) {
        return new VectorFloat8(zeros(count * Packing.LANES));
    }

    private static FloatArray zeros(int count) {
        FloatArray array = new FloatArray(Math.max(1, count));
        array.init(0f);
        return array;
    }
}
