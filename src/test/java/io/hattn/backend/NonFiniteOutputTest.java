package io.hattn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hattn.attention.AttentionBackend;
import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.Backends;
import io.hattn.attention.FloatOverflowException;
import io.hattn.testing.Tensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CPU backend checks its output for infinities and NaN as it writes the rows (no separate scan): finite
 * inputs whose value sums overflow float32 in one column only are refused naming v, whichever vector, lane or
 * scalar tail that column falls in (the check keeps more than one vector of sums), in every mode and in the
 * forward kept for the backward.
 */
class NonFiniteOutputTest {

    @ParameterizedTest(name = "dv {0}, column {3}, causal {1}, exact {2}")
    @CsvSource({"64, false, false, 63", "64, true, false, 63", "64, false, true, 63", "64, true, true, 63",
                "64, false, false, 0", "64, true, false, 5", "64, false, false, 20", "64, true, false, 40",
                "48, false, false, 40", "17, false, false, 16", "17, true, true, 16", "17, false, false, 3",
                "8, false, false, 7", "8, true, true, 7"})
    void anOverflowInOneColumnIsRefusedNamingV(int valueDim, boolean causal, boolean exact, int column) {
        int length = 200;
        int dim = 16;
        AttentionSpec spec = new AttentionSpec(1, 2, length, dim, valueDim, 4, causal,
                AttentionSpec.defaultScale(dim));
        float[] v = Tensors.gaussian(2 * length * valueDim, 3);
        for (int row = 0; row < 2 * length; row++) {
            v[row * valueDim + column] = 3e38f;
        }
        AttentionProblem problem = AttentionProblem.of(spec, Tensors.gaussian(2 * length * dim, 1),
                Tensors.gaussian(2 * length * dim, 2), v);
        try (AttentionBackend backend = Backends.open("cpu", null)) {
            FloatOverflowException plain = assertThrows(FloatOverflowException.class,
                    () -> run(backend, problem, exact));
            assertEquals("v", plain.inputs());
            FloatOverflowException saved = assertThrows(FloatOverflowException.class,
                    () -> forBackward(backend, problem, exact));
            assertEquals("v", saved.inputs());
        }
    }

    /**
     * The backend keeps its block scratch between calls, the output check included: a call that overflowed must
     * leave nothing behind, so the same backend's next call on finite-summing inputs succeeds and matches a fresh
     * backend's output. Hierarchical with and without strips, both modes, one and two heads per thread; exact.
     */
    @ParameterizedTest(name = "L {0}, causal {1}, heads {2}, exact {3}")
    @CsvSource({"200, false, 2, false", "200, true, 2, false", "8192, false, 4, false", "8192, true, 4, false",
                "8192, false, 1, false", "200, false, 2, true", "1000, true, 2, true"})
    void aCallAfterAnOverflowStartsClean(int length, boolean causal, int heads, boolean exact) {
        int dim = 16;
        int valueDim = 64;
        AttentionSpec spec = new AttentionSpec(1, heads, length, dim, valueDim, 16, causal,
                AttentionSpec.defaultScale(dim));
        float[] q = Tensors.gaussian(heads * length * dim, 1);
        float[] k = Tensors.gaussian(heads * length * dim, 2);
        float[] finiteV = Tensors.gaussian(heads * length * valueDim, 3);
        float[] overflowingV = finiteV.clone();
        for (int row = 0; row < heads * length; row++) {
            overflowingV[row * valueDim + 9] = 3e38f;
        }
        AttentionProblem finite = AttentionProblem.of(spec, q, k, finiteV);
        float[] expected;
        try (AttentionBackend fresh = Backends.open("cpu", null)) {
            expected = run(fresh, finite, exact);
        }
        try (AttentionBackend backend = Backends.open("cpu", null)) {
            assertThrows(FloatOverflowException.class,
                    () -> run(backend, AttentionProblem.of(spec, q, k, overflowingV), exact));
            float[] after = run(backend, finite, exact);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], after[i], 0f, "output " + i + " after an overflowing call");
            }
        }
    }

    private static Object forBackward(AttentionBackend backend, AttentionProblem problem, boolean exact) {
        return exact ? backend.exactForBackward(problem) : backend.hierarchicalForBackward(problem);
    }

    private static float[] run(AttentionBackend backend, AttentionProblem problem, boolean exact) {
        return exact ? backend.exact(problem) : backend.hierarchical(problem);
    }
}
