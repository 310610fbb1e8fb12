package io.hattn.nn;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * [0, count) in one contiguous chunk per thread of a pool; small work stays on the calling thread. The chunks
 * depend only on the count, the work and the thread count, so a reduction over chunks in chunk order gives the
 * same bits on every run with the same threads.
 */
final class ParallelChunks {

    /** Below this much work (multiply-adds, or elements times a small cost) the calling thread runs it all. */
    private static final long PARALLEL_WORK = 1L << 18;

    interface Chunk {
        void run(int from, int to);
    }

    /** A chunk that knows its index in [0, {@link #parts}), for per-chunk partial sums. */
    interface IndexedChunk {
        void run(int part, int from, int to);
    }

    private final ForkJoinPool pool;

    ParallelChunks(ForkJoinPool pool) {
        this.pool = pool;
    }

    int threads() {
        return pool.getParallelism();
    }

    /** How many chunks {@link #split} makes of this count and work. */
    int parts(int count, long work) {
        int threads = pool.getParallelism();
        return threads == 1 || work < PARALLEL_WORK || count < 2 ? 1 : Math.min(threads, count);
    }

    void split(int count, long work, Chunk chunk) {
        split(count, work, (part, from, to) -> chunk.run(from, to));
    }

    void split(int count, long work, IndexedChunk chunk) {
        int parts = parts(count, work);
        if (parts == 1) {
            chunk.run(0, 0, count);
            return;
        }
        RecursiveAction[] tasks = new RecursiveAction[parts];
        for (int p = 0; p < parts; p++) {
            int part = p;
            int from = (int) ((long) count * p / parts);
            int to = (int) ((long) count * (p + 1) / parts);
            tasks[p] = new RecursiveAction() {
                @Override
                protected void compute() {
                    chunk.run(part, from, to);
                }
            };
        }
        if (ForkJoinTask.getPool() == pool) {
            ForkJoinTask.invokeAll(tasks);
        } else {
            pool.invoke(new RecursiveAction() {
                @Override
                protected void compute() {
                    invokeAll(tasks);
                }
            });
        }
    }
}
