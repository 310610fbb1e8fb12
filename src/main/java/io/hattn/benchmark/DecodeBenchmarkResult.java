package io.hattn.benchmark;

/**
 * One length of {@code hattn bench --decode}: median microseconds per decoded token (all heads) of the
 * hierarchical state and of exact attention over a KV cache, and the bytes each holds for all heads; the
 * medians are over {@code *Windows} windows of {@code *Tokens} tokens each.
 */
public record DecodeBenchmarkResult(int length, int heads, int dim, int block, double hierMicrosPerToken,
                                    double exactMicrosPerToken, long hierStateBytes, long exactStateBytes,
                                    int hierTokens, int exactTokens, int hierWindows, int exactWindows,
                                    String loadAverage) {

    /** exact / hierarchical time per token. */
    public double speedup() {
        return exactMicrosPerToken / hierMicrosPerToken;
    }

    public long hierBytesPerHead() {
        return hierStateBytes / heads;
    }

    /** exact / hierarchical state bytes. */
    public double memoryRatio() {
        return exactStateBytes / (double) hierStateBytes;
    }
}
