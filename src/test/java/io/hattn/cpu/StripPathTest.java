package io.hattn.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hattn.attention.AttentionGradients;
import io.hattn.attention.GradientReference;
import io.hattn.attention.HierarchicalAttentionReference;
import io.hattn.attention.ReferenceGradients;
import io.hattn.testing.RandomCases;
import io.hattn.testing.Tensors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The strip path of the hierarchical forward (finer levels strip by strip) only starts from 16 strips (4K
 * tokens at d = 64) by default; with strips of a few blocks the randomized oracle cases run through it, in both
 * thread layouts (one thread: heads in turn, strips in parallel; many: whole heads per thread).
 */
class StripPathTest {

    private static CpuBackend oneThread;
    private static CpuBackend twoThreads;
    /** Strips longer than any case: every level whole, built by loadFinest and coarsen alone. */
    private static CpuBackend noStrips;

    @BeforeAll
    static void open() {
        oneThread = new CpuBackend(1, 8);
        twoThreads = new CpuBackend(2, 32);
        noStrips = new CpuBackend(1, 1 << 30);
    }

    @AfterAll
    static void close() {
        oneThread.close();
        twoThreads.close();
        noStrips.close();
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

    /**
     * The strip path builds its first whole level straight from the inputs (Pyramid.coarsenStripFromInputs) and
     * the finer levels in a ring, the whole path every level with coarsen: the same sums in the same order, so
     * the outputs agree to the bit, masks, padding and causal included. A causal head on a thread of its own runs
     * as one stream (HierarchicalForward.streamCausal: whole levels block by block as the strips pass, their
     * queries and weights sampled first): the 1-thread backend takes that path, the 2-thread one too where a case
     * has at least two heads.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void stripsGiveTheBitsOfTheWholePath(RandomCases.Case c) {
        float[] whole = noStrips.hierarchical(c.problem());
        org.junit.jupiter.api.Assertions.assertArrayEquals(whole, oneThread.hierarchical(c.problem()),
                "1 thread, 8-token strips, " + c);
        org.junit.jupiter.api.Assertions.assertArrayEquals(whole, twoThreads.hierarchical(c.problem()),
                "2 threads, 32-token strips, " + c);
    }

    /** Every third case: the backward reads the offsets c_i of a strip-path forward (they must be the same). */
    static java.util.List<RandomCases.Case> backwardCases() {
        java.util.List<RandomCases.Case> every = RandomCases.cases();
        java.util.List<RandomCases.Case> some = new java.util.ArrayList<>();
        for (int n = 0; n < every.size(); n += 3) {
            some.add(every.get(n));
        }
        return some;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backwardCases")
    void backwardAfterAStripForwardMatchesTheOracle(RandomCases.Case c) {
        float[] dOut = Tensors.gaussian(c.problem().outputElements(), 79);
        ReferenceGradients oracle = GradientReference.hierarchical(c.problem(), dOut);
        for (CpuBackend cpu : new CpuBackend[] {oneThread, twoThreads}) {
            AttentionGradients g = cpu.backward(cpu.hierarchicalForBackward(c.problem()), dOut);
            String what = cpu.device() + " strips " + c;
            RandomCases.HIERARCHICAL_GRADIENTS.assertCloseScaled(what + " dq", oracle.dq(), g.dq());
            RandomCases.HIERARCHICAL_GRADIENTS.assertCloseScaled(what + " dk", oracle.dk(), g.dk());
            RandomCases.HIERARCHICAL_GRADIENTS.assertCloseScaled(what + " dv", oracle.dv(), g.dv());
            if (oracle.dbias() != null) {
                RandomCases.HIERARCHICAL_GRADIENTS.assertCloseScaled(what + " dbias", oracle.dbias(), g.dbias());
            }
        }
    }

    /** The default strip follows the heads' widths, so that the ring of three strips stays within RING_BYTES. */
    @Test
    void theDefaultStripKeepsTheRingOfThreeStripsWithinItsBudget() {
        assertEquals(256, HierarchicalForward.stripTokensFor(64, 64));
        assertEquals(512, HierarchicalForward.stripTokensFor(32, 32));
        assertEquals(1024, HierarchicalForward.stripTokensFor(16, 16));
        for (int d : new int[] {8, 16, 24, 32, 48, 64, 128, 256}) {
            int tokens = HierarchicalForward.stripTokensFor(d, d);
            long ring = 3L * tokens * Float.BYTES * 3 * d;
            assertTrue(ring <= HierarchicalForward.RING_BYTES && 2 * ring > HierarchicalForward.RING_BYTES,
                    "d " + d + ": " + tokens + " tokens, " + ring + " bytes");
        }
    }
}
