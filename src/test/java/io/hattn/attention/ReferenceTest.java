package io.hattn.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hattn.testing.Tensors;
import org.junit.jupiter.api.Test;

/** The sequential references against docs/algorithm.md itself, in double precision. */
class ReferenceTest {

    @Test
    void oracleReproducesTheWorkedNumbersInDouble() {
        assertArrayEquals(WorkedExample.BIDIRECTIONAL,
                HierarchicalAttentionReference.forward(WorkedExample.problem(false)), 1e-6);
        assertArrayEquals(WorkedExample.CAUSAL,
                HierarchicalAttentionReference.forward(WorkedExample.problem(true)), 1e-6);
    }

    @Test
    void oracleCoarseKeysAreTheWorkedMeans() {
        AttentionProblem problem = WorkedExample.problem(false);
        PaddedHead head = PaddedHead.of(problem, 0, 0, 8);
        HierarchicalAttentionReference.Pyramid pyramid = new HierarchicalAttentionReference.Pyramid(head, 2, false);
        for (int t = 0; t < 4; t++) {
            assertArrayEquals(new double[] {WorkedExample.LEVEL1_KEYS[2 * t], WorkedExample.LEVEL1_KEYS[2 * t + 1]},
                    pyramid.keys[1][t], 1e-6, "coarse key " + t);
        }
    }

    @Test
    void exactReferenceReproducesTheWorkedRows() {
        double[] exact = FullAttentionReference.forward(WorkedExample.problem(false));
        for (int n = 0; n < WorkedExample.EXACT_ROW_INDEX.length; n++) {
            int row = WorkedExample.EXACT_ROW_INDEX[n];
            assertArrayEquals(WorkedExample.EXACT_ROWS[n], new double[] {exact[2 * row], exact[2 * row + 1]}, 1e-6,
                    "exact row " + row);
        }
    }

    /** The tiled online softmax equals a plain softmax over the whole row (the definition), masks included. */
    @Test
    void exactReferenceEqualsPlainSoftmaxDefinition() {
        AttentionSpec spec = new AttentionSpec(2, 2, 150, 8, 5, 4, false, 0.3f);
        for (boolean causal : new boolean[] {false, true}) {
            AttentionProblem problem = Tensors.randomProblem(spec.withCausal(causal), 11)
                    .withMask(Tensors.scatteredMask(2, 150, 12));
            double[] tiled = FullAttentionReference.forward(problem);
            double[] plain = plainSoftmax(problem);
            assertArrayEquals(plain, tiled, 1e-12, "causal=" + causal);
        }
    }

    /** The literal definition with levels collapsed: when every pair is at level 0 (L = 2 Nr) it is exact. */
    @Test
    void oracleEqualsExactWhenLengthIsTwoBlocks() {
        AttentionSpec spec = new AttentionSpec(1, 3, 32, 16, 16, 16, false, 0.25f);
        for (boolean causal : new boolean[] {false, true}) {
            AttentionProblem problem = Tensors.randomProblem(spec.withCausal(causal), 5);
            assertArrayEquals(FullAttentionReference.forward(problem), HierarchicalAttentionReference.forward(problem),
                    1e-12);
        }
    }

    /** The mask read directly ([batch, length]), not through the helper the backends use. */
    private static boolean valid(AttentionProblem problem, int b, int i) {
        return problem.mask() == null || problem.mask()[b * problem.spec().length() + i];
    }

    private static double[] plainSoftmax(AttentionProblem problem) {
        AttentionSpec spec = problem.spec();
        int length = spec.length();
        int dv = spec.valueDim();
        double[] out = new double[spec.valueElements()];
        for (int b = 0; b < spec.batch(); b++) {
            for (int h = 0; h < spec.heads(); h++) {
                int head = b * spec.heads() + h;
                for (int i = 0; i < length; i++) {
                    if (!valid(problem, b, i)) {
                        continue;
                    }
                    double[] scores = new double[length];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < length; j++) {
                        scores[j] = Double.NEGATIVE_INFINITY;
                        if (valid(problem, b, j) && (!spec.causal() || j <= i)) {
                            double dot = 0;
                            for (int x = 0; x < spec.dim(); x++) {
                                dot += (double) problem.q()[(head * length + i) * spec.dim() + x]
                                        * problem.k()[(head * length + j) * spec.dim() + x];
                            }
                            scores[j] = spec.scale() * dot;
                            max = Math.max(max, scores[j]);
                        }
                    }
                    double sum = 0;
                    for (int j = 0; j < length; j++) {
                        sum += Math.exp(scores[j] - max);
                    }
                    for (int j = 0; j < length; j++) {
                        double weight = Math.exp(scores[j] - max) / sum;
                        for (int x = 0; x < dv; x++) {
                            out[(head * length + i) * dv + x] += weight * problem.v()[(head * length + j) * dv + x];
                        }
                    }
                }
            }
        }
        assertEquals(spec.valueElements(), out.length);
        return out;
    }
}
