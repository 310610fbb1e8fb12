package io.hattn.tornado.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.collections.VectorFloat8;
import uk.ac.manchester.tornado.api.types.vectors.Float8;

/**
 * Keys transposed per half-block for {@link BlockScores}: tile (half-block, sub) holds, for every feature d, one
 * Float8 of that feature of eight consecutive keys of the half-block (a half-block of Nr/2 keys takes
 * {@link #perHalfBlock} tiles; lanes past its end repeat its last key), then one Float8 of additive key masks: 0 for
 * a valid key, {@link Scores#MASK} for an invalid one or a lane past the half-block. A score kernel then forms eight
 * dot products with broadcast query features and no reduction across lanes, and masks them in one addition.
 * Levels hold whole half-blocks, so a tile never mixes two levels. Grid: x = 8-float feature chunk, y = tile,
 * z = head.
 */
public final class KeyTiles {

    private KeyTiles() {
    }

    /** Tiles per half-block of {@code halfBlock} keys: one per eight keys. */
    public static int perHalfBlock(int halfBlock) {
        return (halfBlock + 7) / 8;
    }

    /** Float8s per tile: one per feature (8 per chunk), then the masks. */
    public static int stride(int width8) {
        return 8 * width8 + 1;
    }

    /** Index of the Float8 of feature d (d = 8 width8: the masks) of tile {@code tile} of a head. */
    public static int index(int head, int tilesPerHead, int tile, int width8, int d) {
        return (head * tilesPerHead + tile) * stride(width8) + d;
    }

    /**
     * @param rowsPerHead  key rows per head of {@code keys} (a multiple of the half-block)
     * @param tilesPerHead {@code rowsPerHead / halfBlock * perHalfBlock(halfBlock)}
     * @param arrayStart   all-levels row of the counts where {@code keys} begin: 0 for the inputs, n for the pyramid
     */
    public static void transpose(KernelContext context, VectorFloat8 keys, VectorFloat8 tiles, IntArray counts,
                                 int countRows, int arrayStart, int rowsPerHead, int tilesPerHead, int halfBlock,
                                 int width8) {
        int chunk = context.globalIdx;
        int tile = context.globalIdy;
        int head = context.globalIdz;
        if (chunk < width8 && tile < tilesPerHead) {
            int subs = perHalfBlock(halfBlock);
            int sub = tile % subs;
            int first = (tile / subs) * halfBlock + 8 * sub;
            int last = (tile / subs) * halfBlock + halfBlock - 1;
            int rowBase = head * rowsPerHead;
            Float8 k0 = keys.get((rowBase + first) * width8 + chunk);
            Float8 k1 = keys.get((rowBase + Math.min(first + 1, last)) * width8 + chunk);
            Float8 k2 = keys.get((rowBase + Math.min(first + 2, last)) * width8 + chunk);
            Float8 k3 = keys.get((rowBase + Math.min(first + 3, last)) * width8 + chunk);
            Float8 k4 = keys.get((rowBase + Math.min(first + 4, last)) * width8 + chunk);
            Float8 k5 = keys.get((rowBase + Math.min(first + 5, last)) * width8 + chunk);
            Float8 k6 = keys.get((rowBase + Math.min(first + 6, last)) * width8 + chunk);
            Float8 k7 = keys.get((rowBase + Math.min(first + 7, last)) * width8 + chunk);
            int target = index(head, tilesPerHead, tile, width8, 8 * chunk);
            tiles.set(target, new Float8(k0.getS0(), k1.getS0(), k2.getS0(), k3.getS0(), k4.getS0(), k5.getS0(),
                    k6.getS0(), k7.getS0()));
            tiles.set(target + 1, new Float8(k0.getS1(), k1.getS1(), k2.getS1(), k3.getS1(), k4.getS1(), k5.getS1(),
                    k6.getS1(), k7.getS1()));
            tiles.set(target + 2, new Float8(k0.getS2(), k1.getS2(), k2.getS2(), k3.getS2(), k4.getS2(), k5.getS2(),
                    k6.getS2(), k7.getS2()));
            tiles.set(target + 3, new Float8(k0.getS3(), k1.getS3(), k2.getS3(), k3.getS3(), k4.getS3(), k5.getS3(),
                    k6.getS3(), k7.getS3()));
            tiles.set(target + 4, new Float8(k0.getS4(), k1.getS4(), k2.getS4(), k3.getS4(), k4.getS4(), k5.getS4(),
                    k6.getS4(), k7.getS4()));
            tiles.set(target + 5, new Float8(k0.getS5(), k1.getS5(), k2.getS5(), k3.getS5(), k4.getS5(), k5.getS5(),
                    k6.getS5(), k7.getS5()));
            tiles.set(target + 6, new Float8(k0.getS6(), k1.getS6(), k2.getS6(), k3.getS6(), k4.getS6(), k5.getS6(),
                    k6.getS6(), k7.getS6()));
            tiles.set(target + 7, new Float8(k0.getS7(), k1.getS7(), k2.getS7(), k3.getS7(), k4.getS7(), k5.getS7(),
                    k6.getS7(), k7.getS7()));
            if (chunk == 0) {
                int count = head * countRows + arrayStart;
                tiles.set(index(head, tilesPerHead, tile, width8, 8 * width8), new Float8(
                        mask(counts, count, first, last), mask(counts, count, first + 1, last),
                        mask(counts, count, first + 2, last), mask(counts, count, first + 3, last),
                        mask(counts, count, first + 4, last), mask(counts, count, first + 5, last),
                        mask(counts, count, first + 6, last), mask(counts, count, first + 7, last)));
            }
        }
    }

    /**
     * 0 for a valid key row inside the half-block, MASK otherwise; arithmetic, not branches, as TornadoVM 5.2's
     * scheduler fails on eight inlined branches feeding one Float8.
     */
    private static float mask(IntArray counts, int countBase, int row, int last) {
        int valid = Math.min(counts.get(countBase + Math.min(row, last)), 1);
        int inside = Math.min(Math.max(last - row + 1, 0), 1);
        return Scores.MASK * (1 - valid * inside);
    }
}
