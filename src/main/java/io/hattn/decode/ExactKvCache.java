package io.hattn.decode;

import io.hattn.cpu.VectorMath;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The baseline of streaming decoding: exact causal softmax attention over a KV cache that grows by one row per
 * token (what decoders without a hierarchy keep). Each append scores the new query against every cached key
 * with the same kernels as {@link DecodeState}, in tiles with an online (running-maximum) softmax, so no
 * L-long score buffer exists beside the cache. Memory and work per token grow with L.
 */
public final class ExactKvCache implements HeadDecoder {

    private static final int KEY_TILE = 256;

    private final int dim;
    private final int valueDim;
    private final float scale;
    private final int capacity;
    private final float[] keys;
    private final float[] values;
    private final boolean[] valid;
    private final float[] tileScores = new float[KEY_TILE];
    private int position;
    private int markedPosition;

    /** A cache for up to {@code capacity} tokens, allocated whole up front (as a serving system would). */
    public ExactKvCache(int dim, int valueDim, float scale, int capacity) {
        if (dim < 1 || valueDim < 1) {
            throw new IllegalArgumentException("dim and valueDim must be >= 1, got " + dim + " and " + valueDim);
        }
        if (!(scale > 0f) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be a positive finite number, got " + scale);
        }
        if (capacity < 1 || (long) capacity * Math.max(dim, valueDim) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("capacity must be between 1 and (2^31 - 9) / max(d, dv), got "
                    + capacity);
        }
        this.dim = dim;
        this.valueDim = valueDim;
        this.scale = scale;
        this.capacity = capacity;
        this.keys = new float[capacity * dim];
        this.values = new float[capacity * valueDim];
        this.valid = new boolean[capacity];
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public int valueDim() {
        return valueDim;
    }

    @Override
    public int position() {
        return position;
    }

    @Override
    public void append(float[] q, int qOffset, float[] k, int kOffset, float[] v, int vOffset, boolean isValid,
                       float[] out, int outOffset) {
        int t = position;
        absorb(q, qOffset, k, kOffset, v, vOffset, isValid);
        Arrays.fill(out, outOffset, outOffset + valueDim, 0f);
        if (!isValid) {
            return;
        }
        float runningMax = Float.NEGATIVE_INFINITY;
        float denominator = 0f;
        for (int tileStart = 0; tileStart <= t; tileStart += KEY_TILE) {
            int tileEnd = Math.min(t + 1, tileStart + KEY_TILE);
            float tileMax = Float.NEGATIVE_INFINITY;
            for (int j = tileStart; j < tileEnd; j++) {
                float s = valid[j] ? scale * VectorMath.dot(q, qOffset, keys, j * dim, dim)
                        : Float.NEGATIVE_INFINITY;
                tileScores[j - tileStart] = s;
                tileMax = Math.max(tileMax, s);
            }
            if (tileMax == Float.NEGATIVE_INFINITY) {
                continue;
            }
            if (tileMax > runningMax) {
                float rescale = (float) Math.exp(runningMax - tileMax);
                denominator *= rescale;
                DecodeKernels.scale(rescale, out, outOffset, valueDim);
                runningMax = tileMax;
            }
            for (int j = tileStart; j < tileEnd; j++) {
                if (tileScores[j - tileStart] != Float.NEGATIVE_INFINITY) {
                    float weight = (float) Math.exp(tileScores[j - tileStart] - runningMax);
                    denominator += weight;
                    DecodeKernels.axpy(weight, values, j * valueDim, out, outOffset, valueDim);
                }
            }
        }
        DecodeKernels.scale(1f / denominator, out, outOffset, valueDim);
    }

    @Override
    public void absorb(float[] q, int qOffset, float[] k, int kOffset, float[] v, int vOffset, boolean isValid) {
        if (position == capacity) {
            throw new IllegalStateException("the KV cache is full: capacity " + capacity + " tokens");
        }
        if (isValid) {
            System.arraycopy(k, kOffset, keys, position * dim, dim);
            System.arraycopy(v, vOffset, values, position * valueDim, valueDim);
        }
        valid[position] = isValid;
        position++;
    }

    /** Remembers the position; the cached rows before it are never written again until a rewind. */
    @Override
    public void mark() {
        markedPosition = position;
    }

    /** Drops the tokens after the mark (their rows are overwritten by the next appends). */
    @Override
    public void rewind() {
        position = markedPosition;
    }

    /**
     * For benchmarks: appends {@code tokens} valid positions with uniform random keys and values in
     * [-sqrt 3, sqrt 3] (unit variance, as the benchmark inputs), written directly instead of appended one by one.
     */
    public void prefillRandom(int tokens, long seed) {
        if (tokens < 0 || tokens > capacity - position) {
            throw new IllegalArgumentException("tokens must be between 0 and " + (capacity - position) + ", got "
                    + tokens);
        }
        SplittableRandom random = new SplittableRandom(seed);
        float halfWidth = (float) Math.sqrt(3.0);
        for (int i = position * dim; i < (position + tokens) * dim; i++) {
            keys[i] = (float) (random.nextDouble() * 2 - 1) * halfWidth;
        }
        for (int i = position * valueDim; i < (position + tokens) * valueDim; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1) * halfWidth;
        }
        Arrays.fill(valid, position, position + tokens, true);
        position += tokens;
    }

    /** The whole allocated cache: keys, values and validity for {@code capacity} tokens. */
    @Override
    public long stateBytes() {
        return 64 + (16 + 4L * keys.length) + (16 + 4L * values.length) + (16L + valid.length)
                + (16 + 4L * tileScores.length);
    }

    @Override
    public long workOfNextToken() {
        return (long) (position + 1) * (dim + valueDim);
    }
}
