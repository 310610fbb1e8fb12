package io.hattn.attention;

/**
 * Gradients of a scalar loss with respect to the raw inputs of one attention call, in the inputs' layouts:
 * {@code dq}, {@code dk} [batch, heads, length, dim], {@code dv} [batch, heads, length, valueDim], {@code dbias}
 * [heads, 4 Nr - 1] (null when the call had no bias). Padded and masked positions have zero gradients.
 */
public record AttentionGradients(float[] dq, float[] dk, float[] dv, float[] dbias) {
}
