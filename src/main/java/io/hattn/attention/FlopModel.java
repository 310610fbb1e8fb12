package io.hattn.attention;

/**
 * Floating-point operations per call (docs/algorithm.md section 9): each score entry costs a dot product of width
 * d and a weighted sum of width dv, 2 d + 2 dv FLOPs. Score entries per head: about 5 L Nr bidirectional and
 * 3 L Nr causal for the hierarchy, L^2 (L^2 / 2 causal) dense. With d = dv this is 20 L Nr d, 12 L Nr d, 4 L^2 d.
 */
public final class FlopModel {

    private FlopModel() {
    }

    public static double hierarchical(AttentionSpec spec) {
        double entries = (spec.causal() ? 3.0 : 5.0) * spec.length() * spec.block();
        return entries * perEntry(spec) * spec.headCount();
    }

    public static double exact(AttentionSpec spec) {
        double length = spec.length();
        double entries = spec.causal() ? length * (length + 1) / 2 : length * length;
        return entries * perEntry(spec) * spec.headCount();
    }

    private static double perEntry(AttentionSpec spec) {
        return 2.0 * spec.dim() + 2.0 * spec.valueDim();
    }
}
