package io.hattn.tornado;

import static org.junit.jupiter.api.Assertions.fail;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;

/**
 * Shared fixtures of the device tier: the runtime check (skip with a visible message, never pass silently), one
 * backend on the default device shared by all test classes (plans are cached per shape), seeded random problems,
 * and the tolerance check of the test tiers (mixed atol + rtol, max-abs ceiling, relative L2; NaN/Inf always fail).
 */
final class DeviceTier {

    private static final TornadoBackendProvider PROVIDER = new TornadoBackendProvider();
    private static TornadoAttentionBackend backend;

    private DeviceTier() {
    }

    /** Skips the calling test, with the reason, when no TornadoVM runtime is present. */
    static void assumeRuntime() {
        String reason = PROVIDER.unavailableReason();
        if (reason != null) {
            System.out.println("[hattn] TornadoVM device tier skipped: " + reason);
        }
        Assumptions.assumeTrue(reason == null, () -> "TornadoVM device tier skipped: " + reason);
    }

    static TornadoBackendProvider provider() {
        return PROVIDER;
    }

    static synchronized TornadoAttentionBackend backend() {
        assumeRuntime();
        if (backend == null) {
            backend = (TornadoAttentionBackend) PROVIDER.open(null);
            Runtime.getRuntime().addShutdownHook(new Thread(backend::close));
        }
        return backend;
    }

    static TornadoDevices.Selected device() {
        assumeRuntime();
        return TornadoDevices.select(null);
    }

    /** Gaussian q, k, v; optionally a random mask (about a quarter invalid, at least one valid per row). */
    static AttentionProblem random(AttentionSpec spec, long seed, boolean masked, boolean biased) {
        Random random = new Random(seed);
        float[] q = gaussian(random, spec.queryElements());
        float[] k = gaussian(random, spec.queryElements());
        float[] v = gaussian(random, spec.valueElements());
        AttentionProblem problem = AttentionProblem.of(spec, q, k, v);
        if (masked) {
            boolean[] mask = new boolean[spec.batch() * spec.length()];
            for (int b = 0; b < spec.batch(); b++) {
                for (int i = 0; i < spec.length(); i++) {
                    mask[b * spec.length() + i] = i == 0 || random.nextInt(4) != 0;
                }
            }
            problem = problem.withMask(mask);
        }
        if (biased) {
            problem = problem.withBias(gaussian(random, spec.heads() * spec.biasEntriesPerHead()));
        }
        return problem;
    }

    static float[] gaussian(Random random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /** Mixed tolerance plus ceilings; the measured figures are printed so bounds can be set from them. */
    record Tolerance(double atol, double rtol, double maxAbs, double relativeL2) {

        Measured check(String what, float[] got, double[] expected) {
            if (got.length != expected.length) {
                fail(what + ": " + got.length + " values, expected " + expected.length);
            }
            double maxError = 0;
            double maxRelative = 0;
            double errorSquares = 0;
            double referenceSquares = 0;
            int worst = -1;
            for (int i = 0; i < got.length; i++) {
                if (!Float.isFinite(got[i])) {
                    fail(what + ": non-finite value " + got[i] + " at " + i);
                }
                double error = Math.abs(got[i] - expected[i]);
                errorSquares += error * error;
                referenceSquares += expected[i] * expected[i];
                if (error > atol + rtol * Math.abs(expected[i]) && worst < 0) {
                    worst = i;
                }
                maxError = Math.max(maxError, error);
                maxRelative = Math.max(maxRelative, error / Math.max(1, Math.abs(expected[i])));
            }
            double l2 = Math.sqrt(errorSquares / Math.max(referenceSquares, 1e-300));
            Measured measured = new Measured(what, maxError, maxRelative, l2);
            System.out.println("[hattn] " + measured);
            if (worst >= 0) {
                fail(what + ": |got - expected| > " + atol + " + " + rtol + " |expected| at " + worst + ": got "
                        + got[worst] + ", expected " + expected[worst] + " (" + measured + ")");
            }
            if (maxError > maxAbs || l2 > relativeL2) {
                fail(what + ": " + measured + " exceeds max-abs " + maxAbs + " or relative L2 " + relativeL2);
            }
            return measured;
        }

        Measured check(String what, float[] got, float[] expected) {
            double[] widened = new double[expected.length];
            for (int i = 0; i < expected.length; i++) {
                widened[i] = expected[i];
            }
            return check(what, got, widened);
        }
    }

    /** maxRelative: the largest |error| / max(1, |expected|). */
    record Measured(String what, double maxAbs, double maxRelative, double relativeL2) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: measured max-abs %.3g, max-rel %.3g, relative L2 %.3g", what,
                    maxAbs, maxRelative, relativeL2);
        }
    }
}
