package io.hattn.tornado.kernels;

/**
 * Where level l lives in the arrays that hold every level of one head, back to back: level l starts at row
 * {@code 2n - (2n >> l)} (the sum of the sizes n, n/2, ... of the levels below it), n = padded length.
 * Arrays without level 0 (the coarsened pyramid, levels 1..M-1) start at row n of that numbering.
 * Plain static arithmetic, inlined into the kernels.
 */
public final class Levels {

    /** More levels than any int length can have. */
    private static final int MAX_LEVELS = 31;

    private Levels() {
    }

    /** First row of level {@code level} in an all-levels array of padded length n. */
    public static int start(int level, int n) {
        return 2 * n - ((2 * n) >> level);
    }

    /** The level of row {@code row} of a launch: 0 for the level-0 launch (level0 = 1), else its pyramid level. */
    public static int ofLaunchRow(int row, int level0, int n) {
        return level0 == 1 ? 0 : ofPyramidRow(row, n);
    }

    /**
     * The level (>= 1) of row {@code row} of a pyramid array (levels 1..M-1 back to back): one plus the number of
     * level ends {@code n - (n >> k)} at or below the row. A fixed count of compares and no branch, which devices
     * run better than a data-dependent loop.
     */
    public static int ofPyramidRow(int row, int n) {
        int level = 1;
        for (int k = 1; k < MAX_LEVELS; k++) {
            level += row >= n - (n >> k) ? 1 : 0;
        }
        return level;
    }

    /** Rows of all levels 0..M-1 together: 2n - 2 Nr. */
    public static int allRows(int n, int block) {
        return 2 * n - 2 * block;
    }

    /** Rows of levels 1..M-1 together: n - 2 Nr (zero when M = 1). */
    public static int pyramidRows(int n, int block) {
        return n - 2 * block;
    }
}
