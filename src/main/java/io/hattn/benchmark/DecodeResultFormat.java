package io.hattn.benchmark;

import java.util.List;
import java.util.Locale;

/** How {@code hattn bench --decode} prints: a table for people, CSV or JSON for tools (formats of ResultFormat). */
public final class DecodeResultFormat {

    public static final String CSV_HEADER = "backend,device,heads,length,dim,block,hier_us_per_token,"
            + "exact_us_per_token,speedup,hier_state_bytes,exact_state_bytes,hier_bytes_per_head,memory_ratio,"
            + "hier_tokens,exact_tokens,hier_windows,exact_windows,load_avg";

    private DecodeResultFormat() {
    }

    public static String render(ResultFormat format, MachineInfo machine, String backend, String device,
                                List<DecodeBenchmarkResult> results) {
        return switch (format) {
            case TABLE -> table(machine, backend, device, results);
            case CSV -> csv(machine, backend, device, results);
            case JSON -> json(machine, backend, device, results);
        };
    }

    private static String table(MachineInfo machine, String backend, String device,
                                List<DecodeBenchmarkResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("machine: ").append(machine.summary()).append('\n');
        out.append("backend: ").append(backend).append(" on ").append(device).append('\n');
        if (!results.isEmpty()) {
            DecodeBenchmarkResult first = results.get(0);
            out.append(String.format(Locale.ROOT, "shape: batch 1, heads %d, d %d, Nr %d, causal decoding%n",
                    first.heads(), first.dim(), first.block()));
        }
        out.append(String.format(Locale.ROOT, "%9s %12s %13s %9s %12s %14s %13s %9s %14s %s%n", "L", "hier us/tok",
                "exact us/tok", "exact/h", "hier KiB", "KiB per head", "exact MiB", "mem x", "tokens h/e", "load"));
        for (DecodeBenchmarkResult r : results) {
            out.append(String.format(Locale.ROOT, "%9d %12.2f %13.1f %8.1fx %12.1f %14.1f %13.1f %8.0fx %14s %s%n",
                    r.length(), r.hierMicrosPerToken(), r.exactMicrosPerToken(), r.speedup(),
                    r.hierStateBytes() / 1024.0, r.hierBytesPerHead() / 1024.0, r.exactStateBytes() / 1048576.0,
                    r.memoryRatio(), r.hierTokens() + "/" + r.exactTokens(), r.loadAverage()));
        }
        out.append("Times are medians over windows (at least --repeats) of the same tokens appended at positions "
                + "[L, L + tokens), all heads per token; state bytes are for all heads (exact: the whole KV cache).\n");
        return out.toString();
    }

    private static String csv(MachineInfo machine, String backend, String device,
                              List<DecodeBenchmarkResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("# machine: ").append(machine.summary()).append('\n');
        out.append(CSV_HEADER).append('\n');
        for (DecodeBenchmarkResult r : results) {
            out.append(String.join(",", ResultFormat.quote(backend), ResultFormat.quote(device),
                    Integer.toString(r.heads()), Integer.toString(r.length()), Integer.toString(r.dim()),
                    Integer.toString(r.block()), number(r.hierMicrosPerToken()), number(r.exactMicrosPerToken()),
                    number(r.speedup()), Long.toString(r.hierStateBytes()), Long.toString(r.exactStateBytes()),
                    Long.toString(r.hierBytesPerHead()), number(r.memoryRatio()), Integer.toString(r.hierTokens()),
                    Integer.toString(r.exactTokens()), Integer.toString(r.hierWindows()),
                    Integer.toString(r.exactWindows()),
                    ResultFormat.quote(r.loadAverage()))).append('\n');
        }
        return out.toString();
    }

    private static String json(MachineInfo machine, String backend, String device,
                               List<DecodeBenchmarkResult> results) {
        StringBuilder out = new StringBuilder("{\n  \"machine\": {");
        out.append(String.format(Locale.ROOT, "\"host\": %s, \"cpu\": %s, \"cores\": %d, \"max_heap_bytes\": %d, "
                        + "\"jdk\": %s},%n  \"backend\": %s,%n  \"device\": %s,%n  \"results\": [%n",
                ResultFormat.jsonString(machine.host()), ResultFormat.jsonString(machine.cpu()), machine.cores(),
                machine.maxHeapBytes(), ResultFormat.jsonString(machine.jdk()), ResultFormat.jsonString(backend),
                ResultFormat.jsonString(device)));
        for (int i = 0; i < results.size(); i++) {
            DecodeBenchmarkResult r = results.get(i);
            out.append(String.format(Locale.ROOT, "    {\"length\": %d, \"heads\": %d, \"dim\": %d, \"block\": %d, "
                    + "\"hier_us_per_token\": %s, \"exact_us_per_token\": %s, \"speedup\": %s, "
                    + "\"hier_state_bytes\": %d, \"exact_state_bytes\": %d, \"hier_bytes_per_head\": %d, "
                    + "\"memory_ratio\": %s, \"hier_tokens\": %d, \"exact_tokens\": %d, \"hier_windows\": %d, "
                    + "\"exact_windows\": %d, \"load_avg\": %s}%s%n", r.length(), r.heads(), r.dim(), r.block(),
                    number(r.hierMicrosPerToken()), number(r.exactMicrosPerToken()), number(r.speedup()),
                    r.hierStateBytes(), r.exactStateBytes(), r.hierBytesPerHead(), number(r.memoryRatio()),
                    r.hierTokens(), r.exactTokens(), r.hierWindows(), r.exactWindows(),
                    ResultFormat.jsonString(r.loadAverage()), i + 1 < results.size() ? "," : ""));
        }
        return out.append("  ]\n}\n").toString();
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.6g", value);
    }
}
