package io.hattn.nn;

import java.util.SplittableRandom;

/**
 * Position information added to the token embeddings of [batch, length, width] activations: a learned table of
 * [maxLength, width], or the fixed sinusoids of "Attention is all you need" (no parameters).
 */
public final class Positions {
    private final int maxLength;
    private final int width;
    private final Parameters parameters;
    private final Parameters.View learned;
    private final float[] sinusoids;

    private Positions(Parameters parameters, String name, int maxLength, int width, boolean learnedTable) {
        this.parameters = parameters;
        this.maxLength = maxLength;
        this.width = width;
        this.learned = learnedTable ? parameters.add(name + ".weight", maxLength, width) : null;
        this.sinusoids = learnedTable ? null : sinusoidTable(maxLength, width);
    }

    public static Positions learned(Parameters parameters, String name, int maxLength, int width) {
        return new Positions(parameters, name, maxLength, width, true);
    }

    public static Positions sinusoidal(Parameters parameters, int maxLength, int width) {
        return new Positions(parameters, null, maxLength, width, false);
    }

    public void initialise(SplittableRandom random, double deviation) {
        if (learned != null) {
            Initialisation.normal(parameters.values(), learned, random, deviation);
        }
    }

    /** x[b, t] += position[t] in place, for {@code batch} sequences of {@code length} tokens. */
    public void addTo(float[] x, int batch, int length) {
        if (length > maxLength) {
            throw new IllegalArgumentException("length " + length + " exceeds the model's maximum " + maxLength);
        }
        float[] table = learned != null ? parameters.values() : sinusoids;
        int base = learned != null ? learned.offset() : 0;
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < length; t++) {
                int row = (b * length + t) * width;
                for (int c = 0; c < width; c++) {
                    x[row + c] += table[base + t * width + c];
                }
            }
        }
    }

    /** The learned table's gradient += dy summed over the batch (the sinusoids have none). */
    public void backward(float[] dy, int batch, int length) {
        if (learned == null) {
            return;
        }
        float[] gradients = parameters.gradients();
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < length; t++) {
                int row = (b * length + t) * width;
                for (int c = 0; c < width; c++) {
                    gradients[learned.offset() + t * width + c] += dy[row + c];
                }
            }
        }
    }

    private static float[] sinusoidTable(int maxLength, int width) {
        float[] table = new float[maxLength * width];
        for (int t = 0; t < maxLength; t++) {
            for (int c = 0; c < width; c++) {
                double frequency = Math.pow(10000, -2.0 * (c / 2) / width);
                table[t * width + c] = (float) (c % 2 == 0 ? Math.sin(t * frequency) : Math.cos(t * frequency));
            }
        }
        return table;
    }
}
