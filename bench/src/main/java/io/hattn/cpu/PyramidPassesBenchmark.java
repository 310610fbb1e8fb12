package io.hattn.cpu;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.benchmark.RandomInputs;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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
 * The two passes of the bidirectional hierarchical forward that read the inputs, on their own, against a plain read
 * of the same bytes: how far from the memory's rate the pyramid's construction runs (docs/performance.md). Batch 1,
 * 8 heads, d = dv = 64, Nr 16, the forward's strips (as {@link HierarchicalForward} chooses them), whole heads per
 * thread on one thread per core, as the forward runs them; the inputs (3 x 32 MiB at 16K) are far above the caches.
 * <ul>
 *   <li>{@code read}: a vector sum over q, k and v of every head, the yardstick;</li>
 *   <li>{@code build}: the build pass, {@link Pyramid#coarsenStripFromInputs} for every strip of every head;</li>
 *   <li>{@code load}: loading every strip into the ring, {@link Pyramid#loadStrip} (level 0's keys transposed, the
 *       ring's levels coarsened), as the strip pass does before each strip's blocks.</li>
 * </ul>
 * In package io.hattn.cpu, beside the classes it measures: they are not public API.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g",
    "-XX:+UseTransparentHugePages"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 8, time = 1)
@State(Scope.Benchmark)
public class PyramidPassesBenchmark {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int HEADS = 8;
    private static final int DIM = 64;
    private static final int BLOCK = 16;

    @Param({"16384"})
    public int length;

    @Param({"read", "build", "load"})
    public String pass;

    private AttentionProblem problem;
    private Pyramid[] pyramids;
    private float[] sums;
    private ForkJoinPool pool;
    private ParallelRange parallel;

    @Setup(Level.Trial)
    public void setUp() {
        AttentionSpec spec = AttentionSpec.of(1, HEADS, length, DIM, BLOCK, false);
        problem = RandomInputs.problem(spec, 20240601L);
        int stripLevels = HierarchicalForward.stripLevels(spec, spec.hierarchy(),
                HierarchicalForward.STRIP_FROM_WIDTHS);
        int levels = spec.hierarchy().levels();
        if (stripLevels == 0 || spec.hierarchy().paddedLength() != length) {
            throw new IllegalArgumentException("length must be a power of two the forward runs in strips (at least "
                    + HierarchicalForward.MIN_STRIPS + " strips of " + HierarchicalForward.stripTokensFor(DIM, DIM)
                    + " tokens), got " + length);
        }
        pyramids = new Pyramid[HEADS];
        for (int h = 0; h < HEADS; h++) {
            pyramids[h] = new Pyramid(length, BLOCK, levels, stripLevels, DIM, DIM);
        }
        sums = new float[HEADS];
        pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
        parallel = new ParallelRange(pool);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdown();
    }

    @Benchmark
    public float[] run() {
        parallel.forEach(HEADS, 1, (from, to) -> {
            for (int h = from; h < to; h++) {
                sums[h] = runHead(h);
            }
        });
        return sums;
    }

    private float runHead(int h) {
        Pyramid pyramid = pyramids[h];
        int strips = length / pyramid.stripTokens();
        switch (pass) {
            case "read":
                return sumOfInputs(h * length * DIM, length * DIM);
            case "build":
                pyramid.attach(problem, 0, h);
                for (int s = 0; s < strips; s++) {
                    pyramid.coarsenStripFromInputs(problem, 0, h, s);
                }
                return 0f;
            case "load":
                pyramid.attach(problem, 0, h);
                float[] inverseCount = new float[BLOCK];
                for (int s = 0; s < strips; s++) {
                    pyramid.loadStrip(problem, 0, h, s, inverseCount);
                }
                return 0f;
            default:
                throw new IllegalArgumentException("pass must be read, build or load, got " + pass);
        }
    }

    private float sumOfInputs(int offset, int count) {
        float[] q = problem.q();
        float[] k = problem.k();
        float[] v = problem.v();
        FloatVector a = FloatVector.zero(SPECIES);
        FloatVector b = a;
        FloatVector c = a;
        for (int i = offset; i < offset + count; i += SPECIES.length()) {
            a = a.add(FloatVector.fromArray(SPECIES, q, i));
            b = b.add(FloatVector.fromArray(SPECIES, k, i));
            c = c.add(FloatVector.fromArray(SPECIES, v, i));
        }
        return a.add(b).add(c).reduceLanes(VectorOperators.ADD);
    }
}
