package io.hattn.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.ByteModel;
import io.hattn.attention.FlopModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The roofline of the forward calls in one JMH JSON result file, as Markdown: for each benchmark, mode and length
 * the FLOPs ({@link FlopModel}) and bytes ({@link ByteModel}) of the call, their ratio, the time each would take
 * at this machine's measured FMA peak ({@link FmaPeakBenchmark}) and copy bandwidth
 * ({@link CopyBandwidthBenchmark}), the larger of the two (the bound), the measured median time and how far it is
 * from the bound. The three benchmarks must come from the same run, so that the yardsticks were measured on the
 * machine, and under the load, of the calls they judge.
 *
 * <p>Usage: {@code Roofline JMH.json}; the file must hold FmaPeakBenchmark, CopyBandwidthBenchmark and
 * HierarchicalForwardBenchmark (ExactForwardBenchmark too when present). Exit code 2, with a message, when not.
 */
public final class Roofline {

    static final String FMA = FmaPeakBenchmark.class.getName() + ".fma";
    static final String COPY = CopyBandwidthBenchmark.class.getName() + ".copy";
    static final String HIERARCHICAL = HierarchicalForwardBenchmark.class.getName() + ".forward";
    static final String EXACT = ExactForwardBenchmark.class.getName() + ".forward";

    private Roofline() {
    }

    /** A benchmark the roofline needs is not in the file. */
    static final class MissingBenchmarkException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MissingBenchmarkException(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: Roofline JMH.json");
            System.exit(2);
        }
        try {
            String text = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
            System.out.print(render(JsonParser.parseString(text).getAsJsonArray()));
        } catch (IOException e) {
            fail("cannot read " + args[0] + ": " + e);
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException
                 | NullPointerException e) { // Gson's answers to a file of another shape
            fail(args[0] + " is not a JMH JSON result file (-rf json): " + e.getMessage());
        } catch (MissingBenchmarkException | IllegalArgumentException e) {
            fail(e.getMessage());
        }
    }

    private static void fail(String message) {
        System.err.println("Roofline: " + message);
        System.exit(2);
    }

    static String render(JsonArray runs) {
        MeasuredRate peak = null;
        MeasuredRate bandwidth = null;
        int mebibytes = 0;
        Map<String, Map<JmhToCsv.Shape, Double>> seconds = new LinkedHashMap<>();
        seconds.put(HIERARCHICAL, new TreeMap<>());
        seconds.put(EXACT, new TreeMap<>());
        for (JsonElement element : runs) {
            JsonObject run = element.getAsJsonObject();
            String benchmark = run.get("benchmark").getAsString();
            if (benchmark.equals(FMA)) {
                peak = MeasuredRate.of(run, "flops");
            } else if (benchmark.equals(COPY)) {
                bandwidth = MeasuredRate.of(run, "bytes");
                mebibytes = run.getAsJsonObject("params").get("mebibytes").getAsInt();
            } else if (seconds.containsKey(benchmark)) {
                JsonObject metric = run.getAsJsonObject("primaryMetric");
                double time = JmhToCsv.median(metric) * JmhToCsv.secondsPerOp(metric.get("scoreUnit").getAsString());
                seconds.get(benchmark).put(JmhToCsv.Shape.of(run.getAsJsonObject("params")), time);
            }
        }
        requirePresent(peak != null, bandwidth != null, !seconds.get(HIERARCHICAL).isEmpty());

        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "- FMA peak: %s (FmaPeakBenchmark, %d threads)\n",
                withError(peak, 1e9, "%.1f", "GFLOP/s"), peak.threads()));
        out.append(String.format(Locale.ROOT,
                "- Copy bandwidth: %s, bytes read + written (CopyBandwidthBenchmark, %d threads, 2 x %d MiB)\n",
                withError(bandwidth, 1e9, "%.2f", "GB/s"), bandwidth.threads(), mebibytes));
        out.append(String.format(Locale.ROOT,
                "- Ridge point: %.1f FLOP/byte; a call of lower intensity is memory bound\n",
                peak.perSecond() / bandwidth.perSecond()));
        out.append("- Errors are JMH's (99.9% confidence); FLOPs from FlopModel, bytes from ByteModel "
                + "(docs/algorithm.md section 9); measured times are the medians of the measurement iterations\n");
        for (Map.Entry<String, Map<JmhToCsv.Shape, Double>> benchmark : seconds.entrySet()) {
            for (Map.Entry<String, List<Map.Entry<JmhToCsv.Shape, Double>>> table
                    : tables(benchmark.getValue()).entrySet()) {
                boolean exact = benchmark.getKey().equals(EXACT);
                out.append('\n').append("### ").append(exact ? "Exact" : "Hierarchical").append(" forward, ")
                        .append(table.getKey()).append("\n\n");
                out.append("| mode | L | GFLOP | MB | FLOP/byte | compute bound ms | memory bound ms | bound "
                        + "| measured ms | measured / bound |\n");
                out.append("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|\n");
                for (Map.Entry<JmhToCsv.Shape, Double> row : table.getValue()) {
                    out.append(row(row.getKey().spec(), exact, row.getValue(), peak, bandwidth)).append('\n');
                }
            }
        }
        return out.toString();
    }

    private static void requirePresent(boolean fma, boolean copy, boolean hierarchical) {
        List<String> missing = new ArrayList<>();
        if (!fma) {
            missing.add("FmaPeakBenchmark");
        }
        if (!copy) {
            missing.add("CopyBandwidthBenchmark");
        }
        if (!hierarchical) {
            missing.add("HierarchicalForwardBenchmark");
        }
        if (!missing.isEmpty()) {
            throw new MissingBenchmarkException("the JMH result file lacks " + String.join(", ", missing)
                    + "; run them together, e.g. java -jar bench/target/benchmarks.jar "
                    + "'FmaPeak|CopyBandwidth|HierarchicalForward' -rf json -rff r.json");
        }
    }

    /** Rows grouped by the shape besides mode and length (one table each), ordered by mode, then length. */
    private static Map<String, List<Map.Entry<JmhToCsv.Shape, Double>>> tables(Map<JmhToCsv.Shape, Double> rows) {
        Map<String, List<Map.Entry<JmhToCsv.Shape, Double>>> tables = new TreeMap<>();
        for (Map.Entry<JmhToCsv.Shape, Double> row : rows.entrySet()) {
            JmhToCsv.Shape s = row.getKey();
            String heading = String.format(Locale.ROOT, "batch %d, %d heads, d %d, Nr %d", s.batch(), s.heads(),
                    s.dim(), s.block());
            tables.computeIfAbsent(heading, key -> new ArrayList<>()).add(row);
        }
        return tables;
    }

    private static String row(AttentionSpec spec, boolean exact, double measured, MeasuredRate peak,
                              MeasuredRate bandwidth) {
        double flops = exact ? FlopModel.exact(spec) : FlopModel.hierarchical(spec);
        double bytes = exact ? ByteModel.exact(spec, false) : ByteModel.hierarchical(spec, false);
        double compute = flops / peak.perSecond();
        double memory = bytes / bandwidth.perSecond();
        double bound = Math.max(compute, memory);
        return String.format(Locale.ROOT, "| %s | %d | %.4g | %.4g | %.1f | %.4g | %.4g | %s | %.4g | %.2f |",
                spec.causal() ? "causal" : "bidirectional", spec.length(), flops / 1e9, bytes / 1e6, flops / bytes,
                compute * 1e3, memory * 1e3, compute >= memory ? "compute" : "memory", measured * 1e3,
                measured / bound);
    }

    /** "12.3 +- 0.4 GB/s", the error JMH's (99.9% confidence); JMH gives none after a single iteration. */
    private static String withError(MeasuredRate rate, double unit, String format, String unitName) {
        String value = String.format(Locale.ROOT, format, rate.perSecond() / unit);
        return Double.isNaN(rate.error()) ? value + " " + unitName + ", no error (one iteration)"
                : value + " +- " + String.format(Locale.ROOT, format, rate.error() / unit) + " " + unitName;
    }
}
