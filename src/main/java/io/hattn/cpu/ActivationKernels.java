package io.hattn.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * GELU (tanh approximation) and its derivative over arrays, eight or sixteen lanes at a time: the layers call
 * it for every hidden activation, where a scalar Math.tanh per element cost a fifth of a training step
 * (measured). {@code -Dhattn.simd=false} runs the scalar body.
 */
public final class ActivationKernels {
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);
    private static final float CUBIC = 0.044715f;

    private ActivationKernels() {
    }

    /** y = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    public static void gelu(float[] x, int count, float[] y) {
        int i = 0;
        if (Simd.ENABLED) {
            for (; i + Simd.LANES <= count; i += Simd.LANES) {
                FloatVector v = FloatVector.fromArray(Simd.SPECIES, x, i);
                FloatVector inner = v.mul(v).mul(CUBIC).add(1f).mul(v).mul(SQRT_2_OVER_PI);
                FloatVector tanh = inner.lanewise(VectorOperators.TANH);
                v.mul(0.5f).mul(tanh.add(1f)).intoArray(y, i);
            }
        }
        for (; i < count; i++) {
            float v = x[i];
            y[i] = 0.5f * v * (1f + (float) Math.tanh(SQRT_2_OVER_PI * (v + CUBIC * v * v * v)));
        }
    }

    /** dx += dy * gelu'(x). */
    public static void geluBackward(float[] x, float[] dy, int count, float[] dx) {
        int i = 0;
        if (Simd.ENABLED) {
            for (; i + Simd.LANES <= count; i += Simd.LANES) {
                FloatVector v = FloatVector.fromArray(Simd.SPECIES, x, i);
                FloatVector square = v.mul(v);
                FloatVector inner = square.mul(CUBIC).add(1f).mul(v).mul(SQRT_2_OVER_PI);
                FloatVector tanh = inner.lanewise(VectorOperators.TANH);
                FloatVector sech2 = tanh.mul(tanh).neg().add(1f);
                FloatVector slope = square.mul(3f * CUBIC).add(1f).mul(SQRT_2_OVER_PI);
                FloatVector derivative = tanh.add(1f).mul(0.5f).add(v.mul(0.5f).mul(sech2).mul(slope));
                FloatVector.fromArray(Simd.SPECIES, dy, i).fma(derivative, FloatVector.fromArray(Simd.SPECIES, dx, i))
                        .intoArray(dx, i);
            }
        }
        for (; i < count; i++) {
            float v = x[i];
            float tanh = (float) Math.tanh(SQRT_2_OVER_PI * (v + CUBIC * v * v * v));
            float sech2 = 1f - tanh * tanh;
            float derivative = 0.5f * (1f + tanh) + 0.5f * v * sech2 * SQRT_2_OVER_PI * (1f + 3f * CUBIC * v * v);
            dx[i] += dy[i] * derivative;
        }
    }
}
