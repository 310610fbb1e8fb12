package io.hattn.nn;

import io.hattn.testing.Tolerance;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Both implementations of the three products against plain double sums, on shapes with tails in every
 * dimension (rows, columns and depth not multiples of the tiles) and on one or two threads. Also run with the
 * scalar bodies and the narrow tiles (pom executions). Float32 sums of up to 300 unit-scale products: measured
 * worst |diff| 2.4e-5 (the forward at depth 300, both implementations), 6.3e-5 on an entry of 75 (8e-7
 * relative), relative L2 2.2e-7; bounds 2x above.
 */
class MatrixProductsTest {

    private static final Tolerance FLOAT = Tolerance.of(5e-5, 1.5e-6, 5e-7, 2e-4);
    private static final ForkJoinPool ONE = new ForkJoinPool(1);
    private static final ForkJoinPool TWO = new ForkJoinPool(2);

    @AfterAll
    static void close() {
        ONE.shutdown();
        TWO.shutdown();
    }

    @ParameterizedTest(name = "{0}: rows {1}, in {2}, out {3}, threads {4}")
    @CsvSource({"vector,1,1,1,1", "vector,7,13,11,2", "vector,37,64,96,2", "vector,300,128,384,2",
        "vector,9,300,5,1", "vector,23,40,300,2", "vector,10,17,35,1", "blas,7,13,11,2", "blas,300,128,384,2", "blas,9,300,5,1"})
    void productsEqualTheirSums(String name, int rows, int in, int out, int threads) {
        MatrixProducts products = MatrixProducts.create(name, threads == 1 ? ONE : TWO);
        float[] x = GradientCheck.gaussian(rows * in, 1, 1);
        float[] w = GradientCheck.gaussian(3 + out * in, 2, 1); // at an offset of 3
        float[] bias = GradientCheck.gaussian(2 + out, 3, 1); // at an offset of 2
        float[] dy = GradientCheck.gaussian(rows * out, 4, 1);

        float[] y = new float[rows * out];
        products.forward(x, rows, in, w, 3, bias, 2, out, y);
        double[] expectedY = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double sum = bias[2 + o];
                for (int i = 0; i < in; i++) {
                    sum += (double) x[r * in + i] * w[3 + o * in + i];
                }
                expectedY[r * out + o] = sum;
            }
        }
        FLOAT.assertClose(name + " forward", expectedY, y);

        float[] dx = GradientCheck.gaussian(rows * in, 5, 1);
        double[] expectedDx = new double[rows * in];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < in; i++) {
                double sum = dx[r * in + i];
                for (int o = 0; o < out; o++) {
                    sum += (double) dy[r * out + o] * w[3 + o * in + i];
                }
                expectedDx[r * in + i] = sum;
            }
        }
        products.backwardInput(dy, rows, out, w, 3, in, dx, true);
        FLOAT.assertClose(name + " backward input", expectedDx, dx);

        float[] dw = GradientCheck.gaussian(1 + out * in, 6, 1); // at an offset of 1, accumulated into
        float[] dBias = GradientCheck.gaussian(out, 7, 1);
        double[] expectedDw = new double[1 + out * in];
        double[] expectedDBias = new double[out];
        expectedDw[0] = dw[0];
        for (int o = 0; o < out; o++) {
            expectedDBias[o] = dBias[o];
            for (int r = 0; r < rows; r++) {
                expectedDBias[o] += dy[r * out + o];
            }
            for (int i = 0; i < in; i++) {
                double sum = dw[1 + o * in + i];
                for (int r = 0; r < rows; r++) {
                    sum += (double) dy[r * out + o] * x[r * in + i];
                }
                expectedDw[1 + o * in + i] = sum;
            }
        }
        products.backwardWeights(dy, x, rows, in, out, dw, 1, dBias, 0);
        FLOAT.assertClose(name + " backward weights", expectedDw, dw);
        FLOAT.assertClose(name + " bias", expectedDBias, dBias);
    }
}
