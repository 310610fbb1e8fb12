package io.hattn.cli;

import io.hattn.data.ListOpsFolder;
import io.hattn.data.ListOpsGenerator;
import io.hattn.data.ListOpsRules;
import io.hattn.data.ListOpsSplits;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hattn data listops}: ListOps by the LRA's rules, in the LRA's file layout (docs/listops.md). */
@Command(name = "listops", mixinStandardHelpOptions = true,
        description = {"Generates ListOps by the LRA's rules (operators MIN MAX MED SM, depth <= 10, <= 10 arguments, "
                + "500 < length < 2000, distinct) into DIR/basic_train.tsv, basic_val.tsv and basic_test.tsv.",
            "The same seed gives the same files on any machine. The three files are written together or not at all; "
                + "existing ones are replaced only with --force."})
final class ListOpsDataCommand implements Callable<Integer> {

    /** Bytes of heap an expression takes, about (1033 int tokens on average, plus the set and list entries). */
    private static final long BYTES_PER_EXPRESSION = 4_400;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write (created if missing; its parent must exist).")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--train", defaultValue = "96000", paramLabel = "N",
            description = "Training expressions (default ${DEFAULT-VALUE}).")
    int train;

    @Option(names = "--val", defaultValue = "2000", paramLabel = "N",
            description = "Validation expressions (default ${DEFAULT-VALUE}).")
    int validation;

    @Option(names = "--test", defaultValue = "2000", paramLabel = "N",
            description = "Test expressions (default ${DEFAULT-VALUE}).")
    int test;

    @Option(names = "--force", description = "Replace split files already in DIR.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        requireCount("--train", train);
        requireCount("--val", validation);
        requireCount("--test", test);
        long total = (long) train + validation + test;
        if (total == 0) {
            throw new BadInputException("--train, --val, --test: at least one expression, got 0 in all three");
        }
        long needed = total * BYTES_PER_EXPRESSION;
        long heap = Runtime.getRuntime().maxMemory();
        if (needed > heap * 0.8) {
            throw new BadInputException(String.format(Locale.ROOT, "--train, --val, --test: %d expressions need about "
                    + "%.1f GiB of memory, this JVM has %.1f GiB (raise it with HATTN_JAVA_OPTS=-Xmx...)", total,
                    needed / 1073741824.0, heap / 1073741824.0));
        }
        requireWritableFolder();

        PrintStream progress = System.err;
        long start = System.nanoTime();
        ListOpsSplits splits;
        try (ProgressBar bar = bar("listops: generating", total)) {
            splits = new ListOpsGenerator(ListOpsRules.LRA).generateSplits(seed, train, validation, test,
                    bar::stepTo);
        }
        double generated = (System.nanoTime() - start) / 1e9;
        try (ProgressBar bar = bar("listops: writing", total)) {
            ListOpsFolder.write(out, splits, bar::stepTo);
        } catch (IOException e) {
            throw new BadInputException("--out: cannot write " + out + " (" + BadInputException.reason(e) + ")", e);
        }
        double written = (System.nanoTime() - start) / 1e9 - generated;
        progress.printf(Locale.ROOT, "hattn data listops: seed %d, %d / %d / %d expressions generated in %.1f s, "
                + "written in %.1f s to %s%n", seed, train, validation, test, generated, written, out);
        for (String name : ListOpsFolder.FILES) {
            progress.println("wrote " + out.resolve(name));
        }
        return 0;
    }

    /** A bar on stderr; a fixed width, because asking the terminal loads a native library that JDK 25 warns about. */
    private static ProgressBar bar(String task, long total) {
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err, 100))
                .setUpdateIntervalMillis(500).continuousUpdate().build();
    }

    private static void requireCount(String option, int count) {
        if (count < 0) {
            throw new BadInputException(option + " must be >= 0, got " + count);
        }
    }

    /** Before any work: DIR is a folder (or can be created) that we may write, holding no split files unless --force. */
    private void requireWritableFolder() {
        Path absolute = out.toAbsolutePath();
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            throw new BadInputException("--out must name a folder, but " + out + " is a file");
        }
        if (Files.isDirectory(absolute)) {
            if (!Files.isWritable(absolute)) {
                throw new BadInputException("--out: " + out + " is not writable");
            }
            List<String> existing = ListOpsFolder.existing(absolute);
            if (!existing.isEmpty() && !force) {
                throw new BadInputException("--out: " + out + " already holds " + String.join(", ", existing)
                        + " (use --force to replace them)");
            }
            return;
        }
        Path parent = absolute.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new BadInputException("--out: the folder containing " + out + " does not exist (create it first)");
        }
        if (!Files.isWritable(parent)) {
            throw new BadInputException("--out: cannot create " + out + ": its parent folder is not writable");
        }
    }
}
