package io.hattn.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * Central finite differences of a float32 layer, for its gradient check: the loss is {@code sum(out * probe)}
 * with a fixed random probe, summed in double; each checked element of an input or parameter is nudged by +-h
 * and +-h/2, and the Richardson combination {@code (4 D(h/2) - D(h)) / 3} (error O(h^4), so curvature such as
 * GELU's does not pass for a wrong gradient) is compared with the analytic gradient. float32 rounding of the
 * forward then dominates what is left (measured per layer).
 */
final class GradientCheck {

    private GradientCheck() {
    }

    static final float STEP = 1e-2f;

    /** sum(out[0, count) * probe) in double. */
    static double dot(float[] out, float[] probe, int count) {
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += (double) out[i] * probe[i];
        }
        return sum;
    }

    static float[] gaussian(int count, long seed, double deviation) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (Initialisation.gaussian(random) * deviation);
        }
        return values;
    }

    /**
     * Compares {@code analytic[offset + i]} with the difference quotient of {@code loss} in {@code values[offset +
     * i]}, for {@code samples} random i in [0, count) (all of them when count is small). Returns the worst
     * {@code |numeric - analytic| / (atol + |numeric|)}; asserts it is at most 1 for the given relative tolerance.
     */
    static double check(String what, float[] values, int offset, int count, float[] analytic, DoubleSupplier loss,
                        double rtol, double atol) {
        SplittableRandom random = new SplittableRandom(what.hashCode());
        int checks = Math.min(count, 40);
        double worst = 0;
        for (int n = 0; n < checks; n++) {
            int i = offset + (count <= 40 ? n : random.nextInt(count));
            double wide = difference(values, i, STEP, loss);
            double narrow = difference(values, i, STEP / 2, loss);
            double numeric = (4 * narrow - wide) / 3;
            double error = Math.abs(numeric - analytic[i]);
            double bound = atol + rtol * Math.abs(numeric);
            worst = Math.max(worst, error / bound);
            assertTrue(error <= bound, String.format("%s: element %d: analytic %.7g, numeric %.7g (|diff| %.3g > %.3g)",
                    what, i - offset, analytic[i], numeric, error, bound));
        }
        loss.getAsDouble();
        if (Boolean.getBoolean("hattn.test.report")) {
            System.out.printf("hattn.test.report: %s: worst error %.3g of the bound%n", what, worst);
        }
        return worst;
    }

    private static double difference(float[] values, int i, float step, DoubleSupplier loss) {
        float saved = values[i];
        values[i] = saved + step;
        double plus = loss.getAsDouble();
        values[i] = saved - step;
        double minus = loss.getAsDouble();
        values[i] = saved;
        return (plus - minus) / (2 * step);
    }
}
