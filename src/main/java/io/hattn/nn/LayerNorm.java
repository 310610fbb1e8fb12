package io.hattn.nn;

/**
 * Layer normalisation over the last dimension with a gain and a bias (epsilon 1e-5). The forward keeps each
 * row's mean and reciprocal deviation for the backward.
 */
public final class LayerNorm {
    private static final float EPSILON = 1e-5f;

    private final int width;
    private final Parameters parameters;
    private final Parameters.View gain;
    private final Parameters.View bias;
    private float[] means = new float[0];
    private float[] reciprocalDeviations = new float[0];

    public LayerNorm(Parameters parameters, String name, int width) {
        this.parameters = parameters;
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
        int g = gain.offset();
        int b = bias.offset();
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            double sum = 0;
            for (int c = 0; c < width; c++) {
                sum += x[row + c];
            }
            float mean = (float) (sum / width);
            double squares = 0;
            for (int c = 0; c < width; c++) {
                float centred = x[row + c] - mean;
                squares += centred * centred;
            }
            float reciprocal = (float) (1 / Math.sqrt(squares / width + EPSILON));
            for (int c = 0; c < width; c++) {
                y[row + c] = (x[row + c] - mean) * reciprocal * values[g + c] + values[b + c];
            }
            means[r] = mean;
            reciprocalDeviations[r] = reciprocal;
        }
    }

    /** Adds to dx and to the gain and bias gradients; uses the statistics of the last forward. */
    public void backward(float[] x, float[] dy, int rows, float[] dx) {
        float[] values = parameters.values();
        float[] gradients = parameters.gradients();
        int g = gain.offset();
        int b = bias.offset();
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            float mean = means[r];
            float reciprocal = reciprocalDeviations[r];
            double meanOfDy = 0;
            double meanOfDyXhat = 0;
            for (int c = 0; c < width; c++) {
                float xhat = (x[row + c] - mean) * reciprocal;
                float dxhat = dy[row + c] * values[g + c];
                meanOfDy += dxhat;
                meanOfDyXhat += dxhat * xhat;
            }
            meanOfDy /= width;
            meanOfDyXhat /= width;
            for (int c = 0; c < width; c++) {
                float xhat = (x[row + c] - mean) * reciprocal;
                float dxhat = dy[row + c] * values[g + c];
                gradients[g + c] += dy[row + c] * xhat;
                gradients[b + c] += dy[row + c];
                dx[row + c] += (float) ((dxhat - meanOfDy - xhat * meanOfDyXhat) * reciprocal);
            }
        }
    }
}
