package io.hattn.attention;

/**
 * Exact softmax attention in double precision with the same masks and causal option as the hierarchical
 * operator. Keys are visited in tiles with an online (running-maximum) softmax, so no L x L matrix ever exists
 * and the baseline stays usable at long lengths. The relative-position bias is hierarchical-only.
 */
public final class FullAttentionReference {

    private static final int KEY_TILE = 64;

    private FullAttentionReference() {
    }

    public static double[] forward(AttentionProblem problem) {
        AttentionSpec spec = problem.spec();
        if (problem.bias() != null) {
            throw new IllegalArgumentException("bias is defined for hierarchical attention only; pass null");
        }
        int length = spec.length();
        int dv = spec.valueDim();
        double[] out = new double[spec.valueElements()];
        double[] tileScores = new double[KEY_TILE];
        double[] accumulator = new double[dv];
        for (int b = 0; b < spec.batch(); b++) {
            for (int h = 0; h < spec.heads(); h++) {
                PaddedHead head = PaddedHead.of(problem, b, h, length);
                int outBase = (b * spec.heads() + h) * length * dv;
                for (int i = 0; i < length; i++) {
                    if (head.valid[i]) {
                        attendRow(spec, head, i, tileScores, accumulator);
                        System.arraycopy(accumulator, 0, out, outBase + i * dv, dv);
                    }
                }
            }
        }
        return out;
    }

    /** Leaves the normalised output row of query i in {@code accumulator}. */
    private static void attendRow(AttentionSpec spec, PaddedHead head, int i, double[] tileScores,
                                  double[] accumulator) {
        int dv = spec.valueDim();
        int keyEnd = spec.causal() ? i + 1 : head.length;
        double runningMax = Double.NEGATIVE_INFINITY;
        double denominator = 0;
        java.util.Arrays.fill(accumulator, 0);
        for (int tileStart = 0; tileStart < keyEnd; tileStart += KEY_TILE) {
            int tileEnd = Math.min(keyEnd, tileStart + KEY_TILE);
            double tileMax = Double.NEGATIVE_INFINITY;
            for (int j = tileStart; j < tileEnd; j++) {
                tileScores[j - tileStart] = head.valid[j]
                        ? spec.scale() * PaddedHead.dot(head.q[i], head.k[j]) : Double.NEGATIVE_INFINITY;
                tileMax = Math.max(tileMax, tileScores[j - tileStart]);
            }
            if (tileMax == Double.NEGATIVE_INFINITY) {
                continue;
            }
            double newMax = Math.max(runningMax, tileMax);
            double rescale = Math.exp(runningMax - newMax);
            denominator *= rescale;
            for (int c = 0; c < dv; c++) {
                accumulator[c] *= rescale;
            }
            for (int j = tileStart; j < tileEnd; j++) {
                double weight = Math.exp(tileScores[j - tileStart] - newMax);
                denominator += weight;
                for (int c = 0; c < dv; c++) {
                    accumulator[c] += weight * head.v[j][c];
                }
            }
            runningMax = newMax;
        }
        for (int c = 0; c < dv; c++) {
            accumulator[c] /= denominator;
        }
    }
}
