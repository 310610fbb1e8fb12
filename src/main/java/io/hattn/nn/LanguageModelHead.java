package io.hattn.nn;

import java.util.SplittableRandom;

/** Logits over the vocabulary at every position: Linear(width, vocabulary) on [batch * length, width]. */
public final class LanguageModelHead {
    private final int vocabulary;
    private final Linear linear;

    public LanguageModelHead(Parameters parameters, String name, int width, int vocabulary, MatrixProducts products) {
        this.vocabulary = vocabulary;
        this.linear = new Linear(parameters, name, width, vocabulary, false, products);
    }

    public void initialise(SplittableRandom random, double deviation) {
        linear.initialise(random, deviation);
    }

    /** logits[rows, vocabulary] (overwritten). */
    public void forward(float[] x, int rows, float[] logits) {
        linear.forward(x, rows, logits);
    }

    /** dx += dLogits W; the weight gradient accumulates. */
    public void backward(float[] x, float[] dLogits, int rows, float[] dx) {
        linear.backward(x, dLogits, rows, dx);
    }

    public int vocabulary() {
        return vocabulary;
    }
}
