package io.hattn.testing;

import io.hattn.attention.AttentionBackend;
import io.hattn.attention.AttentionGradients;
import io.hattn.attention.AttentionProblem;
import io.hattn.attention.FullAttentionReference;
import io.hattn.attention.GradientReference;
import io.hattn.attention.HierarchicalAttentionReference;
import io.hattn.attention.ReferenceGradients;
import io.hattn.attention.SavedForward;

/**
 * The double-precision references as an attention backend with a backward, so that the layers above attention
 * are checked against finite differences without float32 attention noise, and independently of any fast path.
 */
public final class OracleAttention implements AttentionBackend {

    @Override
    public String name() {
        return "oracle-for-tests";
    }

    @Override
    public String device() {
        return "plain Java, double";
    }

    @Override
    public void hierarchical(AttentionProblem problem, float[] out) {
        narrow(HierarchicalAttentionReference.forward(problem), out);
    }

    @Override
    public void exact(AttentionProblem problem, float[] out) {
        narrow(FullAttentionReference.forward(problem), out);
    }

    @Override
    public SavedForward hierarchicalForBackward(AttentionProblem problem) {
        return new SavedForward(name(), problem, false, hierarchical(problem), null, null);
    }

    @Override
    public SavedForward exactForBackward(AttentionProblem problem) {
        return new SavedForward(name(), problem, true, exact(problem), null, null);
    }

    @Override
    public AttentionGradients backward(SavedForward saved, float[] dOut) {
        SavedForward.requireFor(name(), saved, dOut);
        ReferenceGradients g = saved.exact() ? GradientReference.exact(saved.problem(), dOut)
                : GradientReference.hierarchical(saved.problem(), dOut);
        return new AttentionGradients(narrow(g.dq()), narrow(g.dk()), narrow(g.dv()),
                g.dbias() == null ? null : narrow(g.dbias()));
    }

    private static float[] narrow(double[] values) {
        float[] out = new float[values.length];
        narrow(values, out);
        return out;
    }

    private static void narrow(double[] values, float[] out) {
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
    }
}
