package io.hattn.attention;

/**
 * Finite inputs whose attention cannot be represented in float32: the scores {@code scale * q.k} or the coarse
 * value sums overflow. Backends throw it instead of returning NaN or infinity. {@link #inputs()} names the
 * tensors to rescale ("q, k" or "v"), so that a command line can name its options.
 */
public final class FloatOverflowException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String inputs;

    FloatOverflowException(String inputs, String message) {
        super(message);
        this.inputs = inputs;
    }

    /** The tensors whose magnitude causes the overflow, e.g. "q, k". */
    public String inputs() {
        return inputs;
    }
}
