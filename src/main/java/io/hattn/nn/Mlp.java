package io.hattn.nn;

import java.util.SplittableRandom;

/**
 * The feed-forward part of a block: Linear(width, hidden), GELU, Linear(hidden, width); also, with other input
 * and output widths, a classification head's hidden layer (Linear(in, hidden), GELU, Linear(hidden, out)).
 */
public final class Mlp {
    private final int hidden;
    private final ParallelChunks chunks;
    private final Linear up;
    private final Linear down;
    private float[] preActivation = new float[0];
    private float[] activation = new float[0];
    private float[] dActivation = new float[0];
    private float[] dPreActivation = new float[0];

    public Mlp(Parameters parameters, String name, int width, int hidden, MatrixProducts products) {
        this(parameters, name, width, hidden, width, products);
    }

    public Mlp(Parameters parameters, String name, int in, int hidden, int out, MatrixProducts products) {
        this.hidden = hidden;
        this.chunks = new ParallelChunks(products.pool());
        this.up = new Linear(parameters, name + ".up", in, hidden, true, products);
        this.down = new Linear(parameters, name + ".down", hidden, out, true, products);
    }

    /** GPT-2's initialisation: the projection back into the residual stream scaled by 1/sqrt(2 layers). */
    public void initialise(SplittableRandom random, double deviation, double residualScale) {
        up.initialise(random, deviation);
        down.initialise(random, deviation * residualScale);
    }

    public void forward(float[] x, int rows, float[] y) {
        preActivation = Scratch.atLeast(preActivation, rows * hidden);
        activation = Scratch.atLeast(activation, rows * hidden);
        up.forward(x, rows, preActivation);
        Gelu.forward(chunks, preActivation, rows * hidden, activation);
        down.forward(activation, rows, y);
    }

    /** dx += the gradient through the block; the weight gradients accumulate. */
    public void backward(float[] x, float[] dy, int rows, float[] dx) {
        dActivation = Scratch.zeroed(dActivation, rows * hidden);
        dPreActivation = Scratch.zeroed(dPreActivation, rows * hidden);
        down.backward(activation, dy, rows, dActivation);
        Gelu.backward(chunks, preActivation, dActivation, rows * hidden, dPreActivation);
        up.backward(x, dPreActivation, rows, dx);
    }
}
