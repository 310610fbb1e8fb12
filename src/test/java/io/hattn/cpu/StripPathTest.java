package io.hattn.cpu;

import io.hattn.attention.HierarchicalAttentionReference;
import io.hattn.testing.RandomCases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The strip path of the hierarchical forward (finer levels strip by strip) only starts above ~1024 tokens by
 * default; with strips of a few blocks the randomized oracle cases run through it, in both thread layouts
 * (one thread: heads in turn, strips in parallel; many: whole heads per thread).
 */
class StripPathTest {

    private static CpuBackend oneThread;
    private static CpuBackend twoThreads;

    @BeforeAll
    static void open() {
        oneThread = new CpuBackend(1, 8);
        twoThreads = new CpuBackend(2, 32);
    }

    @AfterAll
    static void close() {
        oneThread.close();
        twoThreads.close();
    }

    static java.util.List<RandomCases.Case> cases() {
        return RandomCases.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void smallStripsMatchTheOracle(RandomCases.Case c) {
        double[] oracle = HierarchicalAttentionReference.forward(c.problem());
        RandomCases.HIERARCHICAL.assertClose("1 thread, 8-token strips, " + c, oracle,
                oneThread.hierarchical(c.problem()));
        RandomCases.HIERARCHICAL.assertClose("2 threads, 32-token strips, " + c, oracle,
                twoThreads.hierarchical(c.problem()));
    }
}
