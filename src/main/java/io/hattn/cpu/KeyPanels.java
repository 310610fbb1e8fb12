package io.hattn.cpu;

/**
 * The layout of a transposed block of {@code width} keys of {@code d} dims, as the score kernels read it: the keys
 * in panels of {@link Simd#LANES} (the last panel narrower when width is not a multiple), each panel {@code d}
 * rows of its keys, so element (x, c) lies at {@link #index}. Within a full panel a row is one vector and the
 * next row is {@code LANES} floats on: a constant stride, which lets C2 drop the bounds checks from the score
 * kernels' loops (with the stride a parameter, the 16K and 64K bidirectional forward ran 3% slower on the Zen 5
 * EPYC, docs/performance.md). A block of Nr = LANES keys (16 on AVX-512) is one panel: plain [d][Nr].
 */
final class KeyPanels {

    static final int PANEL = Simd.LANES;

    private KeyPanels() {
    }

    /** Offset of element (x, c) (dim x of key c) from the block's base. */
    static int index(int x, int c, int width, int d) {
        int panelStart = c - c % PANEL;
        return panelStart * d + x * rowStride(c, width) + c - panelStart;
    }

    /** How far apart key c's consecutive dims lie: the width of its panel. */
    static int rowStride(int c, int width) {
        return Math.min(PANEL, width - (c - c % PANEL));
    }

    /** Offset of full panel {@code p} from the block's base: its row x is the vector at + x * PANEL. */
    static int panelBase(int p, int d) {
        return p * PANEL * d;
    }

    /**
     * Transposes {@code keys} rows of {@code d} (row c at {@code src[sOff + c * sStride]}) into a block at
     * {@code dst[dOff]}.
     */
    static void transposeIn(float[] src, int sOff, int sStride, int keys, int d, float[] dst, int dOff) {
        for (int panelStart = 0; panelStart < keys; panelStart += PANEL) {
            int panelWidth = Math.min(PANEL, keys - panelStart);
            TileKernels.transpose(src, sOff + panelStart * sStride, sStride, panelWidth, d, dst,
                    dOff + panelStart * d, panelWidth);
        }
    }

    /** The inverse of {@link #transposeIn}: the block's keys back into rows of {@code d}, row c at dOff + c dStride. */
    static void transposeOut(float[] src, int sOff, int keys, int d, float[] dst, int dOff, int dStride) {
        for (int panelStart = 0; panelStart < keys; panelStart += PANEL) {
            int panelWidth = Math.min(PANEL, keys - panelStart);
            TileKernels.transpose(src, sOff + panelStart * d, panelWidth, d, panelWidth, dst,
                    dOff + panelStart * dStride, dStride);
        }
    }
}
