package io.hattn.attention;

/**
 * What a forward keeps for its backward (docs/algorithm.md section 11): the problem, which operator ran, the
 * output, and per fine row its final softmax offset c_i and denominator D_i ([batch, heads, length]; a backend
 * that recomputes everything may leave them null). Nothing of size L x L. Only the backend that made it may
 * take it back; {@link #requireFor} is the one argument check every backward makes.
 */
public final class SavedForward {
    private final String backend;
    private final AttentionProblem problem;
    private final boolean exact;
    private final float[] output;
    private final float[] rowOffsets;
    private final float[] rowDenominators;

    public SavedForward(String backend, AttentionProblem problem, boolean exact, float[] output, float[] rowOffsets,
                        float[] rowDenominators) {
        this.backend = backend;
        this.problem = problem;
        this.exact = exact;
        this.output = output;
        this.rowOffsets = rowOffsets;
        this.rowDenominators = rowDenominators;
    }

    public AttentionProblem problem() {
        return problem;
    }

    /** Exact softmax attention rather than the hierarchy. */
    public boolean exact() {
        return exact;
    }

    /** The forward's output [batch, heads, length, valueDim]. */
    public float[] output() {
        return output;
    }

    public float[] rowOffsets() {
        return rowOffsets;
    }

    public float[] rowDenominators() {
        return rowDenominators;
    }

    /**
     * Checks the arguments of {@code backward(saved, dOut)} on the named backend: saved made by that backend,
     * dOut of the output's size and finite.
     */
    public static void requireFor(String backendName, SavedForward saved, float[] dOut) {
        if (saved == null) {
            throw new IllegalArgumentException("saved must be the result of a forward on backend " + backendName
                    + ", got null");
        }
        if (!saved.backend.equals(backendName)) {
            throw new IllegalArgumentException("saved was made by backend " + saved.backend + ", not by backend "
                    + backendName);
        }
        int expected = saved.problem.outputElements();
        if (dOut == null || dOut.length != expected) {
            throw new IllegalArgumentException("dOut must have " + expected
                    + " elements [batch, heads, length, valueDim], got " + (dOut == null ? "null" : dOut.length));
        }
        FiniteResult.requireFiniteInput("dOut", dOut);
    }
}
