package io.hattn.nn;

/** GELU with the tanh approximation (as GPT-2 and llm.c), element-wise. */
public final class Gelu {
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);
    private static final float CUBIC = 0.044715f;

    private Gelu() {
    }

    public static void forward(float[] x, int count, float[] y) {
        for (int i = 0; i < count; i++) {
            float v = x[i];
            y[i] = 0.5f * v * (1f + (float) Math.tanh(SQRT_2_OVER_PI * (v + CUBIC * v * v * v)));
        }
    }

    /** dx += dy * gelu'(x). */
    public static void backward(float[] x, float[] dy, int count, float[] dx) {
        for (int i = 0; i < count; i++) {
            float v = x[i];
            float inner = SQRT_2_OVER_PI * (v + CUBIC * v * v * v);
            float tanh = (float) Math.tanh(inner);
            float sech2 = 1f - tanh * tanh;
            float derivative = 0.5f * (1f + tanh) + 0.5f * v * sech2 * SQRT_2_OVER_PI * (1f + 3f * CUBIC * v * v);
            dx[i] += dy[i] * derivative;
        }
    }
}
