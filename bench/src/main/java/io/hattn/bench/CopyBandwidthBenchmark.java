package io.hattn.bench;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * This machine's memory bandwidth, the yardstick of the memory bound in {@link Roofline}: one source and one
 * destination {@code float[]} of {@link #mebibytes} MiB each, shared by all threads (one per core), far above
 * the caches; each thread copies its own contiguous slice with {@link System#arraycopy} per call, so the threads
 * together sweep both arrays and no two touch the same cache line. The secondary metric {@code bytes} (ops/s,
 * summed over threads) is bytes moved per second counted as STREAM counts its Copy: the bytes read plus the bytes
 * written, not the read a write-allocating cache adds for the destination.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(Threads.MAX)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx1g",
    "-XX:+UseTransparentHugePages"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CopyBandwidthBenchmark {

    /** The two arrays, shared: their size does not grow with the number of threads. */
    @State(Scope.Benchmark)
    public static class Buffers {
        /** Size of each array; 256 MiB is far above any last-level cache and keeps the heap at two of them. */
        @Param({"256"})
        public int mebibytes;

        float[] source;
        float[] destination;

        @Setup(Level.Trial)
        public void allocate() {
            int floats = (int) ((long) mebibytes * 1024 * 1024 / Float.BYTES);
            source = new float[floats];
            destination = new float[floats];
            Arrays.fill(source, 1f); // touch every page before timing
            Arrays.fill(destination, 0f);
        }
    }

    /** This thread's slice [from, from + floats) of both buffers. */
    @State(Scope.Thread)
    public static class Slice {
        int from;
        int floats;

        @Setup(Level.Trial)
        public void choose(Buffers buffers, ThreadParams thread) {
            long total = buffers.source.length;
            int index = thread.getThreadIndex();
            int count = thread.getThreadCount();
            from = (int) (total * index / count);
            floats = (int) (total * (index + 1) / count) - from;
        }
    }

    /** Bytes moved (read + written), reported by JMH as a rate (ops/s) beside the calls per second. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Bytes {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    @Benchmark
    public void copy(Buffers buffers, Slice slice, Bytes counter) {
        System.arraycopy(buffers.source, slice.from, buffers.destination, slice.from, slice.floats);
        counter.bytes += 2L * Float.BYTES * slice.floats;
    }
}
