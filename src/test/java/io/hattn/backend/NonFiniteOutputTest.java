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

    private static Object forBackward(AttentionBackend backend, AttentionProblem problem, boolean exact) {
        return exact ? backend.exactForBackward(problem) : backend.hierarchicalForBackward(problem);
    }

    private static float[] run(AttentionBackend backend, AttentionProblem problem, boolean exact) {
        return exact ? backend.exact(problem) : backend.hierarchical(problem);
    }
}
