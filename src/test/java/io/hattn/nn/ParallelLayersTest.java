package io.hattn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The element-wise layers split their rows over threads: on inputs large enough to be split, two threads give
 * what one gives. Rows are computed whole by one thread, so outputs and input gradients agree bit for bit; the
 * norm's gain and bias gradients are sums over rows, added per thread and then in thread order, so they agree to
 * float rounding. Width 72 is not a multiple of the vector length, so the scalar tails run too.
 */
class ParallelLayersTest {

    private static final ForkJoinPool ONE = new ForkJoinPool(1);
    private static final ForkJoinPool TWO = new ForkJoinPool(2);
    private static final int ROWS = 4099;
    private static final int WIDTH = 72;

    @AfterAll
    static void close() {
        ONE.shutdown();
        TWO.shutdown();
    }

    @Test
    void theInputsAreLargeEnoughToBeSplit() {
        assertEquals(2, new ParallelChunks(TWO).parts(ROWS, (long) ROWS * WIDTH));
    }

    @Test
    void layerNormOnTwoThreadsIsLayerNormOnOne() {
        float[][] serial = layerNorm(ONE);
        float[][] parallel = layerNorm(TWO);
        assertArrayEquals(serial[0], parallel[0], "outputs");
        assertArrayEquals(serial[1], parallel[1], "input gradients");
        // sums of 4,099 float terms in another order: measured apart by 1.6e-6 relative (3.0e-5 near 0.5)
        for (int i = 0; i < serial[2].length; i++) {
            assertEquals(serial[2][i], parallel[2][i], 1e-5 * Math.abs(serial[2][i]) + 1e-4, "gain/bias gradient " + i);
        }
    }

    @Test
    void geluOnTwoThreadsIsGeluOnOne() {
        int count = ROWS * WIDTH;
        float[] x = GradientCheck.gaussian(count, 3, 3);
        float[] dy = GradientCheck.gaussian(count, 4, 1);
        float[][] results = new float[4][count];
        Gelu.forward(new ParallelChunks(ONE), x, count, results[0]);
        Gelu.forward(new ParallelChunks(TWO), x, count, results[1]);
        Gelu.backward(new ParallelChunks(ONE), x, dy, count, results[2]);
        Gelu.backward(new ParallelChunks(TWO), x, dy, count, results[3]);
        assertArrayEquals(results[0], results[1], "forward");
        assertArrayEquals(results[2], results[3], "backward");
    }

    @Test
    void theDropoutMaskDoesNotDependOnTheThreads() {
        int count = ROWS * WIDTH;
        float[] x = GradientCheck.gaussian(count, 5, 1);
        float[] serial = new float[count];
        float[] parallel = new float[count];
        new Dropout(0.1f, 7, 2, new ParallelChunks(ONE)).forward(x, count, serial, true, 11);
        new Dropout(0.1f, 7, 2, new ParallelChunks(TWO)).forward(x, count, parallel, true, 11);
        assertArrayEquals(serial, parallel);
        int dropped = 0;
        for (float value : parallel) {
            dropped += value == 0f ? 1 : 0;
        }
        assertEquals(0.1, dropped / (double) count, 0.005, "dropped share of " + count);
    }

    /** Output, input gradient, then gain and bias gradients of one forward and backward. */
    private static float[][] layerNorm(ForkJoinPool pool) {
        Parameters parameters = new Parameters();
        LayerNorm norm = new LayerNorm(parameters, "ln", WIDTH, new ParallelChunks(pool));
        parameters.allocate();
        System.arraycopy(GradientCheck.gaussian(2 * WIDTH, 1, 0.5), 0, parameters.values(), 0, 2 * WIDTH);
        float[] x = GradientCheck.gaussian(ROWS * WIDTH, 2, 2);
        float[] dy = GradientCheck.gaussian(ROWS * WIDTH, 6, 1);
        float[] y = new float[x.length];
        float[] dx = new float[x.length];
        norm.forward(x, ROWS, y);
        norm.backward(x, dy, ROWS, dx);
        return new float[][] {y, dx, parameters.gradients().clone()};
    }
}
