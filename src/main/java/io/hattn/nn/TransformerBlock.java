package io.hattn.nn;

import java.util.SplittableRandom;

/**
 * The pre-norm Transformer block: h = x + dropout(attention(norm(x))), y = h + dropout(mlp(norm(h))).
 * Activations of [batch, length, width] are kept for the backward.
 */
public final class TransformerBlock {
    private final int width;
    private final ParallelChunks chunks;
    private final LayerNorm attentionNorm;
    private final MultiHeadAttention attention;
    private final Dropout attentionDropout;
    private final LayerNorm mlpNorm;
    private final Mlp mlp;
    private final Dropout mlpDropout;
    private float[] normed = new float[0];
    private float[] attended = new float[0];
    private float[] dropped = new float[0];
    private float[] hidden = new float[0];
    private float[] normedHidden = new float[0];
    private float[] transformed = new float[0];
    private float[] gradient = new float[0];
    private float[] gradientHidden = new float[0];
    private float[] gradientNormed = new float[0];

    public TransformerBlock(Parameters parameters, String name, ModelConfig config, int index,
                            io.hattn.attention.AttentionBackend backend, MatrixProducts products) {
        this.width = config.width();
        this.chunks = new ParallelChunks(products.pool());
        this.attentionNorm = new LayerNorm(parameters, name + ".attention_norm", width, chunks);
        this.attention = new MultiHeadAttention(parameters, name + ".attention", width, config.heads(),
                config.block(), config.causal(), config.attention(), config.relativeBias(), backend, products);
        this.attentionDropout = new Dropout(config.dropout(), config.seed(), 2 * index + 1, chunks);
        this.mlpNorm = new LayerNorm(parameters, name + ".mlp_norm", width, chunks);
        this.mlp = new Mlp(parameters, name + ".mlp", width, config.mlp(), products);
        this.mlpDropout = new Dropout(config.dropout(), config.seed(), 2 * index + 2, chunks);
    }

    public void initialise(SplittableRandom random, double deviation, double residualScale) {
        attentionNorm.initialise();
        attention.initialise(random, deviation, residualScale);
        mlpNorm.initialise();
        mlp.initialise(random, deviation, residualScale);
    }

    public void forward(float[] x, int batch, int length, boolean[] valid, float[] y, boolean training, long step) {
        int count = batch * length * width;
        normed = Scratch.atLeast(normed, count);
        attended = Scratch.atLeast(attended, count);
        dropped = Scratch.atLeast(dropped, count);
        hidden = Scratch.atLeast(hidden, count);
        normedHidden = Scratch.atLeast(normedHidden, count);
        transformed = Scratch.atLeast(transformed, count);
        attentionNorm.forward(x, batch * length, normed);
        attention.forward(normed, batch, length, valid, attended);
        attentionDropout.forward(attended, count, dropped, training, step);
        Residual.forward(chunks, x, dropped, count, hidden);
        mlpNorm.forward(hidden, batch * length, normedHidden);
        mlp.forward(normedHidden, batch * length, transformed);
        mlpDropout.forward(transformed, count, dropped, training, step);
        Residual.forward(chunks, hidden, dropped, count, y);
    }

    /** dx += the gradient of the block's input, from dy of its output. */
    public void backward(float[] x, float[] dy, int batch, int length, float[] dx) {
        int rows = batch * length;
        int count = rows * width;
        gradient = Scratch.zeroed(gradient, count);
        gradientNormed = Scratch.zeroed(gradientNormed, count);
        gradientHidden = Scratch.zeroed(gradientHidden, count);
        mlpDropout.backward(dy, count, gradient);
        mlp.backward(normedHidden, gradient, rows, gradientNormed);
        mlpNorm.backward(hidden, gradientNormed, rows, gradientHidden);
        Residual.addGradient(chunks, dy, count, gradientHidden);
        java.util.Arrays.fill(gradient, 0, count, 0f);
        java.util.Arrays.fill(gradientNormed, 0, count, 0f);
        attentionDropout.backward(gradientHidden, count, gradient);
        attention.backward(normed, gradient, batch, length, gradientNormed);
        attentionNorm.backward(x, gradientNormed, rows, dx);
        Residual.addGradient(chunks, gradientHidden, count, dx);
    }
}
