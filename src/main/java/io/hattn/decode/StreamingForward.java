package io.hattn.decode;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import java.util.Arrays;

/**
 * The full causal forward computed token by token through {@link DecodeState}s, one per (batch, head): the same
 * output as a backend's causal {@code hierarchical} call, produced the way a decoder would. For
 * {@code hattn attend --causal --streaming} and for the tests that hold the state to the full forward.
 */
public final class StreamingForward {

    private StreamingForward() {
    }

    /** Output [batch, heads, length, valueDim]; the problem must be causal. */
    public static float[] forward(AttentionProblem problem) {
        AttentionSpec spec = problem.spec();
        if (!spec.causal()) {
            throw new IllegalArgumentException("streaming decoding is causal: the problem must be causal");
        }
        int length = spec.length();
        int dim = spec.dim();
        int valueDim = spec.valueDim();
        int biasEntries = spec.biasEntriesPerHead();
        float[] out = new float[spec.valueElements()];
        for (int b = 0; b < spec.batch(); b++) {
            for (int h = 0; h < spec.heads(); h++) {
                float[] bias = problem.bias() == null ? null
                        : Arrays.copyOfRange(problem.bias(), h * biasEntries, (h + 1) * biasEntries);
                DecodeState state = new DecodeState(spec.block(), dim, valueDim, spec.scale(), bias);
                int head = b * spec.heads() + h;
                for (int t = 0; t < length; t++) {
                    int row = head * length + t;
                    state.append(problem.q(), row * dim, problem.k(), row * dim, problem.v(), row * valueDim,
                            problem.isValid(b, t), out, row * valueDim);
                }
            }
        }
        return out;
    }
}
