package io.hattn.data;

/**
 * A batch of {@code size} examples, each padded with {@link ListOpsVocabulary#PAD} to {@code length} tokens.
 * Arrays are row-major {@code [size, length]}; {@code valid[b * length + t]} is true for the real tokens
 * (the first {@code lengths[b]} of row b). {@code examples} are the indices of the rows in the batcher's list.
 */
public record Batch(int size, int length, int[] tokens, boolean[] valid, int[] lengths, int[] labels,
                    int[] examples) {

    /** Real (not padding) tokens in the batch. */
    public long validTokens() {
        long total = 0;
        for (int n : lengths) {
            total += n;
        }
        return total;
    }
}
