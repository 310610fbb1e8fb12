package io.hattn.nn;

import io.hattn.cpu.ActivationKernels;

/** GELU with the tanh approximation (as GPT-2 and llm.c), element-wise, on the Vector API kernel. */
public final class Gelu {

    private Gelu() {
    }

    public static void forward(float[] x, int count, float[] y) {
        ActivationKernels.gelu(x, count, y);
    }

    /** dx += dy * gelu'(x). */
    public static void backward(float[] x, float[] dy, int count, float[] dx) {
        ActivationKernels.geluBackward(x, dy, count, dx);
    }
}
