package io.hattn.tornado.kernels;

import uk.ac.manchester.tornado.api.math.TornadoMath;

/** The factor that re-bases a softmax sum taken against maximum {@code max} onto the larger {@code offset}. */
public final class Rebase {

    private Rebase() {
    }

    /** {@code exp(max - offset)}, 0 for a sum without entries (max = {@link Scores#NONE}). */
    public static float weight(float max, float offset) {
        float w = 0f;
        if (max > Scores.REAL) {
            w = TornadoMath.exp(max - offset);
        }
        return w;
    }
}
