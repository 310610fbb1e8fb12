package io.hattn.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * This machine's float32 FMA peak through the Vector API, the yardstick for "% of FMA peak": on every core,
 * {@value #ACCUMULATORS} independent {@code FloatVector.SPECIES_PREFERRED} accumulators, each updated by
 * {@code a = a * b + c} {@value #STEPS} times per call (enough independent chains to cover FMA latency on two
 * FMA ports), then summed into a {@link Blackhole} so the JIT cannot drop the loop. The secondary metric
 * {@code flops} (ops/s, summed over threads) is FLOP/s, 2 per lane per FMA; JmhToCsv converts it to GFLOP/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Threads(Threads.MAX)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
public class FmaPeakBenchmark {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    public static final int ACCUMULATORS = 12;
    public static final int STEPS = 4096;
    /** FLOPs of one {@link #fma} call: an FMA is 2 FLOPs per lane. */
    public static final long FLOPS_PER_CALL = 2L * SPECIES.length() * ACCUMULATORS * STEPS;

    /** Read from fields so the JIT cannot constant-fold the chains; a converges to c / (1 - b), no denormals. */
    public float start = 1.0f;
    public float multiplier = 0.999f;
    public float addend = 0.001f;

    /** FLOPs done, reported by JMH as a rate (ops/s) beside the calls per second. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Flops {
        public long flops;

        @Setup(Level.Iteration)
        public void reset() {
            flops = 0;
        }
    }

    @Benchmark
    public void fma(Flops counter, Blackhole blackhole) {
        FloatVector b = FloatVector.broadcast(SPECIES, multiplier);
        FloatVector c = FloatVector.broadcast(SPECIES, addend);
        FloatVector a0 = FloatVector.broadcast(SPECIES, start);
        FloatVector a1 = FloatVector.broadcast(SPECIES, start + 1);
        FloatVector a2 = FloatVector.broadcast(SPECIES, start + 2);
        FloatVector a3 = FloatVector.broadcast(SPECIES, start + 3);
        FloatVector a4 = FloatVector.broadcast(SPECIES, start + 4);
        FloatVector a5 = FloatVector.broadcast(SPECIES, start + 5);
        FloatVector a6 = FloatVector.broadcast(SPECIES, start + 6);
        FloatVector a7 = FloatVector.broadcast(SPECIES, start + 7);
        FloatVector a8 = FloatVector.broadcast(SPECIES, start + 8);
        FloatVector a9 = FloatVector.broadcast(SPECIES, start + 9);
        FloatVector a10 = FloatVector.broadcast(SPECIES, start + 10);
        FloatVector a11 = FloatVector.broadcast(SPECIES, start + 11);
        for (int i = 0; i < STEPS; i++) {
            a0 = a0.fma(b, c);
            a1 = a1.fma(b, c);
            a2 = a2.fma(b, c);
            a3 = a3.fma(b, c);
            a4 = a4.fma(b, c);
            a5 = a5.fma(b, c);
            a6 = a6.fma(b, c);
            a7 = a7.fma(b, c);
            a8 = a8.fma(b, c);
            a9 = a9.fma(b, c);
            a10 = a10.fma(b, c);
            a11 = a11.fma(b, c);
        }
        FloatVector sum = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10)
                .add(a11);
        blackhole.consume(sum.reduceLanes(jdk.incubator.vector.VectorOperators.ADD));
        counter.flops += FLOPS_PER_CALL;
    }
}
