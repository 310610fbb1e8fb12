package io.hattn.attention;

/**
 * One head's inputs in double precision, padded to the hierarchy's length: padded and masked tokens are invalid
 * and hold zeros (docs/algorithm.md section 3: "padded fine inputs are zero"). Used by the sequential references.
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
        int d = spec.dim();
        int dv = spec.valueDim();
        int head = b * spec.heads() + h;
        double[][] q = new double[paddedLength][d];
        double[][] k = new double[paddedLength][d];
        double[][] v = new double[paddedLength][dv];
        boolean[] valid = new boolean[paddedLength];
        for (int i = 0; i < spec.length(); i++) {
            valid[i] = problem.isValid(b, i);
            if (!valid[i]) {
                continue;
            }
            long qkRow = ((long) head * spec.length() + i) * d;
            long vRow = ((long) head * spec.length() + i) * dv;
            for (int c = 0; c < d; c++) {
                q[i][c] = problem.q()[(int) (qkRow + c)];
                k[i][c] = problem.k()[(int) (qkRow + c)];
            }
            for (int c = 0; c < dv; c++) {
                v[i][c] = problem.v()[(int) (vRow + c)];
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
