package io.hattn.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link TileKernels#transpose} against its definition, on the shapes the kernels use (16 x 16 blocks, whole and
 * with tails in rows, columns or both) and with offsets and strides wider than the copied part, so that a wrong
 * lane, row or stride in the register blocks or their tails shows; everything outside the destination's part
 * must stay untouched.
 */
class TransposeTest {

    @Test
    void everyShapeMatchesTheDefinitionAndTouchesNothingElse() {
        int[][] shapes = {{16, 16}, {16, 48}, {48, 16}, {64, 16}, {16, 64}, {32, 64}, {17, 33}, {31, 16}, {16, 31},
                {5, 3}, {1, 16}, {16, 1}, {0, 16}};
        SplittableRandom random = new SplittableRandom(3);
        for (int[] shape : shapes) {
            int rows = shape[0];
            int columns = shape[1];
            int sOff = 7;
            int sStride = columns + 5;
            int dOff = 11;
            int dStride = rows + 3;
            float[] src = new float[sOff + Math.max(1, rows) * sStride];
            for (int i = 0; i < src.length; i++) {
                src[i] = (float) random.nextGaussian();
            }
            float[] dst = new float[dOff + Math.max(1, columns) * dStride + 4];
            java.util.Arrays.fill(dst, -99f);
            TileKernels.transpose(src, sOff, sStride, rows, columns, dst, dOff, dStride);
            float[] expected = new float[dst.length];
            java.util.Arrays.fill(expected, -99f);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < columns; c++) {
                    expected[dOff + c * dStride + r] = src[sOff + r * sStride + c];
                }
            }
            for (int i = 0; i < dst.length; i++) {
                assertEquals(expected[i], dst[i], 0f, "shape " + rows + " x " + columns + ", destination index " + i);
            }
        }
    }
}
