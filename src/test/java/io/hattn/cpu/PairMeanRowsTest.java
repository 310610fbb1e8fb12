package io.hattn.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link TileKernels#pairMeanRows} against its definition, (row 2t + row 2t + 1) x factor per element, bit for bit:
 * the coarsening passes use it where they called {@link TileKernels#pairMean} per row, and the backward rebuilds the
 * pyramid with the forward's bits; {@link TileKernels#quadMeanRows}, two levels at once, against the same two
 * levels of the definition. Widths of four vectors (its register body on JDK 21+), one vector, and odd ones
 * (scalar tails); one factor for all rows and a factor per row; into another array and in place; nothing outside
 * the written rows touched.
 */
class PairMeanRowsTest {

    @Test
    void everyWidthMatchesTheDefinitionBitForBit() {
        SplittableRandom random = new SplittableRandom(5);
        int[] widths = {4 * Simd.LANES, Simd.LANES, 64, 32, 17, 3, 1};
        for (int width : widths) {
            for (int rows : new int[] {1, 2, 7, 16}) {
                for (boolean perRow : new boolean[] {false, true}) {
                    float[] a = new float[9 + 2 * rows * width + 5];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = (float) random.nextGaussian() * 100f;
                    }
                    float[] factors = new float[rows];
                    for (int t = 0; t < rows; t++) {
                        factors[t] = t % 3 == 0 ? 1f : t % 3 == 1 ? 0.5f : 1f / 3;
                    }
                    float[] expected = new float[6 + rows * width + 4];
                    Arrays.fill(expected, -7f);
                    for (int t = 0; t < rows; t++) {
                        for (int c = 0; c < width; c++) {
                            float f = perRow ? factors[t] : 0.5f;
                            expected[6 + t * width + c] = (a[9 + 2 * t * width + c] + a[9 + (2 * t + 1) * width + c]) * f;
                        }
                    }
                    float[] out = new float[expected.length];
                    Arrays.fill(out, -7f);
                    TileKernels.pairMeanRows(a, 9, width, rows, perRow ? factors : null, 0.5f, out, 6);
                    String where = "width " + width + ", rows " + rows + (perRow ? ", a factor per row" : "");
                    for (int i = 0; i < out.length; i++) {
                        assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(out[i]),
                                where + ", index " + i);
                    }
                    // in place: row t over row 2t, as the strip build coarsens its scratch level by level
                    float[] inPlace = a.clone();
                    TileKernels.pairMeanRows(inPlace, 9, width, rows, perRow ? factors : null, 0.5f, inPlace, 9);
                    for (int i = 0; i < rows * width; i++) {
                        assertEquals(Float.floatToRawIntBits(expected[6 + i]), Float.floatToRawIntBits(inPlace[9 + i]),
                                where + ", in place, index " + i);
                    }
                    for (int i = 9 + rows * width; i < a.length; i++) {
                        assertEquals(a[i] + 0f, inPlace[i] + 0f, where + ", in place, untouched index " + i);
                    }
                }
            }
        }
    }

    @Test
    void fourRowsAtOnceAreTwoPassesOfPairsBitForBit() {
        SplittableRandom random = new SplittableRandom(6);
        for (int width : new int[] {4 * Simd.LANES, Simd.LANES, 64, 17, 1}) {
            for (int rows : new int[] {1, 3, 8}) {
                for (float factor : new float[] {0.5f, 1f}) {
                    float[] a = new float[5 + 4 * rows * width + 3];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = (float) random.nextGaussian() * 1000f;
                    }
                    float[] expected = new float[rows * width];
                    for (int t = 0; t < rows; t++) {
                        for (int c = 0; c < width; c++) {
                            int x = 5 + 4 * t * width + c;
                            float first = (a[x] + a[x + width]) * factor;
                            float second = (a[x + 2 * width] + a[x + 3 * width]) * factor;
                            expected[t * width + c] = (first + second) * factor;
                        }
                    }
                    String where = "width " + width + ", rows " + rows + ", factor " + factor;
                    float[] out = new float[2 + rows * width];
                    TileKernels.quadMeanRows(a, 5, width, rows, factor, new float[2 * width], out, 2);
                    float[] inPlace = a.clone();
                    TileKernels.quadMeanRows(inPlace, 5, width, rows, factor, new float[2 * width], inPlace, 5);
                    for (int i = 0; i < rows * width; i++) {
                        assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(out[2 + i]),
                                where + ", index " + i);
                        assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(inPlace[5 + i]),
                                where + ", in place, index " + i);
                    }
                    assertEquals(0f, out[0] + out[1], where + ": nothing before the output");
                }
            }
        }
    }
}
