package io.hattn.nn;

import java.util.Locale;
import java.util.concurrent.ForkJoinPool;

/**
 * The three products of a linear layer on row-major flat arrays, on every core (the rows, or the output
 * features, split into one chunk per thread, so results depend on the thread count only). Two
 * implementations: {@link BlasProducts} ({@code dev.ludovic.netlib:blas}, native BLAS where installed, its
 * Vector API path otherwise) and {@link VectorProducts} (hattn's own Vector API kernel); {@link #create} picks
 * by name, and the README records which was faster on the training shapes.
 */
public interface MatrixProducts {

    /** The default, the faster on the training shapes as measured (MatrixProductsBenchmark in bench/). */
    String DEFAULT = "vector";

    static MatrixProducts create(String name, ForkJoinPool pool) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "blas":
                return new BlasProducts(pool);
            case "vector":
                return new VectorProducts(pool);
            default:
                throw new IllegalArgumentException("matrix products must be blas or vector, got '" + name + "'");
        }
    }

    static MatrixProducts create(ForkJoinPool pool) {
        return create(DEFAULT, pool);
    }

    /** The threads the products run on; the layers run their element-wise work on the same pool. */
    ForkJoinPool pool();

    /** The implementation and threads, printed beside results. */
    String describe();

    /** y[rows, out] = x[rows, in] W[out, in]^T (+ bias[out]); y is overwritten. */
    void forward(float[] x, int rows, int in, float[] w, int wOffset, float[] bias, int biasOffset, int out,
                 float[] y);

    /** dx[rows, in] (+)= dy[rows, out] W[out, in]; {@code accumulate} adds to dx instead of overwriting it. */
    void backwardInput(float[] dy, int rows, int out, float[] w, int wOffset, int in, float[] dx, boolean accumulate);

    /** dW[out, in] += dy[rows, out]^T x[rows, in], and dBias[out] += the column sums of dy when given. */
    void backwardWeights(float[] dy, float[] x, int rows, int in, int out, float[] dw, int dwOffset, float[] dBias,
                         int dBiasOffset);
}
