package io.hattn.nn;

import io.hattn.cpu.MatrixKernels;
import java.util.concurrent.ForkJoinPool;

/**
 * The products on hattn's own Vector API kernel ({@link MatrixKernels}): the forward multiplies by W^T, made
 * once per call (out x in, small beside rows x in x out), so that every product is "broadcast A, multiply rows
 * of B" without lane reductions.
 */
final class VectorProducts implements MatrixProducts {
    private final ForkJoinPool pool;
    private final ParallelChunks chunks;
    private float[] transposed = new float[0];

    VectorProducts(ForkJoinPool pool) {
        this.pool = pool;
        this.chunks = new ParallelChunks(pool);
    }

    @Override
    public ForkJoinPool pool() {
        return pool;
    }

    @Override
    public String describe() {
        return "hattn " + MatrixKernels.describe() + ", " + chunks.threads() + " threads";
    }

    @Override
    public void forward(float[] x, int rows, int in, float[] w, int wOffset, float[] bias, int biasOffset, int out,
                        float[] y) {
        float[] wt = transpose(w, wOffset, out, in);
        chunks.split(rows, (long) rows * in * out, (from, to) -> {
            if (bias != null) {
                for (int r = from; r < to; r++) {
                    System.arraycopy(bias, biasOffset, y, r * out, out);
                }
            }
            MatrixKernels.multiply(to - from, out, in, x, from * in, in, 1, wt, 0, out, y, from * out, out,
                    bias != null);
        });
    }

    @Override
    public void backwardInput(float[] dy, int rows, int out, float[] w, int wOffset, int in, float[] dx,
                              boolean accumulate) {
        chunks.split(rows, (long) rows * in * out, (from, to) ->
                MatrixKernels.multiply(to - from, in, out, dy, from * out, out, 1, w, wOffset, in, dx, from * in,
                        in, accumulate));
    }

    @Override
    public void backwardWeights(float[] dy, float[] x, int rows, int in, int out, float[] dw, int dwOffset,
                                float[] dBias, int dBiasOffset) {
        // dW[o, i] += sum_r dy[r, o] x[r, i]: A(o, r) = dy[r, o] read transposed through its strides
        chunks.split(out, (long) rows * in * out, (from, to) -> {
            MatrixKernels.multiply(to - from, in, rows, dy, from, 1, out, x, 0, in, dw, dwOffset + from * in, in,
                    true);
            if (dBias != null) {
                ColumnSums.add(dy, rows, out, from, to, dBias, dBiasOffset);
            }
        });
    }

    private synchronized float[] transpose(float[] w, int offset, int out, int in) {
        if (transposed.length < out * in) {
            transposed = new float[out * in];
        }
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                transposed[i * out + o] = w[offset + o * in + i];
            }
        }
        return transposed;
    }
}
