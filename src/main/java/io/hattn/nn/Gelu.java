package io.hattn.nn;

import io.hattn.cpu.ActivationKernels;

/** GELU with the tanh approximation (as GPT-2 and llm.c), element-wise on the Vector API kernel, every thread. */
final class Gelu {

    /** Elements times this is the work a chunk weighs: an exponential and a division each. */
    private static final long COST = 8;

    private Gelu() {
    }

    static void forward(ParallelChunks chunks, float[] x, int count, float[] y) {
        chunks.split(count, COST * count, (from, to) -> ActivationKernels.gelu(x, from, to, y));
    }

    /** dx += dy * gelu'(x). */
    static void backward(ParallelChunks chunks, float[] x, float[] dy, int count, float[] dx) {
        chunks.split(count, COST * count, (from, to) -> ActivationKernels.geluBackward(x, dy, from, to, dx));
    }
}
