package io.hattn.bench;

import io.hattn.attention.AttentionBackend;
import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.Backends;
import io.hattn.benchmark.RandomInputs;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The shape and inputs shared by the forward benchmarks: the CPU backend, random inputs made once per trial with
 * {@link RandomInputs} (fixed seed) and a preallocated output, so that a measured call does the attention only.
 * Subclasses declare the lengths they sweep.
 */
@State(Scope.Benchmark)
public abstract class ForwardState {

    /** Seed of {@link RandomInputs#problem}: every run sees the same numbers. */
    static final long SEED = 20240601L;

    @Param({"false", "true"})
    public boolean causal;

    @Param({"1"})
    public int batch;

    @Param({"8"})
    public int heads;

    @Param({"64"})
    public int dim;

    @Param({"16"})
    public int block;

    protected AttentionBackend backend;
    protected AttentionProblem problem;
    protected float[] out;

    /** The sequence length of this trial. */
    protected abstract int length();

    @Setup(Level.Trial)
    public void setUp() {
        AttentionSpec spec = AttentionSpec.of(batch, heads, length(), dim, block, causal);
        problem = RandomInputs.problem(spec, SEED);
        out = new float[problem.outputElements()];
        backend = Backends.open("cpu", null);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
    }
}
