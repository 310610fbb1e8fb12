package io.hattn.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hattn.attention.AttentionBackend;
import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.Backends;
import io.hattn.testing.AllocatedBytes;
import io.hattn.testing.Tensors;
import io.hattn.testing.Tolerance;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * "Memory is linear" (docs/algorithm.md section 9), measured: the bytes a call allocates (on a fresh backend,
 * so its buffers count) at two lengths four times apart grow by at most 4x plus a small margin, and stay within a
 * per-token bound; one L x L buffer at these lengths would be 64 GiB (hierarchical) or 1 GiB (exact). q = k = 0
 * makes every output row the mean of the values it sees (causal), which checks the result on a few rows.
 */
class LinearMemoryTest {

    /** Every row, float32 running means against double: measured max |diff| 7.6e-8, relative L2 1.1e-6. */
    private static final Tolerance MEANS = Tolerance.of(1.5e-7, 0, 2.2e-6, 1.5e-7);

    @Test
    void hierarchicalMemoryGrowsLinearly() {
        assertLinear("hierarchical", 1 << 17, 1 << 19, AttentionBackend::hierarchical);
    }

    @Test
    void exactMemoryGrowsLinearly() {
        assertLinear("exact", 1 << 12, 1 << 14, AttentionBackend::exact);
    }

    private static void assertLinear(String what, int shorter, int longer,
                                     BiFunction<AttentionBackend, AttentionProblem, float[]> call) {
        // the first calls run interpreted, where every vector operation allocates: measure compiled calls only, at
        // both lengths (this test runs in a JVM of its own, see pom.xml; NoBoxedVectorsTest checks that no vector
        // is boxed at a call, which made this read 586-659 bytes per token against 26 after the whole suite)
        for (int warmup = 0; warmup < 3; warmup++) {
            measure(shorter, call);
        }
        measure(longer, call);
        long small = measure(shorter, call);
        long large = measure(longer, call);
        double perToken = (double) large / longer;
        System.out.printf("%s: %d bytes at L = %d, %d at L = %d (%.1f bytes per token)%n", what, small, shorter,
                large, longer, perToken);
        double growth = (double) large / small;
        double lengths = (double) longer / shorter;
        assertTrue(growth <= lengths * 1.1, what + ": memory grew " + growth + "x for " + lengths + "x the length");
        // d = 4, Nr = 16: the inputs are 48 bytes per token; the output, pyramid and states a few times that
        assertTrue(perToken < 512, what + ": " + perToken + " bytes per token");
    }

    private static long measure(int length, BiFunction<AttentionBackend, AttentionProblem, float[]> call) {
        int dim = 4;
        AttentionSpec spec = new AttentionSpec(1, 1, length, dim, dim, 16, true, 0.5f);
        float[] v = Tensors.gaussian(length * dim, 5);
        AttentionProblem problem = AttentionProblem.of(spec, new float[length * dim], new float[length * dim], v);
        float[][] out = new float[1][];
        long bytes;
        try (AttentionBackend cpu = Backends.open("cpu", null)) {
            bytes = AllocatedBytes.during(() -> out[0] = call.apply(cpu, problem));
        }
        double[] runningMeans = new double[length * dim];
        double[] sum = new double[dim];
        for (int i = 0; i < length; i++) {
            for (int x = 0; x < dim; x++) {
                sum[x] += v[i * dim + x];
                runningMeans[i * dim + x] = sum[x] / (i + 1);
            }
        }
        MEANS.assertClose("running means at L = " + length, runningMeans, out[0]);
        return bytes;
    }
}
