package io.hattn.tornado.kernels;

/**
 * The score value that marks "no entry" (masked, in the future, outside the sequence). The kernels are compiled
 * with -cl-fast-relaxed-math, which lets the compiler assume there are no infinities, so a finite sentinel and an
 * explicit comparison replace -inf (and exp(-inf - -inf) = NaN can never arise).
 */
public final class Scores {

    public static final float NONE = -3.0e38f;

    /** Any score above this is a real one. */
    public static final float REAL = -1.0e38f;

    /**
     * An additive mask term (invalid key, future key): a score plus one or two of them stays below {@link #REAL}
     * and finite.
     */
    public static final float MASK = -1.5e38f;

    private Scores() {
    }
}
