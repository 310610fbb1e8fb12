package io.hattn.attention;

/**
 * The gradient oracle in double precision: gradients of {@code sum(out * dOut)} with respect to the raw q, k, v
 * and the bias, for hierarchical attention (docs/algorithm.md sections 1-7) and for exact attention. Like the
 * forward oracle it is literal: per fine row the dense H-similarity row {@code s_ij} (O(L^2 d) per head), its
 * softmax weights {@code P_ij}, then
 * <ul>
 *   <li>{@code dv_j += P_ij dz_i} (a coarse value is a sum of fine values, so the fine value gets the gradient
 *       directly);</li>
 *   <li>{@code ds_ij = P_ij (dz_i . v_j - delta_i)}, {@code delta_i = dz_i . z_i};</li>
 *   <li>{@code s_ij = scale qc[l][i_l] . kc[l][j_l] + bias[j_l - i_l + 2 Nr - 1]} at {@code l = lev(i, j)}, so
 *       {@code ds_ij} goes to the coarse query and key of that level and to one bias entry;</li>
 *   <li>then back through the coarsening to the fine q and k (section 11).</li>
 * </ul>
 * It uses none of section 11's per-level sums, so it checks them independently; finite differences check it.
 */
public final class GradientReference {

    private GradientReference() {
    }

    /** Hierarchical attention; dOut is [batch, heads, length, valueDim]. */
    public static ReferenceGradients hierarchical(AttentionProblem problem, double[] dOut) {
        return gradients(problem, dOut, true);
    }

    /** Exact softmax attention with the same masks and causal option; the bias is not supported. */
    public static ReferenceGradients exact(AttentionProblem problem, double[] dOut) {
        if (problem.bias() != null) {
            throw new IllegalArgumentException("bias is defined for hierarchical attention only; pass null");
        }
        return gradients(problem, dOut, false);
    }

    public static ReferenceGradients hierarchical(AttentionProblem problem, float[] dOut) {
        return hierarchical(problem, widen(dOut));
    }

    public static ReferenceGradients exact(AttentionProblem problem, float[] dOut) {
        return exact(problem, widen(dOut));
    }

    private static ReferenceGradients gradients(AttentionProblem problem, double[] dOut, boolean hierarchy) {
        AttentionSpec spec = problem.spec();
        if (dOut == null || dOut.length != spec.valueElements()) {
            throw new IllegalArgumentException("dOut must have " + spec.valueElements()
                    + " elements [batch, heads, length, valueDim], got " + (dOut == null ? "null" : dOut.length));
        }
        double[] dq = new double[spec.queryElements()];
        double[] dk = new double[spec.queryElements()];
        double[] dv = new double[spec.valueElements()];
        double[] dbias = problem.bias() == null ? null : new double[problem.bias().length];
        for (int b = 0; b < spec.batch(); b++) {
            for (int h = 0; h < spec.heads(); h++) {
                GradientReferenceHead head = new GradientReferenceHead(problem, b, h, hierarchy);
                int headIndex = b * spec.heads() + h;
                double[][][] dQueries = head.levelBuffers(spec.dim());
                double[][][] dKeys = head.levelBuffers(spec.dim());
                double[][] dValues = new double[head.length][spec.valueDim()];
                for (int i = 0; i < head.userLength; i++) {
                    if (head.validAt[0][i]) {
                        double[] dz = new double[spec.valueDim()];
                        System.arraycopy(dOut, (headIndex * spec.length() + i) * spec.valueDim(), dz, 0, dz.length);
                        row(problem, h, head, i, dz, dQueries, dKeys, dValues, dbias);
                    }
                }
                head.backThroughCoarsening(dQueries, true);
                head.backThroughCoarsening(dKeys, false);
                head.writeFine(dQueries[0], headIndex, dq);
                head.writeFine(dKeys[0], headIndex, dk);
                head.writeFine(dValues, headIndex, dv);
            }
        }
        return new ReferenceGradients(dq, dk, dv, dbias);
    }

    private static void row(AttentionProblem problem, int h, GradientReferenceHead head, int i, double[] dz,
                            double[][][] dQueries, double[][][] dKeys, double[][] dValues, double[] dbias) {
        AttentionSpec spec = problem.spec();
        int biasBase = h * spec.biasEntriesPerHead();
        double[] scores = new double[head.length];
        double rowMax = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < head.length; j++) {
            if (!head.sees(i, j)) {
                scores[j] = Double.NEGATIVE_INFINITY;
                continue;
            }
            int level = head.levelOf(i, j);
            scores[j] = spec.scale() * GradientReferenceHead.dot(head.queries[level][i >> level],
                    head.keys[level][j >> level]);
            if (problem.bias() != null) {
                scores[j] += problem.bias()[biasBase + head.biasIndex(i, j, level)];
            }
            rowMax = Math.max(rowMax, scores[j]);
        }
        double denominator = 0;
        double[] weights = new double[head.length];
        for (int j = 0; j < head.length; j++) {
            weights[j] = scores[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(scores[j] - rowMax);
            denominator += weights[j];
        }
        double[] z = new double[spec.valueDim()];
        for (int j = 0; j < head.length; j++) {
            weights[j] /= denominator;
            GradientReferenceHead.add(z, head.v[j], weights[j]);
        }
        double delta = GradientReferenceHead.dot(dz, z);
        for (int j = 0; j < head.length; j++) {
            if (weights[j] == 0) {
                continue;
            }
            GradientReferenceHead.add(dValues[j], dz, weights[j]);
            double ds = weights[j] * (GradientReferenceHead.dot(dz, head.v[j]) - delta);
            int level = head.levelOf(i, j);
            GradientReferenceHead.add(dQueries[level][i >> level], head.keys[level][j >> level], spec.scale() * ds);
            GradientReferenceHead.add(dKeys[level][j >> level], head.queries[level][i >> level], spec.scale() * ds);
            if (dbias != null) {
                dbias[biasBase + head.biasIndex(i, j, level)] += ds;
            }
        }
    }

    private static double[] widen(float[] values) {
        if (values == null) {
            return null;
        }
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
