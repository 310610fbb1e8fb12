package io.hattn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hattn.attention.AttentionBackend;
import io.hattn.attention.AttentionGradients;
import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.Backends;
import io.hattn.attention.SavedForward;
import io.hattn.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The backward's contract on every backend that runs here: check 10.5, argument checks, no silent fallback. */
class BackwardChecksTest {

    /** Check 10.5: the gradient of causal output row i with respect to every later input is exactly 0. */
    @ParameterizedTest
    @ValueSource(strings = {"sequential", "cpu"})
    void causalOutputsHaveNoGradientFromTheFuture(String name) {
        AttentionSpec spec = new AttentionSpec(2, 2, 150, 8, 6, 4, true, 0.4f);
        AttentionProblem problem = Tensors.randomProblem(spec, 21)
                .withMask(Tensors.scatteredMask(2, 150, 4))
                .withBias(Tensors.gaussian(2 * spec.biasEntriesPerHead(), 5));
        try (AttentionBackend backend = Backends.open(name, null)) {
            for (boolean exact : new boolean[] {false, true}) {
                AttentionProblem run = exact ? problem.withBias(null) : problem;
                SavedForward saved = exact ? backend.exactForBackward(run) : backend.hierarchicalForBackward(run);
                for (int row : new int[] {0, 3, 64, 97, 149}) {
                    float[] dOut = new float[spec.valueElements()];
                    for (int head = 0; head < spec.headCount(); head++) {
                        for (int x = 0; x < spec.valueDim(); x++) {
                            dOut[(head * spec.length() + row) * spec.valueDim() + x] = 1f;
                        }
                    }
                    AttentionGradients g = backend.backward(saved, dOut);
                    for (int head = 0; head < spec.headCount(); head++) {
                        for (int j = row + 1; j < spec.length(); j++) {
                            String at = (exact ? "exact" : "hierarchical") + " head " + head + " row " + j
                                    + " from output row " + row;
                            for (int x = 0; x < spec.dim(); x++) {
                                int i = (head * spec.length() + j) * spec.dim() + x;
                                assertEquals(0f, g.dq()[i], "dq " + at);
                                assertEquals(0f, g.dk()[i], "dk " + at);
                            }
                            for (int x = 0; x < spec.valueDim(); x++) {
                                assertEquals(0f, g.dv()[(head * spec.length() + j) * spec.valueDim() + x], "dv " + at);
                            }
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sequential", "cpu"})
    void badArgumentsAreNamed(String name) {
        AttentionSpec spec = AttentionSpec.of(1, 1, 32, 4, 4, false);
        AttentionProblem problem = Tensors.randomProblem(spec, 1);
        try (AttentionBackend backend = Backends.open(name, null);
             AttentionBackend other = Backends.open(name.equals("cpu") ? "sequential" : "cpu", null)) {
            SavedForward saved = backend.hierarchicalForBackward(problem);
            assertMessage("dOut must have 128 elements", () -> backend.backward(saved, new float[3]));
            assertMessage("dOut must have 128 elements", () -> backend.backward(saved, null));
            float[] withNaN = new float[128];
            withNaN[7] = Float.NaN;
            assertMessage("dOut must hold finite numbers, found NaN at flat index 7",
                    () -> backend.backward(saved, withNaN));
            assertMessage("saved must be the result of a forward", () -> backend.backward(null, new float[128]));
            assertMessage("saved was made by backend " + backend.name(),
                    () -> other.backward(saved, new float[128]));
            assertMessage("bias is defined for hierarchical attention only",
                    () -> backend.exactForBackward(problem.withBias(new float[spec.biasEntriesPerHead()])));
        }
    }

    /** A backend without a backward says so by name (the TornadoVM tier, for now), never falls back. */
    @Test
    void aBackendWithoutBackwardSaysSo() {
        AttentionBackend forwardOnly = new AttentionBackend() {
            @Override
            public String name() {
                return "tornado";
            }

            @Override
            public String device() {
                return "test";
            }

            @Override
            public void hierarchical(AttentionProblem problem, float[] out) {
            }

            @Override
            public void exact(AttentionProblem problem, float[] out) {
            }
        };
        AttentionProblem problem = Tensors.randomProblem(AttentionSpec.of(1, 1, 8, 2, 2, false), 1);
        UnsupportedOperationException error = assertThrows(UnsupportedOperationException.class,
                () -> forwardOnly.hierarchicalForBackward(problem));
        assertEquals("backward is not implemented on backend tornado", error.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> forwardOnly.exactForBackward(problem));
        assertThrows(UnsupportedOperationException.class, () -> forwardOnly.backward(null, null));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, call);
        assertTrue(error.getMessage().contains(expected), "message '" + error.getMessage() + "' lacks '" + expected
                + "'");
    }
}
