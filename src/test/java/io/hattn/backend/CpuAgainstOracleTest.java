package io.hattn.backend;

import io.hattn.attention.AttentionBackend;
import io.hattn.attention.AttentionProblem;
import io.hattn.attention.Backends;
import io.hattn.attention.FullAttentionReference;
import io.hattn.attention.HierarchicalAttentionReference;
import io.hattn.testing.RandomCases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Check 8 of docs/algorithm.md section 10: the CPU backend against the oracle on {@link RandomCases}. */
class CpuAgainstOracleTest {

    private static AttentionBackend cpu;

    @BeforeAll
    static void open() {
        cpu = Backends.open("cpu", null);
    }

    @AfterAll
    static void close() {
        cpu.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.hattn.testing.RandomCases#cases")
    void hierarchicalMatchesTheOracle(RandomCases.Case c) {
        RandomCases.HIERARCHICAL.assertClose("hierarchical " + c.description(), HierarchicalAttentionReference.forward(c.problem()),
                cpu.hierarchical(c.problem()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.hattn.testing.RandomCases#cases")
    void exactMatchesTheExactReference(RandomCases.Case c) {
        AttentionProblem problem = c.problem().withBias(null);
        RandomCases.EXACT.assertClose("exact " + c.description(), FullAttentionReference.forward(problem), cpu.exact(problem));
    }
}
