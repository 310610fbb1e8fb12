package io.hattn.train;

import io.hattn.nn.Parameters;

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter): per parameter the first and second moment of its
 * gradient, bias-corrected, and a decay {@code lr * weightDecay * w} applied to matrices and embeddings only
 * (not to biases and norm gains). The moments live in two flat arrays beside the parameter buffer, which is all
 * the state a checkpoint needs besides the step.
 */
public final class AdamW {
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final float[] firstMoment;
    private final float[] secondMoment;
    private final boolean[] decays;

    public AdamW(Parameters parameters, float beta1, float beta2, float epsilon, float weightDecay) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("AdamW betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.firstMoment = new float[parameters.size()];
        this.secondMoment = new float[parameters.size()];
        this.decays = new boolean[parameters.size()];
        for (Parameters.View view : parameters.views()) {
            java.util.Arrays.fill(decays, view.offset(), view.offset() + view.size(), view.decays());
        }
    }

    /** The usual settings: betas 0.9 and 0.999 (0.98 for long sequences is a caller's choice), epsilon 1e-8. */
    public static AdamW standard(Parameters parameters, float weightDecay) {
        return new AdamW(parameters, 0.9f, 0.999f, 1e-8f, weightDecay);
    }

    /** One update with the gradients in the buffer; {@code step} counts from 1 (bias correction). */
    public void update(Parameters parameters, float learningRate, long step) {
        float[] values = parameters.values();
        float[] gradients = parameters.gradients();
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (learningRate / correction1);
        float secondScale = (float) (1 / correction2);
        for (int i = 0; i < values.length; i++) {
            float g = gradients[i];
            float m = beta1 * firstMoment[i] + (1 - beta1) * g;
            float v = beta2 * secondMoment[i] + (1 - beta2) * g * g;
            firstMoment[i] = m;
            secondMoment[i] = v;
            float decay = decays[i] ? learningRate * weightDecay * values[i] : 0f;
            values[i] -= stepSize * m / ((float) Math.sqrt(v * secondScale) + epsilon) + decay;
        }
    }

    /** The moments, for checkpoints: written and read in place. */
    public float[] firstMoment() {
        return firstMoment;
    }

    public float[] secondMoment() {
        return secondMoment;
    }
}
