package io.hattn.benchmark;

import java.util.List;
import java.util.Locale;

/** How {@code hattn bench} prints its results: an aligned table for people, CSV or JSON for tools. */
public enum ResultFormat {
    TABLE, CSV, JSON;

    public static final String CSV_HEADER = "backend,device,batch,heads,length,dim,block,causal,hier_seconds,hier_gflops,"
            + "exact_seconds,exact_gflops,speedup,ns_per_token,max_abs_error,rel_l2_error,peak_heap_mib,"
            + "first_call_seconds,reference,max_abs_vs_reference,note";

    public String render(MachineInfo machine, List<BenchmarkResult> results) {
        return switch (this) {
            case TABLE -> table(machine, results);
            case CSV -> csv(machine, results);
            case JSON -> json(machine, results);
        };
    }

    private static String table(MachineInfo machine, List<BenchmarkResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("machine: ").append(machine.summary()).append('\n');
        if (!results.isEmpty()) {
            BenchmarkResult first = results.get(0);
            out.append(String.format(Locale.ROOT, "backend: %s on %s%nshape: batch %d, heads %d, d %d, Nr %d, %s%n",
                    first.backend(), first.device(), first.batch(), first.heads(), first.dim(), first.block(),
                    first.causal() ? "causal" : "bidirectional"));
        }
        out.append(String.format(Locale.ROOT, "%9s %12s %9s %12s %9s %9s %9s %10s %10s %10s %10s%n", "L",
                "hier ms", "GFLOP/s", "exact ms", "GFLOP/s", "exact/h", "ns/token", "max|err|", "rel err",
                "peak MiB", "1st call s"));
        for (BenchmarkResult r : results) {
            out.append(String.format(Locale.ROOT, "%9d %12.3f %9.1f %12s %9s %9s %9.1f %10s %10s %10d %10.3f%n",
                    r.length(), r.hierarchicalSeconds() * 1e3, r.hierarchicalGflops(),
                    orDash(r.exactSeconds() * 1e3, "%.1f"), orDash(r.exactGflops(), "%.1f"),
                    orDash(r.speedup(), "%.1fx"), r.nanosPerToken(), orDash(r.maxAbsError(), "%.2e"),
                    orDash(r.relativeError(), "%.2e"), r.peakHeapBytes() >> 20, r.firstCallSeconds()));
        }
        for (BenchmarkResult r : results) {
            if (!r.reference().isEmpty()) {
                out.append(String.format(Locale.ROOT, "L = %d: max |hierarchical - reference| = %.2e (reference: %s)%n",
                        r.length(), r.referenceMaxAbsError(), r.reference()));
            }
        }
        for (BenchmarkResult r : results) {
            if (!r.note().isEmpty()) {
                out.append("L = ").append(r.length()).append(": ").append(r.note()).append('\n');
            }
        }
        out.append("GFLOP/s from docs/algorithm.md section 9 (hierarchical 20 L Nr d per head bidirectional, "
                + "12 L Nr d causal; exact 4 L^2 d); times are medians; errors are hierarchical vs exact.\n");
        return out.toString();
    }

    private static String csv(MachineInfo machine, List<BenchmarkResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("# machine: ").append(machine.summary()).append('\n');
        out.append(CSV_HEADER).append('\n');
        for (BenchmarkResult r : results) {
            out.append(String.join(",", quote(r.backend()), quote(r.device()), Integer.toString(r.batch()),
                    Integer.toString(r.heads()), Integer.toString(r.length()), Integer.toString(r.dim()),
                    Integer.toString(r.block()), Boolean.toString(r.causal()), number(r.hierarchicalSeconds()),
                    number(r.hierarchicalGflops()), number(r.exactSeconds()), number(r.exactGflops()),
                    number(r.speedup()), number(r.nanosPerToken()), number(r.maxAbsError()),
                    number(r.relativeError()), Long.toString(r.peakHeapBytes() >> 20), number(r.firstCallSeconds()),
                    quote(r.reference()), number(r.referenceMaxAbsError()), quote(r.note())))
                    .append('\n');
        }
        return out.toString();
    }

    private static String json(MachineInfo machine, List<BenchmarkResult> results) {
        StringBuilder out = new StringBuilder("{\n  \"machine\": {");
        out.append(String.format(Locale.ROOT, "\"host\": %s, \"cpu\": %s, \"cores\": %d, \"max_heap_bytes\": %d, "
                + "\"jdk\": %s},%n  \"results\": [%n", jsonString(machine.host()), jsonString(machine.cpu()),
                machine.cores(), machine.maxHeapBytes(), jsonString(machine.jdk())));
        for (int i = 0; i < results.size(); i++) {
            BenchmarkResult r = results.get(i);
            out.append(String.format(Locale.ROOT, "    {\"backend\": %s, \"device\": %s, \"batch\": %d, \"heads\": %d, "
                    + "\"length\": %d, \"dim\": %d, \"block\": %d, \"causal\": %b, \"hier_seconds\": %s, "
                    + "\"hier_gflops\": %s, \"exact_seconds\": %s, \"exact_gflops\": %s, \"speedup\": %s, "
                    + "\"max_abs_error\": %s, \"rel_l2_error\": %s, \"peak_heap_bytes\": %d, "
                    + "\"first_call_seconds\": %s, \"reference\": %s, \"max_abs_vs_reference\": %s, \"note\": %s}%s%n",
                    jsonString(r.backend()), jsonString(r.device()), r.batch(), r.heads(), r.length(), r.dim(),
                    r.block(), r.causal(), jsonNumber(r.hierarchicalSeconds()), jsonNumber(r.hierarchicalGflops()),
                    jsonNumber(r.exactSeconds()), jsonNumber(r.exactGflops()), jsonNumber(r.speedup()),
                    jsonNumber(r.maxAbsError()), jsonNumber(r.relativeError()), r.peakHeapBytes(),
                    jsonNumber(r.firstCallSeconds()), jsonString(r.reference()), jsonNumber(r.referenceMaxAbsError()),
                    jsonString(r.note()), i + 1 < results.size() ? "," : ""));
        }
        return out.append("  ]\n}\n").toString();
    }

    private static String orDash(double value, String format) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, format, value);
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.6g", value);
    }

    private static String jsonNumber(double value) {
        return Double.isNaN(value) ? "null" : String.format(Locale.ROOT, "%.6g", value);
    }

    static String quote(String text) {
        return text.contains(",") || text.contains("\"") ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }

    static String jsonString(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
