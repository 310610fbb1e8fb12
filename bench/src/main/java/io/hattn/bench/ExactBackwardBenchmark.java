package io.hattn.bench;

import io.hattn.attention.AttentionGradients;
import io.hattn.attention.SavedForward;
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
 * Exact attention's backward on the CPU backend (flash style: scores recomputed per tile pair, no L x L matrix),
 * the same shape as {@link HierarchicalBackwardBenchmark}, L up to 16K (O(L^2): minutes per call at 16K on 2
 * busy cores, so 1 warmup and 2 measured calls).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx18g",
    "-XX:+UseTransparentHugePages"})
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 2, time = 1)
public class ExactBackwardBenchmark extends BackwardState {

    @Param({"1024", "4096", "16384"})
    public int length;

    @Override
    protected int length() {
        return length;
    }

    @Override
    protected SavedForward save() {
        return backend.exactForBackward(problem);
    }

    @Benchmark
    public AttentionGradients backward() {
        return backend.backward(saved, dOut);
    }
}
