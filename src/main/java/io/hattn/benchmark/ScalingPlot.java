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
 * Two log-scale panels from result CSV rows: time per call against L (linear cost shows as slope 1, dense as
 * slope 2) and achieved GFLOP/s against L. One series per path, backend, device and mode.
 */
public final class ScalingPlot {

    private final XYChart time;
    private final XYChart rate;

    private ScalingPlot(String title) {
        time = new XYChartBuilder().width(640).height(560).title(title).xAxisTitle("sequence length L")
                .yAxisTitle("seconds per call (median)").build();
        rate = new XYChartBuilder().width(640).height(560).title("achieved GFLOP/s (section 9 FLOP model)")
                .xAxisTitle("sequence length L").yAxisTitle("GFLOP/s").build();
        time.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true);
        rate.getStyler().setXAxisLogarithmic(true);
        for (XYChart chart : List.of(time, rate)) {
            chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS)
                    .setMarkerSize(6);
        }
    }

    public static ScalingPlot fromCsv(List<Path> files, String title) throws IOException {
        ScalingPlot plot = new ScalingPlot(title);
        Map<String, TreeMap<Integer, double[]>> series = new TreeMap<>();
        for (Path file : files) {
            for (Map<String, String> row : ResultCsv.read(file)) {
                String mode = Boolean.parseBoolean(row.get("causal")) ? "causal" : "bidirectional";
                String where = row.getOrDefault("backend", "?") + ", " + shortDevice(row.getOrDefault("device", ""));
                int length = Integer.parseInt(row.get("length"));
                add(series, "hierarchical " + mode + " (" + where + ")", length, row.get("hier_seconds"),
                        row.get("hier_gflops"));
                add(series, "exact " + mode + " (" + where + ")", length, row.get("exact_seconds"),
                        row.get("exact_gflops"));
            }
        }
        for (Map.Entry<String, TreeMap<Integer, double[]>> entry : series.entrySet()) {
            plot.addSeries(entry.getKey(), entry.getValue());
        }
        return plot;
    }

    public void save(Path png) throws IOException {
        AtomicOutput.write(png, temporary -> {
            try (OutputStream out = Files.newOutputStream(temporary)) {
                BitmapEncoder.saveBitmap(List.of(time, rate), 1, 2, out, BitmapEncoder.BitmapFormat.PNG);
            }
        });
    }

    private void addSeries(String name, TreeMap<Integer, double[]> points) {
        List<Double> lengths = new ArrayList<>();
        List<Double> seconds = new ArrayList<>();
        List<Double> gflops = new ArrayList<>();
        for (Map.Entry<Integer, double[]> point : points.entrySet()) {
            lengths.add((double) point.getKey());
            seconds.add(point.getValue()[0]);
            gflops.add(point.getValue()[1]);
        }
        XYSeries t = time.addSeries(name, lengths, seconds);
        XYSeries r = rate.addSeries(name, lengths, gflops);
        boolean exact = name.startsWith("exact");
        t.setMarker(exact ? SeriesMarkers.SQUARE : SeriesMarkers.CIRCLE);
        r.setMarker(exact ? SeriesMarkers.SQUARE : SeriesMarkers.CIRCLE);
    }

    private static void add(Map<String, TreeMap<Integer, double[]>> series, String name, int length, String seconds,
                            String gflops) {
        if (seconds == null || seconds.isBlank() || gflops == null || gflops.isBlank()) {
            return;
        }
        series.computeIfAbsent(name, key -> new TreeMap<>())
                .put(length, new double[] {Double.parseDouble(seconds), Double.parseDouble(gflops)});
    }

    private static String shortDevice(String device) {
        return device.length() > 40 ? device.substring(0, 40) + "..." : device;
    }
}
