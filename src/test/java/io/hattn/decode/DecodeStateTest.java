package io.hattn.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.FullAttentionReference;
import io.hattn.attention.HierarchicalAttentionReference;
import io.hattn.cpu.CpuBackend;
import io.hattn.testing.RandomCases;
import io.hattn.testing.Tensors;
import io.hattn.testing.Tolerance;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decoding state against the full causal forward: row t of a token-by-token run equals row t of the oracle
 * and of the CPU backend over the same sequence, for every prefix length, with padding, masks and bias.
 */
class DecodeStateTest {

    /**
     * Measured over {@link DecodeCases} (float32 state against the double oracle, SIMD on and off): worst |diff|
     * 1.6e-6, relative L2 2.9e-7. Bounds about 2x above.
     */
    static final Tolerance AGAINST_ORACLE = Tolerance.of(3e-6, 3e-6, 6e-7, 3e-6);
    /** Measured against the CPU backend's float32 causal forward: worst |diff| 1.6e-6, relative L2 3.2e-7. */
    static final Tolerance AGAINST_CPU = Tolerance.of(3e-6, 3e-6, 7e-7, 3e-6);

    private static CpuBackend cpu;

    @BeforeAll
    static void open() {
        cpu = new CpuBackend(1);
    }

    @AfterAll
    static void close() {
        cpu.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.hattn.decode.DecodeCases#cases")
    void streamingMatchesTheOracle(DecodeCases.Case c) {
        AGAINST_ORACLE.assertClose(c.description(), HierarchicalAttentionReference.forward(c.problem()),
                StreamingForward.forward(c.problem()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.hattn.decode.DecodeCases#cases")
    void streamingMatchesTheCpuBackendCausalForward(DecodeCases.Case c) {
        AGAINST_CPU.assertClose(c.description(), cpu.hierarchical(c.problem()), StreamingForward.forward(c.problem()));
    }

    /**
     * The full forward pads to Nr 2^M with M from the whole sequence's length; row t must not depend on M. Here the
     * oracle over prefixes of 8 .. 300 tokens (M = 1 .. 7 at Nr = 4) gives the same row t as over all 300 tokens,
     * and a single stream over 300 tokens matches every prefix.
     */
    @Test
    void rowsDoNotDependOnTheTotalLength() {
        int length = 300;
        int block = 4;
        int dim = 6;
        AttentionSpec spec = new AttentionSpec(1, 1, length, dim, dim, block, true, 0.7f);
        AttentionProblem whole = Tensors.randomProblem(spec, 77)
                .withMask(Tensors.scatteredMask(1, length, 78))
                .withBias(Tensors.gaussian(spec.biasEntriesPerHead(), 79));
        double[] wholeOutput = HierarchicalAttentionReference.forward(whole);
        float[] streamed = StreamingForward.forward(whole);
        int[] prefixes = {8, 9, 16, 17, 31, 33, 64, 65, 100, 129, 200, 257};
        for (int prefix : prefixes) {
            AttentionSpec prefixSpec = new AttentionSpec(1, 1, prefix, dim, dim, block, true, 0.7f);
            AttentionProblem problem = new AttentionProblem(prefixSpec, Arrays.copyOf(whole.q(), prefix * dim),
                    Arrays.copyOf(whole.k(), prefix * dim), Arrays.copyOf(whole.v(), prefix * dim),
                    Arrays.copyOf(whole.mask(), prefix), whole.bias());
            double[] prefixOutput = HierarchicalAttentionReference.forward(problem);
            for (int i = 0; i < prefixOutput.length; i++) {
                assertEquals(wholeOutput[i], prefixOutput[i], 1e-12, "prefix " + prefix + " (levels "
                        + prefixSpec.hierarchy().levels() + ") element " + i);
            }
            AGAINST_ORACLE.assertClose("stream against prefix " + prefix, prefixOutput,
                    Arrays.copyOf(streamed, prefix * dim));
        }
    }

    @Test
    void paddingIsSeenByNoLaterRowAndOutputsZeros() {
        int block = 4;
        int dim = 5;
        float[] bias = Tensors.gaussian(4 * block - 1, 3);
        DecodeState padded = new DecodeState(block, dim, dim, 0.5f, bias);
        DecodeState masked = new DecodeState(block, dim, dim, 0.5f, bias);
        float[] q = Tensors.gaussian(200 * dim, 4);
        float[] k = Tensors.gaussian(200 * dim, 5);
        float[] v = Tensors.gaussian(200 * dim, 6);
        float[] a = new float[dim];
        float[] b = new float[dim];
        for (int t = 0; t < 200; t++) {
            boolean valid = t % 7 != 3 && (t < 90 || t > 120);
            if (valid) {
                padded.append(q, t * dim, k, t * dim, v, t * dim, true, a, 0);
            } else {
                padded.appendPadding();
                Arrays.fill(a, 0f);
            }
            masked.append(q, t * dim, k, t * dim, v, t * dim, valid, b, 0);
            assertArrayEquals(a, b, "position " + t);
            if (!valid) {
                assertArrayEquals(new float[dim], b, "a padded position outputs zeros, position " + t);
            }
        }
        assertEquals(200, padded.position());
    }

    /** Check 7 of section 10: one key scaled by 100 turns no row into garbage (the per-row maximum, section 5). */
    @Test
    void aDominantKeyLeavesEveryRowCorrect() {
        AttentionSpec spec = new AttentionSpec(1, 1, 333, 8, 8, 4, true, AttentionSpec.defaultScale(8));
        AttentionProblem problem = Tensors.randomProblem(spec, 31);
        for (int c = 0; c < 8; c++) {
            problem.k()[5 * 8 + c] *= 100;
            problem.k()[170 * 8 + c] *= 10;
        }
        AGAINST_ORACLE.assertClose("dominant key", HierarchicalAttentionReference.forward(problem),
                StreamingForward.forward(problem));
    }

    @Test
    void sessionRunsEveryHeadAsItsOwnState() {
        int batch = 2;
        int heads = 3;
        int length = 70;
        int dim = 9;
        int valueDim = 4;
        AttentionSpec spec = new AttentionSpec(batch, heads, length, dim, valueDim, 4, true, 0.4f);
        AttentionProblem problem = Tensors.randomProblem(spec, 41).withMask(Tensors.rightPaddingMask(batch, length, 42))
                .withBias(Tensors.gaussian(heads * spec.biasEntriesPerHead(), 43));
        float[] expected = StreamingForward.forward(problem);
        float[] hierarchical = new float[expected.length];
        float[] exact = new float[expected.length];
        try (DecodeSession states = DecodeSession.hierarchical(batch, heads, dim, valueDim, 4, 0.4f, problem.bias(), 2);
             DecodeSession caches = DecodeSession.exact(batch, heads, dim, valueDim, 0.4f, length, 2)) {
            float[] q = new float[batch * heads * dim];
            float[] k = new float[batch * heads * dim];
            float[] v = new float[batch * heads * valueDim];
            float[] out = new float[batch * heads * valueDim];
            boolean[] valid = new boolean[batch];
            for (int t = 0; t < length; t++) {
                for (int head = 0; head < batch * heads; head++) {
                    System.arraycopy(problem.q(), (head * length + t) * dim, q, head * dim, dim);
                    System.arraycopy(problem.k(), (head * length + t) * dim, k, head * dim, dim);
                    System.arraycopy(problem.v(), (head * length + t) * valueDim, v, head * valueDim, valueDim);
                }
                for (int b = 0; b < batch; b++) {
                    valid[b] = problem.isValid(b, t);
                }
                states.append(q, k, v, valid, out);
                scatter(out, hierarchical, t, length, valueDim);
                caches.append(q, k, v, valid, out);
                scatter(out, exact, t, length, valueDim);
            }
            assertEquals(length, states.position());
        }
        assertArrayEquals(expected, hierarchical);
        RandomCases.EXACT.assertClose("exact KV cache against the exact reference",
                FullAttentionReference.forward(problem.withBias(null)), exact);
    }

    /**
     * Section 6 of docs/algorithm.md bounds the state by O(Nr (d + dv) log L): per level a ring of 2 Nr coarse
     * tokens (d + dv + 1 floats each), the sampled query, the summary and far field (d + 2 dv floats), at most
     * log2(L) + 1 levels. Checked at L = 2^10 and 2^20 (absorbed cheaply, without outputs) with d = dv = 64,
     * Nr = 16, where it must also stay below the 1 MiB per head of the issue.
     */
    @Test
    void memoryGrowsOnlyWithTheNumberOfLevels() {
        int block = 16;
        int dim = 64;
        DecodeState state = new DecodeState(block, dim, dim, 0.125f, Tensors.gaussian(4 * block - 1, 1));
        float[] pool = Tensors.gaussian(1024 * dim, 2);
        long[] bytesAt = new long[21];
        for (int t = 0; t < (1 << 20); t++) {
            int row = (int) ((t * 7919L) % 1024) * dim;
            state.absorb(pool, row, pool, (row + dim) % pool.length, pool, (row + 2 * dim) % pool.length, true);
            if (Integer.bitCount(t + 1) == 1) {
                bytesAt[Integer.numberOfTrailingZeros(t + 1)] = state.stateBytes();
            }
        }
        long perLevel = 4L * (2 * block * (dim + dim + 1) + dim + 2 * dim) + 6 * 16 + 32;
        long fixed = 4L * (2 * block + block + 4 * block) + 4 * 16 + 64 + 16 + 8 * 32;
        for (int log = 10; log <= 20; log += 10) {
            long bound = fixed + (log + 1) * perLevel;
            assertTrue(bytesAt[log] <= bound, "state bytes at L = 2^" + log + ": " + bytesAt[log] + " > "
                    + "bound O(Nr (d + dv) log L) = " + bound);
        }
        assertTrue(bytesAt[20] < (1 << 20), "state at L = 2^20 is " + bytesAt[20] + " bytes, not below 1 MiB");
        assertTrue(bytesAt[20] <= bytesAt[10] * 21 / 11 + 1, "from 2^10 to 2^20 the state grew from "
                + bytesAt[10] + " to " + bytesAt[20] + " bytes, more than the ratio of levels 21 / 11");
        assertEquals(21, state.levels());
        float[] out = state.append(Arrays.copyOf(pool, dim), Arrays.copyOfRange(pool, dim, 2 * dim),
                Arrays.copyOfRange(pool, 2 * dim, 3 * dim));
        for (float value : out) {
            assertTrue(Float.isFinite(value), "output at L = 2^20 is finite");
        }
        assertEquals(bytesAt[20], state.stateBytes(), "appending at 2^20 allocates nothing new");
    }

    /** Tokens after a mark are taken back by rewind, also across the creation of a new level (at 128 here). */
    @Test
    void rewindReturnsToTheMarkedState() {
        int dim = 3;
        float[] q = Tensors.gaussian(300 * dim, 51);
        float[] k = Tensors.gaussian(300 * dim, 52);
        float[] v = Tensors.gaussian(300 * dim, 53);
        for (HeadDecoder decoder : new HeadDecoder[] {new DecodeState(2, dim, dim, 1f, null),
            new ExactKvCache(dim, dim, 1f, 300)}) {
            float[] first = new float[100 * dim];
            float[] again = new float[100 * dim];
            for (int t = 0; t < 100; t++) {
                decoder.absorb(q, t * dim, k, t * dim, v, t * dim, true);
            }
            decoder.mark();
            for (int t = 100; t < 200; t++) {
                decoder.append(q, t * dim, k, t * dim, v, t * dim, true, first, (t - 100) * dim);
            }
            decoder.rewind();
            assertEquals(100, decoder.position());
            for (int t = 100; t < 200; t++) {
                decoder.append(q, t * dim, k, t * dim, v, t * dim, true, again, (t - 100) * dim);
            }
            assertArrayEquals(first, again, decoder.getClass().getSimpleName());
        }
    }

    @Test
    void argumentsAreValidatedWithTheirNames() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DecodeState(3, 4, 4, 1f, null))
                .getMessage().contains("block"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DecodeState(4, 4, 4, 1f, new float[3]))
                .getMessage().contains("bias must have 4 Nr - 1 = 15"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DecodeState(4, 0, 4, 1f, null))
                .getMessage().contains("dim"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DecodeState(4, 4, 4, 0f, null))
                .getMessage().contains("scale"));
        DecodeState state = new DecodeState(4, 4, 2, 1f, null);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> state.append(new float[4], new float[3],
                new float[2])).getMessage().contains("k must have 4"));
        AttentionSpec bidirectional = AttentionSpec.of(1, 1, 16, 4, 4, false);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StreamingForward.forward(
                Tensors.randomProblem(bidirectional, 1))).getMessage().contains("causal"));
    }

    private static void scatter(float[] step, float[] all, int t, int length, int valueDim) {
        for (int head = 0; head < step.length / valueDim; head++) {
            System.arraycopy(step, head * valueDim, all, (head * length + t) * valueDim, valueDim);
        }
    }
}
