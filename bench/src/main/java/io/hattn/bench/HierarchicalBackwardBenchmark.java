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
 * The hierarchical backward of the CPU backend (docs/algorithm.md section 11) beside its forward, in the same
 * run and shape as {@link HierarchicalForwardBenchmark} (batch 1, 8 heads, d 64, Nr 16, L 1K to 1M, both modes):
 * {@code backward} is one {@code backward(saved, dOut)} call (the saved forward is made once per trial),
 * {@code forward} one plain forward call, so their ratio comes from one JMH run. The backward allocates its
 * three gradient arrays per call, as the API returns them. At L = 1M the heap must hold q, k, v, out, dOut and
 * the gradients (2 GiB each) plus the workspace.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx20g",
    "-XX:+UseTransparentHugePages"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HierarchicalBackwardBenchmark extends BackwardState {

    @Param({"1024", "4096", "16384", "65536", "262144", "1048576"})
    public int length;

    @Override
    protected int length() {
        return length;
    }

    @Override
    protected SavedForward save() {
        return backend.hierarchicalForBackward(problem);
    }

    @Benchmark
    public AttentionGradients backward() {
        return backend.backward(saved, dOut);
    }

    @Benchmark
    public float[] forward() {
        backend.hierarchical(problem, out);
        return out;
    }
}
