package io.hattn.tornado;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.HierarchyShape;

/**
 * The intermediate quantities of docs/algorithm.md section 4 for one head, in double, straight from the
 * definitions (pairs assigned to levels with {@link HierarchyShape#levelOf}, not with the kernels' slot layout):
 * the coarsening pyramid, the per-level scores with each coarse row's own maximum m_l, the per-level denominators
 * D_l and numerators Y_l, for every row of every level the offset, denominator and numerator combined over that
 * level and every coarser one (at level 0 the c_i and D_i of section 5), and the output. The stage tests compare the
 * device buffers with it, and check that it composes to the sequential oracle.
 */
final class StageReference {

    final int n;
    final int levels;
    final int block;
    final boolean causal;
    final double scale;
    final double[] biasRow;
    /** [level][token][feature] and [level][token]. */
    final double[][][] queries;
    final double[][][] keys;
    final double[][][] values;
    final int[][] counts;
    final double[][] rowMax;
    final double[][] denominators;
    final double[][][] numerators;
    /** [level][token] and [level][token][feature]: combined over the row's level and its coarser ancestors. */
    final double[][] offsets;
    final double[][] combinedDenominators;
    final double[][][] combinedNumerators;
    final double[][] output;

    StageReference(AttentionProblem problem, int b, int h) {
        AttentionSpec spec = problem.spec();
        HierarchyShape shape = spec.hierarchy();
        n = shape.paddedLength();
        levels = shape.levels();
        block = spec.block();
        causal = spec.causal();
        scale = spec.scale();
        biasRow = new double[spec.biasEntriesPerHead()];
        if (problem.bias() != null) {
            for (int e = 0; e < biasRow.length; e++) {
                biasRow[e] = problem.bias()[h * biasRow.length + e];
            }
        }
        queries = new double[levels][][];
        keys = new double[levels][][];
        values = new double[levels][][];
        counts = new int[levels][];
        int head = b * spec.heads() + h;
        queries[0] = tokens(problem, problem.q(), spec.dim(), head, b);
        keys[0] = tokens(problem, problem.k(), spec.dim(), head, b);
        values[0] = tokens(problem, problem.v(), spec.valueDim(), head, b);
        counts[0] = new int[n];
        for (int i = 0; i < spec.length(); i++) {
            counts[0][i] = problem.isValid(b, i) ? 1 : 0;
        }
        for (int l = 1; l < levels; l++) {
            coarsen(l);
        }
        rowMax = new double[levels][];
        denominators = new double[levels][];
        numerators = new double[levels][][];
        for (int l = 0; l < levels; l++) {
            attendLevel(l);
        }
        offsets = new double[levels][];
        combinedDenominators = new double[levels][];
        combinedNumerators = new double[levels][][];
        for (int l = 0; l < levels; l++) {
            combineLevel(l);
        }
        output = new double[n][spec.valueDim()];
        for (int i = 0; i < n; i++) {
            if (counts[0][i] > 0) {
                for (int c = 0; c < output[i].length; c++) {
                    output[i][c] = combinedNumerators[0][i][c] / combinedDenominators[0][i];
                }
            }
        }
    }

    /** Whether coarse pair (t, u) of level l is an entry there: its level, valid key and query, not in the future. */
    boolean isEntry(int level, int t, int u) {
        int tokens = n >> level;
        if (u < 0 || u >= tokens || counts[level][u] == 0 || counts[level][t] == 0 || (causal && u > t)) {
            return false;
        }
        return HierarchyShape.levelOf(t << level, u << level, block) == level;
    }

    double score(int level, int t, int u) {
        double dot = 0;
        for (int c = 0; c < queries[level][t].length; c++) {
            dot += queries[level][t][c] * keys[level][u][c];
        }
        return scale * dot + biasRow[u - t + 2 * block - 1];
    }

    private void coarsen(int level) {
        int tokens = n >> level;
        queries[level] = new double[tokens][];
        keys[level] = new double[tokens][];
        values[level] = new double[tokens][];
        counts[level] = new int[tokens];
        for (int t = 0; t < tokens; t++) {
            int a = 2 * t;
            int c = 2 * t + 1;
            int valid = (counts[level - 1][a] > 0 ? 1 : 0) + (counts[level - 1][c] > 0 ? 1 : 0);
            double mean = 1.0 / Math.max(1, valid);
            keys[level][t] = combine(keys[level - 1][a], keys[level - 1][c], mean, mean);
            queries[level][t] = causal ? queries[level - 1][a].clone()
                    : combine(queries[level - 1][a], queries[level - 1][c], mean, mean);
            values[level][t] = combine(values[level - 1][a], values[level - 1][c], 1, 1);
            counts[level][t] = counts[level - 1][a] + counts[level - 1][c];
        }
    }

    private void attendLevel(int level) {
        int tokens = n >> level;
        int width = values[0][0].length;
        rowMax[level] = new double[tokens];
        denominators[level] = new double[tokens];
        numerators[level] = new double[tokens][width];
        for (int t = 0; t < tokens; t++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int u = 0; u < tokens; u++) {
                if (isEntry(level, t, u)) {
                    max = Math.max(max, score(level, t, u));
                }
            }
            rowMax[level][t] = max;
            for (int u = 0; u < tokens; u++) {
                if (isEntry(level, t, u)) {
                    double weight = Math.exp(score(level, t, u) - max);
                    denominators[level][t] += weight * counts[level][u];
                    for (int c = 0; c < width; c++) {
                        numerators[level][t][c] += weight * values[level][u][c];
                    }
                }
            }
        }
    }

    /** Each row of level l against the maximum over levels l..M-1 of its ancestors' own maxima (section 5). */
    private void combineLevel(int level) {
        int tokens = n >> level;
        int width = values[0][0].length;
        offsets[level] = new double[tokens];
        combinedDenominators[level] = new double[tokens];
        combinedNumerators[level] = new double[tokens][width];
        for (int t = 0; t < tokens; t++) {
            double offset = Double.NEGATIVE_INFINITY;
            for (int l = level; l < levels; l++) {
                offset = Math.max(offset, rowMax[l][t >> (l - level)]);
            }
            offsets[level][t] = offset;
            for (int l = level; l < levels; l++) {
                int ancestor = t >> (l - level);
                double m = rowMax[l][ancestor];
                if (m == Double.NEGATIVE_INFINITY) {
                    continue;
                }
                double weight = Math.exp(m - offset);
                combinedDenominators[level][t] += weight * denominators[l][ancestor];
                for (int c = 0; c < width; c++) {
                    combinedNumerators[level][t][c] += weight * numerators[l][ancestor][c];
                }
            }
        }
    }

    private double[][] tokens(AttentionProblem problem, float[] source, int width, int head, int b) {
        int length = problem.spec().length();
        double[][] rows = new double[n][width];
        for (int i = 0; i < length; i++) {
            if (problem.isValid(b, i)) {
                for (int c = 0; c < width; c++) {
                    rows[i][c] = source[(head * length + i) * width + c];
                }
            }
        }
        return rows;
    }

    private static double[] combine(double[] a, double[] b, double wa, double wb) {
        double[] result = new double[a.length];
        for (int c = 0; c < a.length; c++) {
            result[c] = wa * a[c] + wb * b[c];
        }
        return result;
    }
}
