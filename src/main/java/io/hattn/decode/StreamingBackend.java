package io.hattn.decode;

import io.hattn.attention.AttentionBackend;
import io.hattn.attention.AttentionProblem;
import io.hattn.attention.FiniteResult;

/**
 * The decoding state seen as a backend for whole problems: {@code hierarchical} runs every head token by token
 * through {@link StreamingForward} (causal problems only), so that tools which take a backend (the
 * {@code attend --streaming} command) can check streaming against the full forward. Not registered with the
 * service loader: it is a way of computing the CPU result, not another device.
 */
public final class StreamingBackend implements AttentionBackend {

    public static final String NAME = "cpu-streaming";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String device() {
        return "decoding state, token by token, Java " + Runtime.version().feature() + " "
                + DecodeKernels.describe() + ", 1 thread, " + System.getProperty("os.arch");
    }

    @Override
    public void hierarchical(AttentionProblem problem, float[] out) {
        if (out == null || out.length != problem.outputElements()) {
            throw new IllegalArgumentException("out must have " + problem.outputElements() + " elements, got "
                    + (out == null ? "null" : out.length));
        }
        System.arraycopy(StreamingForward.forward(problem), 0, out, 0, out.length);
        // as every backend: a float32 overflow is an error naming the inputs, never a NaN in the output
        FiniteResult.require(problem, out);
    }

    @Override
    public void exact(AttentionProblem problem, float[] out) {
        throw new IllegalArgumentException("streaming decoding is hierarchical; exact attention is not streamed");
    }
}
