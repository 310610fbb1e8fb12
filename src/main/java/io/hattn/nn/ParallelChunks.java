package io.hattn.nn;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/** [0, count) in one contiguous chunk per thread of a pool; small work stays on the calling thread. */
final class ParallelChunks {

    /** Below this many multiply-adds a product runs on the calling thread: a fork would cost more. */
    private static final long PARALLEL_WORK = 1L << 18;

    interface Chunk {
        void run(int from, int to);
    }

    private final ForkJoinPool pool;

    ParallelChunks(ForkJoinPool pool) {
        this.pool = pool;
    }

    int threads() {
        return pool.getParallelism();
    }

    void split(int count, long work, Chunk chunk) {
        int threads = pool.getParallelism();
        if (threads == 1 || work < PARALLEL_WORK || count < 2) {
            chunk.run(0, count);
            return;
        }
        int parts = Math.min(threads, count);
        RecursiveAction[] tasks = new RecursiveAction[parts];
        for (int p = 0; p < parts; p++) {
            int from = (int) ((long) count * p / parts);
            int to = (int) ((long) count * (p + 1) / parts);
            tasks[p] = new RecursiveAction() {
                @Override
                protected void compute() {
                    chunk.run(from, to);
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
