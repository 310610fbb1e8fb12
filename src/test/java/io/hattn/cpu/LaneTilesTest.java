package io.hattn.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.HierarchicalAttentionReference;
import io.hattn.testing.RandomCases;
import io.hattn.testing.Tensors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The softmax step with a tile's rows as vector lanes ({@code SoftmaxTile.exponentiateByLanes}) runs for blocks of
 * Nr = 16 on 16-lane vectors with wide tiles and dv whole vectors: the paper's block on AVX-512. The
 * randomized cases seldom draw that shape, so these do, through every kind of block the hierarchy has (the top
 * level's fresh states, prolongation, coarse quadrants skipped, the causal diagonal, invalid keys and queries,
 * padding, the bias), against the oracle; on other JDKs and vector widths the same cases check the row-by-row step.
 */
class LaneTilesTest {

    private static CpuBackend wholeLevels;
    private static CpuBackend strips;

    @BeforeAll
    static void open() {
        wholeLevels = new CpuBackend(2, 1 << 30);
        strips = new CpuBackend(2, 64);
    }

    @AfterAll
    static void close() {
        wholeLevels.close();
        strips.close();
    }

    @Test
    void theStepRunsByLanesExactlyWhereItShould() {
        boolean lanes = Simd.ENABLED && Simd.WIDE_TILES && Simd.LANES == 16;
        assertEquals(lanes, new SoftmaxTile(16, 16, 3, 64).stepsByLanes(), "Nr 16, dv 64");
        assertEquals(lanes, new SoftmaxTile(16, 16, 3, 32).stepsByLanes(), "Nr 16, dv 32");
        assertEquals(lanes, new SoftmaxTile(16, 16, 3, 16).stepsByLanes(), "Nr 16, dv 16");
        assertEquals(lanes, new SoftmaxTile(16, 16, 3, 48).stepsByLanes(), "Nr 16, dv 48");
        assertEquals(false, new SoftmaxTile(16, 16, 3, 40).stepsByLanes(), "dv 40: not whole vectors");
        assertEquals(false, new SoftmaxTile(8, 8, 3, 64).stepsByLanes(), "Nr 8");
        assertEquals(false, new SoftmaxTile(32, 32, 4, 64).stepsByLanes(), "exact attention's tiles");
    }

    @ParameterizedTest(name = "L {0}, d {1}, dv {2}, causal {3}, mask {4}, bias {5}")
    @CsvSource({
        "1000, 64, 64, false, none, false",
        "1000, 64, 64, true, none, false",
        "777, 64, 64, false, right, true",
        "777, 64, 64, true, scattered, true",
        "600, 48, 32, false, scattered, false",
        "600, 48, 32, true, right, false",
        "500, 16, 16, false, right, true",
        "500, 16, 16, true, scattered, false",
        "400, 40, 48, false, none, false",
        "400, 40, 48, true, right, true",
        "300, 70, 128, false, none, true",
        "300, 70, 128, true, none, false"})
    void blocksOfSixteenMatchTheOracle(int length, int dim, int valueDim, boolean causal, String mask, boolean bias) {
        AttentionSpec spec = new AttentionSpec(2, 2, length, dim, valueDim, 16, causal, (float) (1 / Math.sqrt(dim)));
        AttentionProblem problem = Tensors.randomProblem(spec, length + dim);
        if (mask.equals("right")) {
            problem = problem.withMask(Tensors.rightPaddingMask(2, length, 3));
        } else if (mask.equals("scattered")) {
            problem = problem.withMask(Tensors.scatteredMask(2, length, 3));
        }
        if (bias) {
            problem = problem.withBias(Tensors.gaussian(2 * spec.biasEntriesPerHead(), 11));
        }
        double[] oracle = HierarchicalAttentionReference.forward(problem);
        RandomCases.HIERARCHICAL.assertClose("whole levels", oracle, wholeLevels.hierarchical(problem));
        RandomCases.HIERARCHICAL.assertClose("strips of 64 tokens", oracle, strips.hierarchical(problem));
    }
}
