package io.hattn.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.Backends;
import io.hattn.attention.FlopModel;
import io.hattn.benchmark.MachineInfo;
import io.hattn.benchmark.ResultFormat;
import io.hattn.io.AtomicOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import jdk.incubator.vector.FloatVector;

/**
 * Converts a JMH JSON result file of this suite into the project's result CSV (the format of
 * {@code hattn bench --format csv}, read by {@code hattn plot}): one row per shape and mode, hierarchical and
 * exact joined, GFLOP/s from {@link FlopModel}, the note giving the share of the FMA peak measured in the same
 * run. Times are the medians of the measurement iterations. Comment lines first: the machine, the JMH settings,
 * the FMA peak. Error, peak-heap, first-call and reference columns stay empty
 * (JMH does not measure them; {@code hattn bench} does).
 *
 * <p>Usage: {@code JmhToCsv JMH.json OUT.csv}. Run it with the JDK and machine of the benchmark run: the
 * machine line, the device and the vector width are read from this JVM, the heap from the fork's -Xmx.
 */
public final class JmhToCsv {

    private static final String HIERARCHICAL = HierarchicalForwardBenchmark.class.getName() + ".forward";
    private static final String EXACT = ExactForwardBenchmark.class.getName() + ".forward";
    private static final String FMA = FmaPeakBenchmark.class.getName() + ".fma";
    private static final String HIERARCHICAL_BACKWARD = HierarchicalBackwardBenchmark.class.getName() + ".backward";
    private static final String HIERARCHICAL_FORWARD_BESIDE = HierarchicalBackwardBenchmark.class.getName()
            + ".forward";
    private static final String EXACT_BACKWARD = ExactBackwardBenchmark.class.getName() + ".backward";

    private JmhToCsv() {
    }

    public static void main(String[] args) throws IOException {
        boolean backward = args.length == 3 && args[2].equals("--backward");
        if (args.length != 2 && !backward) {
            System.err.println("usage: JmhToCsv JMH.json OUT.csv [--backward]");
            System.exit(2);
        }
        Path json = Path.of(args[0]);
        Path csv = Path.of(args[1]);
        JsonArray runs = JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8)).getAsJsonArray();
        String text = convert(runs, backward);
        writeAtomically(csv, text);
        System.err.print(text);
        System.err.println("wrote " + csv);
    }

    static String convert(JsonArray runs) {
        return convert(runs, false);
    }

    /**
     * With {@code backward}, the rows are the backward benchmarks instead: hier_* and exact_* are the
     * hierarchical and exact backward passes (GFLOP/s from FlopModel's backward models), speedup is exact
     * backward over hierarchical backward, and the note gives the forward measured beside the hierarchical
     * backward in the same run and the backward / forward ratio.
     */
    static String convert(JsonArray runs, boolean backward) {
        String hierarchicalName = backward ? HIERARCHICAL_BACKWARD : HIERARCHICAL;
        String exactName = backward ? EXACT_BACKWARD : EXACT;
        Map<Shape, double[]> seconds = new TreeMap<>(); // shape -> {hierarchical, exact, forward beside}
        Double fmaGflops = null;
        int fmaThreads = 0;
        JsonObject any = null;
        List<String> settings = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (JsonElement element : runs) {
            JsonObject run = element.getAsJsonObject();
            any = run;
            String benchmark = run.get("benchmark").getAsString();
            if (seen.add(benchmark)) {
                settings.add(settings(run));
            }
            if (benchmark.equals(FMA)) {
                JsonObject flops = run.getAsJsonObject("secondaryMetrics").getAsJsonObject("flops");
                fmaGflops = flops.get("score").getAsDouble() * perSecond(flops.get("scoreUnit").getAsString()) / 1e9;
                fmaThreads = run.get("threads").getAsInt();
            } else if (benchmark.equals(hierarchicalName) || benchmark.equals(exactName)
                    || (backward && benchmark.equals(HIERARCHICAL_FORWARD_BESIDE))) {
                JsonObject metric = run.getAsJsonObject("primaryMetric");
                double value = median(metric) * secondsPerOp(metric.get("scoreUnit").getAsString());
                double[] slots = seconds.computeIfAbsent(Shape.of(run.getAsJsonObject("params")),
                        key -> new double[] {Double.NaN, Double.NaN, Double.NaN});
                slots[benchmark.equals(hierarchicalName) ? 0 : benchmark.equals(exactName) ? 1 : 2] = value;
            } else {
                System.err.println("JmhToCsv: ignoring benchmark " + benchmark);
            }
        }
        if (any == null) {
            throw new IllegalArgumentException("the JMH result file holds no runs");
        }

        // ResultFormat writes the machine line and the header; the rows are ours (empty error and heap cells).
        String[] prelude = ResultFormat.CSV.render(machine(any), List.of()).split("\n");
        if (prelude.length != 2 || !prelude[0].startsWith("# machine: ") || !prelude[1].startsWith("backend,")) {
            throw new IllegalStateException("unexpected ResultFormat.CSV prelude: " + String.join(" | ", prelude));
        }
        StringBuilder out = new StringBuilder();
        out.append(prelude[0]).append('\n');
        out.append("# jmh: JMH ").append(any.get("jmhVersion").getAsString()).append(", ")
                .append(any.get("vmName").getAsString()).append(' ').append(any.get("vmVersion").getAsString())
                .append("; times are medians of the measurement iterations (each the mean time per call); ")
                .append(String.join("; ", settings)).append('\n');
        int vectorBits = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        if (fmaGflops != null) {
            out.append(String.format(Locale.ROOT, "# fma peak: %.1f GFLOP/s (%d threads, %d-bit vectors)%n",
                    fmaGflops, fmaThreads, vectorBits));
        } else {
            out.append("# fma peak: not measured in this run (FmaPeakBenchmark not selected)\n");
        }
        out.append(prelude[1]).append('\n');

        String backend = "cpu";
        String device = Backends.provider(backend).devices().get(0).name();
        for (Map.Entry<Shape, double[]> entry : seconds.entrySet()) {
            Shape s = entry.getKey();
            AttentionSpec spec = s.spec();
            double hier = entry.getValue()[0];
            double exact = entry.getValue()[1];
            double hierGflops = (backward ? FlopModel.hierarchicalBackward(spec) : FlopModel.hierarchical(spec))
                    / hier / 1e9;
            double exactGflops = (backward ? FlopModel.exactBackward(spec) : FlopModel.exact(spec)) / exact / 1e9;
            List<String> shares = new ArrayList<>();
            double forward = entry.getValue()[2];
            String beside = backward && !Double.isNaN(forward) ? String.format(Locale.ROOT,
                    "forward %.4g s, backward/forward %.2f", forward, hier / forward) : "";
            if (fmaGflops != null && !Double.isNaN(hier)) {
                shares.add("hier " + percent(hierGflops / fmaGflops));
            }
            if (fmaGflops != null && !Double.isNaN(exact)) {
                shares.add("exact " + percent(exactGflops / fmaGflops));
            }
            String peak = shares.isEmpty() ? "" : String.join(" / ", shares) + " of FMA peak";
            String note = beside.isEmpty() || peak.isEmpty() ? beside + peak : beside + "; " + peak;
            out.append(String.join(",", quote(backend), quote(device), Integer.toString(s.batch),
                    Integer.toString(s.heads), Integer.toString(s.length), Integer.toString(s.dim),
                    Integer.toString(s.block), Boolean.toString(s.causal), number(hier), number(hierGflops),
                    number(exact), number(exactGflops), number(exact / hier),
                    number(hier * 1e9 / ((double) s.batch * s.length)), "", "", "", "", "", "", quote(note))).append('\n');
        }
        return out.toString();
    }

    /**
     * The median of the measurement iterations (JMH's 50th percentile), like the medians of {@code hattn bench}
     * and robust to one disturbed iteration; JMH's own score (their mean) stays in the JSON file.
     */
    static double median(JsonObject metric) {
        JsonObject percentiles = metric.getAsJsonObject("scorePercentiles");
        JsonElement median = percentiles == null ? null : percentiles.get("50.0");
        return median != null ? median.getAsDouble() : metric.get("score").getAsDouble();
    }

    /** The machine line: this JVM's host, CPU and JDK; the heap is the fork's last -Xmx when it has one. */
    private static MachineInfo machine(JsonObject run) {
        MachineInfo here = MachineInfo.current();
        long heap = here.maxHeapBytes();
        JsonArray jvmArgs = run.getAsJsonArray("jvmArgs");
        if (jvmArgs != null) {
            for (JsonElement arg : jvmArgs) {
                String text = arg.getAsString();
                if (text.startsWith("-Xmx")) {
                    heap = bytes(text.substring(4));
                }
            }
        }
        String jdk = here.jdk();
        String forkVersion = run.get("vmVersion").getAsString();
        if (!forkVersion.equals(System.getProperty("java.vm.version"))) {
            jdk = run.get("vmName").getAsString() + " " + forkVersion;
        }
        return new MachineInfo(here.host(), here.cpu(), here.cores(), heap, jdk);
    }

    private static String settings(JsonObject run) {
        String name = run.get("benchmark").getAsString();
        name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
        return String.format(Locale.ROOT, "%s %s, %d thread(s), %d fork(s), %d x %s warmup, %d x %s measurement",
                name, run.get("mode").getAsString(), run.get("threads").getAsInt(), run.get("forks").getAsInt(),
                run.get("warmupIterations").getAsInt(), run.get("warmupTime").getAsString(),
                run.get("measurementIterations").getAsInt(), run.get("measurementTime").getAsString());
    }

    static long bytes(String size) {
        String digits = size.replaceAll("[^0-9]", "");
        long value = Long.parseLong(digits);
        char unit = Character.toLowerCase(size.charAt(size.length() - 1));
        return switch (unit) {
            case 'k' -> value << 10;
            case 'm' -> value << 20;
            case 'g' -> value << 30;
            case 't' -> value << 40;
            default -> value;
        };
    }

    static double secondsPerOp(String unit) {
        return switch (unit) {
            case "s/op" -> 1;
            case "ms/op" -> 1e-3;
            case "us/op" -> 1e-6;
            case "ns/op" -> 1e-9;
            default -> throw new IllegalArgumentException("unexpected time unit " + unit);
        };
    }

    static double perSecond(String unit) {
        return switch (unit) {
            case "ops/s" -> 1;
            case "ops/ms" -> 1e3;
            case "ops/us" -> 1e6;
            case "ops/ns" -> 1e9;
            default -> throw new IllegalArgumentException("unexpected rate unit " + unit);
        };
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, share < 0.1 ? "%.1f%%" : "%.0f%%", share * 100);
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.6g", value);
    }

    private static String quote(String text) {
        return text.contains(",") || text.contains("\"") ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }

    static void writeAtomically(Path target, String text) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        AtomicOutput.writeString(target, text);
    }

    /** The shape parameters of one forward run; rows are ordered by mode, then length. */
    record Shape(boolean causal, int batch, int heads, int dim, int block, int length)
            implements Comparable<Shape> {

        static Shape of(JsonObject params) {
            return new Shape(Boolean.parseBoolean(params.get("causal").getAsString()), integer(params, "batch"),
                    integer(params, "heads"), integer(params, "dim"), integer(params, "block"),
                    integer(params, "length"));
        }

        /** The spec of ForwardState's calls: values as wide as keys, the default scale. */
        AttentionSpec spec() {
            return AttentionSpec.of(batch, heads, length, dim, block, causal);
        }

        private static int integer(JsonObject params, String name) {
            return Integer.parseInt(params.get(name).getAsString());
        }

        @Override
        public int compareTo(Shape other) {
            int[] mine = {causal ? 1 : 0, batch, heads, dim, block, length};
            int[] theirs = {other.causal ? 1 : 0, other.batch, other.heads, other.dim, other.block, other.length};
            return java.util.Arrays.compare(mine, theirs);
        }
    }
}
