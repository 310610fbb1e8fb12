package io.hattn.bench;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * An A/B of two builds of the library in one JVM, for changes too small for separate JMH runs on a shared host
 * (runs minutes apart drifted by up to 50% on the 2-core VMs; calls alternated in one JVM kept the quartiles of the
 * per-pair ratios within 2-3%). Each jar is loaded by its own class loader (parent: the platform loader, so that
 * nothing comes from this tool's class path), each opens its own CPU backend, and their forward calls alternate on
 * the same inputs, A B B A ...; per length and mode it prints both medians, the median and quartiles of the
 * per-pair ratios B / A, and the largest difference between their outputs (0 when a change keeps the bits).
 * With {@code --causal-b} B runs causal and A bidirectional: with one jar as both, causal against bidirectional
 * in one JVM (separate JMH runs of the two modes drifted apart by more than their difference).
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar io.hattn.bench.PairedAb
 * A.jar B.jar [--len 4096,16384] [--causal | --causal-b] [--exact] [--backward] [--pairs 16] [--heads 8] [--dim 64]};
 * A and B are library jars ({@code target/hattn.jar} of each build); {@code --backward} times the backward of a saved
 * forward instead (the forward itself is not timed) and compares dq. Exit code 2, with a message, on bad arguments.
 */
public final class PairedAb {

    private PairedAb() {
    }

    /** One build of the library in its own class loader, with its CPU backend open. */
    static final class Build implements AutoCloseable {
        final Path jar;
        private final URLClassLoader loader;
        private final Object backend;
        private final Method specOf;
        private final Method problemOf;
        private final Method forward;
        private final Method describe;
        /** With --backward: the saving forward, the backward and dq of its gradients; else null. */
        private final Method forBackward;
        private final Method backward;
        private final Method dq;

        Build(Path jar, boolean exact, boolean gradients) throws ReflectiveOperationException, java.io.IOException {
            this.jar = jar;
            this.loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            // the CPU backend's public constructor, not Backends.open: ServiceLoader would look in the context
            // class loader, this tool's class path
            Class<?> cpu = loader.loadClass("io.hattn.cpu.CpuBackend");
            Class<?> backendType = loader.loadClass("io.hattn.attention.AttentionBackend");
            Class<?> spec = loader.loadClass("io.hattn.attention.AttentionSpec");
            Class<?> problem = loader.loadClass("io.hattn.attention.AttentionProblem");
            backend = cpu.getConstructor(int.class).newInstance(Runtime.getRuntime().availableProcessors());
            specOf = spec.getMethod("of", int.class, int.class, int.class, int.class, int.class, boolean.class);
            problemOf = problem.getMethod("of", spec, float[].class, float[].class, float[].class);
            forward = backendType.getMethod(exact ? "exact" : "hierarchical", problem, float[].class);
            describe = backendType.getMethod("describe");
            if (gradients) {
                Class<?> saved = loader.loadClass("io.hattn.attention.SavedForward");
                forBackward = backendType.getMethod(exact ? "exactForBackward" : "hierarchicalForBackward", problem);
                backward = backendType.getMethod("backward", saved, float[].class);
                dq = loader.loadClass("io.hattn.attention.AttentionGradients").getMethod("dq");
            } else {
                forBackward = null;
                backward = null;
                dq = null;
            }
        }

        /**
         * What {@link #time} calls: the problem for the forward; with --backward the problem's saved forward (run
         * once, not timed) and the output gradient dOut.
         */
        Object callable(Object problem, float[] dOut) throws ReflectiveOperationException {
            return forBackward == null ? problem : new Object[] {forBackward.invoke(backend, problem), dOut};
        }

        Object problem(int heads, int length, int dim, boolean causal, float[] q, float[] k, float[] v)
                throws ReflectiveOperationException {
            return problemOf.invoke(null, specOf.invoke(null, 1, heads, length, dim, 16, causal), q, k, v);
        }

        /** One forward call (with --backward, one backward call, its dq into out), in milliseconds. */
        double time(Object callable, float[] out) throws ReflectiveOperationException {
            if (backward != null) {
                Object[] savedAndDOut = (Object[]) callable;
                long start = System.nanoTime();
                Object gradients = backward.invoke(backend, savedAndDOut[0], savedAndDOut[1]);
                double ms = (System.nanoTime() - start) / 1e6;
                float[] grad = (float[]) dq.invoke(gradients);
                System.arraycopy(grad, 0, out, 0, grad.length);
                return ms;
            }
            long start = System.nanoTime();
            forward.invoke(backend, callable, out);
            return (System.nanoTime() - start) / 1e6;
        }

        String describe() throws ReflectiveOperationException {
            return (String) describe.invoke(backend);
        }

        @Override
        public void close() throws Exception {
            ((AutoCloseable) backend).close();
            loader.close();
        }
    }

    /** The result of one length and mode; {@code causalA != causalB} compares the modes (outputs differ). */
    record Pairing(int length, boolean causalA, boolean causalB, double medianA, double medianB, double ratio,
                   double lowerQuartile, double upperQuartile, double maxDifference) {
        String line() {
            String mode = causalA == causalB ? (causalA ? "causal" : "bidirectional")
                    : "A " + (causalA ? "causal" : "bidirectional") + ", B " + (causalB ? "causal" : "bidirectional");
            String difference = causalA == causalB ? String.format(Locale.ROOT, "%.3g", maxDifference)
                    : "- (the modes differ)";
            return String.format(Locale.ROOT, "L %d %s: A %.3f ms, B %.3f ms, B / A median %.3f [quartiles %.3f-%.3f],"
                            + " max |B - A| %s", length, mode, medianA, medianB, ratio, lowerQuartile, upperQuartile,
                    difference);
        }
    }

    /** Alternates A and B ({@code pairs} times, A B then B A) on one problem after warming both up. */
    static Pairing pair(Build a, Build b, int heads, int length, int dim, boolean causal, int pairs)
            throws ReflectiveOperationException {
        return pair(a, b, heads, length, dim, causal, causal, pairs);
    }

    /** {@link #pair} with each side's own mode, on the same inputs. */
    static Pairing pair(Build a, Build b, int heads, int length, int dim, boolean causalA, boolean causalB, int pairs)
            throws ReflectiveOperationException {
        SplittableRandom random = new SplittableRandom(length * 31L + (causalA ? 1 : 0));
        int n = heads * length * dim;
        float[] q = gaussian(random, n);
        float[] k = gaussian(random, n);
        float[] v = gaussian(random, n);
        float[] dOut = gaussian(random, n);
        Object problemA = a.callable(a.problem(heads, length, dim, causalA, q, k, v), dOut);
        Object problemB = b.callable(b.problem(heads, length, dim, causalB, q, k, v), dOut);
        float[] outA = new float[n];
        float[] outB = new float[n];
        // each build's code compiles on its own (separate classes): warm both for at least 10 calls and 2 seconds
        long warmUntil = System.nanoTime() + 2_000_000_000L;
        for (int warm = 0; warm < 10 || System.nanoTime() < warmUntil; warm++) {
            a.time(problemA, outA);
            b.time(problemB, outB);
        }
        double maxDifference = 0;
        for (int i = 0; i < n; i++) {
            maxDifference = Math.max(maxDifference, Math.abs(outA[i] - outB[i]));
        }
        double[] timesA = new double[pairs];
        double[] timesB = new double[pairs];
        double[] ratios = new double[pairs];
        for (int p = 0; p < pairs; p++) {
            if (p % 2 == 0) {
                timesA[p] = a.time(problemA, outA);
                timesB[p] = b.time(problemB, outB);
            } else {
                timesB[p] = b.time(problemB, outB);
                timesA[p] = a.time(problemA, outA);
            }
            ratios[p] = timesB[p] / timesA[p];
        }
        return new Pairing(length, causalA, causalB, quantile(timesA, 0.5), quantile(timesB, 0.5),
                quantile(ratios, 0.5), quantile(ratios, 0.25), quantile(ratios, 0.75), maxDifference);
    }

    private static float[] gaussian(SplittableRandom random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /** The value at fraction {@code f} of the sorted values (nearest rank). */
    static double quantile(double[] values, double f) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.round(f * (sorted.length - 1))];
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            fail("usage: PairedAb A.jar B.jar [--len L,L] [--causal | --causal-b] [--exact] [--backward] [--pairs N]"
                    + " [--heads N] [--dim N]");
        }
        Path jarA = existing(args[0]);
        Path jarB = existing(args[1]);
        List<Integer> lengths = List.of(4096, 16384);
        boolean causal = false;
        boolean causalB = false;
        boolean exact = false;
        boolean gradients = false;
        int pairs = 16;
        int heads = 8;
        int dim = 64;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--len" -> lengths = lengths(value(args, ++i, "--len"));
                case "--causal" -> causal = true;
                case "--causal-b" -> causalB = true;
                case "--exact" -> exact = true;
                case "--backward" -> gradients = true;
                case "--pairs" -> pairs = positive(value(args, ++i, "--pairs"), "--pairs");
                case "--heads" -> heads = positive(value(args, ++i, "--heads"), "--heads");
                case "--dim" -> dim = positive(value(args, ++i, "--dim"), "--dim");
                default -> fail("PairedAb: unknown option '" + args[i] + "'");
            }
        }
        if (causal && causalB) {
            fail("PairedAb: --causal (both sides causal) and --causal-b (B causal, A bidirectional) exclude each other");
        }
        // one jar as both sides: one build and one backend. Two backends are two thread pools beside each other:
        // at 1K a bidirectional call took 8.7 ms with two, 4.1 with one (calls of 30 ms and more did not move)
        boolean oneBuild = Files.isSameFile(jarA, jarB);
        Build a = new Build(jarA, exact, gradients);
        Build b = oneBuild ? a : new Build(jarB, exact, gradients);
        try {
            if (Runtime.version().feature() < 21) {
                // the CPU backend's wide tiles need JDK 21: on 17 both builds run their narrow path
                System.out.println("NOTE: JDK " + Runtime.version().feature() + ": the CPU backend's narrow tiles, not"
                        + " the path the scripts measure on the newest JDK (bench/ab picks it)");
            }
            System.out.println("A: " + a.jar + " (" + a.describe() + ")");
            System.out.println("B: " + (oneBuild ? "the same build as A" : b.jar + " (" + b.describe() + ")"));
            System.out.println((exact ? "exact" : "hierarchical") + (gradients ? " backward (dq compared)" : " forward")
                    + ", batch 1, " + heads + " heads, d " + dim + ", Nr 16, " + pairs
                    + " pairs of calls alternated A B, B A");
            for (int length : lengths) {
                System.out.println(pair(a, b, heads, length, dim, causal, causal || causalB, pairs).line());
            }
        } finally {
            if (b != a) {
                b.close();
            }
            a.close();
        }
    }

    private static Path existing(String name) {
        Path path = Path.of(name);
        if (!Files.isRegularFile(path)) {
            fail("PairedAb: no jar at " + name + " (expected a library jar, e.g. target/hattn.jar of a build)");
        }
        return path;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            fail("PairedAb: " + option + " needs a value");
        }
        return args[i];
    }

    private static List<Integer> lengths(String text) {
        List<Integer> lengths = new ArrayList<>();
        for (String part : text.split(",")) {
            lengths.add(positive(part.trim(), "--len"));
        }
        return lengths;
    }

    private static int positive(String text, String option) {
        try {
            int value = Integer.parseInt(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        fail("PairedAb: " + option + " must be a positive integer, got '" + text + "'");
        return 0;
    }

    private static void fail(String message) {
        System.err.println(message);
        System.exit(2);
    }
}
