package io.hattn.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.hattn.attention.AttentionGradients;
import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.GradientReference;
import io.hattn.attention.ReferenceGradients;
import io.hattn.cpu.CpuBackend;
import io.hattn.attention.AttentionBackend;
import io.hattn.testing.RandomCases;
import io.hattn.testing.Tensors;
import io.hattn.testing.Tolerance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CPU backend's backward against the gradient oracle on {@link RandomCases} (float32 against double), with
 * one thread (blocks in turn) and two (whole heads per thread, or one head's blocks in parallel when there is
 * one head). The surefire executions repeat it with the narrow register tiles and with the scalar bodies.
 */
class CpuBackwardAgainstOracleTest {

    private static AttentionBackend oneThread;
    private static AttentionBackend twoThreads;

    @BeforeAll
    static void open() {
        oneThread = new CpuBackend(1);
        twoThreads = new CpuBackend(2);
    }

    @AfterAll
    static void close() {
        oneThread.close();
        twoThreads.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.hattn.testing.RandomCases#cases")
    void hierarchicalGradientsMatchTheOracle(RandomCases.Case c) {
        float[] dOut = Tensors.gaussian(c.problem().outputElements(), 77);
        ReferenceGradients oracle = GradientReference.hierarchical(c.problem(), dOut);
        for (AttentionBackend cpu : new AttentionBackend[] {oneThread, twoThreads}) {
            AttentionGradients gradients = cpu.backward(cpu.hierarchicalForBackward(c.problem()), dOut);
            check(RandomCases.HIERARCHICAL_GRADIENTS, cpu.device() + " " + c, oracle, gradients);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.hattn.testing.RandomCases#cases")
    void exactGradientsMatchTheOracle(RandomCases.Case c) {
        AttentionProblem problem = c.problem().withBias(null);
        float[] dOut = Tensors.gaussian(problem.outputElements(), 78);
        ReferenceGradients oracle = GradientReference.exact(problem, dOut);
        for (AttentionBackend cpu : new AttentionBackend[] {oneThread, twoThreads}) {
            check(RandomCases.EXACT_GRADIENTS, cpu.device() + " " + c, oracle,
                    cpu.backward(cpu.exactForBackward(problem), dOut));
        }
    }

    /**
     * Training's determinism needs the same gradients, bit for bit, from every call with the same threads, however
     * the pool schedules the chunks: four threads on any machine, a long enough sequence for many chunks, and
     * both ways of sharing the work (six heads: whole heads per thread; one head: its blocks in parallel).
     */
    @ParameterizedTest(name = "causal {0}, {1} heads")
    @CsvSource({"false, 6", "true, 6", "false, 1", "true, 1"})
    void gradientsAreTheSameBitsOnEveryCall(boolean causal, int heads) {
        AttentionSpec spec = AttentionSpec.of(heads == 1 ? 1 : 2, heads == 1 ? 1 : 3, 1000, 64, 16, causal);
        AttentionProblem problem = Tensors.randomProblem(spec, 1);
        float[] dOut = Tensors.gaussian(problem.outputElements(), 4);
        try (AttentionBackend fourThreads = new CpuBackend(4)) {
            AttentionGradients exact = fourThreads.backward(fourThreads.exactForBackward(problem), dOut);
            AttentionGradients hierarchical = fourThreads.backward(fourThreads.hierarchicalForBackward(problem), dOut);
            for (int call = 1; call <= 4; call++) {
                assertSameBits("exact, call " + call, exact,
                        fourThreads.backward(fourThreads.exactForBackward(problem), dOut));
                assertSameBits("hierarchical, call " + call, hierarchical,
                        fourThreads.backward(fourThreads.hierarchicalForBackward(problem), dOut));
            }
        }
    }

    private static void assertSameBits(String what, AttentionGradients expected, AttentionGradients actual) {
        assertArrayEquals(expected.dq(), actual.dq(), what + " dq");
        assertArrayEquals(expected.dk(), actual.dk(), what + " dk");
        assertArrayEquals(expected.dv(), actual.dv(), what + " dv");
    }

    static void check(Tolerance tolerance, String what, ReferenceGradients oracle, AttentionGradients gradients) {
        tolerance.assertCloseScaled(what + " dq", oracle.dq(), gradients.dq());
        tolerance.assertCloseScaled(what + " dk", oracle.dk(), gradients.dk());
        tolerance.assertCloseScaled(what + " dv", oracle.dv(), gradients.dv());
        if (oracle.dbias() != null) {
            tolerance.assertCloseScaled(what + " dbias", oracle.dbias(), gradients.dbias());
        }
    }
}
