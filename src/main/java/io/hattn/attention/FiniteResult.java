package io.hattn.attention;

/**
 * The rule that no backend hands back a non-finite result silently. Inputs are finite ({@link AttentionProblem}
 * checks them), so a NaN or infinity in the output means float32 overflowed on the way: in the scores
 * {@code scale * q.k}, or in the coarse value sums (section 3). Backends call {@link #require} after every call;
 * it says which inputs are too large.
 */
public final class FiniteResult {

    private FiniteResult() {
    }

    /** Throws a {@link FloatOverflowException} when {@code out} holds a non-finite value. */
    public static void require(AttentionProblem problem, float[] out) {
        if (!allFinite(out, 0, out.length)) {
            throw diagnose(problem);
        }
    }

    /**
     * Whether values [from, to) are all finite. x * 0 is 0 for every finite x and NaN otherwise, so sums of it
     * tell; eight independent sums keep the loop at the adder's throughput rather than its latency.
     */
    public static boolean allFinite(float[] values, int from, int to) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        float s4 = 0f;
        float s5 = 0f;
        float s6 = 0f;
        float s7 = 0f;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            s0 += values[i] * 0f;
            s1 += values[i + 1] * 0f;
            s2 += values[i + 2] * 0f;
            s3 += values[i + 3] * 0f;
            s4 += values[i + 4] * 0f;
            s5 += values[i + 5] * 0f;
            s6 += values[i + 6] * 0f;
            s7 += values[i + 7] * 0f;
        }
        for (; i < to; i++) {
            s0 += values[i] * 0f;
        }
        return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7 == 0f;
    }

    /** The reason, from bounds on the inputs: scores bounded by scale max|q| max|k|, value sums by L max|v|. */
    public static FloatOverflowException diagnose(AttentionProblem problem) {
        AttentionSpec spec = problem.spec();
        double maxQ = largestRowNorm(problem.q(), spec.dim());
        double maxK = largestRowNorm(problem.k(), spec.dim());
        double scoreBound = spec.scale() * maxQ * maxK;
        if (scoreBound > Float.MAX_VALUE / 4) {
            return new FloatOverflowException("q, k", String.format("q and k are too large: the scores scale * q.k "
                    + "overflow float32 (|q| up to %.3g, |k| up to %.3g, scale %.3g: scores up to %.3g, float32 "
                    + "holds %.3g); scale q and k down", maxQ, maxK, spec.scale(), scoreBound, Float.MAX_VALUE));
        }
        double maxV = largestMagnitude(problem.v());
        return new FloatOverflowException("v", String.format("v is too large: the sums of up to %d values (|v| up "
                + "to %.3g) overflow float32, which holds %.3g; scale v down", spec.length(), maxV,
                Float.MAX_VALUE));
    }

    private static double largestRowNorm(float[] rows, int width) {
        double largest = 0;
        for (int row = 0; row < rows.length / width; row++) {
            double squares = 0;
            for (int x = 0; x < width; x++) {
                double value = rows[row * width + x];
                squares += value * value;
            }
            largest = Math.max(largest, Math.sqrt(squares));
        }
        return largest;
    }

    private static double largestMagnitude(float[] values) {
        double largest = 0;
        for (float value : values) {
            largest = Math.max(largest, Math.abs(value));
        }
        return largest;
    }
}
