package io.hattn.cpu;

import java.util.Arrays;

/**
 * The softmax state (m, D, Y) of coarse rows, kept for the next finer level: one region per level, so that a level's
 * states stay until its children are done whatever order the blocks run in (the causal stream runs the whole
 * levels block by block as the strips advance). One instance covers the whole sequence (rows indexed by token);
 * a strip instance covers one strip of fine tokens (rows indexed from the strip's start at each level), small
 * enough to stay in cache while the finer levels of that strip run. Either holds under 2 (fineTokens >> firstLevel)
 * rows.
 */
final class LevelStates {
    private final int valueDim;
    private final int firstLevel;
    /** Row of the first state of each level, from firstLevel. */
    private final int[] levelStart;
    private final float[] maxima;
    private final float[] denominators;
    private final float[] numerators;
    /** First fine token of the strip this instance holds; 0 for the whole sequence. */
    private int stripStart;

    /** States of levels [firstLevel, endLevel) over {@code fineTokens} fine tokens. */
    LevelStates(int fineTokens, int firstLevel, int endLevel, int valueDim) {
        this.valueDim = valueDim;
        this.firstLevel = firstLevel;
        levelStart = new int[Math.max(0, endLevel - firstLevel) + 1];
        for (int level = firstLevel; level < endLevel; level++) {
            levelStart[level - firstLevel + 1] = levelStart[level - firstLevel] + (fineTokens >> level);
        }
        int rows = levelStart[levelStart.length - 1];
        maxima = new float[rows];
        denominators = new float[rows];
        numerators = new float[rows * valueDim];
    }

    /** Holds the strip that starts at fine token {@code firstFineToken} from now on. */
    void moveToStrip(int firstFineToken) {
        stripStart = firstFineToken;
    }

    private int index(int level, int token) {
        return levelStart[level - firstLevel] + token - (stripStart >> level);
    }

    /** Saves rows [firstToken, firstToken + rows) of {@code level} from the tile. */
    void store(int level, int firstToken, int rows, SoftmaxTile tile) {
        int at = index(level, firstToken);
        System.arraycopy(tile.maxima, 0, maxima, at, rows);
        System.arraycopy(tile.denominators(rows), 0, denominators, at, rows);
        System.arraycopy(tile.numerators, 0, numerators, at * valueDim, rows * valueDim);
    }

    void storeEmpty(int level, int firstToken, int rows) {
        int at = index(level, firstToken);
        Arrays.fill(maxima, at, at + rows, Float.NEGATIVE_INFINITY);
        Arrays.fill(denominators, at, at + rows, 0f);
        Arrays.fill(numerators, at * valueDim, (at + rows) * valueDim, 0f);
    }

    /**
     * Prolongation by copy (section 4 step 4): the tile's rows of level {@code childLevel} starting at
     * {@code firstToken} continue from this instance's rows t/2 of childLevel + 1, rescaled to their new maxima
     * as they are copied.
     */
    void continueChildren(int childLevel, int firstToken, int rows, int columns, SoftmaxTile tile) {
        int parentLevel = childLevel + 1;
        // the tile indexes parents by (firstChild + r) >> 1 from the level's first row: shift the children to it
        int firstChild = firstToken - (stripStart >> childLevel) + 2 * levelStart[parentLevel - firstLevel];
        tile.rescaleAndExponentiateFrom(rows, columns, maxima, denominators, numerators, firstChild);
    }
}
