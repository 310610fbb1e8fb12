package io.hattn.benchmark;

import java.util.Arrays;

/**
 * What {@code hattn bench --decode} measures: per length L, a state prefilled to L tokens, then {@code tokens}
 * appended tokens timed (fewer for exact attention where one token is slow), {@code repeats} times from the same
 * marked state at L; the median per token is reported.
 */
public record DecodeBenchmarkSettings(int[] lengths, int dim, int heads, int block, int tokens, int repeats,
                                      int threads, long seed) {

    public DecodeBenchmarkSettings {
        if (lengths.length == 0) {
            throw new IllegalArgumentException("--len must name at least one length");
        }
        for (int length : lengths) {
            if (length < 1 || length > (1 << 28)) {
                throw new IllegalArgumentException("--len must be between 1 and 2^28, got " + length);
            }
        }
        if (dim < 1 || heads < 1) {
            throw new IllegalArgumentException("--dim and --heads must be >= 1, got " + dim + " and " + heads);
        }
        if (block < 2 || block % 2 != 0) {
            throw new IllegalArgumentException("--block (Nr) must be an even number >= 2, got " + block);
        }
        if (tokens < 1 || repeats < 1 || threads < 1) {
            throw new IllegalArgumentException("tokens, --repeats and threads must be >= 1, got " + tokens + ", "
                    + repeats + ", " + threads);
        }
        lengths = lengths.clone();
    }

    @Override
    public String toString() {
        return String.format("decode: L %s, heads %d, d %d, Nr %d, up to %d timed tokens x %d repeats, %d threads",
                Arrays.toString(lengths), heads, dim, block, tokens, repeats, threads);
    }
}
