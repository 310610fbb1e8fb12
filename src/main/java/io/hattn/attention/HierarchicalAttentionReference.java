package io.hattn.attention;

/**
 * The sequential oracle: docs/algorithm.md sections 1-7 evaluated literally in double precision. Every (query, key)
 * pair gets its H-similarity {@code s_ij = scale * qc[l][i_l] . kc[l][j_l] (+ bias)} at its level
 * {@code l = lev(i, j)}, then one ordinary softmax per row with the row's own maximum, summed over the fine
 * values. O(L^2 d) per head: a test oracle, not a fast path.
 *
 * <p>It shares no helper with the backends: the padded length, the level map, the mask indexing
 * ({@link PaddedHead}), the coarsening and the bias index are derived here from the specification, so that a bug
 * in a backend's helper cannot pass the backend-against-oracle tests by being the oracle's bug too.
 */
public final class HierarchicalAttentionReference {

    private HierarchicalAttentionReference() {
    }

    /** Output [batch, heads, length, valueDim] in double. */
    public static double[] forward(AttentionProblem problem) {
        AttentionSpec spec = problem.spec();
        int paddedLength = paddedLength(spec.length(), spec.block());
        int levels = Integer.numberOfTrailingZeros(paddedLength / spec.block());
        double[] out = new double[spec.valueElements()];
        for (int b = 0; b < spec.batch(); b++) {
            for (int h = 0; h < spec.heads(); h++) {
                PaddedHead head = PaddedHead.of(problem, b, h, paddedLength);
                Pyramid pyramid = new Pyramid(head, levels, spec.causal());
                int outBase = (b * spec.heads() + h) * spec.length() * spec.valueDim();
                for (int i = 0; i < spec.length(); i++) {
                    if (head.valid[i]) {
                        attendRow(problem, h, head, pyramid, i, out, outBase + i * spec.valueDim());
                    }
                }
            }
        }
        return out;
    }

    /** The H-similarity of section 4 for a valid pair, or NaN when key j is excluded (masked or in the future). */
    static double score(AttentionProblem problem, int h, PaddedHead head, Pyramid pyramid, int i, int j) {
        AttentionSpec spec = problem.spec();
        if (!head.valid[j] || (spec.causal() && j > i)) {
            return Double.NaN;
        }
        int level = levelOf(i, j, spec.block());
        int il = Math.floorDiv(i, 1 << level);
        int jl = Math.floorDiv(j, 1 << level);
        double s = spec.scale() * PaddedHead.dot(pyramid.queries[level][il], pyramid.keys[level][jl]);
        if (problem.bias() != null) {
            // section 7: one table of 4 Nr - 1 entries per head, centred on offset 0; offsets span -(2Nr-1)..2Nr-1
            int tableSize = 4 * spec.block() - 1;
            int centre = (tableSize - 1) / 2;
            s += problem.bias()[h * tableSize + centre + (jl - il)];
        }
        return s;
    }

    /** Section 1: the smallest Nr 2^M >= length with M >= 1 (at least two finest blocks). */
    static int paddedLength(int length, int block) {
        long padded = 2L * block;
        while (padded < length) {
            padded *= 2;
        }
        return Math.toIntExact(padded);
    }

    /** Section 2, literally: the first level at which the blocks of i and j (of Nr 2^l tokens) are neighbours. */
    static int levelOf(int i, int j, int block) {
        for (int level = 0; ; level++) {
            long blockTokens = (long) block << level;
            if (Math.abs(Math.floorDiv(i, blockTokens) - Math.floorDiv(j, blockTokens)) <= 1) {
                return level;
            }
        }
    }

    private static void attendRow(AttentionProblem problem, int h, PaddedHead head, Pyramid pyramid, int i,
                                  double[] out, int outOffset) {
        double rowMax = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < head.length; j++) {
            double s = score(problem, h, head, pyramid, i, j);
            if (!Double.isNaN(s)) {
                rowMax = Math.max(rowMax, s);
            }
        }
        int dv = problem.spec().valueDim();
        double denominator = 0;
        double[] numerator = new double[dv];
        for (int j = 0; j < head.length; j++) {
            double s = score(problem, h, head, pyramid, i, j);
            if (Double.isNaN(s)) {
                continue;
            }
            double weight = Math.exp(s - rowMax);
            denominator += weight;
            for (int c = 0; c < dv; c++) {
                numerator[c] += weight * head.v[j][c];
            }
        }
        for (int c = 0; c < dv; c++) {
            out[outOffset + c] = numerator[c] / denominator;
        }
    }

    /**
     * Coarse queries and keys per level (section 3), built level by level from pairs of children: keys the mean
     * of the valid children; queries the same, or the first child when causal.
     */
    static final class Pyramid {
        final double[][][] queries;
        final double[][][] keys;

        Pyramid(PaddedHead head, int levels, boolean causal) {
            queries = new double[levels][][];
            keys = new double[levels][][];
            boolean[] valid = head.valid;
            queries[0] = head.q;
            keys[0] = head.k;
            for (int level = 1; level < levels; level++) {
                int tokens = head.length >> level;
                boolean[] coarseValid = new boolean[tokens];
                queries[level] = new double[tokens][];
                keys[level] = new double[tokens][];
                for (int t = 0; t < tokens; t++) {
                    int a = 2 * t;
                    int b = 2 * t + 1;
                    coarseValid[t] = valid[a] || valid[b];
                    keys[level][t] = meanOfValid(keys[level - 1][a], valid[a], keys[level - 1][b], valid[b]);
                    queries[level][t] = causal ? queries[level - 1][a].clone()
                            : meanOfValid(queries[level - 1][a], valid[a], queries[level - 1][b], valid[b]);
                }
                valid = coarseValid;
            }
        }

        private static double[] meanOfValid(double[] a, boolean aValid, double[] b, boolean bValid) {
            int count = Math.max(1, (aValid ? 1 : 0) + (bValid ? 1 : 0));
            double[] mean = new double[a.length];
            for (int c = 0; c < a.length; c++) {
                mean[c] = ((aValid ? a[c] : 0) + (bValid ? b[c] : 0)) / count;
            }
            return mean;
        }
    }
}
