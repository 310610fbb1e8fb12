package io.hattn.benchmark;

import io.hattn.attention.AttentionSpec;
import io.hattn.decode.DecodeSession;
import io.hattn.decode.ExactKvCache;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Per-token decode time at position L of the hierarchical decoding state against exact attention with a KV
 * cache, both through a {@link DecodeSession} (the same kernels, the same thread policy). The hierarchical state
 * is prefilled by absorbing L random tokens (no outputs; under a second at 1M); the exact cache is filled with
 * random keys and values directly. Both are then marked, and every repeat rewinds to L and times the same
 * appended tokens, so all figures are at positions [L, L + tokens).
 */
public final class DecodeBenchmarkRunner {

    /** Distinct random token inputs, cycled: enough that no cache line pattern repeats within a window. */
    private static final int POOL_TOKENS = 512;
    /** Target time of one timed window of exact attention, which sets its token count. */
    private static final double EXACT_WINDOW_SECONDS = 0.25;
    /** Time budget of the timed windows of one path at one length per repeat asked for, and their most. */
    private static final double TIMED_SECONDS_PER_REPEAT = 0.2;
    private static final int MAX_WINDOWS = 101;

    private final DecodeBenchmarkSettings settings;
    private final PrintStream progress;
    private final float scale;
    private final float[] pool;
    /** Keeps the outputs observable, so the JIT cannot drop the work. */
    private float blackhole;

    public DecodeBenchmarkRunner(DecodeBenchmarkSettings settings, PrintStream progress) {
        this.settings = settings;
        this.progress = progress;
        this.scale = AttentionSpec.defaultScale(settings.dim());
        int stepFloats = settings.heads() * settings.dim();
        this.pool = RandomInputs.fill(POOL_TOKENS * stepFloats + 2 * stepFloats, settings.seed());
    }

    /** The device words of every result: the decoding state runs on the CPU through the session. */
    public static String device(int threads) {
        return "Java " + Runtime.version().feature() + " " + kernelWords() + ", up to " + threads + " threads, "
                + System.getProperty("os.arch");
    }

    private static String kernelWords() {
        return "false".equalsIgnoreCase(System.getProperty("hattn.simd", "true")) ? "scalar (hattn.simd=false)"
                : "Vector API " + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit";
    }

    public List<DecodeBenchmarkResult> run() {
        int warmup = Math.min(4096, Arrays.stream(settings.lengths()).max().getAsInt());
        progress.println("warming up (hierarchical and exact at L = " + warmup + ")");
        for (int round = 0; round < 3; round++) {
            hierarchical(warmup, 1024, 5);
            exact(warmup, 64, 3);
        }
        int[] lengths = settings.lengths();
        String load = loadAverage();
        progress.printf("hierarchical: prefilling %d states (load %s)%n", lengths.length, load);
        double[][] hier = hierarchicalInterleaved(lengths);
        List<DecodeBenchmarkResult> results = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            int length = lengths[i];
            progress.printf("L = %d: hierarchical %.2f us/token (median of %d windows of %d tokens); exact with a "
                    + "KV cache%n", length, hier[i][0], (int) hier[i][3], (int) hier[i][2]);
            double[] exact = exact(length, (int) hier[i][2], settings.repeats());
            progress.printf("L = %d: exact %.1f us/token (median of %d windows of %d tokens)%n", length, exact[0],
                    (int) exact[3], (int) exact[2]);
            results.add(new DecodeBenchmarkResult(length, settings.heads(), settings.dim(), settings.block(),
                    hier[i][0], exact[0], (long) hier[i][1], (long) exact[1], (int) hier[i][2], (int) exact[2],
                    (int) hier[i][3], (int) exact[3], load + " .. " + loadAverage()));
        }
        return results;
    }

    /**
     * The hierarchical states of every length prefilled and held at once (a few MiB each), then timed in rounds
     * of one window per length: on a shared machine a burst of other load then slows every length alike instead
     * of whichever happened to be measured at that moment. Rows: {median us per token, state bytes, tokens per
     * window, windows}.
     */
    private double[][] hierarchicalInterleaved(int[] lengths) {
        DecodeSession[] sessions = new DecodeSession[lengths.length];
        int[] tokens = new int[lengths.length];
        double[][] rows = new double[lengths.length][];
        try {
            double roundSeconds = 0;
            for (int i = 0; i < lengths.length; i++) {
                sessions[i] = prefilledHierarchical(lengths[i]);
                tokens[i] = Math.max(1, Math.min(settings.tokens(), Math.max(64, lengths[i] / 4)));
                sessions[i].mark();
                long start = System.nanoTime();
                appendTokens(sessions[i], tokens[i]);
                roundSeconds += (System.nanoTime() - start) / 1e9;
                sessions[i].rewind();
            }
            int windows = (int) Math.max(settings.repeats(), Math.min(MAX_WINDOWS,
                    Math.floor(TIMED_SECONDS_PER_REPEAT * settings.repeats() * lengths.length / roundSeconds)));
            progress.printf("hierarchical: %d rounds of one window per length%n", windows);
            System.gc();
            double[][] micros = new double[lengths.length][windows];
            for (int w = 0; w < windows; w++) {
                for (int i = 0; i < lengths.length; i++) {
                    sessions[i].rewind();
                    long start = System.nanoTime();
                    appendTokens(sessions[i], tokens[i]);
                    micros[i][w] = (System.nanoTime() - start) / 1e3 / tokens[i];
                }
            }
            for (int i = 0; i < lengths.length; i++) {
                long bytes = sessions[i].stateBytes();
                Arrays.sort(micros[i]);
                rows[i] = new double[] {micros[i][windows / 2], bytes, tokens[i], windows};
            }
            return rows;
        } finally {
            for (DecodeSession session : sessions) {
                if (session != null) {
                    session.close();
                }
            }
        }
    }

    /** {median us per token, state bytes, tokens per window, windows}. */
    private double[] hierarchical(int length, int tokens, int repeats) {
        try (DecodeSession session = prefilledHierarchical(length)) {
            return time(session, tokens, repeats);
        }
    }

    private double[] exact(int length, int tokens, int repeats) {
        try (DecodeSession session = prefilledExact(length, tokens)) {
            session.mark();
            long start = System.nanoTime();
            appendTokens(session, 1);
            double oneToken = (System.nanoTime() - start) / 1e9;
            session.rewind();
            int exactTokens = (int) Math.max(1, Math.min(tokens, Math.ceil(EXACT_WINDOW_SECONDS / oneToken)));
            return time(session, exactTokens, repeats);
        }
    }

    /** Hierarchical states (batch 1) that have absorbed {@code length} random tokens, without outputs. */
    public DecodeSession prefilledHierarchical(int length) {
        DecodeSession session = DecodeSession.hierarchical(1, settings.heads(), settings.dim(), settings.dim(),
                settings.block(), scale, null, settings.threads());
        int dim = settings.dim();
        for (int t = 0; t < length; t++) {
            int step = (t % POOL_TOKENS) * settings.heads() * dim;
            for (int h = 0; h < settings.heads(); h++) {
                int row = step + h * dim;
                session.decoder(0, h).absorb(pool, row, pool, row + dim, pool, row + 2 * dim, true);
            }
        }
        return session;
    }

    /** Exact KV caches of {@code length} random rows (written directly), room for {@code extra} more tokens. */
    public DecodeSession prefilledExact(int length, int extra) {
        DecodeSession session = DecodeSession.exact(1, settings.heads(), settings.dim(), settings.dim(), scale,
                length + extra, settings.threads());
        IntStream.range(0, settings.heads()).parallel().forEach(h ->
                ((ExactKvCache) session.decoder(0, h)).prefillRandom(length, settings.seed() + 31L * h));
        return session;
    }

    /**
     * Marks the session, then one untimed window of tokens and at least {@code repeats} timed ones (more, up to
     * {@link #MAX_WINDOWS}, while they fit in {@link #TIMED_SECONDS_PER_REPEAT} x repeats: the machine is shared,
     * and the median of many short windows resists bursts of other load), each from the mark.
     */
    private double[] time(DecodeSession session, int tokens, int repeats) {
        // the previous length's KV cache (up to GiBs) is garbage now: collect it before, not during, the timing
        System.gc();
        session.mark();
        long start = System.nanoTime();
        appendTokens(session, tokens);
        double window = (System.nanoTime() - start) / 1e9;
        int windows = (int) Math.max(repeats, Math.min(MAX_WINDOWS, Math.floor(TIMED_SECONDS_PER_REPEAT * repeats / window)));
        double[] micros = new double[windows];
        for (int r = 0; r < windows; r++) {
            session.rewind();
            start = System.nanoTime();
            appendTokens(session, tokens);
            micros[r] = (System.nanoTime() - start) / 1e3 / tokens;
        }
        long bytes = session.stateBytes();
        session.rewind();
        Arrays.sort(micros);
        return new double[] {micros[windows / 2], bytes, tokens, windows};
    }

    /** Appends {@code tokens} random tokens (all heads each) and returns one output value, to keep it observed. */
    public float appendTokens(DecodeSession session, int tokens) {
        int stepFloats = settings.heads() * settings.dim();
        float[] q = new float[stepFloats];
        float[] k = new float[stepFloats];
        float[] v = new float[stepFloats];
        float[] out = new float[stepFloats];
        for (int i = 0; i < tokens; i++) {
            int step = (i * 7 % POOL_TOKENS) * stepFloats;
            System.arraycopy(pool, step, q, 0, stepFloats);
            System.arraycopy(pool, step + stepFloats / 2, k, 0, stepFloats);
            System.arraycopy(pool, step + stepFloats, v, 0, stepFloats);
            session.append(q, k, v, null, out);
        }
        blackhole += out[0];
        return out[0];
    }

    /** The 1, 5 and 15 minute load averages (Linux), to read noisy figures by; "?" elsewhere. */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
