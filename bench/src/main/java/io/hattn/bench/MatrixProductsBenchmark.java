package io.hattn.bench;

import io.hattn.nn.MatrixProducts;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
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
 * The linear layers' products on the training shapes (batch 4 x L 2048 = 8192 rows; width 128, MLP 256): netlib
 * BLAS against hattn's own Vector API kernel, on every core. GFLOP/s = 2 rows in out / time. Chooses
 * {@link MatrixProducts#DEFAULT}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class MatrixProductsBenchmark {

    @Param({"blas", "vector"})
    public String products;

    /** in x out of the layer: Q/K/V projection, output projection, MLP up, MLP down. */
    @Param({"128x384", "128x128", "128x256", "256x128"})
    public String shape;

    @Param({"8192"})
    public int rows;

    /** Threads of the products' pool; 0 is one per core (the training default). 1 shows the kernel alone. */
    @Param({"0"})
    public int threads;

    private ForkJoinPool pool;
    private MatrixProducts implementation;
    private int in;
    private int out;
    private float[] x;
    private float[] w;
    private float[] bias;
    private float[] y;
    private float[] dy;
    private float[] dx;
    private float[] dw;
    private float[] dBias;

    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = shape.split("x");
        in = Integer.parseInt(parts[0]);
        out = Integer.parseInt(parts[1]);
        pool = new ForkJoinPool(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
        implementation = MatrixProducts.create(products, pool);
        SplittableRandom random = new SplittableRandom(1);
        x = fill(rows * in, random);
        w = fill(out * in, random);
        bias = fill(out, random);
        y = new float[rows * out];
        dy = fill(rows * out, random);
        dx = new float[rows * in];
        dw = new float[out * in];
        dBias = new float[out];
        System.out.println("# products: " + implementation.describe());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdown();
    }

    private static float[] fill(int count, SplittableRandom random) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (random.nextDouble() - 0.5);
        }
        return values;
    }

    @Benchmark
    public float[] forward() {
        implementation.forward(x, rows, in, w, 0, bias, 0, out, y);
        return y;
    }

    @Benchmark
    public float[] backwardInput() {
        implementation.backwardInput(dy, rows, out, w, 0, in, dx, false);
        return dx;
    }

    @Benchmark
    public float[] backwardWeights() {
        implementation.backwardWeights(dy, x, rows, in, out, dw, 0, dBias, 0);
        return dw;
    }
}
