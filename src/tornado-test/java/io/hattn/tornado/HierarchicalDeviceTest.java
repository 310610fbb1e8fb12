package io.hattn.tornado;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.FullAttentionReference;
import io.hattn.attention.HierarchicalAttentionReference;
import io.hattn.attention.WorkedExample;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The whole hierarchical operator on the device against the sequential oracle (docs/algorithm.md section 10). */
class HierarchicalDeviceTest {

    // Bounds about 2x the figures measured on PoCL (2-core EPYC, float32 vs double), written beside them.
    /** Random cases, L = 3000, L = 2 Nr, chunked heads: measured max-abs 4.4e-7, relative L2 1.9e-7. */
    private static final DeviceTier.Tolerance RANDOM = new DeviceTier.Tolerance(9e-7, 0, 9e-7, 4e-7);
    /** One key scaled by 100 (section 10, check 7): measured max-abs 6.3e-7, relative L2 9.8e-8. */
    private static final DeviceTier.Tolerance DOMINANT = new DeviceTier.Tolerance(1.3e-6, 0, 1.3e-6, 2e-7);

    /** Random (L, Nr, d, heads, batch, causal, mask, bias) with non-power-of-two lengths and widths. */
    static Stream<Arguments> randomCases() {
        Random random = new Random(20240611);
        List<Arguments> cases = new ArrayList<>();
        int[] blocks = {2, 4, 6, 8, 16};
        for (int c = 0; c < 8; c++) {
            int block = blocks[random.nextInt(blocks.length)];
            int length = 2 * block + random.nextInt(600);
            int dim = 1 + random.nextInt(40);
            int valueDim = random.nextBoolean() ? dim : 1 + random.nextInt(40);
            int batch = 1 + random.nextInt(2);
            int heads = 1 + random.nextInt(3);
            boolean causal = c % 2 == 1;
            AttentionSpec spec = new AttentionSpec(batch, heads, length, dim, valueDim, block, causal,
                    AttentionSpec.defaultScale(dim));
            cases.add(Arguments.of(spec, random.nextBoolean(), random.nextBoolean(), random.nextLong()));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} masked={1} biased={2}")
    @MethodSource("randomCases")
    void randomCasesMatchTheOracle(AttentionSpec spec, boolean masked, boolean biased, long seed) {
        TornadoAttentionBackend backend = DeviceTier.backend();
        AttentionProblem problem = DeviceTier.random(spec, seed, masked, biased);
        RANDOM.check(spec + " masked=" + masked, backend.hierarchical(problem),
                HierarchicalAttentionReference.forward(problem));
    }

    @Test
    void longerSequenceMatchesTheOracle() {
        AttentionSpec spec = AttentionSpec.of(1, 2, 3000, 32, 16, false);
        AttentionProblem problem = DeviceTier.random(spec, 3000, true, false);
        RANDOM.check("L=3000 Nr=16 d=32", DeviceTier.backend().hierarchical(problem),
                HierarchicalAttentionReference.forward(problem));
    }

    @Test
    void dominantTokensLeaveNoRowInGarbage() {
        for (boolean causal : new boolean[] {false, true}) {
            AttentionSpec spec = AttentionSpec.of(1, 2, 200, 16, 4, causal);
            AttentionProblem problem = DeviceTier.random(spec, 7, false, false);
            for (int head = 0; head < spec.headCount(); head++) {
                int row = (head * spec.length() + 37) * spec.dim();
                for (int c = 0; c < spec.dim(); c++) {
                    problem.k()[row + c] *= 100;
                }
            }
            DOMINANT.check("dominant key x100, causal=" + causal, DeviceTier.backend().hierarchical(problem),
                    HierarchicalAttentionReference.forward(problem));
        }
    }

    /** docs/algorithm.md section 8 (the project's one copy of the worked numbers: {@link WorkedExample}). */
    @Test
    void workedExample() {
        // section 10, check 1: to 1e-5 in float32 (measured max-abs 5.0e-7)
        DeviceTier.Tolerance section10 = new DeviceTier.Tolerance(1e-5, 0, 1e-5, 1e-5);
        for (boolean isCausal : new boolean[] {false, true}) {
            float[] got = DeviceTier.backend().hierarchical(WorkedExample.problem(isCausal));
            section10.check("worked example causal=" + isCausal, got,
                    isCausal ? WorkedExample.CAUSAL : WorkedExample.BIDIRECTIONAL);
        }
    }

    @Test
    void twoBlocksAreExactAttention() {
        AttentionSpec spec = AttentionSpec.of(2, 2, 32, 16, 16, false);
        AttentionProblem problem = DeviceTier.random(spec, 32, true, false);
        RANDOM.check("L = 2 Nr vs exact", DeviceTier.backend().hierarchical(problem),
                FullAttentionReference.forward(problem));
    }

    @Test
    void headsBeyondTheMemoryBudgetRunInChunks() {
        TornadoDevices.Selected device = DeviceTier.device();
        AttentionSpec spec = AttentionSpec.of(3, 2, 300, 16, 8, true);
        AttentionProblem problem = DeviceTier.random(spec, 300, true, true);
        long perHead = HierarchicalPlan.bytesPerHead(spec.length(), spec.block(), spec.dim(), spec.valueDim());
        float[] chunked;
        try (TornadoAttentionBackend small = new TornadoAttentionBackend(device, 4 * perHead, 4 * perHead)) {
            chunked = small.hierarchical(problem);
        }
        RANDOM.check("6 heads in chunks of 4", chunked, HierarchicalAttentionReference.forward(problem));
        assertArrayEquals(DeviceTier.backend().hierarchical(problem), chunked, "chunked = one pass");
    }

    @Test
    void rejectsAWrongOutputLengthAndTooLittleMemory() {
        TornadoAttentionBackend backend = DeviceTier.backend();
        AttentionSpec spec = AttentionSpec.of(1, 1, 64, 8, 4, false);
        AttentionProblem problem = DeviceTier.random(spec, 1, false, false);
        IllegalArgumentException wrongOut = assertThrows(IllegalArgumentException.class,
                () -> backend.hierarchical(problem, new float[3]));
        assertEquals(true, wrongOut.getMessage().startsWith("out must have"), wrongOut.getMessage());
        try (TornadoAttentionBackend tiny = new TornadoAttentionBackend(DeviceTier.device(), 1000, 1000)) {
            IllegalArgumentException memory = assertThrows(IllegalArgumentException.class,
                    () -> tiny.hierarchical(problem));
            assertEquals(true, memory.getMessage().contains("device memory"), memory.getMessage());
        }
    }
}
