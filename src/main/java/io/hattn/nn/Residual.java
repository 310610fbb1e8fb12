package io.hattn.nn;

/** y = a + b, and the skip branch of its backward (dx += dy), on every thread of the chunks' pool. */
final class Residual {

    private Residual() {
    }

    static void forward(ParallelChunks chunks, float[] a, float[] b, int count, float[] y) {
        chunks.split(count, count, (from, to) -> {
            for (int i = from; i < to; i++) {
                y[i] = a[i] + b[i];
            }
        });
    }

    /** dx += dy: the gradient that passes the skip connection unchanged. */
    static void addGradient(ParallelChunks chunks, float[] dy, int count, float[] dx) {
        chunks.split(count, count, (from, to) -> {
            for (int i = from; i < to; i++) {
                dx[i] += dy[i];
            }
        });
    }
}
