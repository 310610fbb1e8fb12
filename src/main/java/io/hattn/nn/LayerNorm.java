package io.hattn.nn;

import io.hattn.cpu.NormKernels;

/**
 * Layer normalisation over the last dimension with a gain and a bias (epsilon 1e-5). The forward keeps each
 * row's mean and reciprocal deviation for the backward. Rows run on every thread of the chunks' pool.
 */
public final class LayerNorm {
    private static final float EPSILON = 1e-5f;

    private final int width;
    private final Parameters parameters;
    private final Parameters.View gain;
    private final Parameters.View bias;
    private float[] means = new float[0];
    private float[] reciprocalDeviations = new float[0];
    private float[][] partials = new float[0][];
    private final ParallelChunks chunks;

    LayerNorm(Parameters parameters, String name, int width, ParallelChunks chunks) {
        this.parameters = parameters;
        this.chunks = chunks;
        this.width = width;
        this.gain = parameters.add(name + ".weight", width);
        this.bias = parameters.add(name + ".bias", width);
    }

    public void initialise() {
        Initialisation.ones(parameters.values(), gain);
        Initialisation.zeros(parameters.values(), bias);
    }

    public void forward(float[] x, int rows, float[] y) {
        if (means.length < rows) {
            means = new float[rows];
            reciprocalDeviations = new float[rows];
        }
        float[] values = parameters.values();
        chunks.split(rows, (long) rows * width, (from, to) -> NormKernels.forward(x, from, to, width, EPSILON,
                values, gain.offset(), bias.offset(), y, means, reciprocalDeviations));
    }

    /**
     * Adds to dx and to the gain and bias gradients; uses the statistics of the last forward. Each thread sums
     * its rows' gain and bias gradients apart, and the partial sums are added in thread order.
     */
    public void backward(float[] x, float[] dy, int rows, float[] dx) {
        float[] values = parameters.values();
        int parts = chunks.parts(rows, (long) rows * width);
        if (partials.length < parts) {
            partials = new float[parts][2 * width];
        }
        chunks.split(rows, (long) rows * width, (part, from, to) -> {
            java.util.Arrays.fill(partials[part], 0f);
            NormKernels.backward(x, dy, from, to, width, values, gain.offset(), means, reciprocalDeviations, dx,
                    partials[part]);
        });
        float[] gradients = parameters.gradients();
        for (int p = 0; p < parts; p++) {
            for (int c = 0; c < width; c++) {
                gradients[gain.offset() + c] += partials[p][c];
                gradients[bias.offset() + c] += partials[p][width + c];
            }
        }
    }
}
