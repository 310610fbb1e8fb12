package io.hattn.cpu;

import java.util.ArrayDeque;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Buffers kept between calls (workspaces, tiles, scratch), so that a call in steady state allocates next to
 * nothing: a thread borrows one for its part of a call and gives it back when done. One that no longer fits the
 * call's shape is dropped, with every other kept one (shapes change together). Thread-safe.
 */
final class KeptBuffers<T> {
    private final ArrayDeque<T> idle = new ArrayDeque<>();

    /** A kept buffer that {@code fits}, or a new one from {@code make}. */
    T borrow(Predicate<T> fits, Supplier<T> make) {
        synchronized (idle) {
            T kept = idle.poll();
            if (kept != null && fits.test(kept)) {
                return kept;
            }
            idle.clear();
        }
        return make.get();
    }

    void giveBack(T buffer) {
        synchronized (idle) {
            idle.push(buffer);
        }
    }

    /** Drops every kept buffer. */
    void clear() {
        synchronized (idle) {
            idle.clear();
        }
    }
}
