package io.hattn.attention;

/**
 * The oracle's gradients in double precision, laid out as {@link AttentionGradients}; dbias is null when the
 * problem had no bias.
 */
public record ReferenceGradients(double[] dq, double[] dk, double[] dv, double[] dbias) {

    public AttentionGradients toFloat() {
        return new AttentionGradients(narrow(dq), narrow(dk), narrow(dv), dbias == null ? null : narrow(dbias));
    }

    private static float[] narrow(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
