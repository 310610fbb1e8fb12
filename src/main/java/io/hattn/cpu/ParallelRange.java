package io.hattn.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/** Runs a body over [0, count) in contiguous chunks on a fork/join pool; each chunk gets its own scratch. */
final class ParallelRange {

    /** The work of one chunk [from, to). */
    @FunctionalInterface
    interface Body {
        void run(int from, int to);
    }

    /** Runs every body on the calling thread, for work that is already parallel one level up. */
    static final ParallelRange SEQUENTIAL = new ParallelRange(null);

    private final ForkJoinPool pool;

    ParallelRange(ForkJoinPool pool) {
        this.pool = pool;
    }

    int threads() {
        return pool == null ? 1 : pool.getParallelism();
    }

    /** Splits into about 4 chunks per thread (for balance), never smaller than {@code grain} items. */
    void forEach(int count, int grain, Body body) {
        if (count <= 0) {
            return;
        }
        int chunk = Math.max(grain, (count + 4 * threads() - 1) / (4 * threads()));
        if (chunk >= count || pool == null) {
            body.run(0, count);
            return;
        }
        pool.invoke(new Split(0, count, chunk, body));
    }

    private static final class Split extends RecursiveAction {
        private static final long serialVersionUID = 1L;
        private final int from;
        private final int to;
        private final int chunk;
        private final Body body;

        Split(int from, int to, int chunk, Body body) {
            this.from = from;
            this.to = to;
            this.chunk = chunk;
            this.body = body;
        }

        @Override
        protected void compute() {
            if (to - from <= chunk) {
                body.run(from, to);
                return;
            }
            int middle = from + ((to - from) / chunk / 2) * chunk;
            if (middle == from) {
                middle = from + chunk;
            }
            invokeAll(new Split(from, middle, chunk, body), new Split(middle, to, chunk, body));
        }
    }
}
