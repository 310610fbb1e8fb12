package io.hattn.nn;

import java.util.SplittableRandom;

/** Pooling of the final activations into one vector per sequence, then Linear(pooled width, classes). */
public final class ClassificationHead {
    private final int width;
    private final int pooledWidth;
    private final int classes;
    private final Pooling pooling;
    private final Linear linear;
    private float[] logits = new float[0];

    public ClassificationHead(Parameters parameters, String name, int width, int classes, Pooling pooling,
                              MatrixProducts products) {
        this.width = width;
        this.classes = classes;
        this.pooling = pooling;
        this.pooledWidth = pooling.pooledWidth(width);
        this.linear = new Linear(parameters, name, pooledWidth, classes, true, products);
    }

    /** The width of one pooled vector, which the linear layer reads. */
    public int pooledWidth() {
        return pooledWidth;
    }

    public void initialise(SplittableRandom random, double deviation) {
        linear.initialise(random, deviation);
    }

    /** Logits [batch, classes]; {@code pooled} [batch, pooled width] receives the pooled vectors. */
    public float[] forward(float[] x, boolean[] valid, int batch, int length, float[] pooled) {
        pooling.forward(x, valid, batch, length, width, pooled);
        logits = Scratch.exactly(logits, batch * classes);
        linear.forward(pooled, batch, logits);
        return logits;
    }

    /** dx += the gradient of the activations; {@code dPooled} is scratch of [batch, pooled width]. */
    public void backward(float[] x, float[] pooled, float[] dLogits, boolean[] valid, int batch, int length,
                         float[] dPooled, float[] dx) {
        java.util.Arrays.fill(dPooled, 0, batch * pooledWidth, 0f);
        linear.backward(pooled, dLogits, batch, dPooled);
        pooling.backward(dPooled, valid, batch, length, width, dx);
    }
}
