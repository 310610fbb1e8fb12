package io.hattn.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One exact (dense softmax) forward call of the CPU backend, the same shape as
 * {@link HierarchicalForwardBenchmark}, L up to 16K (O(L^2): seconds per call at 16K on 2 cores). Average
 * time per call over 1 s iterations; at 16K each iteration is a single call, so the few iterations here are
 * 2 warmup and 3 measured calls.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx18g",
    "-XX:+UseTransparentHugePages"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ExactForwardBenchmark extends ForwardState {

    @Param({"1024", "4096", "16384"})
    public int length;

    @Override
    protected int length() {
        return length;
    }

    @Benchmark
    public float[] forward() {
        backend.exact(problem, out);
        return out;
    }
}
