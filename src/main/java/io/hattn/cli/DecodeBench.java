package io.hattn.cli;

import io.hattn.benchmark.DecodeBenchmarkResult;
import io.hattn.benchmark.DecodeBenchmarkRunner;
import io.hattn.benchmark.DecodeBenchmarkSettings;
import io.hattn.benchmark.DecodeResultFormat;
import io.hattn.benchmark.MachineInfo;
import io.hattn.benchmark.ResultFormat;
import io.hattn.cpu.CpuBackend;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code hattn bench --decode}: per length, the per-token time and state bytes of the hierarchical decoding
 * state against exact attention with a growing KV cache, both on the CPU (see {@link DecodeBenchmarkRunner}).
 */
final class DecodeBench {

    /** Timed tokens per repeat at most (fewer at short L, and for exact attention where a token is slow). */
    static final int TOKENS = 1024;

    private DecodeBench() {
    }

    static int run(List<Integer> lengths, int dim, int heads, int block, int batch, int repeats, String backend,
                   ResultFormat format, Path out, PrintWriter stdout) throws Exception {
        if (backend != null && !CpuBackend.NAME.equals(backend)) {
            throw new BadInputException("--decode runs the decoding states on the cpu backend; --backend " + backend
                    + " cannot run them");
        }
        if (batch != 1) {
            throw new BadInputException("--decode measures one sequence (batch 1) of --heads heads; got --batch "
                    + batch);
        }
        int threads = Runtime.getRuntime().availableProcessors();
        DecodeBenchmarkSettings settings;
        try {
            settings = new DecodeBenchmarkSettings(lengths.stream().mapToInt(Integer::intValue).toArray(), dim, heads,
                    block, TOKENS, repeats, threads, 42);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
        PrintStream progress = System.err;
        String device = DecodeBenchmarkRunner.device(threads);
        progress.println("hattn bench --decode: " + settings + " on " + CpuBackend.NAME + " (" + device + ")");
        List<DecodeBenchmarkResult> results = new DecodeBenchmarkRunner(settings, progress).run();
        String text = DecodeResultFormat.render(format, MachineInfo.current(), CpuBackend.NAME, device, results);
        if (out == null) {
            stdout.print(text);
            stdout.flush();
        } else {
            OutputFiles.writeString("--out", out, text);
            progress.println("wrote " + out);
        }
        return 0;
    }
}
