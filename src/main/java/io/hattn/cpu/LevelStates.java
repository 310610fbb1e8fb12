package io.hattn.cpu;

/**
 * The softmax state (m, D, Y) of every coarse row of the level just finished, handed to the next finer level:
 * two buffers used alternately by level parity, each as large as level 1 (paddedLength / 2 rows).
 */
final class LevelStates {
    private final int valueDim;
    private final float[][] maxima = new float[2][];
    private final float[][] denominators = new float[2][];
    private final float[][] numerators = new float[2][];

    LevelStates(int rows, int valueDim) {
        this.valueDim = valueDim;
        for (int parity = 0; parity < 2; parity++) {
            maxima[parity] = new float[rows];
            denominators[parity] = new float[rows];
            numerators[parity] = new float[rows * valueDim];
        }
    }

    /** Saves rows [firstToken, firstToken + rows) of {@code level} from the tile. */
    void store(int level, int firstToken, int rows, SoftmaxTile tile) {
        int p = level & 1;
        System.arraycopy(tile.maxima, 0, maxima[p], firstToken, rows);
        System.arraycopy(tile.denominators, 0, denominators[p], firstToken, rows);
        System.arraycopy(tile.numerators, 0, numerators[p], firstToken * valueDim, rows * valueDim);
    }

    void storeEmpty(int level, int firstToken, int rows) {
        int p = level & 1;
        java.util.Arrays.fill(maxima[p], firstToken, firstToken + rows, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(denominators[p], firstToken, firstToken + rows, 0f);
        java.util.Arrays.fill(numerators[p], firstToken * valueDim, (firstToken + rows) * valueDim, 0f);
    }

    /** Prolongation by copy: row t of {@code level} starts from row t/2 of level + 1 (section 4 step 4). */
    void loadParents(int level, int firstToken, int rows, SoftmaxTile tile) {
        int p = (level + 1) & 1;
        for (int r = 0; r < rows; r++) {
            int parent = (firstToken + r) >> 1;
            tile.maxima[r] = maxima[p][parent];
            tile.denominators[r] = denominators[p][parent];
            System.arraycopy(numerators[p], parent * valueDim, tile.numerators, r * valueDim, valueDim);
        }
    }
}
