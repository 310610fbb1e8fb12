package io.hattn.attention;

/**
 * Bytes a forward call must move to and from memory (docs/algorithm.md section 9), the other axis of a roofline
 * beside {@link FlopModel}'s FLOPs. Tensors are float32 (4 bytes an element); the mask is a {@code boolean[]},
 * one byte a token. Both models are lower bounds of a single pass: every input is read once and the output
 * written once, and nothing that fits in cache is counted again.
 *
 * <ul>
 *   <li>Exact (flash style): q, k, v and the mask read, the output written. No L x L buffer exists, and the
 *       K and V tiles re-read for every query tile are taken to come from cache.</li>
 *   <li>Hierarchical: the same, plus the coarse levels 1 .. M-1 of the pyramid (section 3) of q, k and v, each
 *       written once when built and read once by its level's kernels. Level 0 is the inputs themselves. The
 *       coarse levels hold {@code Lp - 2 Nr} tokens per head (Lp the padded length: Lp/2 + Lp/4 + ... + 2 Nr),
 *       each {@code 2 d + dv} floats. Not counted: the key weights (one float a coarse token, 0.5% at
 *       d = dv = 64, and constant {@code 2^l} without padding) and the per-level partial numerators and
 *       denominators (with the row maxima), which a depth-first traversal keeps in cache: it holds only the
 *       ancestors of one block of rows, M Nr (dv + 2) floats.</li>
 * </ul>
 * Causal changes neither: causal coarse queries are samples instead of means, but still one stored row each.
 */
public final class ByteModel {

    private ByteModel() {
    }

    public static long exact(AttentionSpec spec, boolean masked) {
        return inputsAndOutput(spec, masked);
    }

    public static long hierarchical(AttentionSpec spec, boolean masked) {
        return inputsAndOutput(spec, masked) + 2 * coarseLevels(spec);
    }

    /** Bytes of the coarse levels 1 .. M-1 of q, k and v over all heads; 0 when L = 2 Nr (one level). */
    public static long coarseLevels(AttentionSpec spec) {
        long tokensPerHead = spec.hierarchy().paddedLength() - 2L * spec.block();
        return tokensPerHead * (2L * spec.dim() + spec.valueDim()) * Float.BYTES * spec.headCount();
    }

    /** q, k, v (and the mask) read once, the output written once. */
    private static long inputsAndOutput(AttentionSpec spec, boolean masked) {
        long floats = 2L * spec.queryElements() + 2L * spec.valueElements();
        long mask = masked ? (long) spec.batch() * spec.length() : 0;
        return floats * Float.BYTES + mask;
    }
}
