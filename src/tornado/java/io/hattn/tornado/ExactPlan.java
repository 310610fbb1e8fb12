package io.hattn.tornado;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.tornado.kernels.Bounds;
import io.hattn.tornado.kernels.ExactAttention;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.collections.VectorFloat8;

/** Exact softmax attention for one shape on the device: one task, {@link ExactAttention}. */
final class ExactPlan implements DevicePlan {

    record Shape(int length, int dim, int valueDim, boolean causal, float scale, int heads) {

        static Shape of(AttentionSpec spec, int heads) {
            return new Shape(spec.length(), spec.dim(), spec.valueDim(), spec.causal(), spec.scale(), heads);
        }
    }

    private final Shape shape;
    private final VectorFloat8 queries;
    private final VectorFloat8 keys;
    private final VectorFloat8 values;
    private final IntArray valid;
    private final VectorFloat8 out;
    private final Grids grids;
    private final TornadoExecutionPlan plan;

    ExactPlan(Shape shape, TornadoDevices.Selected device, WorkGroups groups, String name) {
        this.shape = shape;
        int length = shape.length();
        int heads = shape.heads();
        int width8 = Packing.chunks8(shape.dim());
        int valueWidth8 = Packing.chunks8(shape.valueDim());
        queries = vectors(heads * length * width8);
        keys = vectors(heads * length * width8);
        values = vectors(heads * length * valueWidth8);
        valid = new IntArray(heads * length);
        valid.init(0);
        out = vectors(heads * length * valueWidth8);
        FloatArray tileScores = new FloatArray(heads * length * ExactAttention.TILE);
        tileScores.init(0f);

        IntArray bounds = Bounds.exact(width8, valueWidth8, ExactAttention.TILE);
        grids = new Grids(name, groups);
        TaskGraph graph = new TaskGraph(name)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, queries, keys, values, valid)
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, bounds, tileScores, out)
                .task("exact", ExactAttention::attend, new KernelContext(), queries, keys, values, valid,
                        tileScores, out, length, shape.causal() ? 1 : 0, width8, valueWidth8, shape.scale(), bounds)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        grids.rows("exact", length, heads);
        plan = DevicePlan.compile(graph, device, grids);
    }

    static long bytesPerHead(int length, int dim, int valueDim) {
        long w = Packing.chunks8(dim) * (long) Packing.LANES;
        long wv = Packing.chunks8(valueDim) * (long) Packing.LANES;
        return (long) length * (2 * w + 2 * wv + 1 + ExactAttention.TILE) * Float.BYTES;
    }

    @Override
    public long bytes() {
        return shape.heads() * bytesPerHead(shape.length(), shape.dim(), shape.valueDim());
    }

    @Override
    public void run(AttentionProblem problem, float[] output) {
        AttentionSpec spec = problem.spec();
        int total = spec.headCount();
        int length = spec.length();
        for (int first = 0; first < total; first += shape.heads()) {
            int heads = Math.min(shape.heads(), total - first);
            Packing.packTokens(problem, problem.q(), spec.dim(), first, heads, queries.getArray(), length);
            Packing.packTokens(problem, problem.k(), spec.dim(), first, heads, keys.getArray(), length);
            Packing.packTokens(problem, problem.v(), spec.valueDim(), first, heads, values.getArray(), length);
            Packing.packValidity(problem, first, heads, valid, length);
            grids.heads(heads);
            plan.execute();
            Packing.unpackTokens(out.getArray(), spec.valueDim(), length, first, heads, output);
        }
    }

    @Override
    public void close() {
        DevicePlan.release(plan);
    }

    private static VectorFloat8 vectors(int count) {
        FloatArray array = new FloatArray(Math.max(1, count) * Packing.LANES);
        array.init(0f);
        return new VectorFloat8(array);
    }
}
