package io.hattn.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hattn.attention.AttentionBackend;
import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.Backends;
import io.hattn.attention.SavedForward;
import io.hattn.cpu.NormKernels;
import io.hattn.decode.DecodeSession;
import io.hattn.testing.AllocatedBytes;
import io.hattn.testing.Tensors;
import org.junit.jupiter.api.Test;

/**
 * No Vector API value crosses a method call in the CPU kernels, so none is ever boxed, whatever the JIT inlines.
 * A vector passed to a method the JIT did not inline is allocated as an object at every call, and after the whole
 * test suite the JIT sometimes did not inline {@code VectorMath.sum(FloatVector)}: the forward then allocated 586-659
 * bytes per token instead of 26. This test runs in a JVM of its own with every {@code io.hattn} method kept out of
 * line ({@code -XX:CompileCommand=dontinline}, see pom.xml), the worst the JIT can do, and measures compiled calls:
 * the forward, exact attention, the backward, layer norm and decoding allocate no more than their outputs and
 * scratch (with that sum still taking a vector, the forward here allocated 199.5 bytes per token on JDK 25, 295 on
 * 17; with it taking an array, 7.6).
 */
class NoBoxedVectorsTest {

    /** Bytes per token (or row, or step) beyond a call's own: a vector boxed once per row would pass it (~100). */
    private static final double BOUND = 48;

    @Test
    void theForwardsAndTheBackwardAllocateNoVectors() {
        // d = 4: narrower than a vector, so the row-by-row softmax step with its lane sums runs; 2 heads, 2 threads
        int length = 1 << 15;
        int dim = 4;
        AttentionSpec spec = new AttentionSpec(1, 2, length, dim, dim, 16, true, 0.5f);
        AttentionProblem problem = AttentionProblem.of(spec, Tensors.gaussian(2 * length * dim, 1),
                Tensors.gaussian(2 * length * dim, 2), Tensors.gaussian(2 * length * dim, 3));
        float[] out = new float[2 * length * dim];
        try (AttentionBackend cpu = Backends.open("cpu", null)) {
            assertPerUnit("hierarchical forward", 2.0 * length, () -> cpu.hierarchical(problem, out));
            // the backward at d = 64, where each row's dot product (dz . z) runs by vectors: its gradients (3 x the
            // inputs, 768 bytes per token) and its scratch (measured 61 bytes per token) are its own
            int backwardLength = 1 << 13;
            int wide = 64;
            AttentionSpec backwardSpec = new AttentionSpec(1, 2, backwardLength, wide, wide, 16, false, 0.125f);
            AttentionProblem backwardProblem = AttentionProblem.of(backwardSpec,
                    Tensors.gaussian(2 * backwardLength * wide, 11), Tensors.gaussian(2 * backwardLength * wide, 12),
                    Tensors.gaussian(2 * backwardLength * wide, 13));
            SavedForward saved = cpu.hierarchicalForBackward(backwardProblem);
            float[] dOut = Tensors.gaussian(2 * backwardLength * wide, 4);
            assertPerUnit("hierarchical backward", 2.0 * backwardLength, () -> cpu.backward(saved, dOut), 768 + 64);
            // exact attention's tile scratch (about 50 KB per chunk of query tiles and head, per call) is spread
            // over 8K tokens here
            int exactLength = 1 << 13;
            AttentionSpec exactSpec = new AttentionSpec(1, 2, exactLength, dim, dim, 16, true, 0.5f);
            AttentionProblem exact = AttentionProblem.of(exactSpec, Tensors.gaussian(2 * exactLength * dim, 5),
                    Tensors.gaussian(2 * exactLength * dim, 6), Tensors.gaussian(2 * exactLength * dim, 7));
            float[] exactOut = new float[2 * exactLength * dim];
            assertPerUnit("exact forward", 2.0 * exactLength, () -> cpu.exact(exact, exactOut));
        }
    }

    @Test
    void layerNormAllocatesNoVectors() {
        int rows = 4096;
        int width = 64;
        float[] x = Tensors.gaussian(rows * width, 8);
        float[] weights = Tensors.gaussian(2 * width, 9);
        float[] y = new float[rows * width];
        float[] means = new float[rows];
        float[] reciprocals = new float[rows];
        float[] dx = new float[rows * width];
        float[] partial = new float[2 * width];
        assertPerUnit("layer norm forward", rows,
                () -> NormKernels.forward(x, 0, rows, width, 1e-5f, weights, 0, width, y, means, reciprocals));
        assertPerUnit("layer norm backward", rows,
                () -> NormKernels.backward(x, y, 0, rows, width, weights, 0, means, reciprocals, dx, partial));
    }

    @Test
    void decodingAllocatesNoVectors() {
        int heads = 2;
        int dim = 64;
        int steps = 1024;
        float[] q = Tensors.gaussian(heads * dim, 10);
        float[] k = Tensors.gaussian(heads * dim, 11);
        float[] v = Tensors.gaussian(heads * dim, 12);
        float[] out = new float[heads * dim];
        try (DecodeSession hierarchical = DecodeSession.hierarchical(1, heads, dim, dim, 16, 0.125f, null, 1);
             DecodeSession exact = DecodeSession.exact(1, heads, dim, dim, 0.125f, steps, 1)) {
            // the hierarchical state grows a level at each doubling of the sequence (an allocation of its own), so
            // it keeps going; the exact cache goes back to the start each time. A step allocates the 48-byte lambda
            // that hands it to the heads; with the dot products' lane sums taking a vector, 7,100 bytes
            assertPerUnit("hierarchical decoding", steps, () -> append(hierarchical, steps, q, k, v, out), 48);
            exact.mark();
            assertPerUnit("exact decoding", steps, () -> {
                exact.rewind();
                append(exact, steps, q, k, v, out);
            }, 48);
        }
    }

    private static void append(DecodeSession session, int steps, float[] q, float[] k, float[] v, float[] out) {
        for (int s = 0; s < steps; s++) {
            session.append(q, k, v, null, out);
        }
    }

    private static void assertPerUnit(String what, double units, Runnable call) {
        assertPerUnit(what, units, call, 0);
    }

    /**
     * The least a compiled call allocates per unit, measured call after call until one stays under the bound (at
     * most 30 s, for a slow JIT on a busy machine): the first calls run interpreted or in C1's code, where every
     * vector operation allocates; a vector boxed at a call C2 did not inline allocates in every call, however many.
     * {@code expected}: bytes per unit the call allocates by design (its outputs and scratch).
     */
    private static void assertPerUnit(String what, double units, Runnable call, double expected) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        double least = Double.MAX_VALUE;
        int calls = 0;
        while (least >= expected + BOUND && (calls < 3 || System.nanoTime() < deadline)) {
            least = Math.min(least, AllocatedBytes.during(call) / units);
            calls++;
        }
        System.out.printf("%s: %.1f bytes per unit (least of %d calls)%n", what, least, calls);
        assertTrue(least < expected + BOUND, String.format("%s allocated at least %.1f bytes per unit in %d calls, more"
                + " than %.0f + %.0f: a vector boxed at a call the JIT did not inline?", what, least, calls, expected,
                BOUND));
    }
}
