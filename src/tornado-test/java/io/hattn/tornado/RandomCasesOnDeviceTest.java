package io.hattn.tornado;

import io.hattn.attention.HierarchicalAttentionReference;
import io.hattn.testing.RandomCases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 3's bar: every case of the CPU backend's randomized test (check 8, {@link RandomCases}) on the device,
 * within the same measured tolerance as the CPU backend.
 */
class RandomCasesOnDeviceTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.hattn.testing.RandomCases#cases")
    void everyCpuRandomCaseMatchesTheOracle(RandomCases.Case c) {
        RandomCases.HIERARCHICAL.assertClose("tornado " + c, HierarchicalAttentionReference.forward(c.problem()),
                DeviceTier.backend().hierarchical(c.problem()));
    }
}
