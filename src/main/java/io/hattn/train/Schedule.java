package io.hattn.train;

import java.util.Locale;

/**
 * The learning rate per step: a linear warmup to the peak, then constant, cosine decay to a tenth of the peak
 * over the run, or reciprocal square root decay. Constant and rsqrt do not depend on the total number of
 * steps, so a run resumed with a larger --steps continues on the same curve.
 */
public enum Schedule {
    CONSTANT, COSINE, RSQRT;

    public static Schedule parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("schedule must be constant, cosine or rsqrt, got '" + name + "'");
        }
    }

    /** The rate of 1-based step {@code step} of {@code totalSteps}. */
    public float rate(float peak, long step, long warmup, long totalSteps) {
        if (warmup > 0 && step <= warmup) {
            return peak * step / warmup;
        }
        switch (this) {
            case CONSTANT:
                return peak;
            case RSQRT:
                return (float) (peak * Math.sqrt(Math.max(1, warmup) / (double) step));
            case COSINE:
            default:
                double progress = Math.min(1.0, (step - warmup) / (double) Math.max(1, totalSteps - warmup));
                double floor = 0.1;
                return (float) (peak * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress))));
        }
    }
}
