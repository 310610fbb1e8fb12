package io.hattn.testing;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The tolerance gate of the test tiers: every element within {@code atol + rtol * |reference|}, no element
 * further than {@code maxAbs} from its reference, and the relative L2 error within {@code relL2}; NaN or
 * infinity always fails. The message names the worst element.
 *
 * <p>Bounds are set at about twice the error measured on the checked cases; run the tests with
 * {@code -Dhattn.test.report=true} to print the measured figures of every comparison and re-measure them.
 */
public record Tolerance(double atol, double rtol, double relL2, double maxAbs) {

    private static final boolean REPORT = Boolean.getBoolean("hattn.test.report");

    public Tolerance {
        if (!(atol >= 0 && rtol >= 0 && relL2 >= 0 && maxAbs > 0)) {
            throw new IllegalArgumentException("tolerances must be >= 0 (maxAbs > 0)");
        }
    }

    public static Tolerance of(double atol, double rtol, double relL2, double maxAbs) {
        return new Tolerance(atol, rtol, relL2, maxAbs);
    }

    /** What a comparison measured: the largest |difference| and the relative L2 error. */
    public record Measured(double maxAbs, double relL2) {
    }

    /** Measures without asserting anything beyond equal lengths and finite values. */
    public static Measured measure(String what, double[] reference, float[] actual) {
        if (reference.length != actual.length) {
            fail(what + ": length " + actual.length + ", expected " + reference.length);
        }
        double maxAbs = 0;
        double diffSquares = 0;
        double refSquares = 0;
        for (int i = 0; i < reference.length; i++) {
            if (!Float.isFinite(actual[i])) {
                fail(what + ": non-finite " + actual[i] + " at flat index " + i);
            }
            double diff = Math.abs(actual[i] - reference[i]);
            maxAbs = Math.max(maxAbs, diff);
            diffSquares += diff * diff;
            refSquares += reference[i] * reference[i];
        }
        return new Measured(maxAbs, Math.sqrt(diffSquares / Math.max(refSquares, 1e-300)));
    }

    public void assertClose(String what, double[] reference, float[] actual) {
        Measured measured = measure(what, reference, actual);
        if (REPORT) {
            System.out.printf("hattn.test.report: %s: max|diff| %.3g, relative L2 %.3g%n", what, measured.maxAbs(),
                    measured.relL2());
        }
        double worstExcess = 0;
        int worst = -1;
        for (int i = 0; i < reference.length; i++) {
            double diff = Math.abs(actual[i] - reference[i]);
            double excess = diff - (atol + rtol * Math.abs(reference[i]));
            if (excess > worstExcess) {
                worstExcess = excess;
                worst = i;
            }
        }
        if (worst >= 0) {
            fail(String.format("%s: element %d is %.9g, expected %.9g (|diff| %.3g > atol %.1g + rtol %.1g * |ref|)",
                    what, worst, actual[worst], reference[worst], Math.abs(actual[worst] - reference[worst]),
                    atol, rtol));
        }
        if (measured.maxAbs() > maxAbs) {
            fail(String.format("%s: max |diff| %.3g > ceiling %.1g", what, measured.maxAbs(), maxAbs));
        }
        if (measured.relL2() > relL2) {
            fail(String.format("%s: relative L2 error %.3g > %.1g", what, measured.relL2(), relL2));
        }
    }

    /**
     * The same gate with atol taken relative to the largest |reference| element, for tensors (gradients) whose
     * scale varies from case to case: {@code |a - r| <= atol * max|ref| + rtol * |r|}, and the max-abs ceiling
     * relative to the largest element too.
     */
    public void assertCloseScaled(String what, double[] reference, float[] actual) {
        double largest = 0;
        for (double r : reference) {
            largest = Math.max(largest, Math.abs(r));
        }
        new Tolerance(atol * largest, rtol, relL2, maxAbs * Math.max(largest, Double.MIN_NORMAL)).assertClose(what,
                reference, actual);
    }

    public void assertClose(String what, float[] reference, float[] actual) {
        double[] widened = new double[reference.length];
        for (int i = 0; i < reference.length; i++) {
            widened[i] = reference[i];
        }
        assertClose(what, widened, actual);
    }
}
