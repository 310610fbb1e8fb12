package io.hattn.nn;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Pooling of the final activations into one vector per sequence, then Linear(pooled width, classes), or with a
 * hidden layer an {@link Mlp} (pooled width, hidden, classes), as the LRA's classifiers have. A linear head adds
 * what each pooled token says about the answer; the hidden layer lets it combine them (in ListOps: the operator,
 * from the first token, with an argument, from the last).
 */
public final class ClassificationHead {
    private final int width;
    private final int pooledWidth;
    private final int classes;
    private final Pooling pooling;
    private final Linear linear;
    private final Mlp mlp;
    private float[] logits = new float[0];

    /** {@code hidden} 0: a linear head. */
    public ClassificationHead(Parameters parameters, String name, int width, int classes, Pooling pooling, int hidden,
                              MatrixProducts products) {
        this.width = width;
        this.classes = classes;
        this.pooling = pooling;
        this.pooledWidth = pooling.pooledWidth(width);
        this.linear = hidden == 0 ? new Linear(parameters, name, pooledWidth, classes, true, products) : null;
        this.mlp = hidden == 0 ? null : new Mlp(parameters, name, pooledWidth, hidden, classes, products);
    }

    /** The width of one pooled vector, which the head reads. */
    public int pooledWidth() {
        return pooledWidth;
    }

    public void initialise(SplittableRandom random, double deviation) {
        if (mlp == null) {
            linear.initialise(random, deviation);
        } else {
            mlp.initialise(random, deviation, 1.0);
        }
    }

    /** Logits [batch, classes]; {@code pooled} [batch, pooled width] receives the pooled vectors. */
    public float[] forward(float[] x, boolean[] valid, int batch, int length, float[] pooled) {
        pooling.forward(x, valid, batch, length, width, pooled);
        logits = Scratch.exactly(logits, batch * classes);
        if (mlp == null) {
            linear.forward(pooled, batch, logits);
        } else {
            mlp.forward(pooled, batch, logits);
        }
        return logits;
    }

    /** dx += the gradient of the activations; {@code dPooled} is scratch of [batch, pooled width]. */
    public void backward(float[] x, float[] pooled, float[] dLogits, boolean[] valid, int batch, int length,
                         float[] dPooled, float[] dx) {
        Arrays.fill(dPooled, 0, batch * pooledWidth, 0f);
        if (mlp == null) {
            linear.backward(pooled, dLogits, batch, dPooled);
        } else {
            mlp.backward(pooled, dLogits, batch, dPooled);
        }
        pooling.backward(dPooled, valid, batch, length, width, dx);
    }
}
