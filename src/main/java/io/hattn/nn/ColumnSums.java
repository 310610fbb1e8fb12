package io.hattn.nn;

/** The bias gradient of a linear layer: the column sums of dy, for a range of columns. */
final class ColumnSums {

    private ColumnSums() {
    }

    static void add(float[] dy, int rows, int columns, int from, int to, float[] sums, int offset) {
        for (int r = 0; r < rows; r++) {
            for (int o = from; o < to; o++) {
                sums[offset + o] += dy[r * columns + o];
            }
        }
    }
}
