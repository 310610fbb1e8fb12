package io.hattn.attention;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link FiniteResult#allFinite}, the scan behind every input check and gradient check: every non-finite value is
 * found wherever it sits (the vector body, its last lane, the scalar tail), finite extremes pass, and only
 * [from, to) is read.
 */
class FiniteResultTest {

    private static final float[] FINITE_EXTREMES = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
        Float.MAX_VALUE, -Float.MAX_VALUE, 1e-30f, -3.5f};
    private static final float[] NON_FINITE = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.intBitsToFloat(0xFFC00001)};

    @Test
    void everyNonFiniteValueIsFoundAtEveryPosition() {
        for (int length : new int[] {1, 7, 16, 63, 64, 65, 200}) {
            float[] values = new float[length];
            for (int i = 0; i < length; i++) {
                values[i] = FINITE_EXTREMES[i % FINITE_EXTREMES.length];
            }
            assertTrue(FiniteResult.allFinite(values, 0, length), "finite values of length " + length);
            for (int at = 0; at < length; at++) {
                for (float bad : NON_FINITE) {
                    float kept = values[at];
                    values[at] = bad;
                    assertFalse(FiniteResult.allFinite(values, 0, length), bad + " at " + at + " of " + length);
                    values[at] = kept;
                }
            }
        }
    }

    @Test
    void onlyTheRangeIsRead() {
        float[] values = new float[300];
        values[0] = Float.NaN;
        values[299] = Float.POSITIVE_INFINITY;
        assertTrue(FiniteResult.allFinite(values, 1, 299));
        assertTrue(FiniteResult.allFinite(values, 5, 5), "an empty range is finite");
        assertFalse(FiniteResult.allFinite(values, 0, 10));
        assertFalse(FiniteResult.allFinite(values, 290, 300));
    }
}
