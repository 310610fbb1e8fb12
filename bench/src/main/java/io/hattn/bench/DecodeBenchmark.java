package io.hattn.bench;

import io.hattn.benchmark.DecodeBenchmarkRunner;
import io.hattn.benchmark.DecodeBenchmarkSettings;
import io.hattn.decode.DecodeSession;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Streaming causal decoding, microseconds per token for all 8 heads (d 64, Nr 16), at position L: the
 * hierarchical decoding state against exact attention over a KV cache, both through {@code DecodeSession} on the
 * CPU. Each trial prefills to L once (hierarchical: absorbing L random tokens; exact: random rows written
 * directly), marks the session, and every invocation rewinds to the mark before its timed tokens, so all
 * figures are at positions [L, L + tokens) however many invocations JMH makes. Same procedure as
 * {@code hattn bench --decode} ({@link DecodeBenchmarkRunner}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx18g",
    "-XX:+UseTransparentHugePages"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DecodeBenchmark {

    /** Tokens per invocation of the hierarchical benchmark (a few ms: rewinding costs less than that). */
    static final int HIERARCHICAL_TOKENS = 256;

    /** The shape of the targets, and one trial's prefilled sessions. */
    @State(Scope.Benchmark)
    public abstract static class Prefilled {
        @Param({"1024", "65536", "1048576"})
        public int length;

        protected DecodeBenchmarkRunner runner;
        protected DecodeSession session;

        protected DecodeBenchmarkSettings settings() {
            return new DecodeBenchmarkSettings(new int[] {length}, 64, 8, 16, HIERARCHICAL_TOKENS, 1,
                    Runtime.getRuntime().availableProcessors(), 42);
        }

        @Setup(Level.Invocation)
        public void rewind() {
            session.rewind();
        }

        @TearDown(Level.Trial)
        public void close() {
            session.close();
        }
    }

    public static class Hierarchical extends Prefilled {
        @Setup(Level.Trial)
        public void prefill() {
            runner = new DecodeBenchmarkRunner(settings(), System.err);
            // the same prefill work in every fork before its own, so that no fork's code is compiled from a
            // shorter profile (a 1K fork would otherwise see 8K absorbs where a 1M fork sees 8M)
            runner.prefilledHierarchical(1 << 16).close();
            session = runner.prefilledHierarchical(length);
            session.mark();
        }
    }

    public static class Exact extends Prefilled {
        @Setup(Level.Trial)
        public void prefill() {
            runner = new DecodeBenchmarkRunner(settings(), System.err);
            session = runner.prefilledExact(length, 1);
            session.mark();
        }
    }

    /** Longer warm-up: a fresh fork interprets the decoding step for seconds before C2 has compiled it. */
    @Benchmark
    @OperationsPerInvocation(HIERARCHICAL_TOKENS)
    @Warmup(iterations = 8, time = 1)
    @Measurement(iterations = 10, time = 1)
    public float hierarchical(Hierarchical state) {
        return state.runner.appendTokens(state.session, HIERARCHICAL_TOKENS);
    }

    /** One token per invocation: at L = 1M it takes most of a second. */
    @Benchmark
    public float exact(Exact state) {
        return state.runner.appendTokens(state.session, 1);
    }
}
