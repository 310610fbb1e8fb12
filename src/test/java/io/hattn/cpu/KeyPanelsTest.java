package io.hattn.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The transposed key blocks' layout ({@link KeyPanels}): the block fills exactly width x d floats with every
 * element once, full panels are one vector per row at a stride of one vector (what the score kernels read),
 * {@link KeyPanels#transposeIn} puts element (x, c) where {@link KeyPanels#index} says, and
 * {@link KeyPanels#transposeOut} undoes it. Widths below, at, between and above multiples of a panel.
 */
class KeyPanelsTest {

    private static final int PANEL = KeyPanels.PANEL;
    private static final int[] WIDTHS = {1, 3, PANEL / 2, PANEL, PANEL + 3, 2 * PANEL, 4 * PANEL, 4 * PANEL + 5};
    private static final int[] DIMS = {1, 4, 16, 64};

    @Test
    void indexCoversTheBlockOnceAndFullPanelsAreVectorRows() {
        for (int width : WIDTHS) {
            for (int d : DIMS) {
                boolean[] seen = new boolean[width * d];
                for (int x = 0; x < d; x++) {
                    for (int c = 0; c < width; c++) {
                        int at = KeyPanels.index(x, c, width, d);
                        assertTrue(at >= 0 && at < width * d && !seen[at],
                                "width " + width + ", d " + d + ": element (" + x + ", " + c + ") at " + at);
                        seen[at] = true;
                        if (c < width / PANEL * PANEL) {
                            assertEquals(KeyPanels.panelBase(c / PANEL, d) + x * PANEL + c % PANEL, at,
                                    "width " + width + ", d " + d + ": full panel element (" + x + ", " + c + ")");
                        }
                    }
                }
            }
        }
    }

    @Test
    void transposeInPutsEachKeyWhereIndexSaysAndTransposeOutUndoesIt() {
        SplittableRandom random = new SplittableRandom(5);
        for (int width : WIDTHS) {
            for (int d : DIMS) {
                int sOff = 3;
                int sStride = d + 2;
                float[] keys = new float[sOff + width * sStride];
                for (int i = 0; i < keys.length; i++) {
                    keys[i] = (float) random.nextGaussian();
                }
                int dOff = 7;
                float[] block = new float[dOff + width * d + 4];
                Arrays.fill(block, -99f);
                KeyPanels.transposeIn(keys, sOff, sStride, width, d, block, dOff);
                float[] expected = new float[block.length];
                Arrays.fill(expected, -99f);
                for (int c = 0; c < width; c++) {
                    for (int x = 0; x < d; x++) {
                        expected[dOff + KeyPanels.index(x, c, width, d)] = keys[sOff + c * sStride + x];
                    }
                }
                for (int i = 0; i < block.length; i++) {
                    assertEquals(expected[i], block[i], 0f, "width " + width + ", d " + d + ", block index " + i);
                }
                int rowsOff = 2;
                int rowStride = d + 1;
                float[] rows = new float[rowsOff + width * rowStride];
                KeyPanels.transposeOut(block, dOff, width, d, rows, rowsOff, rowStride);
                for (int c = 0; c < width; c++) {
                    for (int x = 0; x < d; x++) {
                        assertEquals(keys[sOff + c * sStride + x], rows[rowsOff + c * rowStride + x], 0f,
                                "width " + width + ", d " + d + ": key " + c + ", dim " + x + " back");
                    }
                }
            }
        }
    }
}
