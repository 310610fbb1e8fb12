package io.hattn.data;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * A folder in the LRA's ListOps layout: {@code basic_train.tsv}, {@code basic_val.tsv}, {@code basic_test.tsv}.
 * The three files are written together or not at all: into a hidden staging folder inside the target folder,
 * then renamed into place one after another (renames within one folder, which do not fail for want of space).
 */
public final class ListOpsFolder {

    /** The file names in split order: train, validation, test. */
    public static final List<String> FILES = List.of(ListOpsTsv.TRAIN, ListOpsTsv.VALIDATION, ListOpsTsv.TEST);

    private ListOpsFolder() {
    }

    /** The split files that already exist in {@code folder}. */
    public static List<String> existing(Path folder) {
        return FILES.stream().filter(name -> Files.exists(folder.resolve(name))).toList();
    }

    /**
     * Writes the three files into {@code folder} (created if missing; its parent must exist), replacing any
     * earlier ones. A failure leaves no new file, no staging folder, and no folder that this call created.
     *
     * @param progress told the number of rows written so far, over all three files (may be null)
     */
    public static void write(Path folder, ListOpsSplits splits, IntConsumer progress) throws IOException {
        Path absolute = folder.toAbsolutePath();
        boolean created = !Files.exists(absolute);
        if (created) {
            Files.createDirectory(absolute);
        }
        Path staging = absolute.resolve(".listops-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".tmp");
        try {
            Files.createDirectory(staging);
            List<List<Example>> parts = List.of(splits.train(), splits.validation(), splits.test());
            int done = 0;
            for (int i = 0; i < FILES.size(); i++) {
                int before = done;
                ListOpsTsv.write(staging.resolve(FILES.get(i)), parts.get(i),
                        progress == null ? null : rows -> progress.accept(before + rows));
                done += parts.get(i).size();
            }
            for (String name : FILES) {
                move(staging.resolve(name), absolute.resolve(name));
            }
        } catch (IOException | RuntimeException | Error e) {
            deleteQuietly(staging);
            if (created) {
                deleteQuietly(absolute);
            }
            throw e;
        }
        Files.deleteIfExists(staging);
    }

    /** Reads the three splits of a folder in the LRA layout. */
    public static ListOpsSplits read(Path folder) throws IOException, MalformedDataException {
        return new ListOpsSplits(ListOpsTsv.read(folder.resolve(ListOpsTsv.TRAIN)),
                ListOpsTsv.read(folder.resolve(ListOpsTsv.VALIDATION)), ListOpsTsv.read(folder.resolve(ListOpsTsv.TEST)));
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes a file or a folder of files (no deeper), ignoring failures: cleanup after an error. */
    private static void deleteQuietly(Path path) {
        try {
            if (Files.isDirectory(path)) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(path)) {
                    for (Path file : files) {
                        Files.deleteIfExists(file);
                    }
                }
            }
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // the original failure is what the caller reports
        }
    }
}
