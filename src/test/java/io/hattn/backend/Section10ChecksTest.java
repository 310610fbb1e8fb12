package io.hattn.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hattn.attention.AttentionBackend;
import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.Backends;
import io.hattn.attention.FullAttentionReference;
import io.hattn.attention.WorkedExample;
import io.hattn.testing.Tensors;
import io.hattn.testing.Tolerance;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The checks of docs/algorithm.md section 10 that every implementation must pass, run on every backend that can
 * run without an accelerator (the Jlama shape: all implementations against the same checks).
 */
class Section10ChecksTest {

    // float32 backends against double references, bounds about 2x the worst error measured (Temurin 25, AVX-512,
    // wide and narrow tiles), per check:
    /** Check 1: worst |diff| 4.5e-7; relative L2 1.9e-6 (an exact row of two small entries). */
    private static final Tolerance WORKED = Tolerance.of(1e-6, 0, 4e-6, 1e-6);
    /** Check 2: worst |diff| 1.2e-7, relative L2 8.8e-8. */
    private static final Tolerance MEANS = Tolerance.of(2.5e-7, 0, 2e-7, 2.5e-7);
    /** Check 4: worst |diff| 5.6e-7, relative L2 2.1e-7. */
    private static final Tolerance TWO_BLOCKS = Tolerance.of(1.2e-6, 0, 4e-7, 1.2e-6);
    /** Check 6: measured 0 (the same sums in the same order); the bound allows a reordered sum. */
    private static final Tolerance SAME_SUMS = Tolerance.of(1e-7, 0, 1e-7, 1e-7);
    /** Check 7: worst |diff| 6.6e-7, relative L2 3.4e-7, with scores up to ~200. */
    private static final Tolerance DOMINANT = Tolerance.of(1.5e-6, 0, 7e-7, 1.5e-6);

    private static AttentionBackend open(String name) {
        return Backends.open(name, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sequential", "cpu"})
    void check1WorkedNumbers(String name) {
        try (AttentionBackend backend = open(name)) {
            WORKED.assertClose("bidirectional", WorkedExample.BIDIRECTIONAL,
                    backend.hierarchical(WorkedExample.problem(false)));
            WORKED.assertClose("causal", WorkedExample.CAUSAL, backend.hierarchical(WorkedExample.problem(true)));
            float[] exact = backend.exact(WorkedExample.problem(false));
            for (int n = 0; n < WorkedExample.EXACT_ROW_INDEX.length; n++) {
                int row = WorkedExample.EXACT_ROW_INDEX[n];
                WORKED.assertClose("exact row " + row, WorkedExample.EXACT_ROWS[n],
                        Arrays.copyOfRange(exact, 2 * row, 2 * row + 2));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sequential", "cpu"})
    void check2ZeroScoresAverageTheValidValues(String name) {
        int length = 100;
        AttentionSpec spec = new AttentionSpec(2, 2, length, 8, 16, 4, false, 0.35f);
        boolean[] mask = Tensors.rightPaddingMask(2, length, 3);
        float[] v = Tensors.gaussian(spec.valueElements(), 4);
        for (boolean causal : new boolean[] {false, true}) {
            AttentionProblem problem = new AttentionProblem(spec.withCausal(causal), new float[spec.queryElements()],
                    new float[spec.queryElements()], v, mask, null);
            double[] expected = new double[spec.valueElements()];
            for (int head = 0; head < 4; head++) {
                int b = head / 2;
                for (int i = 0; i < length; i++) {
                    if (!mask[b * length + i]) {
                        continue;
                    }
                    int count = 0;
                    for (int j = 0; j <= (causal ? i : length - 1); j++) {
                        if (mask[b * length + j]) {
                            count++;
                            for (int x = 0; x < 16; x++) {
                                expected[(head * length + i) * 16 + x] += v[(head * length + j) * 16 + x];
                            }
                        }
                    }
                    for (int x = 0; x < 16; x++) {
                        expected[(head * length + i) * 16 + x] /= count;
                    }
                }
            }
            try (AttentionBackend backend = open(name)) {
                MEANS.assertClose("mean of valid values, causal=" + causal, expected, backend.hierarchical(problem));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sequential", "cpu"})
    void check3EveryKeyReachesEveryAllowedQuery(String name) {
        int length = 64;
        for (boolean causal : new boolean[] {false, true}) {
            AttentionSpec spec = new AttentionSpec(1, 1, length, 8, length, 4, causal, 0.1f);
            float[] oneHot = new float[length * length];
            for (int j = 0; j < length; j++) {
                oneHot[j * length + j] = 1f;
            }
            AttentionProblem problem = new AttentionProblem(spec, Tensors.gaussian(length * 8, 1),
                    Tensors.gaussian(length * 8, 2), oneHot, null, null);
            try (AttentionBackend backend = open(name)) {
                float[] weights = backend.hierarchical(problem);
                for (int i = 0; i < length; i++) {
                    double rowSum = 0;
                    for (int j = 0; j < length; j++) {
                        float w = weights[i * length + j];
                        rowSum += w;
                        if (causal && j > i) {
                            assertEquals(0f, w, "query " + i + " must not see future key " + j);
                        } else {
                            assertTrue(w > 0f, "key " + j + " must reach query " + i + ", causal=" + causal);
                        }
                    }
                    assertEquals(1.0, rowSum, 1e-5, "weights of row " + i + " sum to 1");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sequential", "cpu"})
    void check4TwoBlocksIsExactAttention(String name) {
        for (int block : new int[] {2, 8, 16, 32}) {
            for (boolean causal : new boolean[] {false, true}) {
                AttentionSpec spec = new AttentionSpec(2, 2, 2 * block, 24, 20, block, causal, 0.2f);
                AttentionProblem problem = Tensors.randomProblem(spec, block)
                        .withMask(Tensors.rightPaddingMask(2, 2 * block, block + 1));
                try (AttentionBackend backend = open(name)) {
                    TWO_BLOCKS.assertClose("Nr=" + block + " causal=" + causal, FullAttentionReference.forward(problem),
                            backend.hierarchical(problem));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sequential", "cpu"})
    void check5FutureTokensDoNotChangeEarlierOutputs(String name) {
        int length = 96;
        AttentionSpec spec = new AttentionSpec(1, 2, length, 16, 16, 4, true, 0.25f);
        AttentionProblem base = Tensors.randomProblem(spec, 21);
        try (AttentionBackend backend = open(name)) {
            float[] before = backend.hierarchical(base);
            for (int position : new int[] {1, 17, 50, 95}) {
                float[] q = base.q().clone();
                float[] k = base.k().clone();
                float[] v = base.v().clone();
                for (int head = 0; head < 2; head++) {
                    for (int x = 0; x < 16; x++) {
                        int at = (head * length + position) * 16 + x;
                        q[at] += 50f;
                        k[at] -= 70f;
                        v[at] *= -1000f;
                    }
                }
                float[] after = backend.hierarchical(AttentionProblem.of(spec, q, k, v));
                for (int head = 0; head < 2; head++) {
                    int from = head * length * 16;
                    assertArrayEquals(Arrays.copyOfRange(before, from, from + position * 16),
                            Arrays.copyOfRange(after, from, from + position * 16),
                            "rows before " + position + " changed, head " + head);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sequential", "cpu"})
    void check6AppendedPaddingLeavesValidOutputsUnchanged(String name) {
        for (boolean causal : new boolean[] {false, true}) {
            int length = 100;
            AttentionSpec spec = new AttentionSpec(1, 2, length, 16, 8, 4, causal, 0.25f);
            AttentionProblem problem = Tensors.randomProblem(spec, 31);
            try (AttentionBackend backend = open(name)) {
                float[] plain = backend.hierarchical(problem);
                for (int longer : new int[] {128, 300}) {
                    AttentionProblem padded = appendPadding(problem, longer);
                    float[] result = backend.hierarchical(padded);
                    for (int head = 0; head < 2; head++) {
                        SAME_SUMS.assertClose("padded to " + longer + " causal=" + causal,
                                Arrays.copyOfRange(plain, head * length * 8, (head + 1) * length * 8),
                                Arrays.copyOfRange(result, head * longer * 8, head * longer * 8 + length * 8));
                        for (int i = head * longer * 8 + length * 8; i < (head + 1) * longer * 8; i++) {
                            assertEquals(0f, result[i], "padded rows output 0");
                        }
                    }
                }
            }
        }
    }

    /**
     * Section 5: one key scaled by 10 or 100 turns no row into garbage. The reference is written here, not taken
     * from the oracle: the dense H-similarity matrix of section 4 from the level-map formula, with coarse keys
     * (and bidirectional queries) as plain means over each group of 2^l fine tokens and causal queries as the
     * group's first token (what the pairwise coarsening of section 3 gives without a mask), then a plain softmax.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sequential", "cpu"})
    void check7DominantTokenDoesNotCollapseRows(String name) {
        for (boolean causal : new boolean[] {false, true}) {
            for (float factor : new float[] {10f, 100f}) {
                AttentionSpec spec = new AttentionSpec(1, 1, 32, 8, 8, 4, causal, (float) (1 / Math.sqrt(8)));
                AttentionProblem problem = Tensors.randomProblem(spec, 41);
                for (int x = 0; x < 8; x++) {
                    problem.k()[5 * 8 + x] *= factor;
                }
                double[] literal = denseHierarchicalSoftmax(problem);
                try (AttentionBackend backend = open(name)) {
                    DOMINANT.assertClose("factor " + factor + " causal=" + causal, literal,
                            backend.hierarchical(problem));
                }
            }
        }
    }

    /** Section 4 literally for one unmasked head of a power-of-two number of blocks, no bias. */
    private static double[] denseHierarchicalSoftmax(AttentionProblem problem) {
        AttentionSpec spec = problem.spec();
        int length = spec.length();
        int d = spec.dim();
        int nr = spec.block();
        double[] out = new double[length * spec.valueDim()];
        for (int i = 0; i < length; i++) {
            double[] scores = new double[length];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < length; j++) {
                int level = 0;
                while (Math.abs(i / (nr << level) - j / (nr << level)) > 1) {
                    level++;
                }
                int group = 1 << level;
                int queryGroup = i / group * group;
                int keyGroup = j / group * group;
                double dot = 0;
                for (int x = 0; x < d; x++) {
                    double query = 0;
                    double key = 0;
                    for (int t = 0; t < group; t++) {
                        query += spec.causal() ? (t == 0 ? problem.q()[queryGroup * d + x] : 0)
                                : problem.q()[(queryGroup + t) * d + x] / group;
                        key += problem.k()[(keyGroup + t) * d + x] / group;
                    }
                    dot += query * key;
                }
                scores[j] = spec.causal() && j > i ? Double.NEGATIVE_INFINITY : spec.scale() * dot;
                max = Math.max(max, scores[j]);
            }
            double sum = 0;
            for (int j = 0; j < length; j++) {
                sum += Math.exp(scores[j] - max);
            }
            for (int j = 0; j < length; j++) {
                for (int x = 0; x < spec.valueDim(); x++) {
                    out[i * spec.valueDim() + x] += Math.exp(scores[j] - max) / sum
                            * problem.v()[j * spec.valueDim() + x];
                }
            }
        }
        return out;
    }

    private static boolean causal(AttentionSpec spec) {
        return spec.causal();
    }

    private static AttentionProblem appendPadding(AttentionProblem problem, int longer) {
        AttentionSpec spec = problem.spec();
        AttentionSpec bigger = new AttentionSpec(spec.batch(), spec.heads(), longer, spec.dim(), spec.valueDim(),
                spec.block(), spec.causal(), spec.scale());
        float[] q = new float[bigger.queryElements()];
        float[] k = new float[bigger.queryElements()];
        float[] v = new float[bigger.valueElements()];
        boolean[] mask = new boolean[spec.batch() * longer];
        for (int head = 0; head < spec.headCount(); head++) {
            System.arraycopy(problem.q(), head * spec.length() * spec.dim(), q, head * longer * spec.dim(),
                    spec.length() * spec.dim());
            System.arraycopy(problem.k(), head * spec.length() * spec.dim(), k, head * longer * spec.dim(),
                    spec.length() * spec.dim());
            System.arraycopy(problem.v(), head * spec.length() * spec.valueDim(), v, head * longer * spec.valueDim(),
                    spec.length() * spec.valueDim());
        }
        for (int b = 0; b < spec.batch(); b++) {
            for (int i = 0; i < longer; i++) {
                mask[b * longer + i] = i < spec.length();
                if (!mask[b * longer + i]) {
                    for (int head = b * spec.heads(); head < (b + 1) * spec.heads(); head++) {
                        for (int x = 0; x < spec.dim(); x++) {
                            q[(head * longer + i) * spec.dim() + x] = 9f; // padded inputs must not matter
                            k[(head * longer + i) * spec.dim() + x] = -9f;
                        }
                    }
                }
            }
        }
        return new AttentionProblem(bigger, q, k, v, mask, null);
    }
}
