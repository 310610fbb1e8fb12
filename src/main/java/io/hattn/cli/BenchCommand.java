package io.hattn.cli;

import io.hattn.attention.AttentionBackend;
import io.hattn.attention.AttentionSpec;
import io.hattn.benchmark.BackwardBenchmarkRunner;
import io.hattn.benchmark.BenchmarkResult;
import io.hattn.benchmark.BenchmarkRunner;
import io.hattn.benchmark.BenchmarkSettings;
import io.hattn.benchmark.MachineInfo;
import io.hattn.benchmark.ResultFormat;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hattn bench}: hierarchical against exact attention over a range of lengths, on one backend. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Times hierarchical and exact attention for each length: median time per call, the ratio, "
                + "GFLOP/s, the error of the hierarchy against exact attention, peak heap, backend and device.",
            "Progress goes to stderr, results to stdout (or --out)."})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--len", split = ",", paramLabel = "L", converter = LengthConverter.class,
            defaultValue = "1024,4096,16384", description = "Sequence lengths, e.g. 1K,4K,16K,1M (default ${DEFAULT-VALUE}).")
    List<Integer> lengths;

    @Option(names = "--dim", defaultValue = "64", description = "Head width d (default ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--heads", defaultValue = "8", description = "Heads (default ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--block", defaultValue = "16", description = "Block size Nr (default ${DEFAULT-VALUE}).")
    int block;

    @Option(names = "--batch", defaultValue = "1", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--causal", description = "Decoder (causal) attention instead of bidirectional.")
    boolean causal;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed calls per length; the median is reported "
            + "(default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--exact-limit", defaultValue = "20", paramLabel = "SECONDS",
            description = "Skip exact attention where one call is estimated to take longer (default ${DEFAULT-VALUE}).")
    double exactLimit;

    @Option(names = "--format", defaultValue = "table", paramLabel = "table|csv|json",
            description = "Output format (default ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the results to FILE instead of stdout.")
    Path out;

    @Option(names = "--reference", paramLabel = "NAME", description = "Also compare each hierarchical output with "
            + "this backend's (e.g. cpu, or sequential for short lengths): max |difference| per length.")
    String reference;

    @Option(names = "--decode", description = "Streaming causal decoding instead: per --len, the time per token and "
            + "the state bytes of the hierarchical decoding state and of exact attention with a KV cache (CPU).")
    boolean decode;

    @Option(names = "--backward", description = "Time the backward passes instead (hierarchical against exact), "
            + "with the forward beside them: hier_* and exact_* are then the backward passes, the note gives the "
            + "forward's time and backward / forward.")
    boolean backward;

    @Mixin
    BackendOptions backendOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ResultFormat resultFormat = parseFormat(format);
        if (out != null) {
            OutputFiles.requireWritable("--out", out);
        }
        if (decode && backward) {
            throw new BadInputException("--decode and --backward measure different things: give one of them");
        }
        if (backward && reference != null) {
            throw new BadInputException("--reference compares forward outputs; it does not go with --backward");
        }
        if (decode) {
            return DecodeBench.run(lengths, dim, heads, block, batch, repeats, backendOptions.backend, resultFormat,
                    out, spec.commandLine().getOut());
        }
        BenchmarkSettings settings = new BenchmarkSettings(lengths.stream().mapToInt(Integer::intValue).toArray(),
                dim, heads, block, batch, causal, repeats, exactLimit, 42);
        requireValidShapes(settings);
        try (AttentionBackend backend = backendOptions.open();
             AttentionBackend referenceBackend = reference == null ? null : BackendOptions.open(reference, null)) {
            PrintStream progress = System.err;
            progress.println("hattn bench: " + settings + " on " + backend.describe());
            List<BenchmarkResult> results = backward
                    ? new BackwardBenchmarkRunner(backend, settings, progress).run()
                    : new BenchmarkRunner(backend, referenceBackend, settings, progress).run();
            String text = resultFormat.render(MachineInfo.current(), results);
            if (out == null) {
                spec.commandLine().getOut().print(text);
                spec.commandLine().getOut().flush();
            } else {
                OutputFiles.writeString("--out", out, text);
                progress.println("wrote " + out);
            }
        }
        return 0;
    }

    /**
     * Every length with --dim, --heads, --block and --batch, before any is run: a run that would fail at its
     * last length must fail at once, not after the first ones took minutes.
     */
    private static void requireValidShapes(BenchmarkSettings settings) {
        for (int length : settings.lengths()) {
            try {
                AttentionSpec.of(settings.batch(), settings.heads(), length, settings.dim(), settings.block(),
                        settings.causal());
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--len " + length + " with --dim " + settings.dim() + " --heads "
                        + settings.heads() + " --block " + settings.block() + " --batch " + settings.batch() + ": "
                        + e.getMessage(), e);
            }
        }
    }

    static ResultFormat parseFormat(String text) {
        try {
            return ResultFormat.valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--format must be table, csv or json, got '" + text + "'");
        }
    }
}
