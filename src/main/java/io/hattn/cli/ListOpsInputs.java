package io.hattn.cli;

import io.hattn.data.Example;
import io.hattn.data.ListOpsFolder;
import io.hattn.data.ListOpsGenerator;
import io.hattn.data.ListOpsRules;
import io.hattn.data.ListOpsSplits;
import io.hattn.data.ListOpsTsv;
import io.hattn.data.MalformedDataException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The ListOps data of {@code train} and {@code eval}: LRA files from a folder the user names, or the LRA split
 * generated once (seed 0) into a cache folder outside the repository ({@code $XDG_CACHE_HOME/hattn} or
 * {@code ~/.cache/hattn}) and read from there afterwards.
 */
final class ListOpsInputs {
    static final long GENERATED_SEED = 0;

    private ListOpsInputs() {
    }

    static ListOpsSplits load(Path folder, PrintStream progress) {
        Path source = folder != null ? folder : generatedFolder(progress);
        try {
            progress.println("hattn: reading ListOps from " + source);
            return ListOpsFolder.read(source);
        } catch (MalformedDataException e) {
            throw new BadInputException("--data: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new BadInputException("--data: cannot read " + source + " (" + BadInputException.reason(e) + ")",
                    e);
        }
    }

    static List<Example> read(String option, Path file) {
        try {
            return ListOpsTsv.read(file);
        } catch (MalformedDataException e) {
            throw new BadInputException(option + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new BadInputException(option + ": cannot read " + file + " (" + BadInputException.reason(e) + ")",
                    e);
        }
    }

    /** The examples of at most {@code maxLength} tokens; says how many were left out. */
    static List<Example> fitting(List<Example> examples, int maxLength, String what, PrintStream progress) {
        List<Example> kept = new ArrayList<>(examples.size());
        for (Example example : examples) {
            if (example.length() <= maxLength) {
                kept.add(example);
            }
        }
        if (kept.size() < examples.size()) {
            progress.printf("hattn: %d of %d %s examples are longer than --len %d and are left out%n",
                    examples.size() - kept.size(), examples.size(), what, maxLength);
        }
        if (kept.isEmpty()) {
            throw new BadInputException("--len " + maxLength + ": no " + what + " example is that short");
        }
        return kept;
    }

    private static Path generatedFolder(PrintStream progress) {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        Path folder = cache.resolve("hattn").resolve("listops-lra-seed-" + GENERATED_SEED);
        if (ListOpsFolder.existing(folder).size() == ListOpsFolder.FILES.size()) {
            return folder;
        }
        progress.println("hattn: generating the LRA ListOps split (96,000 / 2,000 / 2,000, seed " + GENERATED_SEED
                + ") into " + folder + ", once");
        try {
            Files.createDirectories(folder);
            ListOpsSplits splits = new ListOpsGenerator(ListOpsRules.LRA).generateSplits(GENERATED_SEED, 96_000,
                    2_000, 2_000, done -> { });
            ListOpsFolder.write(folder, splits, done -> { });
        } catch (IOException e) {
            throw new BadInputException("--data: no data folder given, and the cache " + folder
                    + " cannot be written (" + BadInputException.reason(e) + "); pass --data DIR", e);
        }
        return folder;
    }
}
