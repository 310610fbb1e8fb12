package io.hattn.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One exact (dense softmax) forward call of the CPU backend, the same shape as
 * {@link HierarchicalForwardBenchmark}, L up to 16K (O(L^2): about 6 s per call at 16K on 2 cores). Average
 * time per call over 1 s iterations; at 16K each iteration is a single call, so the few iterations here are
 * 2 warmup and 3 measured calls.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx18g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ExactForwardBenchmark {

    @Param({"1024", "4096", "16384"})
    public int length;

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

    private ForwardState state;

    @Setup(Level.Trial)
    public void setUp() {
        state = new ForwardState(batch, heads, length, dim, block, causal);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        state.close();
    }

    @Benchmark
    public float[] forward() {
        state.backend.exact(state.problem, state.out);
        return state.out;
    }
}
