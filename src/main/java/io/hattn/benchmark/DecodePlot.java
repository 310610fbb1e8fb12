package io.hattn.benchmark;

import io.hattn.io.AtomicOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Two log-log panels from {@code hattn bench --decode} CSV rows: time per decoded token against L (flat for the
 * hierarchical state, slope 1 for exact attention with a KV cache) and state bytes per head against L
 * (logarithmic against linear).
 */
public final class DecodePlot {

    private final XYChart time;
    private final XYChart memory;

    private DecodePlot(String title) {
        time = new XYChartBuilder().width(640).height(560).title(title).xAxisTitle("position L")
                .yAxisTitle("microseconds per token, all heads (median)").build();
        memory = new XYChartBuilder().width(640).height(560).title("decoding state per head")
                .xAxisTitle("position L").yAxisTitle("bytes per head").build();
        for (XYChart chart : List.of(time, memory)) {
            chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true)
                    .setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS).setMarkerSize(6);
        }
    }

    /** Whether the file holds decode results (its header names hier_us_per_token). */
    public static boolean isDecodeCsv(Path file) throws IOException {
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                return ResultCsv.split(line).contains("hier_us_per_token");
            }
        }
        return false;
    }

    public static DecodePlot fromCsv(List<Path> files, String title) throws IOException {
        DecodePlot plot = new DecodePlot(title);
        Map<String, TreeMap<Integer, Double>> times = new TreeMap<>();
        Map<String, TreeMap<Integer, Double>> bytes = new TreeMap<>();
        for (Path file : files) {
            for (Map<String, String> row : ResultCsv.read(file)) {
                int length = Integer.parseInt(row.get("length"));
                int heads = Integer.parseInt(row.get("heads"));
                String where = " (" + row.getOrDefault("backend", "?") + ", " + heads + " heads, d "
                        + row.get("dim") + ", Nr " + row.get("block") + ")";
                put(times, "hierarchical state" + where, length, row.get("hier_us_per_token"), 1);
                put(times, "exact, KV cache" + where, length, row.get("exact_us_per_token"), 1);
                put(bytes, "hierarchical state" + where, length, row.get("hier_state_bytes"), heads);
                put(bytes, "exact, KV cache" + where, length, row.get("exact_state_bytes"), heads);
            }
        }
        times.forEach((name, points) -> plot.add(plot.time, name, points));
        bytes.forEach((name, points) -> plot.add(plot.memory, name, points));
        return plot;
    }

    public void save(Path png) throws IOException {
        AtomicOutput.write(png, temporary -> {
            try (OutputStream out = Files.newOutputStream(temporary)) {
                BitmapEncoder.saveBitmap(List.of(time, memory), 1, 2, out, BitmapEncoder.BitmapFormat.PNG);
            }
        });
    }

    private void add(XYChart chart, String name, TreeMap<Integer, Double> points) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        points.forEach((length, value) -> {
            x.add((double) length);
            y.add(value);
        });
        XYSeries series = chart.addSeries(name, x, y);
        series.setMarker(name.startsWith("exact") ? SeriesMarkers.SQUARE : SeriesMarkers.CIRCLE);
    }

    private static void put(Map<String, TreeMap<Integer, Double>> series, String name, int length, String value,
                            int divisor) {
        if (value == null || value.isBlank()) {
            return;
        }
        series.computeIfAbsent(name, key -> new TreeMap<>()).put(length, Double.parseDouble(value) / divisor);
    }
}
