package io.hattn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hattn.attention.AttentionProblem;
import io.hattn.cpu.CpuBackend;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@link PairedAb} with the library this module builds against as both A and B: each build's classes come from
 * its own class loader (not this test's), the two run the same inputs to the same bits, and the timings and
 * ratios are positive and finite.
 */
class PairedAbTest {

    @Test
    void theSameBuildTwiceGivesTheSameBitsFromSeparateClassLoaders() throws Exception {
        Path library = Path.of(CpuBackend.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (PairedAb.Build a = new PairedAb.Build(library, false, false);
             PairedAb.Build b = new PairedAb.Build(library, false, false)) {
            Object problem = a.problem(2, 512, 16, false, new float[2 * 512 * 16], new float[2 * 512 * 16],
                    new float[2 * 512 * 16]);
            assertNotSame(AttentionProblem.class, problem.getClass(), "A's classes must not be the test's");
            assertNotSame(problem.getClass(), b.problem(2, 512, 16, false, new float[2 * 512 * 16],
                    new float[2 * 512 * 16], new float[2 * 512 * 16]).getClass(), "A and B must not share classes");
            for (boolean causal : new boolean[] {false, true}) {
                PairedAb.Pairing pairing = PairedAb.pair(a, b, 2, 512, 16, causal, 4);
                assertEquals(0.0, pairing.maxDifference(), "the same build gives the same bits");
                assertTrue(pairing.medianA() > 0 && pairing.medianB() > 0 && Double.isFinite(pairing.ratio())
                        && pairing.ratio() > 0, pairing.line());
                assertTrue(pairing.lowerQuartile() <= pairing.ratio() && pairing.ratio() <= pairing.upperQuartile(),
                        pairing.line());
            }
        }
    }

    @Test
    void causalAgainstBidirectionalRunsEachSideInItsOwnMode() throws Exception {
        Path library = Path.of(CpuBackend.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (PairedAb.Build a = new PairedAb.Build(library, false, false);
             PairedAb.Build b = new PairedAb.Build(library, false, false)) {
            PairedAb.Pairing same = PairedAb.pair(a, b, 2, 512, 16, true, true, 2);
            PairedAb.Pairing modes = PairedAb.pair(a, b, 2, 512, 16, false, true, 2);
            assertEquals(0.0, same.maxDifference(), same.line());
            // B causal, A bidirectional: the outputs differ (row 0 sees only itself causally), and the line says so
            assertTrue(modes.maxDifference() > 0, modes.line());
            assertTrue(modes.line().contains("A bidirectional, B causal") && modes.line().contains("the modes differ"),
                    modes.line());
        }
    }

    @Test
    void theBackwardIsTimedOnASavedForwardAndComparesDq() throws Exception {
        Path library = Path.of(CpuBackend.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (PairedAb.Build a = new PairedAb.Build(library, false, true);
             PairedAb.Build b = new PairedAb.Build(library, false, true);
             PairedAb.Build forward = new PairedAb.Build(library, false, false)) {
            PairedAb.Pairing backward = PairedAb.pair(a, b, 2, 512, 16, false, false, 2);
            assertEquals(0.0, backward.maxDifference(), backward.line());
            assertTrue(backward.medianA() > 0 && Double.isFinite(backward.ratio()), backward.line());
            // a backward against a forward: dq is not the output, so the comparison sees the difference
            PairedAb.Pairing mixed = PairedAb.pair(a, forward, 2, 512, 16, false, false, 2);
            assertTrue(mixed.maxDifference() > 0, mixed.line());
        }
    }

    @Test
    void quantilesAreNearestRanksOfTheSortedValues() {
        double[] values = {5, 1, 4, 2, 3};
        assertEquals(1, PairedAb.quantile(values, 0));
        assertEquals(2, PairedAb.quantile(values, 0.25));
        assertEquals(3, PairedAb.quantile(values, 0.5));
        assertEquals(5, PairedAb.quantile(values, 1));
    }
}
