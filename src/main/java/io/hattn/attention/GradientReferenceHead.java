package io.hattn.attention;

/**
 * One head as the gradient oracles see it, derived here from the specification alone (no backend helper): the
 * padding to {@code Nr * 2^M} (docs/algorithm.md section 1), validity of every fine and coarse token, the
 * coarse queries and keys of every level (section 3), the level map (section 2), the bias index (section 7),
 * and the way back through the coarsening (section 11). Padded and masked fine inputs are zero.
 */
final class GradientReferenceHead {
    final int userLength;
    final int length;
    final int block;
    final int levels;
    final boolean causal;
    final double[][] v;
    /** validAt[l][t]: coarse token t of level l has a valid fine token under it. */
    final boolean[][] validAt;
    final double[][][] queries;
    final double[][][] keys;

    /**
     * Head (b, h) of the problem; with {@code hierarchy} false, unpadded and one level (exact attention).
     */
    GradientReferenceHead(AttentionProblem problem, int b, int h, boolean hierarchy) {
        AttentionSpec spec = problem.spec();
        userLength = spec.length();
        block = spec.block();
        causal = spec.causal();
        int blocks = 2;
        while (hierarchy && (long) blocks * block < userLength) {
            blocks *= 2;
        }
        length = hierarchy ? blocks * block : userLength;
        levels = hierarchy ? Integer.numberOfTrailingZeros(blocks) : 1;
        int d = spec.dim();
        int dv = spec.valueDim();
        int head = b * spec.heads() + h;
        validAt = new boolean[levels][];
        queries = new double[levels][][];
        keys = new double[levels][][];
        validAt[0] = new boolean[length];
        queries[0] = new double[length][d];
        keys[0] = new double[length][d];
        v = new double[length][dv];
        for (int i = 0; i < userLength; i++) {
            validAt[0][i] = problem.mask() == null || problem.mask()[b * userLength + i];
            if (validAt[0][i]) {
                for (int c = 0; c < d; c++) {
                    queries[0][i][c] = problem.q()[(head * userLength + i) * d + c];
                    keys[0][i][c] = problem.k()[(head * userLength + i) * d + c];
                }
                for (int c = 0; c < dv; c++) {
                    v[i][c] = problem.v()[(head * userLength + i) * dv + c];
                }
            }
        }
        for (int level = 1; level < levels; level++) {
            int tokens = length >> level;
            boolean[] below = validAt[level - 1];
            validAt[level] = new boolean[tokens];
            queries[level] = new double[tokens][d];
            keys[level] = new double[tokens][d];
            for (int t = 0; t < tokens; t++) {
                int first = 2 * t;
                int second = first + 1;
                validAt[level][t] = below[first] || below[second];
                double inverse = 1.0 / validChildren(level, t);
                for (int c = 0; c < d; c++) {
                    double keySum = (below[first] ? keys[level - 1][first][c] : 0)
                            + (below[second] ? keys[level - 1][second][c] : 0);
                    keys[level][t][c] = keySum * inverse;
                    double querySum = (below[first] ? queries[level - 1][first][c] : 0)
                            + (below[second] ? queries[level - 1][second][c] : 0);
                    queries[level][t][c] = causal ? queries[level - 1][first][c] : querySum * inverse;
                }
            }
        }
    }

    /** max(1, number of valid children) of coarse token t of a level >= 1. */
    private int validChildren(int level, int t) {
        boolean[] below = validAt[level - 1];
        return Math.max(1, (below[2 * t] ? 1 : 0) + (below[2 * t + 1] ? 1 : 0));
    }

    /** lev(i, j) of section 2; 0 for a one-level (exact) head. */
    int levelOf(int i, int j) {
        if (levels == 1) {
            return 0;
        }
        int level = 0;
        while (Math.abs(i / (block << level) - j / (block << level)) > 1) {
            level++;
        }
        return level;
    }

    /** Whether query i sees key j at all: both valid, and j not in i's future when causal. */
    boolean sees(int i, int j) {
        return validAt[0][i] && validAt[0][j] && !(causal && j > i);
    }

    /** Index in a head's bias table of a pair at a level: (j_l - i_l) + 2 Nr - 1 (section 7). */
    int biasIndex(int i, int j, int level) {
        return (j >> level) - (i >> level) + 2 * block - 1;
    }

    /**
     * Back through the coarsening (section 11), coarsest level first: a mean's gradient goes to each valid child
     * divided by the number of valid children, a causal (sampled) query's to its first child only. Leaves the
     * gradient of the padded level 0 in {@code gradients[0]}; queries tells which rule applies.
     */
    void backThroughCoarsening(double[][][] gradients, boolean queriesGradient) {
        for (int level = levels - 1; level >= 1; level--) {
            boolean[] below = validAt[level - 1];
            for (int t = 0; t < gradients[level].length; t++) {
                double[] coarse = gradients[level][t];
                if (queriesGradient && causal) {
                    add(gradients[level - 1][2 * t], coarse, 1.0);
                    continue;
                }
                double inverse = 1.0 / validChildren(level, t);
                for (int child = 2 * t; child <= 2 * t + 1; child++) {
                    if (below[child]) {
                        add(gradients[level - 1][child], coarse, inverse);
                    }
                }
            }
        }
    }

    /** Per-level gradient buffers shaped like the coarse tokens, width {@code width}. */
    double[][][] levelBuffers(int width) {
        double[][][] buffers = new double[levels][][];
        for (int level = 0; level < levels; level++) {
            buffers[level] = new double[length >> level][width];
        }
        return buffers;
    }

    /** Copies the gradient of the valid user tokens of level 0 into the flat output of head {@code head}. */
    void writeFine(double[][] fine, int head, double[] out) {
        int width = fine.length == 0 ? 0 : fine[0].length;
        for (int i = 0; i < userLength; i++) {
            if (validAt[0][i]) {
                System.arraycopy(fine[i], 0, out, (head * userLength + i) * width, width);
            }
        }
    }

    static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int c = 0; c < a.length; c++) {
            sum += a[c] * b[c];
        }
        return sum;
    }

    static void add(double[] into, double[] values, double factor) {
        for (int c = 0; c < into.length; c++) {
            into[c] += factor * values[c];
        }
    }
}
