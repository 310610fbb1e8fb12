package io.hattn.decode;

/**
 * One head's causal decoding: a token at a time, output row per token. Implemented by the hierarchical
 * {@link DecodeState} and by the exact baseline {@link ExactKvCache}, so that a {@link DecodeSession} and the
 * benchmark treat both alike.
 */
public interface HeadDecoder {

    int dim();

    int valueDim();

    /** The position the next token gets: tokens (valid or padded) seen so far. */
    int position();

    /**
     * Appends position t from flat arrays at the given offsets and writes its output row (valueDim floats) to
     * {@code out[outOffset ..]}; an invalid (padded or masked) token outputs zeros, no later row sees it, and
     * q, k, v may then be null.
     */
    void append(float[] q, int qOffset, float[] k, int kOffset, float[] v, int vOffset, boolean valid,
                float[] out, int outOffset);

    /** Appends position t without computing its output (prefill); the state is as after {@link #append}. */
    void absorb(float[] q, int qOffset, float[] k, int kOffset, float[] v, int vOffset, boolean valid);

    /**
     * Remembers the current state, so that {@link #rewind} can return to it: to try tokens and take them back
     * (speculative decoding), or to time tokens at one position again and again.
     */
    void mark();

    /** Returns to the state of the last {@link #mark} (the start when there was none). */
    void rewind();

    /** Bytes of the arrays the state holds (payload and headers). */
    long stateBytes();

    /** Multiply-adds the next append will take, about: what decides whether heads run in parallel. */
    long workOfNextToken();
}
