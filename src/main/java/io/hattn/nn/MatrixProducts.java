package io.hattn.nn;

import dev.ludovic.netlib.blas.BLAS;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The three products of a linear layer on row-major flat arrays, on every core: the rows (or output features)
 * are split into one chunk per thread and each chunk is one BLAS sgemm call ({@code dev.ludovic.netlib:blas}:
 * native BLAS where one is installed, its Vector API Java path otherwise). Row-major X is column-major X^T, which
 * is how the transposes below are chosen.
 */
public final class MatrixProducts {

    /** Below this many multiply-adds a product runs on the calling thread: a fork would cost more. */
    private static final long PARALLEL_WORK = 1L << 18;

    private final BLAS blas = BLAS.getInstance();
    private final ForkJoinPool pool;

    public MatrixProducts(ForkJoinPool pool) {
        this.pool = pool;
    }

    /** The BLAS implementation that runs, e.g. "VectorBLAS", printed beside results. */
    public String describe() {
        return blas.getClass().getSimpleName() + ", " + pool.getParallelism() + " threads";
    }

    /** y[rows, out] = x[rows, in] W[out, in]^T (+ bias[out]); y is overwritten. */
    public void forward(float[] x, int rows, int in, float[] w, int wOffset, float[] bias, int biasOffset, int out,
                        float[] y) {
        split(rows, (long) rows * in * out, (from, to) -> {
            if (bias != null) {
                for (int r = from; r < to; r++) {
                    System.arraycopy(bias, biasOffset, y, r * out, out);
                }
            }
            // column-major y^T[out, n] = W[out, in] x^T[in, n]: W row-major is (W^T) column-major, hence "T"
            blas.sgemm("T", "N", out, to - from, in, 1f, w, wOffset, in, x, from * in, in, bias != null ? 1f : 0f,
                    y, from * out, out);
        });
    }

    /** dx[rows, in] (+)= dy[rows, out] W[out, in]; {@code accumulate} adds to dx instead of overwriting it. */
    public void backwardInput(float[] dy, int rows, int out, float[] w, int wOffset, int in, float[] dx,
                              boolean accumulate) {
        split(rows, (long) rows * in * out, (from, to) ->
                blas.sgemm("N", "N", in, to - from, out, 1f, w, wOffset, in, dy, from * out, out,
                        accumulate ? 1f : 0f, dx, from * in, in));
    }

    /** dW[out, in] += dy[rows, out]^T x[rows, in], and dBias[out] += the column sums of dy when given. */
    public void backwardWeights(float[] dy, float[] x, int rows, int in, int out, float[] dw, int dwOffset,
                                float[] dBias, int dBiasOffset) {
        split(out, (long) rows * in * out, (from, to) -> {
            // column-major dW^T[in, o] += x^T[in, rows] dy[rows, o] for the output features o in [from, to)
            blas.sgemm("N", "T", in, to - from, rows, 1f, x, 0, in, dy, from, out, 1f, dw, dwOffset + from * in,
                    in);
            if (dBias != null) {
                for (int r = 0; r < rows; r++) {
                    for (int o = from; o < to; o++) {
                        dBias[dBiasOffset + o] += dy[r * out + o];
                    }
                }
            }
        });
    }

    interface Chunk {
        void run(int from, int to);
    }

    private void split(int count, long work, Chunk chunk) {
        int threads = pool.getParallelism();
        if (threads == 1 || work < PARALLEL_WORK || count < 2) {
            chunk.run(0, count);
            return;
        }
        int parts = Math.min(threads, count);
        RecursiveAction[] tasks = new RecursiveAction[parts];
        for (int p = 0; p < parts; p++) {
            int from = (int) ((long) count * p / parts);
            int to = (int) ((long) count * (p + 1) / parts);
            tasks[p] = new RecursiveAction() {
                @Override
                protected void compute() {
                    chunk.run(from, to);
                }
            };
        }
        if (java.util.concurrent.ForkJoinTask.getPool() == pool) {
            RecursiveAction.invokeAll(tasks);
        } else {
            pool.invoke(new RecursiveAction() {
                @Override
                protected void compute() {
                    invokeAll(tasks);
                }
            });
        }
    }
}
