package io.hattn.decode;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntFunction;

/**
 * Streaming causal decoding over batch x heads: one decoder per (batch, head), a token for every head per call.
 * Inputs of one step are [batch, heads, d] (q, k) and [batch, heads, dv] (v), the output [batch, heads, dv];
 * validity is per batch entry, as the mask of the full forward.
 *
 * <p>Heads run in parallel on the session's own fork/join pool when a step is worth it (the exact baseline at
 * long lengths), on the calling thread otherwise (a hierarchical step is a few microseconds per head, less than
 * handing work to another thread costs).
 */
public final class DecodeSession implements AutoCloseable {

    /** Multiply-adds per step below which the heads run on the calling thread. */
    static final long PARALLEL_WORK = 1L << 18;

    private final int batch;
    private final int heads;
    private final HeadDecoder[] decoders;
    private final ForkJoinPool pool;

    private DecodeSession(int batch, int heads, int threads, IntFunction<HeadDecoder> decoderOfHead) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        if (heads < 1) {
            throw new IllegalArgumentException("heads must be >= 1, got " + heads);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.batch = batch;
        this.heads = heads;
        this.decoders = new HeadDecoder[batch * heads];
        for (int head = 0; head < decoders.length; head++) {
            decoders[head] = decoderOfHead.apply(head);
        }
        this.pool = threads > 1 ? new ForkJoinPool(threads) : null;
    }

    /**
     * Hierarchical decoding states; {@code bias} is [heads, 4 Nr - 1] (section 7 of docs/algorithm.md) or null.
     */
    public static DecodeSession hierarchical(int batch, int heads, int dim, int valueDim, int block, float scale,
                                             float[] bias, int threads) {
        int entries = 4 * block - 1;
        if (bias != null && bias.length != heads * entries) {
            throw new IllegalArgumentException("bias must have heads x (4 Nr - 1) = " + heads * entries
                    + " entries, got " + bias.length);
        }
        return new DecodeSession(batch, heads, threads, head -> new DecodeState(block, dim, valueDim, scale,
                bias == null ? null : java.util.Arrays.copyOfRange(bias, (head % heads) * entries,
                        (head % heads + 1) * entries)));
    }

    /** The exact baseline: a KV cache of {@code capacity} tokens per head. */
    public static DecodeSession exact(int batch, int heads, int dim, int valueDim, float scale, int capacity,
                                      int threads) {
        return new DecodeSession(batch, heads, threads, head -> new ExactKvCache(dim, valueDim, scale, capacity));
    }

    public int batch() {
        return batch;
    }

    public int heads() {
        return heads;
    }

    /** The decoder of head h of batch entry b. */
    public HeadDecoder decoder(int b, int h) {
        return decoders[b * heads + h];
    }

    public int position() {
        return decoders[0].position();
    }

    /** Bytes of every head's state together. */
    public long stateBytes() {
        long bytes = 0;
        for (HeadDecoder decoder : decoders) {
            bytes += decoder.stateBytes();
        }
        return bytes;
    }

    /** Marks every head (see {@link HeadDecoder#mark}). */
    public void mark() {
        for (HeadDecoder decoder : decoders) {
            decoder.mark();
        }
    }

    /** Rewinds every head to its mark. */
    public void rewind() {
        for (HeadDecoder decoder : decoders) {
            decoder.rewind();
        }
    }

    /** One step: a token for every head; {@code valid} is [batch] (null: all valid). */
    public void append(float[] q, float[] k, float[] v, boolean[] valid, float[] out) {
        int dim = decoders[0].dim();
        int valueDim = decoders[0].valueDim();
        requireLength("q", q, decoders.length * dim, "[batch, heads, d]");
        requireLength("k", k, decoders.length * dim, "[batch, heads, d]");
        requireLength("v", v, decoders.length * valueDim, "[batch, heads, dv]");
        requireLength("out", out, decoders.length * valueDim, "[batch, heads, dv]");
        if (valid != null && valid.length != batch) {
            throw new IllegalArgumentException("valid must have batch = " + batch + " entries, got " + valid.length);
        }
        forEachHead(head -> decoders[head].append(q, head * dim, k, head * dim, v, head * valueDim,
                valid == null || valid[head / heads], out, head * valueDim));
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }

    private void forEachHead(java.util.function.IntConsumer step) {
        long work = 0;
        for (HeadDecoder decoder : decoders) {
            work += decoder.workOfNextToken();
        }
        if (pool == null || work < PARALLEL_WORK || decoders.length == 1) {
            for (int head = 0; head < decoders.length; head++) {
                step.accept(head);
            }
            return;
        }
        pool.invoke(new Heads(0, decoders.length, step));
    }

    private static void requireLength(String name, float[] values, int expected, String layout) {
        if (values == null || values.length != expected) {
            throw new IllegalArgumentException(name + " must have " + expected + " floats " + layout + ", got "
                    + (values == null ? "null" : values.length));
        }
    }

    private static final class Heads extends RecursiveAction {
        private static final long serialVersionUID = 1L;
        private final int from;
        private final int to;
        private final transient java.util.function.IntConsumer step;

        Heads(int from, int to, java.util.function.IntConsumer step) {
            this.from = from;
            this.to = to;
            this.step = step;
        }

        @Override
        protected void compute() {
            if (to - from == 1) {
                step.accept(from);
                return;
            }
            int middle = (from + to) >>> 1;
            invokeAll(new Heads(from, middle, step), new Heads(middle, to, step));
        }
    }
}
