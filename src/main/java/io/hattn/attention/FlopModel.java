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

    /**
     * The hierarchical backward (docs/algorithm.md section 11) over the forward's score entries: each entry is
     * recomputed (2 d), then costs G . Vc (2 dv), its share of dVc += E^T G (2 dv), of dqc += ds Kc (2 d) and of
     * dkc += ds^T Qc (2 d): 6 d + 4 dv FLOPs, 2.5x the forward's at d = dv (50 L Nr d bidirectional, 30 L Nr d
     * causal). The element-wise work per entry (exp, ds, the scale) and the O(L (d + dv)) work per level-sum of
     * restricting G and handing gradients down the levels are not counted, as the forward's softmax is not.
     */
    public static double hierarchicalBackward(AttentionSpec spec) {
        double entries = (spec.causal() ? 3.0 : 5.0) * spec.length() * spec.block();
        return entries * backwardPerEntry(spec) * spec.headCount();
    }

    /** Exact attention's backward, flash style (scores recomputed): 6 d + 4 dv per entry, 10 L^2 d at d = dv. */
    public static double exactBackward(AttentionSpec spec) {
        double length = spec.length();
        double entries = spec.causal() ? length * (length + 1) / 2 : length * length;
        return entries * backwardPerEntry(spec) * spec.headCount();
    }

    private static double backwardPerEntry(AttentionSpec spec) {
        return 6.0 * spec.dim() + 4.0 * spec.valueDim();
    }
}
