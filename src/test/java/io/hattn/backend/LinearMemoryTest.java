package io.hattn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hattn.attention.AttentionBackend;
import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.Backends;
import io.hattn.testing.Tensors;
import org.junit.jupiter.api.Test;

/**
 * "Memory is linear": at L = 2^19 one L x L float matrix would need 1 TiB, so a run that finishes inside the
 * test heap (4 GiB) proves none exists. q = k = 0 makes every output row the mean of the values seen so far
 * (causal), which is checked on a few rows.
 */
class LinearMemoryTest {

    @Test
    void halfAMillionTokensRunInAFewMegabytesPerHead() {
        int length = 1 << 19;
        int dim = 4;
        AttentionSpec spec = new AttentionSpec(1, 1, length, dim, dim, 16, true, 0.5f);
        float[] v = Tensors.gaussian(length * dim, 5);
        AttentionProblem problem = AttentionProblem.of(spec, new float[length * dim], new float[length * dim], v);
        try (AttentionBackend cpu = Backends.open("cpu", null)) {
            float[] out = cpu.hierarchical(problem);
            double[] runningSum = new double[dim];
            for (int i = 0; i < length; i++) {
                for (int x = 0; x < dim; x++) {
                    runningSum[x] += v[i * dim + x];
                }
                if (i == 0 || i == 4095 || i == length / 2 + 17 || i == length - 1) {
                    for (int x = 0; x < dim; x++) {
                        assertEquals(runningSum[x] / (i + 1), out[i * dim + x], 2e-4, "row " + i + " column " + x);
                    }
                }
            }
        }
    }
}
