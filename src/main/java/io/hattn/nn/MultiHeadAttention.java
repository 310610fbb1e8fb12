package io.hattn.nn;

import io.hattn.attention.AttentionBackend;
import io.hattn.attention.AttentionGradients;
import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.SavedForward;
import java.util.SplittableRandom;

/**
 * Multi-head self-attention: one Q/K/V projection of width 3C, the heads' attention on an attention backend,
 * hierarchical (docs/algorithm.md) or exact by one flag, and the output projection. The hierarchical
 * relative-position bias (section 7) is an option of the hierarchical kind. The backend keeps from the forward
 * only what its backward needs (section 11).
 */
public final class MultiHeadAttention {

    /** Which attention the heads compute. */
    public enum Kind {
        HIERARCHICAL, EXACT
    }

    private final int width;
    private final int heads;
    private final int headWidth;
    private final int block;
    private final boolean causal;
    private final Kind kind;
    private final AttentionBackend backend;
    private final ParallelChunks chunks;
    private final Parameters parameters;
    private final Linear qkv;
    private final Linear output;
    private final Parameters.View bias;
    private float[] projected = new float[0];
    private float[] q = new float[0];
    private float[] k = new float[0];
    private float[] v = new float[0];
    private float[] merged = new float[0];
    private float[] dMerged = new float[0];
    private float[] dAttention = new float[0];
    private float[] dProjected = new float[0];
    private SavedForward saved;

    public MultiHeadAttention(Parameters parameters, String name, int width, int heads, int block, boolean causal,
                              Kind kind, boolean relativeBias, AttentionBackend backend, MatrixProducts products) {
        if (width % heads != 0) {
            throw new IllegalArgumentException("width " + width + " must be a multiple of heads " + heads);
        }
        if (relativeBias && kind != Kind.HIERARCHICAL) {
            throw new IllegalArgumentException("the relative-position bias is defined for hierarchical attention");
        }
        this.parameters = parameters;
        this.width = width;
        this.heads = heads;
        this.headWidth = width / heads;
        this.block = block;
        this.causal = causal;
        this.kind = kind;
        this.backend = backend;
        this.chunks = new ParallelChunks(products.pool());
        this.qkv = new Linear(parameters, name + ".qkv", width, 3 * width, false, products);
        this.output = new Linear(parameters, name + ".out", width, width, true, products);
        this.bias = relativeBias ? parameters.add(name + ".relative_bias", heads, 4 * block - 1) : null;
    }

    public void initialise(SplittableRandom random, double deviation, double residualScale) {
        qkv.initialise(random, deviation);
        output.initialise(random, deviation * residualScale);
        if (bias != null) {
            Initialisation.zeros(parameters.values(), bias);
        }
    }

    /** y[batch * length, width] from x of the same shape; {@code valid} is [batch, length] (null: all valid). */
    public void forward(float[] x, int batch, int length, boolean[] valid, float[] y) {
        int rows = batch * length;
        projected = Scratch.atLeast(projected, rows * 3 * width);
        q = Scratch.exactly(q, rows * width);
        k = Scratch.exactly(k, rows * width);
        v = Scratch.exactly(v, rows * width);
        merged = Scratch.atLeast(merged, rows * width);
        qkv.forward(x, rows, projected);
        splitHeads(projected, batch, length);
        AttentionSpec spec = new AttentionSpec(batch, heads, length, headWidth, headWidth, block, causal,
                AttentionSpec.defaultScale(headWidth));
        AttentionProblem problem = new AttentionProblem(spec, q, k, v, valid, bias == null ? null : biasTable());
        saved = kind == Kind.HIERARCHICAL ? backend.hierarchicalForBackward(problem)
                : backend.exactForBackward(problem);
        mergeHeads(saved.output(), batch, length, merged);
        output.forward(merged, rows, y);
    }

    /** dx += the gradient through the layer; weight and bias gradients accumulate. */
    public void backward(float[] x, float[] dy, int batch, int length, float[] dx) {
        int rows = batch * length;
        dMerged = Scratch.zeroed(dMerged, rows * width);
        output.backward(merged, dy, rows, dMerged);
        dAttention = Scratch.exactly(dAttention, rows * width);
        toHeads(dMerged, batch, length, dAttention, 0, width);
        AttentionGradients gradients = backend.backward(saved, dAttention);
        dProjected = Scratch.atLeast(dProjected, rows * 3 * width);
        mergeHeads(gradients.dq(), batch, length, dProjected, 0, 3 * width);
        mergeHeads(gradients.dk(), batch, length, dProjected, width, 3 * width);
        mergeHeads(gradients.dv(), batch, length, dProjected, 2 * width, 3 * width);
        if (bias != null) {
            float[] grads = parameters.gradients();
            for (int i = 0; i < bias.size(); i++) {
                grads[bias.offset() + i] += gradients.dbias()[i];
            }
        }
        qkv.backward(x, dProjected, rows, dx);
    }

    private float[] biasTable() {
        float[] table = new float[bias.size()];
        System.arraycopy(parameters.values(), bias.offset(), table, 0, table.length);
        return table;
    }

    /** q, k, v [batch, heads, length, headWidth] from the projection [batch, length, 3 width]. */
    private void splitHeads(float[] source, int batch, int length) {
        toHeads(source, batch, length, q, 0, 3 * width);
        toHeads(source, batch, length, k, width, 3 * width);
        toHeads(source, batch, length, v, 2 * width, 3 * width);
    }

    private void toHeads(float[] source, int batch, int length, float[] target, int column, int stride) {
        chunks.split(batch * heads, (long) batch * length * width, (from, to) -> {
            for (int bh = from; bh < to; bh++) {
                int b = bh / heads;
                int h = bh % heads;
                for (int t = 0; t < length; t++) {
                    System.arraycopy(source, (b * length + t) * stride + column + h * headWidth, target,
                            (bh * length + t) * headWidth, headWidth);
                }
            }
        });
    }

    private void mergeHeads(float[] source, int batch, int length, float[] target) {
        mergeHeads(source, batch, length, target, 0, width);
    }

    /** [batch, heads, length, headWidth] into columns [column, column + width) of rows of {@code stride}. */
    private void mergeHeads(float[] source, int batch, int length, float[] target, int column, int stride) {
        chunks.split(batch * heads, (long) batch * length * width, (from, to) -> {
            for (int bh = from; bh < to; bh++) {
                int b = bh / heads;
                int h = bh % heads;
                for (int t = 0; t < length; t++) {
                    System.arraycopy(source, (bh * length + t) * headWidth, target,
                            (b * length + t) * stride + column + h * headWidth, headWidth);
                }
            }
        });
    }
}
