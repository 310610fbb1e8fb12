package io.hattn.cpu;

import io.hattn.attention.AttentionBackend;
import io.hattn.attention.AttentionGradients;
import io.hattn.attention.AttentionProblem;
import io.hattn.attention.FiniteResult;
import io.hattn.attention.SavedForward;
import java.util.concurrent.ForkJoinPool;

/**
 * The embedded default backend: blocked per level, Vector API, parallel over blocks on its own fork/join pool.
 * One call at a time per instance (each call uses every thread); buffers are kept per shape between calls.
 */
public final class CpuBackend implements AttentionBackend {

    public static final String NAME = "cpu";

    private final ForkJoinPool pool;
    private final ParallelRange parallel;
    private final HierarchicalForward hierarchical;
    private final ExactForward exact;
    private final HierarchicalBackward hierarchicalBackward;
    private final ExactBackward exactBackward;

    public CpuBackend(int threads) {
        this(threads, HierarchicalForward.STRIP_FROM_WIDTHS);
    }

    /**
     * With a chosen strip length (fine tokens per strip of the finer levels), for tests of the strip path and
     * measurements; {@link HierarchicalForward#STRIP_FROM_WIDTHS} chooses it from the heads' widths.
     */
    CpuBackend(int threads, int stripTokens) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.pool = new ForkJoinPool(threads);
        this.parallel = new ParallelRange(pool);
        this.hierarchical = new HierarchicalForward(parallel, stripTokens);
        this.exact = new ExactForward(parallel);
        this.hierarchicalBackward = new HierarchicalBackward(parallel);
        this.exactBackward = new ExactBackward(parallel);
    }

    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String device() {
        return describeDevice(pool.getParallelism());
    }

    static String describeDevice(int threads) {
        return "Java " + Runtime.version().feature() + " " + Simd.describe() + ", " + threads + " threads, "
                + System.getProperty("os.arch");
    }

    @Override
    public synchronized void hierarchical(AttentionProblem problem, float[] out) {
        requireOutput(problem, out);
        requireOutputFinite(problem, hierarchical.run(problem, out));
    }

    @Override
    public synchronized void exact(AttentionProblem problem, float[] out) {
        requireOutput(problem, out);
        requireOutputFinite(problem, exact.run(problem, out));
    }

    /** No NaN or infinity is returned silently (float32 overflow of finite inputs): checked as the rows are written. */
    private static void requireOutputFinite(AttentionProblem problem, boolean outputFinite) {
        if (!outputFinite) {
            throw FiniteResult.diagnose(problem);
        }
    }

    /** The same rule for the gradients, which are scanned afterwards on every thread. */
    private void requireAllFinite(AttentionProblem problem, float[] out) {
        int chunk = 1 << 16;
        java.util.concurrent.atomic.AtomicBoolean finite = new java.util.concurrent.atomic.AtomicBoolean(true);
        parallel.forEach((out.length + chunk - 1) / chunk, 1, (from, to) -> {
            if (!FiniteResult.allFinite(out, from * chunk, Math.min(out.length, to * chunk))) {
                finite.set(false);
            }
        });
        if (!finite.get()) {
            throw FiniteResult.diagnose(problem);
        }
    }

    /** The forward, keeping each row's offset c_i and denominator D_i besides the output (section 11). */
    @Override
    public synchronized SavedForward hierarchicalForBackward(AttentionProblem problem) {
        float[] out = new float[problem.outputElements()];
        float[] offsets = new float[problem.spec().headCount() * problem.spec().length()];
        float[] denominators = new float[offsets.length];
        requireOutputFinite(problem, hierarchical.run(problem, out, offsets, denominators));
        return new SavedForward(NAME, problem, false, out, offsets, denominators);
    }

    @Override
    public synchronized SavedForward exactForBackward(AttentionProblem problem) {
        float[] out = new float[problem.outputElements()];
        float[] offsets = new float[problem.spec().headCount() * problem.spec().length()];
        float[] denominators = new float[offsets.length];
        requireOutputFinite(problem, exact.run(problem, out, offsets, denominators));
        return new SavedForward(NAME, problem, true, out, offsets, denominators);
    }

    @Override
    public synchronized AttentionGradients backward(SavedForward saved, float[] dOut) {
        SavedForward.requireFor(NAME, saved, dOut);
        AttentionGradients gradients = saved.exact() ? exactBackward.run(saved, dOut)
                : hierarchicalBackward.run(saved, dOut);
        requireAllFinite(saved.problem(), gradients.dq());
        requireAllFinite(saved.problem(), gradients.dk());
        requireAllFinite(saved.problem(), gradients.dv());
        return gradients;
    }

    @Override
    public synchronized void close() {
        hierarchical.release();
        exact.release();
        hierarchicalBackward.release();
        exactBackward.release();
        pool.shutdown();
    }

    private static void requireOutput(AttentionProblem problem, float[] out) {
        if (out == null || out.length != problem.outputElements()) {
            throw new IllegalArgumentException("out must have " + problem.outputElements() + " elements, got "
                    + (out == null ? "null" : out.length));
        }
    }
}
