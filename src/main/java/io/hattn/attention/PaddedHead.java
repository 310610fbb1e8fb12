package io.hattn.attention;

/**
 * One head's inputs in double precision, padded to a given length: padded and masked tokens are invalid and hold
 * zeros (docs/algorithm.md section 3: invalid fine inputs are zero). Oracle-only: it reads the mask array itself
 * rather than through {@link AttentionProblem#isValid}, which the backends use, so that a bug in the backends'
 * mask indexing cannot hide by being shared with the oracle.
 */
final class PaddedHead {
    final int length;
    final double[][] q;
    final double[][] k;
    final double[][] v;
    final boolean[] valid;

    private PaddedHead(int length, double[][] q, double[][] k, double[][] v, boolean[] valid) {
        this.length = length;
        this.q = q;
        this.k = k;
        this.v = v;
        this.valid = valid;
    }

    /** Head {@code (b, h)} of the problem, padded with invalid zero tokens to {@code paddedLength}. */
    static PaddedHead of(AttentionProblem problem, int b, int h, int paddedLength) {
        AttentionSpec spec = problem.spec();
        int length = spec.length();
        int d = spec.dim();
        int dv = spec.valueDim();
        // [batch, heads, length, width] in C order: head (b, h) starts at ((b * heads) + h) * length rows
        long firstRow = ((long) b * spec.heads() + h) * length;
        boolean[] mask = problem.mask();
        double[][] q = new double[paddedLength][d];
        double[][] k = new double[paddedLength][d];
        double[][] v = new double[paddedLength][dv];
        boolean[] valid = new boolean[paddedLength];
        for (int i = 0; i < length; i++) {
            // the mask is [batch, length]: one row per batch entry, shared by all heads
            valid[i] = mask == null || mask[b * length + i];
            if (!valid[i]) {
                continue;
            }
            long row = firstRow + i;
            for (int c = 0; c < d; c++) {
                q[i][c] = problem.q()[(int) (row * d + c)];
                k[i][c] = problem.k()[(int) (row * d + c)];
            }
            for (int c = 0; c < dv; c++) {
                v[i][c] = problem.v()[(int) (row * dv + c)];
            }
        }
        return new PaddedHead(paddedLength, q, k, v, valid);
    }

    static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int c = 0; c < a.length; c++) {
            sum += a[c] * b[c];
        }
        return sum;
    }
}
