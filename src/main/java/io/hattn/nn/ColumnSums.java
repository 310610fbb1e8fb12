package io.hattn.nn;

/**
 * The bias gradient of a linear layer: the column sums of dy, for a range of columns. The sums run in a local
 * array and are added once: threads summing neighbouring ranges would otherwise write the cache line at their
 * boundary on every row.
 */
final class ColumnSums {

    private ColumnSums() {
    }

    static void add(float[] dy, int rows, int columns, int from, int to, float[] sums, int offset) {
        float[] partial = new float[to - from];
        for (int r = 0; r < rows; r++) {
            int row = r * columns + from;
            for (int o = 0; o < partial.length; o++) {
                partial[o] += dy[row + o];
            }
        }
        for (int o = 0; o < partial.length; o++) {
            sums[offset + from + o] += partial[o];
        }
    }
}
