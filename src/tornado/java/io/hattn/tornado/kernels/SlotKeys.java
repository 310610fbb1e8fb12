package io.hattn.tornado.kernels;

/**
 * The key a score slot stands for (docs/algorithm.md section 4, step 1), counted in half-blocks of Nr/2 coarse
 * tokens. A row t lies in half-block H = t / (Nr/2) of block H / 2.
 * <ul>
 *   <li>Level 0: the own block and both neighbours, half-blocks 2b-2 .. 2b+3 (3 Nr slots).</li>
 *   <li>Level l >= 1: the same blocks minus every half-block within distance 1 of H, which level l-1 already
 *       covered (the "drop a quadrant" correction): H-2, H+2 and H+3 (H even) or H-3 (H odd); 1.5 Nr slots.</li>
 * </ul>
 * The key returned may lie outside the sequence (a missing neighbour); callers mask it. Levels hold a multiple of
 * Nr tokens, so a half-block of keys lies wholly inside or wholly outside.
 */
public final class SlotKeys {

    /** Half-blocks of keys per row: 6 at level 0, 3 above. */
    public static final int GROUPS_LEVEL0 = 6;
    public static final int GROUPS_UP = 3;

    private SlotKeys() {
    }

    /** Slots per row: 3 Nr at level 0, 1.5 Nr above; slot = group * (Nr/2) + offset in the half-block. */
    public static int slots(int halfBlock, boolean level0) {
        return (level0 ? GROUPS_LEVEL0 : GROUPS_UP) * halfBlock;
    }

    /**
     * Score tiles per row: each half-block of keys takes {@link KeyTiles#perHalfBlock} tiles of eight slots, so
     * tile (group, sub) lane i is slot {@code group * (Nr/2) + 8 sub + i}; lanes past a half-block hold no entry.
     */
    public static int rowTiles(int halfBlock, boolean level0) {
        return (level0 ? GROUPS_LEVEL0 : GROUPS_UP) * KeyTiles.perHalfBlock(halfBlock);
    }

    /**
     * Rows per work-item of {@link BlockScores} and {@link Numerators}: two consecutive rows share a level and a
     * half-block, and so every key tile and value they read, when the half-block is even (levels start on
     * half-blocks); one otherwise.
     */
    public static int rowsPerItem(int halfBlock) {
        return halfBlock % 2 == 0 ? 2 : 1;
    }

    /** Key half-block of {@code group} for a row in half-block {@code rowHalf}; level0 is 1 at level 0, else 0. */
    public static int keyHalf(int group, int rowHalf, int level0) {
        int keyHalf;
        if (level0 == 1) {
            keyHalf = (rowHalf / 2) * 2 - 2 + group;
        } else if (group == 0) {
            keyHalf = rowHalf - 2;
        } else if (group == 1) {
            keyHalf = rowHalf + 2;
        } else {
            keyHalf = (rowHalf % 2 == 0) ? rowHalf + 3 : rowHalf - 3;
        }
        return keyHalf;
    }

    /** Coarse key index of {@code slot} for coarse query row {@code t}. */
    public static int keyOf(int slot, int t, int halfBlock, int level0) {
        int group = slot / halfBlock;
        return keyHalf(group, t / halfBlock, level0) * halfBlock + slot - group * halfBlock;
    }
}
