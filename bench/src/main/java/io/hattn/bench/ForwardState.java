package io.hattn.bench;

import io.hattn.attention.AttentionBackend;
import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.Backends;
import io.hattn.benchmark.RandomInputs;

/**
 * What one forward benchmark trial holds: the CPU backend, random inputs of one shape (made once per trial with
 * {@link RandomInputs}, fixed seed) and a preallocated output, so that a measured call does the attention only.
 */
final class ForwardState {

    /** Seed of {@link RandomInputs#problem}: every run sees the same numbers. */
    static final long SEED = 20240601L;

    final AttentionBackend backend;
    final AttentionProblem problem;
    final float[] out;

    ForwardState(int batch, int heads, int length, int dim, int block, boolean causal) {
        AttentionSpec spec = AttentionSpec.of(batch, heads, length, dim, block, causal);
        this.problem = RandomInputs.problem(spec, SEED);
        this.out = new float[problem.outputElements()];
        this.backend = Backends.open("cpu", null);
    }

    void close() {
        backend.close();
    }
}
