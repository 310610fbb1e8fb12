package io.hattn.attention;

/**
 * The level structure of docs/algorithm.md section 1 for a given length and block size: the padded length
 * {@code Nr * 2^M}, the number of finest blocks, the number of levels M, and the level of every (query, key)
 * pair (section 2).
 */
public record HierarchyShape(int length, int block, int paddedLength, int levels) {

    public static HierarchyShape of(int length, int block) {
        int needed = Math.max(2, ceilDiv(length, block));
        int blocks = Integer.highestOneBit(needed);
        if (blocks < needed) {
            blocks <<= 1;
        }
        long padded = (long) blocks * block;
        if (padded > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("length " + length + " pads to " + padded + ", too long");
        }
        return new HierarchyShape(length, block, (int) padded, Integer.numberOfTrailingZeros(blocks));
    }

    /** Blocks at the finest level, nb = paddedLength / Nr, a power of two >= 2. */
    public int finestBlocks() {
        return paddedLength / block;
    }

    /** Blocks at level l; the coarsest level has exactly two. */
    public int blocksAt(int level) {
        return finestBlocks() >> level;
    }

    public boolean isPadded() {
        return paddedLength != length;
    }

    /** lev(i, j) = min { l : |floor(i / (Nr 2^l)) - floor(j / (Nr 2^l))| <= 1 } (docs/algorithm.md section 2). */
    public static int levelOf(int i, int j, int block) {
        int level = 0;
        while (Math.abs(i / (block << level) - j / (block << level)) > 1) {
            level++;
        }
        return level;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
