package io.hattn.nn;

import java.util.SplittableRandom;

/**
 * Inverted dropout: in training each element is kept with probability 1 - p and scaled by 1 / (1 - p). The mask
 * comes from a generator seeded by (seed, step, layer), so a run is reproducible and a resumed run draws the
 * same masks without any generator state in the checkpoint.
 */
public final class Dropout {
    private final float rate;
    private final long layerSeed;
    private boolean[] kept = new boolean[0];
    private boolean active;

    public Dropout(float rate, long seed, int layerIndex) {
        if (!(rate >= 0f && rate < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + rate);
        }
        this.rate = rate;
        this.layerSeed = seed * 0x9E3779B97F4A7C15L + layerIndex;
    }

    /** y = x masked and rescaled when training with a rate above 0, else a copy. */
    public void forward(float[] x, int count, float[] y, boolean training, long step) {
        active = training && rate > 0f;
        if (!active) {
            System.arraycopy(x, 0, y, 0, count);
            return;
        }
        if (kept.length < count) {
            kept = new boolean[count];
        }
        SplittableRandom random = new SplittableRandom(layerSeed ^ (step * 0xBF58476D1CE4E5B9L));
        float scale = 1f / (1f - rate);
        for (int i = 0; i < count; i++) {
            kept[i] = random.nextFloat() >= rate;
            y[i] = kept[i] ? x[i] * scale : 0f;
        }
    }

    /** dx += dy through the mask of the last forward. */
    public void backward(float[] dy, int count, float[] dx) {
        if (!active) {
            for (int i = 0; i < count; i++) {
                dx[i] += dy[i];
            }
            return;
        }
        float scale = 1f / (1f - rate);
        for (int i = 0; i < count; i++) {
            if (kept[i]) {
                dx[i] += dy[i] * scale;
            }
        }
    }
}
