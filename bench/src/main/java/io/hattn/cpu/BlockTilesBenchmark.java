package io.hattn.cpu;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The FMA tiles of one finest bidirectional block on their own, on one thread with everything in L1: Nr = 16 query
 * rows against three key blocks of 16 (left, diagonal, right), d = dv = 64, the kernels and call shapes the forward
 * uses ({@link TileKernels#scores}, and {@link TileKernels#accumulateValuesTransposed} on weights laid out by lanes
 * as {@link SoftmaxTile} leaves them). Each takes 2 x 16 x 48 x 64 = 98,304 FLOPs per block, so GFLOP/s = 98,304 /
 * (ns per block); set it beside one core's share of {@code FmaPeakBenchmark} (its 2-thread figure over 2) to see
 * how far the tiles are from the peak before any cache miss (docs/performance.md). The blocks cycle through
 * {@code blocks} distinct query, key and value blocks (4: 48 KiB in all, in L1 of the machines seen).
 * In package io.hattn.cpu, beside the classes it measures: they are not public API.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 8, time = 1)
@State(Scope.Thread)
public class BlockTilesBenchmark {

    private static final int DIM = 64;
    private static final int BLOCK = 16;
    private static final int SEGMENTS = 3;
    private static final int COLUMNS = SEGMENTS * BLOCK;

    @Param({"scores", "values"})
    public String kernel;

    @Param({"4"})
    public int blocks;

    private float[] queries;
    private float[] keysTransposed;
    private float[] values;
    private float[] weightsByLanes;
    private float[] scores;
    private float[] numerators;
    private final int[] segmentBase = new int[SEGMENTS];
    private int next;

    @Setup
    public void setUp() {
        if (!kernel.equals("scores") && !kernel.equals("values")) {
            throw new IllegalArgumentException("kernel must be scores or values, got " + kernel);
        }
        if (blocks < SEGMENTS) {
            throw new IllegalArgumentException("blocks must be at least " + SEGMENTS + ", got " + blocks);
        }
        Random random = new Random(20240601L);
        queries = uniform(random, blocks * BLOCK * DIM);
        keysTransposed = uniform(random, blocks * BLOCK * DIM);
        values = uniform(random, blocks * BLOCK * DIM);
        weightsByLanes = uniform(random, COLUMNS * BLOCK);
        scores = new float[BLOCK * COLUMNS];
        numerators = new float[BLOCK * DIM];
    }

    private static float[] uniform(Random random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = random.nextFloat() - 0.5f;
        }
        return values;
    }

    @Benchmark
    public float[] block() {
        int block = next;
        next = (next + 1) % blocks;
        for (int g = 0; g < SEGMENTS; g++) {
            segmentBase[g] = (block + g) % blocks * BLOCK * DIM;
        }
        if (kernel.equals("scores")) {
            TileKernels.scores(queries, block * BLOCK * DIM, BLOCK, DIM, 0.125f, keysTransposed, segmentBase,
                    SEGMENTS, BLOCK, scores, COLUMNS);
            return scores;
        }
        TileKernels.accumulateValuesTransposed(weightsByLanes, BLOCK, segmentBase, SEGMENTS, BLOCK, values, DIM,
                numerators, null);
        return numerators;
    }
}
