package io.hattn.attention;

/**
 * One attention call: the spec and its tensors, all flat float arrays in C order.
 * <ul>
 *   <li>{@code q}, {@code k}: [batch, heads, length, dim]; q is raw, scores are {@code scale * q.k}.</li>
 *   <li>{@code v}: [batch, heads, length, valueDim].</li>
 *   <li>{@code mask}: [batch, length], true = valid token, applying to queries and keys; null = all valid.</li>
 *   <li>{@code bias}: [heads, 4 Nr - 1] relative-position bias in coarse units (docs/algorithm.md section 7);
 *       null = none.</li>
 * </ul>
 * The arrays are not copied; backends never write to them. Every value must be finite: the constructor checks,
 * so that no backend ever sees a NaN or an infinity it would spread through whole rows.
 */
public record AttentionProblem(AttentionSpec spec, float[] q, float[] k, float[] v, boolean[] mask, float[] bias) {

    public AttentionProblem {
        requireLength("q", q, spec.queryElements(), "[batch, heads, length, dim]");
        requireLength("k", k, spec.queryElements(), "[batch, heads, length, dim]");
        requireLength("v", v, spec.valueElements(), "[batch, heads, length, valueDim]");
        if (mask != null && mask.length != spec.batch() * spec.length()) {
            throw new IllegalArgumentException("mask must have batch x length = " + spec.batch() * spec.length()
                    + " entries, got " + mask.length);
        }
        if (bias != null && bias.length != spec.heads() * spec.biasEntriesPerHead()) {
            throw new IllegalArgumentException("bias must have heads x (4 Nr - 1) = "
                    + spec.heads() * spec.biasEntriesPerHead() + " entries, got " + bias.length);
        }
        FiniteResult.requireFiniteInput("q", q);
        FiniteResult.requireFiniteInput("k", k);
        FiniteResult.requireFiniteInput("v", v);
        if (bias != null) {
            FiniteResult.requireFiniteInput("bias", bias);
        }
    }

    public static AttentionProblem of(AttentionSpec spec, float[] q, float[] k, float[] v) {
        return new AttentionProblem(spec, q, k, v, null, null);
    }

    public AttentionProblem withMask(boolean[] newMask) {
        return new AttentionProblem(spec, q, k, v, newMask, bias);
    }

    public AttentionProblem withBias(float[] newBias) {
        return new AttentionProblem(spec, q, k, v, mask, newBias);
    }

    /** Whether token {@code i} of batch entry {@code b} is valid. */
    public boolean isValid(int b, int i) {
        return mask == null || mask[b * spec.length() + i];
    }

    public int outputElements() {
        return spec.valueElements();
    }

    private static void requireLength(String name, float[] values, int expected, String layout) {
        if (values == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (values.length != expected) {
            throw new IllegalArgumentException(name + " must have " + expected + " elements " + layout + ", got "
                    + values.length);
        }
    }

    @Override
    public String toString() {
        return "AttentionProblem" + spec + (mask != null ? " masked" : "") + (bias != null ? " biased" : "");
    }
}
