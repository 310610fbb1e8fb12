package io.hattn.attention;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

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
     * Throws when an input tensor holds NaN or infinity, naming it and the first bad index: the scan at vector speed,
     * the search for the index only when it fails.
     */
    static void requireFiniteInput(String name, float[] values) {
        int bad = firstNonFinite(values);
        if (bad >= 0) {
            throw new IllegalArgumentException(notFinite(name, values, bad));
        }
    }

    /** The index of the first NaN or infinity in {@code values}, -1 when there is none (a vector scan first). */
    public static int firstNonFinite(float[] values) {
        if (allFinite(values, 0, values.length)) {
            return -1;
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return i;
            }
        }
        return -1;
    }

    /** The message for a tensor named {@code name} whose element {@code index} is not finite. */
    public static String notFinite(String name, float[] values, int index) {
        return name + " must hold finite numbers, found " + values[index] + " at flat index " + index;
    }

    /**
     * Whether values [from, to) are all finite. x * 0 is 0 for every finite x and NaN otherwise, so sums of it
     * tell, in whatever order they are added. Four vectors of sums: the scalar loop this replaces (eight scalar
     * sums) checked q, k and v of 16K tokens x 8 heads in about 12 ms, a third of the hierarchical forward it
     * guards.
     */
    public static boolean allFinite(float[] values, int from, int to) {
        VectorSpecies<Float> species = FloatVector.SPECIES_PREFERRED;
        int lanes = species.length();
        int i = from;
        float sum = 0f;
        if (to - from >= 4 * lanes) {
            FloatVector zero = FloatVector.zero(species);
            FloatVector s0 = zero;
            FloatVector s1 = zero;
            FloatVector s2 = zero;
            FloatVector s3 = zero;
            for (; i + 4 * lanes <= to; i += 4 * lanes) {
                s0 = FloatVector.fromArray(species, values, i).fma(zero, s0);
                s1 = FloatVector.fromArray(species, values, i + lanes).fma(zero, s1);
                s2 = FloatVector.fromArray(species, values, i + 2 * lanes).fma(zero, s2);
                s3 = FloatVector.fromArray(species, values, i + 3 * lanes).fma(zero, s3);
            }
            sum = s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
        }
        for (; i < to; i++) {
            sum += values[i] * 0f;
        }
        return sum == 0f;
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
