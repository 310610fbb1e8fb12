package io.hattn.train;

import io.hattn.nn.Parameters;
import java.util.function.Supplier;

/**
 * An exponential moving average of the weights (Polyak averaging), the model a run evaluates and reports when it
 * is on: late in training the weights move around a minimum with the optimizer's noise, and their average sits
 * closer to it. After each step {@code average += (1 - d) (w - average)} with {@code d = min(decay, (1 + step) /
 * (10 + step))}, so the first steps, whose weights are far from the end, are forgotten quickly; {@code d} depends on
 * the step alone, so a resumed run continues the average bit for bit. Off, it does nothing and the weights are
 * the model.
 */
public final class WeightAverage {
    private static final WeightAverage OFF = new WeightAverage(0f, null);

    private final float decay;
    private final float[] values;

    private WeightAverage(float decay, float[] values) {
        this.decay = decay;
        this.values = values;
    }

    /** No averaging: the trained weights are the model. */
    public static WeightAverage off() {
        return OFF;
    }

    /**
     * An average with the given decay in (0, 1), starting from the current weights (a resumed run then loads its
     * saved average over them).
     */
    public static WeightAverage of(float decay, Parameters parameters) {
        if (!(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException("--ema must be in (0, 1), got " + decay);
        }
        return new WeightAverage(decay, parameters.values().clone());
    }

    public boolean enabled() {
        return values != null;
    }

    /** The averaged weights, in the layout of the parameter buffer: written and read in place by checkpoints. */
    public float[] values() {
        if (values == null) {
            throw new IllegalStateException("weight averaging is off");
        }
        return values;
    }

    /** Folds in the weights after step {@code step} (counted from 1). */
    public void update(Parameters parameters, long step) {
        if (values == null) {
            return;
        }
        float d = (float) Math.min(decay, (1.0 + step) / (10.0 + step));
        float keep = 1f - d;
        float[] weights = parameters.values();
        for (int i = 0; i < values.length; i++) {
            values[i] += keep * (weights[i] - values[i]);
        }
    }

    /**
     * Runs {@code action} with the averaged weights in the model (the trained ones when off), then puts the
     * trained weights back, bit for bit: swapping twice moves every value, it computes none.
     */
    public <T> T withAverage(Parameters parameters, Supplier<T> action) {
        if (values == null) {
            return action.get();
        }
        swap(parameters.values());
        try {
            return action.get();
        } finally {
            swap(parameters.values());
        }
    }

    private void swap(float[] weights) {
        for (int i = 0; i < values.length; i++) {
            float held = weights[i];
            weights[i] = values[i];
            values[i] = held;
        }
    }
}
