package io.hattn.train;

import io.hattn.benchmark.ResultCsv;
import io.hattn.io.AtomicOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * {@code RUN_DIR/metrics.csv} (a row every few steps and at the last, validation where it ran) and the learning
 * curves beside it as {@code RUN_DIR/learning-curves.png}; both rewritten whole and atomically, so a run that
 * stops leaves complete files. A resumed run keeps the rows up to the step it resumes from.
 */
public final class MetricsLog {
    public static final String FILE = "metrics.csv";
    public static final String PLOT = "learning-curves.png";
    static final String HEADER = "step,train_loss,train_acc,val_loss,val_acc,tokens_per_s,valid_tokens_per_s,"
            + "learning_rate,grad_norm,elapsed_s";

    /** One row; NaN validation figures where no evaluation ran at that step. */
    public record Row(long step, double trainLoss, double trainAccuracy, double validationLoss,
                      double validationAccuracy, double tokensPerSecond, double validTokensPerSecond,
                      double learningRate, double gradientNorm, double elapsedSeconds) {
        String csv() {
            return String.format(Locale.ROOT, "%d,%.6f,%.6f,%s,%s,%.1f,%.1f,%.6g,%.4g,%.1f", step, trainLoss,
                    trainAccuracy, number(validationLoss), number(validationAccuracy), tokensPerSecond,
                    validTokensPerSecond, learningRate, gradientNorm, elapsedSeconds);
        }

        private static String number(double value) {
            return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.6f", value);
        }
    }

    private final Path directory;
    private final List<Row> rows = new ArrayList<>();

    private MetricsLog(Path directory) {
        this.directory = directory;
    }

    public static MetricsLog create(Path directory) {
        return new MetricsLog(directory);
    }

    /** The rows of an earlier run up to {@code step}, to continue from. */
    public static MetricsLog resume(Path directory, long step) throws IOException {
        MetricsLog log = new MetricsLog(directory);
        Path file = directory.resolve(FILE);
        if (Files.exists(file)) {
            for (Map<String, String> row : ResultCsv.read(file)) {
                Row parsed = new Row(Long.parseLong(row.get("step")), value(row, "train_loss"),
                        value(row, "train_acc"), value(row, "val_loss"), value(row, "val_acc"),
                        value(row, "tokens_per_s"), value(row, "valid_tokens_per_s"), value(row, "learning_rate"),
                        value(row, "grad_norm"), value(row, "elapsed_s"));
                if (parsed.step() <= step) {
                    log.rows.add(parsed);
                }
            }
        }
        return log;
    }

    private static double value(Map<String, String> row, String column) {
        String text = row.get(column);
        return text == null || text.isBlank() ? Double.NaN : Double.parseDouble(text);
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    /** Adds a row and rewrites the CSV and the plot. */
    public void add(Row row) throws IOException {
        rows.add(row);
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (Row r : rows) {
            text.append(r.csv()).append('\n');
        }
        AtomicOutput.writeString(directory.resolve(FILE), text.toString());
        writePlot();
    }

    private void writePlot() throws IOException {
        XYChart loss = new XYChartBuilder().width(560).height(420).title("loss").xAxisTitle("step")
                .yAxisTitle("cross-entropy").build();
        XYChart accuracy = new XYChartBuilder().width(560).height(420).title("accuracy").xAxisTitle("step")
                .yAxisTitle("accuracy").build();
        for (XYChart chart : List.of(loss, accuracy)) {
            // steps without thousands separators and ticks further apart: "1,420" labels ran into each other
            chart.getStyler().setXAxisDecimalPattern("#");
            chart.getStyler().setXAxisTickMarkSpacingHint(100);
            chart.getStyler().setMarkerSize(4);
        }
        addSeries(loss, "train", Row::trainLoss);
        addSeries(loss, "validation", Row::validationLoss);
        addSeries(accuracy, "train", Row::trainAccuracy);
        addSeries(accuracy, "validation", Row::validationAccuracy);
        // ImageIO's default file cache registers a shutdown hook per stream, which fails while the JVM shuts
        // down, and so would the plot of the last step after Ctrl-C (TrainCliTest, SIGTERM): cache in memory
        ImageIO.setUseCache(false);
        AtomicOutput.write(directory.resolve(PLOT), temporary -> {
            try (OutputStream out = Files.newOutputStream(temporary)) {
                BitmapEncoder.saveBitmap(List.of(loss, accuracy), 1, 2, out, BitmapEncoder.BitmapFormat.PNG);
            }
        });
    }

    private void addSeries(XYChart chart, String name, java.util.function.ToDoubleFunction<Row> value) {
        List<Double> steps = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (Row row : rows) {
            double v = value.applyAsDouble(row);
            if (!Double.isNaN(v)) {
                steps.add((double) row.step());
                values.add(v);
            }
        }
        if (!steps.isEmpty()) {
            chart.addSeries(name, steps, values);
        }
    }
}
