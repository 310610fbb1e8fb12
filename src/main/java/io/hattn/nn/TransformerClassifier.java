package io.hattn.nn;

import io.hattn.attention.AttentionBackend;
import java.util.SplittableRandom;

/**
 * A Transformer encoder that classifies sequences (the LRA tasks): token embedding plus positions, dropout,
 * pre-norm blocks, a final layer norm, pooling over the valid tokens and a classification head. All
 * parameters live in one {@link Parameters} buffer; the forward keeps what the backward needs.
 */
public final class TransformerClassifier {
    private final ModelConfig config;
    private final ParallelChunks chunks;
    private final Parameters parameters = new Parameters();
    private final TokenEmbedding embedding;
    private final Positions positions;
    private final Dropout embeddingDropout;
    private final TransformerBlock[] blocks;
    private final LayerNorm finalNorm;
    private final ClassificationHead head;
    private float[][] activations = new float[0][];
    private float[] embedded = new float[0];
    private float[] normed = new float[0];
    private float[] pooled = new float[0];
    private float[] gradient = new float[0];
    private float[] gradientBelow = new float[0];
    private float[] gradientPooled = new float[0];
    private int[] lastTokens;
    private boolean[] lastValid;
    private int lastBatch;
    private int lastLength;

    public TransformerClassifier(ModelConfig config, AttentionBackend backend, MatrixProducts products) {
        this.config = config;
        this.chunks = new ParallelChunks(products.pool());
        this.embedding = new TokenEmbedding(parameters, "embedding.tokens", config.vocabulary(), config.width());
        this.positions = config.learnedPositions()
                ? Positions.learned(parameters, "embedding.positions", config.maxLength(), config.width())
                : Positions.sinusoidal(parameters, config.maxLength(), config.width());
        this.embeddingDropout = new Dropout(config.dropout(), config.seed(), 0, chunks);
        this.blocks = new TransformerBlock[config.layers()];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = new TransformerBlock(parameters, "blocks." + i, config, i + 1, backend, products);
        }
        this.finalNorm = new LayerNorm(parameters, "final_norm", config.width(), chunks);
        this.head = new ClassificationHead(parameters, "head", config.width(), config.classes(), config.pooling(),
                config.headHidden(), products);
        parameters.allocate();
    }

    /** GPT-2's seeded initialisation: N(0, 0.02), residual projections scaled by 1 / sqrt(2 layers). */
    public void initialise() {
        SplittableRandom random = new SplittableRandom(config.seed());
        double deviation = 0.02;
        double residualScale = 1 / Math.sqrt(2.0 * config.layers());
        embedding.initialise(random, deviation);
        positions.initialise(random, deviation);
        for (TransformerBlock block : blocks) {
            block.initialise(random, deviation, residualScale);
        }
        finalNorm.initialise();
        head.initialise(random, deviation);
    }

    public ModelConfig config() {
        return config;
    }

    public Parameters parameters() {
        return parameters;
    }

    /**
     * Logits [batch, classes] of {@code batch} sequences of {@code length} token ids ([batch, length], padded
     * positions marked invalid in {@code valid}).
     */
    public float[] forward(int[] tokens, boolean[] valid, int batch, int length, boolean training, long step) {
        int count = batch * length * config.width();
        if (activations.length != blocks.length + 1) {
            activations = new float[blocks.length + 1][0];
        }
        for (int i = 0; i <= blocks.length; i++) {
            activations[i] = Scratch.atLeast(activations[i], count);
        }
        embedded = Scratch.atLeast(embedded, count);
        normed = Scratch.atLeast(normed, count);
        embedding.forward(tokens, batch * length, embedded);
        positions.addTo(embedded, batch, length);
        embeddingDropout.forward(embedded, count, activations[0], training, step);
        for (int i = 0; i < blocks.length; i++) {
            blocks[i].forward(activations[i], batch, length, valid, activations[i + 1], training, step);
        }
        finalNorm.forward(activations[blocks.length], batch * length, normed);
        pooled = Scratch.atLeast(pooled, batch * head.pooledWidth());
        lastTokens = tokens;
        lastValid = valid;
        lastBatch = batch;
        lastLength = length;
        return head.forward(normed, valid, batch, length, pooled);
    }

    /** Accumulates every parameter's gradient from dLogits [batch, classes] of the last forward. */
    public void backward(float[] dLogits) {
        int batch = lastBatch;
        int length = lastLength;
        int rows = batch * length;
        int count = rows * config.width();
        gradient = Scratch.zeroed(gradient, count);
        gradientPooled = Scratch.atLeast(gradientPooled, batch * head.pooledWidth());
        head.backward(normed, pooled, dLogits, lastValid, batch, length, gradientPooled, gradient);
        gradientBelow = Scratch.zeroed(gradientBelow, count);
        finalNorm.backward(activations[blocks.length], gradient, rows, gradientBelow);
        for (int i = blocks.length - 1; i >= 0; i--) {
            float[] swap = gradient;
            gradient = gradientBelow;
            gradientBelow = Scratch.zeroed(swap, count);
            blocks[i].backward(activations[i], gradient, batch, length, gradientBelow);
        }
        gradient = Scratch.zeroed(gradient, count);
        embeddingDropout.backward(gradientBelow, count, gradient);
        positions.backward(gradient, batch, length);
        embedding.backward(lastTokens, gradient, rows);
    }
}
