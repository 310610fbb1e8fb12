package io.hattn.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The deterministic exponential and lane sum against the definitions, and their vector bodies against tails. */
class VectorMathTest {

    /** Measured worst: 1.04 ulp over 290,000 points of [-87.3, 88.3] (0.99 with the degree-7 polynomial before). */
    @Test
    void expIsWithinTwoUlpOfTheExactValue() {
        double worst = 0;
        float at = 0;
        float[] x = new float[4099];
        SplittableRandom random = new SplittableRandom(1);
        for (int round = 0; round < 60; round++) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (random.nextDouble(-87.3, 88.3));
            }
            float[] e = x.clone();
            VectorMath.exp(e, 0, e.length, 0f);
            for (int i = 0; i < x.length; i++) {
                double exact = Math.exp(x[i]);
                double ulps = Math.abs(e[i] - exact) / Math.ulp((float) exact);
                if (ulps > worst) {
                    worst = ulps;
                    at = x[i];
                }
            }
        }
        assertTrue(worst <= 2, "worst " + worst + " ulp at " + at);
    }

    @Test
    void expOfMinusInfinityAndOfUnderflowsIsZeroAndLargeValuesSaturate() {
        float[] x = {Float.NEGATIVE_INFINITY, -1000f, -88f, 0f, 1000f, Float.NEGATIVE_INFINITY, -1000f, -88f, 0f,
            1000f, Float.NEGATIVE_INFINITY, -1000f, -88f, 0f, 1000f, Float.NEGATIVE_INFINITY, -90f};
        float[] e = x.clone();
        VectorMath.exp(e, 0, e.length, 0f);
        for (int i = 0; i < x.length; i++) {
            float expected = x[i] == 0f ? 1f : x[i] > 0 ? (float) Math.exp(88.37626f) : 0f;
            assertEquals(expected, e[i], 2 * Math.ulp(expected), "exp(" + x[i] + ")");
        }
    }

    /** The clamps are compares and blends: a NaN input must come out NaN in the vector bodies and the tail. */
    @Test
    void expOfNaNIsNaN() {
        // the two-vector body [0, 2 lanes), the one-vector body [2 lanes, 3 lanes), the scalar tail after
        float[] e = new float[3 * Simd.LANES + 3];
        java.util.Arrays.fill(e, 0.5f);
        int[] at = {0, Simd.LANES - 1, Simd.LANES + 1, 2 * Simd.LANES + 1, 3 * Simd.LANES + 2};
        for (int i : at) {
            e[i] = Float.NaN;
        }
        VectorMath.exp(e, 0, e.length, 0f);
        for (int i : at) {
            assertTrue(Float.isNaN(e[i]), "exp(NaN) at " + i + " gave " + e[i]);
        }
        assertEquals(VectorMath.scalarExp(0.5f), e[1], 0f, "the lanes beside a NaN are untouched by it");
    }

    @Test
    void theShiftIsSubtractedFirst() {
        float[] e = {3f, 3f, 3f, 3f, 3f, 3f, 3f, 3f, 3f, 3f, 3f, 3f, 3f, 3f, 3f, 3f, 3f};
        VectorMath.exp(e, 0, e.length, 3f);
        for (float value : e) {
            assertEquals(1f, value, 0f);
        }
    }

    /** A length that is not a multiple of the vector: the tail (scalar) and the body agree bit for bit. */
    @Test
    void vectorBodyAndScalarTailGiveTheSameBits() {
        SplittableRandom random = new SplittableRandom(2);
        float[] x = new float[Simd.LANES * 50];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-90, 90);
        }
        float[] vector = x.clone();
        VectorMath.exp(vector, 0, vector.length, 0.5f);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToIntBits(VectorMath.scalarExp(x[i] - 0.5f)), Float.floatToIntBits(vector[i]),
                    "exp(" + x[i] + " - 0.5)");
        }
    }

    @Test
    void sumAddsEveryLane() {
        float[] lanes = new float[Simd.LANES + 3];
        double exact = 0;
        for (int i = 0; i < Simd.LANES; i++) {
            lanes[3 + i] = 1f + i * 0.25f;
            exact += lanes[3 + i];
        }
        assertEquals(exact, VectorMath.sumOfLanes(lanes, 3, Simd.LANES), 0.0);
    }

    /**
     * Lanes whose sum depends on the order of the additions: one vector is summed by the fixed tree (lane i plus lane
     * i xor half, halving) where wide tiles fold, front to back otherwise (and for any other count), so that a run
     * resumed in a fresh JVM gives the bits of the warm one.
     */
    @Test
    void sumOfLanesAddsInAFixedOrder() {
        float[] lanes = new float[Simd.LANES];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = (i % 3 == 0 ? 1.0e7f : 0.37f) * (1 + i * 0.011f) * (i % 2 == 0 ? 1 : -1);
        }
        float[] tree = lanes.clone();
        for (int half = Simd.LANES / 2; half >= 1; half /= 2) {
            float[] next = new float[tree.length];
            for (int i = 0; i < tree.length; i++) {
                next[i] = tree[i] + tree[i ^ half];
            }
            tree = next;
        }
        float inOrder = lanes[0];
        for (int i = 1; i < lanes.length; i++) {
            inOrder += lanes[i];
        }
        boolean folds = Simd.WIDE_TILES && Simd.LANES >= 2 && Simd.LANES <= 16;
        assertEquals(Float.floatToIntBits(folds ? tree[0] : inOrder),
                Float.floatToIntBits(VectorMath.sumOfLanes(lanes, 0, Simd.LANES)));
        float firstThree = lanes[0] + lanes[1] + lanes[2];
        assertEquals(Float.floatToIntBits(firstThree), Float.floatToIntBits(VectorMath.sumOfLanes(lanes, 0, 3)));
    }

    @Test
    void dotMatchesTheDefinitionWithATail() {
        int count = 4 * Simd.LANES + 5;
        float[] a = new float[count + 2];
        float[] b = new float[count + 7];
        double exact = 0;
        for (int c = 0; c < count; c++) {
            a[2 + c] = (float) Math.sin(c);
            b[7 + c] = (float) Math.cos(0.5 * c);
            exact += (double) a[2 + c] * b[7 + c];
        }
        assertEquals(exact, VectorMath.dot(a, 2, b, 7, count), 1e-5);
    }
}
