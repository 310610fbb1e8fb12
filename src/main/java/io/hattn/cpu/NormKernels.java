package io.hattn.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * Layer normalisation of rows [from, to) of a flat [rows, width] array, forward and backward, eight or sixteen
 * lanes at a time. The layer ({@code nn.LayerNorm}) splits the rows over threads; the backward adds the gain
 * and bias gradients of its rows into one partial array per thread, summed in order by the caller, so the
 * result depends on the thread count only. {@code -Dhattn.simd=false} runs the scalar bodies.
 */
public final class NormKernels {

    private NormKernels() {
    }

    /**
     * y = (x - mean) / sqrt(variance + epsilon) * gain + bias per row; keeps each row's mean and reciprocal
     * deviation in {@code means} and {@code reciprocals}.
     */
    public static void forward(float[] x, int from, int to, int width, float epsilon, float[] weights, int gain,
                               int bias, float[] y, float[] means, float[] reciprocals) {
        // a row's sum as its dot product with ones, which is exact: the same additions, and no vector of sums to hand
        // to another method (see VectorMath.sumOfLanes)
        float[] ones = new float[width];
        java.util.Arrays.fill(ones, 1f);
        for (int r = from; r < to; r++) {
            int row = r * width;
            float mean = VectorMath.dot(x, row, ones, 0, width) / width;
            float squares = VectorMath.centredDot(x, row, mean, x, row, mean, width);
            float reciprocal = (float) (1 / Math.sqrt(squares / width + epsilon));
            int c = 0;
            if (Simd.ENABLED) {
                for (; c + Simd.LANES <= width; c += Simd.LANES) {
                    FloatVector.fromArray(Simd.SPECIES, x, row + c).sub(mean).mul(reciprocal)
                            .fma(FloatVector.fromArray(Simd.SPECIES, weights, gain + c),
                                    FloatVector.fromArray(Simd.SPECIES, weights, bias + c))
                            .intoArray(y, row + c);
                }
            }
            for (; c < width; c++) {
                y[row + c] = (x[row + c] - mean) * reciprocal * weights[gain + c] + weights[bias + c];
            }
            means[r] = mean;
            reciprocals[r] = reciprocal;
        }
    }

    /**
     * dx += the input gradient of rows [from, to); {@code partial[0, width)} += the gain gradient and
     * {@code partial[width, 2 width)} += the bias gradient of those rows.
     */
    public static void backward(float[] x, float[] dy, int from, int to, int width, float[] weights, int gain,
                                float[] means, float[] reciprocals, float[] dx, float[] partial) {
        float[] lanes = new float[VectorMath.LANES];
        for (int r = from; r < to; r++) {
            int row = r * width;
            float mean = means[r];
            float reciprocal = reciprocals[r];
            float sumDxhat = 0;
            float sumDxhatXhat = 0;
            int c = 0;
            if (Simd.ENABLED) {
                FloatVector dxhatSums = FloatVector.zero(Simd.SPECIES);
                FloatVector productSums = FloatVector.zero(Simd.SPECIES);
                for (; c + Simd.LANES <= width; c += Simd.LANES) {
                    FloatVector xhat = FloatVector.fromArray(Simd.SPECIES, x, row + c).sub(mean).mul(reciprocal);
                    FloatVector gradient = FloatVector.fromArray(Simd.SPECIES, dy, row + c);
                    FloatVector dxhat = gradient.mul(FloatVector.fromArray(Simd.SPECIES, weights, gain + c));
                    dxhatSums = dxhatSums.add(dxhat);
                    productSums = dxhat.fma(xhat, productSums);
                    gradient.fma(xhat, FloatVector.fromArray(Simd.SPECIES, partial, c)).intoArray(partial, c);
                    gradient.add(FloatVector.fromArray(Simd.SPECIES, partial, width + c)).intoArray(partial, width + c);
                }
                dxhatSums.intoArray(lanes, 0);
                sumDxhat = VectorMath.sumOfLanes(lanes, 0, Simd.LANES);
                productSums.intoArray(lanes, 0);
                sumDxhatXhat = VectorMath.sumOfLanes(lanes, 0, Simd.LANES);
            }
            for (int t = c; t < width; t++) {
                float xhat = (x[row + t] - mean) * reciprocal;
                float dxhat = dy[row + t] * weights[gain + t];
                sumDxhat += dxhat;
                sumDxhatXhat += dxhat * xhat;
                partial[t] += dy[row + t] * xhat;
                partial[width + t] += dy[row + t];
            }
            float meanDxhat = sumDxhat / width;
            float meanDxhatXhat = sumDxhatXhat / width;
            c = 0;
            if (Simd.ENABLED) {
                for (; c + Simd.LANES <= width; c += Simd.LANES) {
                    FloatVector xhat = FloatVector.fromArray(Simd.SPECIES, x, row + c).sub(mean).mul(reciprocal);
                    FloatVector dxhat = FloatVector.fromArray(Simd.SPECIES, dy, row + c)
                            .mul(FloatVector.fromArray(Simd.SPECIES, weights, gain + c));
                    dxhat.sub(meanDxhat).sub(xhat.mul(meanDxhatXhat)).mul(reciprocal)
                            .add(FloatVector.fromArray(Simd.SPECIES, dx, row + c)).intoArray(dx, row + c);
                }
            }
            for (; c < width; c++) {
                float xhat = (x[row + c] - mean) * reciprocal;
                float dxhat = dy[row + c] * weights[gain + c];
                dx[row + c] += (dxhat - meanDxhat - xhat * meanDxhatXhat) * reciprocal;
            }
        }
    }
}
