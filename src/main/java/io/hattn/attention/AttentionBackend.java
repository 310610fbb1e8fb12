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

    /**
     * The hierarchical forward, keeping what {@link #backward} needs (docs/algorithm.md section 11); its
     * {@link SavedForward#output()} is what {@link #hierarchical(AttentionProblem)} returns.
     */
    default SavedForward hierarchicalForBackward(AttentionProblem problem) {
        throw backwardUnsupported();
    }

    /** The exact forward, keeping what {@link #backward} needs (no L x L matrix). */
    default SavedForward exactForBackward(AttentionProblem problem) {
        throw backwardUnsupported();
    }

    /**
     * Gradients of {@code sum(out * dOut)} with respect to the raw q, k, v and the bias of the saved forward's
     * problem. Checks its arguments with {@link SavedForward#requireFor}.
     */
    default AttentionGradients backward(SavedForward saved, float[] dOut) {
        throw backwardUnsupported();
    }

    private UnsupportedOperationException backwardUnsupported() {
        return new UnsupportedOperationException("backward is not implemented on backend " + name());
    }

    /** "name on device", printed beside every result. */
    default String describe() {
        return name() + " on " + device();
    }

    @Override
    default void close() {
    }
}
