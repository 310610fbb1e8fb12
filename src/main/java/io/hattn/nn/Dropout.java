package io.hattn.nn;

import io.hattn.data.SplitMix64;

/**
 * Inverted dropout: in training each element is kept with probability 1 - p and scaled by 1 / (1 - p). Element
 * i's draw is 16 bits of SplitMix64's finaliser of (seed, layer, step, i / 4), a counter-based generator: the mask is the same
 * whatever the threads and however the elements are split among them, and a resumed run draws the same masks
 * without any generator state in the checkpoint. p is rounded to a multiple of 2^-16.
 */
public final class Dropout {
    private final float rate;
    private final long layerSeed;
    private final ParallelChunks chunks;
    /**
     * Per element of the last forward, what its gradient is multiplied by: 1 / (1 - p) where kept, 0 where dropped.
     * As factors rather than flags the backward is one multiply-add per element, which the JIT vectorises: a branch
     * on random flags (mispredicted for about one element in ten) made it several times slower.
     */
    private float[] factors = new float[0];
    private boolean active;

    Dropout(float rate, long seed, int layerIndex, ParallelChunks chunks) {
        if (!(rate >= 0f && rate < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + rate);
        }
        this.rate = rate;
        this.layerSeed = seed * SplitMix64.GOLDEN_GAMMA + layerIndex;
        this.chunks = chunks;
    }

    /** y = x masked and rescaled when training with a rate above 0, else a copy. */
    public void forward(float[] x, int count, float[] y, boolean training, long step) {
        active = training && rate > 0f;
        if (!active) {
            System.arraycopy(x, 0, y, 0, count);
            return;
        }
        if (factors.length < count) {
            factors = new float[count];
        }
        long stream = SplitMix64.mix(layerSeed ^ (step * 0xBF58476D1CE4E5B9L));
        int threshold = (int) Math.round(rate * 65536.0);
        float scale = 1f / (1f - rate);
        float[] factor = factors;
        chunks.split(count, count, (from, to) -> {
            long bits = SplitMix64.mix(stream + (from >>> 2));
            for (int i = from; i < to; i++) {
                int lane = i & 3;
                if (lane == 0) {
                    bits = SplitMix64.mix(stream + (i >>> 2));
                }
                boolean keep = (int) ((bits >>> (16 * lane)) & 0xFFFF) >= threshold;
                factor[i] = keep ? scale : 0f;
                y[i] = keep ? x[i] * scale : 0f;
            }
        });
    }

    /** dx += dy through the mask of the last forward. */
    public void backward(float[] dy, int count, float[] dx) {
        if (!active) {
            Residual.addGradient(chunks, dy, count, dx);
            return;
        }
        float[] factor = factors;
        chunks.split(count, count, (from, to) -> {
            for (int i = from; i < to; i++) {
                dx[i] += dy[i] * factor[i];
            }
        });
    }
}
