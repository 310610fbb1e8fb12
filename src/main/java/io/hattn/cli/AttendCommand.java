package io.hattn.cli;

import io.hattn.attention.AttentionBackend;
import io.hattn.attention.AttentionProblem;
import io.hattn.attention.FloatOverflowException;
import io.hattn.io.NpyArray;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hattn attend}: attention over NumPy arrays, the way Python users and other tools exchange tensors. */
@Command(name = "attend", mixinStandardHelpOptions = true,
        description = {"Reads q, k, v (.npy, float32/float64, [L, d] or [B, H, L, d]), runs hierarchical (or "
                + "--exact) attention and writes the output as float32 .npy of the query's shape, last dimension "
                + "from v. q is raw: scores are scaled by 1/sqrt(d) unless --scale is given. Any L."})
final class AttendCommand implements Callable<Integer> {

    @Option(names = "--q", required = true, paramLabel = "Q.npy", description = "Queries.")
    Path q;

    @Option(names = "--k", required = true, paramLabel = "K.npy", description = "Keys, same shape as q.")
    Path k;

    @Option(names = "--v", required = true, paramLabel = "V.npy", description = "Values: q's shape, any last dim.")
    Path v;

    @Option(names = "--block", required = true, paramLabel = "NR", description = "Block size Nr: even, <= L/2.")
    int block;

    @Option(names = "--causal", description = "Decoder attention: query i sees keys j <= i.")
    boolean causal;

    @Option(names = "--mask", paramLabel = "M.npy", description = "[L] or [B, L], 1 = valid token, 0 = padding; "
            + "applies to queries and keys. Padded query rows output 0.")
    Path mask;

    @Option(names = "--exact", description = "Exact softmax attention instead of the hierarchy.")
    boolean exact;

    @Option(names = "--streaming", description = "With --causal: compute the output token by token through the "
            + "decoding state (logarithmic cache), as a decoder would; the same output as --causal.")
    boolean streaming;

    @Option(names = "--scale", paramLabel = "S", description = "Score scale (default 1/sqrt(d)).")
    Float scale;

    @Option(names = "--out", required = true, paramLabel = "OUT.npy", description = "Output file (written whole "
            + "or not at all).")
    Path out;

    @Mixin
    BackendOptions backendOptions;

    @Mixin
    GradientOptions gradientOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        StreamingOption.requireCombination(streaming, causal, exact, backendOptions.backend);
        if (streaming && gradientOptions.requested()) {
            throw new BadInputException("--streaming computes outputs token by token, without gradients: drop "
                    + "--grad, or --streaming");
        }
        gradientOptions.check(out);
        OutputFiles.requireWritable("--out", out);
        NpyArray queries = AttendInputs.readFloats("--q", q);
        AttentionProblem problem = AttendInputs.problem(queries, AttendInputs.readFloats("--k", k),
                AttendInputs.readFloats("--v", v), mask == null ? null : AttendInputs.read("--mask", mask), block,
                causal, scale);
        int[] outShape = queries.shape();
        outShape[outShape.length - 1] = problem.spec().valueDim();
        float[] outputGradient = gradientOptions.requested() ? gradientOptions.readOutputGradient(outShape) : null;
        try (AttentionBackend backend = streaming ? StreamingOption.open() : backendOptions.open()) {
            long start = System.nanoTime();
            OutputFiles files = new OutputFiles();
            float[] result;
            if (outputGradient == null) {
                result = run(backend, problem);
            } else {
                GradientOptions.Result run = withOverflowNamed(() ->
                        GradientOptions.run(backend, problem, exact, outputGradient));
                result = run.output();
                gradientOptions.addTo(files, run.gradients(), queries.shape(), outShape);
            }
            double millis = (System.nanoTime() - start) / 1e6;
            NpyArray output = new NpyArray(outShape, result);
            files.add("--out", out, output);
            files.writeAll();
            spec.commandLine().getErr().printf("wrote %s %s%s: %s attention (L = %d, Nr = %d%s) on %s in %.1f ms%n",
                    out, output.shapeString(), outputGradient == null ? "" : " and its gradients",
                    exact ? "exact" : "hierarchical",
                    problem.spec().length(), block, causal ? ", causal" : "", backend.describe(), millis);
            spec.commandLine().getErr().flush();
        }
        return 0;
    }

    /** The attention the options ask for; a float32 overflow names the options whose inputs are too large. */
    private float[] run(AttentionBackend backend, AttentionProblem problem) {
        return withOverflowNamed(() -> exact ? backend.exact(problem) : backend.hierarchical(problem));
    }

    private static <T> T withOverflowNamed(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (FloatOverflowException e) {
            throw new BadInputException(optionsOf(e.inputs()) + ": " + e.getMessage(), e);
        }
    }

    static String optionsOf(String inputs) {
        return "--" + inputs.replace(", ", "/--");
    }
}
