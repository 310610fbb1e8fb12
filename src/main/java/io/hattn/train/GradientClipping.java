package io.hattn.train;

import io.hattn.nn.Parameters;

/** Global gradient-norm clipping: one L2 norm over the whole gradient buffer, scaled down to the limit. */
public final class GradientClipping {

    private GradientClipping() {
    }

    /** Scales the gradients when their norm exceeds {@code maxNorm} (0 = off); returns the norm before. */
    public static double clip(Parameters parameters, double maxNorm) {
        float[] gradients = parameters.gradients();
        double squares = 0;
        for (float g : gradients) {
            squares += (double) g * g;
        }
        double norm = Math.sqrt(squares);
        if (maxNorm > 0 && norm > maxNorm) {
            float scale = (float) (maxNorm / norm);
            for (int i = 0; i < gradients.length; i++) {
                gradients[i] *= scale;
            }
        }
        return norm;
    }
}
