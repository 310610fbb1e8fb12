package io.hattn.tornado.kernels;

import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Loop trip counts that kernels read from device memory rather than receive as parameters. TornadoVM 5.2 folds
 * every scalar parameter into the kernel as a constant; when that turns a short loop over Float8 values into a
 * fixed-trip loop (e.g. the 2 keys of a half-block at Nr = 4), its compiler fails with "Argument is not an array".
 * A count loaded from an IntArray keeps such a loop a loop.
 */
public final class Bounds {

    /** 8-float chunks of a query/key row. */
    public static final int WIDTH8 = 0;
    /** 8-float chunks of a value row. */
    public static final int VALUE_WIDTH8 = 1;
    /** Keys per tile of the exact kernel. */
    public static final int TILE = 2;
    /** Nr / 2, the keys of one half-block. */
    public static final int HALF_BLOCK = 3;
    /** Half-blocks of keys per row at level 0 (6). */
    public static final int GROUPS_LEVEL0 = 4;
    /** Half-blocks of keys per row at levels >= 1 (3). */
    public static final int GROUPS_UP = 5;
    /** {@link KeyTiles} per half-block of keys. */
    public static final int TILES_PER_HALF = 6;
    /** Rows per work-item of {@link BlockScores} and {@link Numerators}: 2, or 1 for an odd half-block. */
    public static final int ROWS_PER_ITEM = 7;

    private Bounds() {
    }

    /** The bounds of a hierarchical plan. */
    public static IntArray hierarchical(int width8, int valueWidth8, int block) {
        int half = block / 2;
        return IntArray.fromElements(width8, valueWidth8, 0, half, SlotKeys.GROUPS_LEVEL0, SlotKeys.GROUPS_UP,
                KeyTiles.perHalfBlock(half), SlotKeys.rowsPerItem(half));
    }

    /** The bounds of an exact plan. */
    public static IntArray exact(int width8, int valueWidth8, int tile) {
        return IntArray.fromElements(width8, valueWidth8, tile, 0, 0, 0, 0, 0);
    }
}
