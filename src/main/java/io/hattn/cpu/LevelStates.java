package io.hattn.cpu;

import java.util.Arrays;

/**
 * The softmax state (m, D, Y) of the coarse rows of the level just finished, handed to the next finer level:
 * two buffers used alternately by level parity. One instance covers the whole sequence (rows indexed by token);
 * a strip instance covers one strip of {@code stripTokens} fine tokens (rows indexed from the strip's start at
 * each level), small enough to stay in cache while the finer levels of that strip run.
 */
final class LevelStates {
    private final int valueDim;
    private final float[][] maxima = new float[2][];
    private final float[][] denominators = new float[2][];
    private final float[][] numerators = new float[2][];
    /** First fine token of the strip this instance holds; 0 for the whole sequence. */
    private int stripStart;

    LevelStates(int rows, int valueDim) {
        this.valueDim = valueDim;
        for (int parity = 0; parity < 2; parity++) {
            maxima[parity] = new float[rows];
            denominators[parity] = new float[rows];
            numerators[parity] = new float[rows * valueDim];
        }
    }

    /** Holds the strip that starts at fine token {@code firstFineToken} from now on. */
    void moveToStrip(int firstFineToken) {
        stripStart = firstFineToken;
    }

    private int index(int level, int token) {
        return token - (stripStart >> level);
    }

    /** Saves rows [firstToken, firstToken + rows) of {@code level} from the tile. */
    void store(int level, int firstToken, int rows, SoftmaxTile tile) {
        int p = level & 1;
        int at = index(level, firstToken);
        System.arraycopy(tile.maxima, 0, maxima[p], at, rows);
        System.arraycopy(tile.denominators(rows), 0, denominators[p], at, rows);
        System.arraycopy(tile.numerators, 0, numerators[p], at * valueDim, rows * valueDim);
    }

    void storeEmpty(int level, int firstToken, int rows) {
        int p = level & 1;
        int at = index(level, firstToken);
        Arrays.fill(maxima[p], at, at + rows, Float.NEGATIVE_INFINITY);
        Arrays.fill(denominators[p], at, at + rows, 0f);
        Arrays.fill(numerators[p], at * valueDim, (at + rows) * valueDim, 0f);
    }

    /**
     * Prolongation by copy (section 4 step 4): the tile's rows of level {@code childLevel} starting at
     * {@code firstToken} continue from this instance's rows t/2 of childLevel + 1, rescaled to their new maxima
     * as they are copied.
     */
    void continueChildren(int childLevel, int firstToken, int rows, int columns, SoftmaxTile tile) {
        int p = (childLevel + 1) & 1;
        tile.rescaleAndExponentiateFrom(rows, columns, maxima[p], denominators[p], numerators[p],
                firstToken - (stripStart >> childLevel));
    }
}
