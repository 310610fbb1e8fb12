package io.hattn.attention;

/**
 * An opened backend bound to one device. Implementations validate nothing beyond what {@link AttentionProblem}
 * already guarantees, never write to the inputs, and never fall back to another backend silently: if they cannot
 * run a problem they throw.
 */
public interface AttentionBackend extends AutoCloseable {

    /** Backend name as given to {@code --backend}, e.g. "cpu". */
    String name();

    /** The device that actually runs the kernels, in words, e.g. "Java Vector API, 2 threads, 512-bit". */
    String device();

    /** Hierarchical attention (docs/algorithm.md sections 1-7), output [batch, heads, length, valueDim]. */
    void hierarchical(AttentionProblem problem, float[] out);

    /** Exact softmax attention with the same masks and causal option; the bias is not supported. */
    void exact(AttentionProblem problem, float[] out);

    default float[] hierarchical(AttentionProblem problem) {
        float[] out = new float[problem.outputElements()];
        hierarchical(problem, out);
        return out;
    }

    default float[] exact(AttentionProblem problem) {
        float[] out = new float[problem.outputElements()];
        exact(problem, out);
        return out;
    }

    /** "name on device", printed beside every result. */
    default String describe() {
        return name() + " on " + device();
    }

    @Override
    default void close() {
    }
}
