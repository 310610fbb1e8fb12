package io.hattn.testing;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * Heap bytes allocated by every thread of the JVM while a call runs (the backends' pool threads included), from
 * HotSpot's per-thread allocation counters: the memory a call needs, deterministic where heap peaks depend on
 * when the collector ran. A buffer of L x L floats would show up here however briefly it lived.
 */
public final class AllocatedBytes {

    private AllocatedBytes() {
    }

    public static long during(Runnable call) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!threads.isThreadAllocatedMemorySupported() || !threads.isThreadAllocatedMemoryEnabled()) {
            throw new IllegalStateException("this JVM does not count allocated bytes per thread");
        }
        Map<Long, Long> before = snapshot(threads);
        call.run();
        Map<Long, Long> after = snapshot(threads);
        long total = 0;
        for (Map.Entry<Long, Long> thread : after.entrySet()) {
            total += thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
        }
        return total;
    }

    private static Map<Long, Long> snapshot(com.sun.management.ThreadMXBean threads) {
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        Map<Long, Long> map = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                map.put(ids[i], bytes[i]);
            }
        }
        return map;
    }
}
