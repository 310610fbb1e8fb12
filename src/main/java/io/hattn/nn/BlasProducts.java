package io.hattn.nn;

import dev.ludovic.netlib.blas.BLAS;
import java.util.concurrent.ForkJoinPool;

/**
 * The products as BLAS sgemm calls ({@code dev.ludovic.netlib:blas}: native BLAS where one is installed, its
 * Vector API Java path otherwise), one call per thread's chunk. Row-major X is column-major X^T, which is how
 * the transposes below are chosen.
 */
final class BlasProducts implements MatrixProducts {
    private final BLAS blas = BLAS.getInstance();
    private final ForkJoinPool pool;
    private final ParallelChunks chunks;

    BlasProducts(ForkJoinPool pool) {
        this.pool = pool;
        this.chunks = new ParallelChunks(pool);
    }

    @Override
    public ForkJoinPool pool() {
        return pool;
    }

    @Override
    public String describe() {
        return "netlib " + blas.getClass().getSimpleName() + ", " + chunks.threads() + " threads";
    }

    @Override
    public void forward(float[] x, int rows, int in, float[] w, int wOffset, float[] bias, int biasOffset, int out,
                        float[] y) {
        chunks.split(rows, (long) rows * in * out, (from, to) -> {
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

    @Override
    public void backwardInput(float[] dy, int rows, int out, float[] w, int wOffset, int in, float[] dx,
                              boolean accumulate) {
        chunks.split(rows, (long) rows * in * out, (from, to) ->
                blas.sgemm("N", "N", in, to - from, out, 1f, w, wOffset, in, dy, from * out, out,
                        accumulate ? 1f : 0f, dx, from * in, in));
    }

    @Override
    public void backwardWeights(float[] dy, float[] x, int rows, int in, int out, float[] dw, int dwOffset,
                                float[] dBias, int dBiasOffset) {
        // column-major dW^T[in, out] += x^T[in, rows] dy[rows, out], one call: split into sub-matrices at an
        // offset, netlib's Java sgemm (3.0.3) reads a whole leading dimension past the sub-matrix, out of bounds
        blas.sgemm("N", "T", in, out, rows, 1f, x, 0, in, dy, 0, out, 1f, dw, dwOffset, in);
        if (dBias != null) {
            chunks.split(out, (long) rows * out * 64, (from, to) -> ColumnSums.add(dy, rows, out, from, to, dBias,
                    dBiasOffset));
        }
    }
}
