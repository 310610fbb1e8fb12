package io.hattn.testing;

import io.hattn.attention.AttentionProblem;
import java.util.function.Function;

/**
 * Central finite differences of {@code sum(forward(problem) * dOut)} in double precision, with one Richardson
 * step (steps h and h/2 combined to cancel the h^2 term), so the truncation error is O(h^4). Inputs must lie
 * on the grid of {@link #onGrid}, so that x +- h and x +- h/2 are exact in float32 and the step is exactly h.
 */
public final class FiniteDifferences {

    /** The step; a power of two so that the perturbed inputs stay exact. */
    public static final double STEP = 1.0 / 128;

    private FiniteDifferences() {
    }

    /** The values rounded to multiples of 2^-12 (|x| < 2^11 keeps x +- 2^-8 exact in float32). */
    public static float[] onGrid(float[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.round(values[i] * 4096f) / 4096f;
        }
        return out;
    }

    /** Which input a derivative is taken along. */
    public enum Input { Q, K, V, BIAS }

    /** d sum(forward * dOut) / d input[index]. */
    public static double derivative(Function<AttentionProblem, double[]> forward, AttentionProblem problem,
                                    double[] dOut, Input input, int index) {
        double wide = central(forward, problem, dOut, input, index, STEP);
        double narrow = central(forward, problem, dOut, input, index, STEP / 2);
        return (4 * narrow - wide) / 3;
    }

    private static double central(Function<AttentionProblem, double[]> forward, AttentionProblem problem,
                                  double[] dOut, Input input, int index, double step) {
        return (loss(forward, perturbed(problem, input, index, step), dOut)
                - loss(forward, perturbed(problem, input, index, -step), dOut)) / (2 * step);
    }

    private static double loss(Function<AttentionProblem, double[]> forward, AttentionProblem problem,
                               double[] dOut) {
        double[] out = forward.apply(problem);
        double sum = 0;
        for (int i = 0; i < out.length; i++) {
            sum += out[i] * dOut[i];
        }
        return sum;
    }

    private static AttentionProblem perturbed(AttentionProblem problem, Input input, int index, double step) {
        float[] q = problem.q();
        float[] k = problem.k();
        float[] v = problem.v();
        float[] bias = problem.bias();
        float[] changed = switch (input) {
            case Q -> q = q.clone();
            case K -> k = k.clone();
            case V -> v = v.clone();
            case BIAS -> bias = bias.clone();
        };
        float moved = (float) (changed[index] + step);
        if (moved - changed[index] != step) {
            throw new IllegalArgumentException("input " + input + "[" + index + "] = " + changed[index]
                    + " is not on the grid of FiniteDifferences.onGrid");
        }
        changed[index] = moved;
        return new AttentionProblem(problem.spec(), q, k, v, problem.mask(), bias);
    }
}
