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
 * One hierarchical forward call of the CPU backend (docs/algorithm.md sections 1-7): batch 1, 8 heads, d 64, Nr 16,
 * L from 1K to 1M, bidirectional and causal. Average time per call; an iteration lasts at least 1 s, so at the
 * largest L (seconds per call) each iteration is a single call. The heap must hold q, k, v and out (2 GiB each
 * at L = 1M) plus the backend's workspace.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx18g",
    "-XX:+UseTransparentHugePages"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HierarchicalForwardBenchmark extends ForwardState {

    @Param({"1024", "4096", "16384", "65536", "262144", "1048576"})
    public int length;

    @Override
    protected int length() {
        return length;
    }

    @Benchmark
    public float[] forward() {
        backend.hierarchical(problem, out);
        return out;
    }
}
