package io.hattn.nn;

import java.util.SplittableRandom;

/** y = x W^T + b over rows of a flat [rows, in] array (W is [out, in], as in PyTorch and llm.c). */
public final class Linear {
    final int in;
    final int out;
    private final Parameters parameters;
    private final Parameters.View weight;
    private final Parameters.View bias;
    private final MatrixProducts products;

    public Linear(Parameters parameters, String name, int in, int out, boolean withBias, MatrixProducts products) {
        this.parameters = parameters;
        this.in = in;
        this.out = out;
        this.weight = parameters.add(name + ".weight", out, in);
        this.bias = withBias ? parameters.add(name + ".bias", out) : null;
        this.products = products;
    }

    /** Normal weights of the given deviation, zero bias. */
    public void initialise(SplittableRandom random, double deviation) {
        Initialisation.normal(parameters.values(), weight, random, deviation);
        if (bias != null) {
            Initialisation.zeros(parameters.values(), bias);
        }
    }

    /** y[rows, out] = x[rows, in] W^T + b (y overwritten). */
    public void forward(float[] x, int rows, float[] y) {
        float[] values = parameters.values();
        products.forward(x, rows, in, values, weight.offset(), bias == null ? null : values,
                bias == null ? 0 : bias.offset(), out, y);
    }

    /** Adds the weight and bias gradients; adds dy W to dx when dx is given (layers accumulate into dx). */
    public void backward(float[] x, float[] dy, int rows, float[] dx) {
        float[] values = parameters.values();
        float[] gradients = parameters.gradients();
        products.backwardWeights(dy, x, rows, in, out, gradients, weight.offset(), bias == null ? null : gradients,
                bias == null ? 0 : bias.offset());
        if (dx != null) {
            products.backwardInput(dy, rows, out, values, weight.offset(), in, dx, true);
        }
    }
}
