package io.hattn.testing;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The tolerance gate of design.md: every element within {@code atol + rtol * |reference|}, the relative L2
 * error within {@code relL2}; NaN or infinity always fails. The message names the worst element.
 */
public record Tolerance(double atol, double rtol, double relL2) {

    public static Tolerance of(double atol, double rtol, double relL2) {
        return new Tolerance(atol, rtol, relL2);
    }

    public void assertClose(String what, double[] reference, float[] actual) {
        if (reference.length != actual.length) {
            fail(what + ": length " + actual.length + ", expected " + reference.length);
        }
        double worstExcess = 0;
        int worst = -1;
        double diffSquares = 0;
        double refSquares = 0;
        for (int i = 0; i < reference.length; i++) {
            if (!Float.isFinite(actual[i])) {
                fail(what + ": non-finite " + actual[i] + " at flat index " + i);
            }
            double diff = Math.abs(actual[i] - reference[i]);
            double excess = diff - (atol + rtol * Math.abs(reference[i]));
            if (excess > worstExcess) {
                worstExcess = excess;
                worst = i;
            }
            diffSquares += diff * diff;
            refSquares += reference[i] * reference[i];
        }
        if (worst >= 0) {
            fail(String.format("%s: element %d is %.9g, expected %.9g (|diff| %.3g > atol %.1g + rtol %.1g * |ref|)",
                    what, worst, actual[worst], reference[worst], Math.abs(actual[worst] - reference[worst]),
                    atol, rtol));
        }
        double rel = Math.sqrt(diffSquares / Math.max(refSquares, 1e-300));
        if (rel > relL2) {
            fail(String.format("%s: relative L2 error %.3g > %.1g", what, rel, relL2));
        }
    }

    /**
     * The same gate with atol taken relative to the largest |reference| element, for tensors (gradients) whose
     * scale varies from case to case: {@code |a - r| <= atol * max|ref| + rtol * |r|}.
     */
    public void assertCloseScaled(String what, double[] reference, float[] actual) {
        double largest = 0;
        for (double r : reference) {
            largest = Math.max(largest, Math.abs(r));
        }
        new Tolerance(atol * largest, rtol, relL2).assertClose(what, reference, actual);
    }

    public void assertClose(String what, float[] reference, float[] actual) {
        double[] widened = new double[reference.length];
        for (int i = 0; i < reference.length; i++) {
            widened[i] = reference[i];
        }
        assertClose(what, widened, actual);
    }
}
