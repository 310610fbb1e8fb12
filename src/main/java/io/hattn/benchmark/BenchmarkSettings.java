package io.hattn.benchmark;

import java.util.Arrays;

/**
 * What {@code hattn bench} measures: the lengths and the shape of each call, how many timed calls per length,
 * and the longest exact call (estimated from the last measured rate) it will wait for.
 */
public record BenchmarkSettings(int[] lengths, int dim, int heads, int block, int batch, boolean causal, int repeats,
                                double exactLimitSeconds, long seed) {

    public BenchmarkSettings {
        if (lengths.length == 0) {
            throw new IllegalArgumentException("len must list at least one length");
        }
        for (int length : lengths) {
            if (length < 2 * block) {
                throw new IllegalArgumentException("len must be >= 2 x block = " + 2 * block + ", got " + length);
            }
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be >= 1, got " + repeats);
        }
        if (!(exactLimitSeconds >= 0)) {
            throw new IllegalArgumentException("exact-limit must be >= 0 seconds, got " + exactLimitSeconds);
        }
        lengths = lengths.clone();
    }

    @Override
    public String toString() {
        return "lengths " + Arrays.toString(lengths) + ", d " + dim + ", heads " + heads + ", Nr " + block
                + ", batch " + batch + (causal ? ", causal" : ", bidirectional");
    }
}
