package io.hattn.cli;

import io.hattn.io.AtomicOutput;
import io.hattn.io.Npy;
import io.hattn.io.NpyArray;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Output files of the commands: checked before any work starts (so that a long run does not end in an error
 * about its output folder), then written whole or not at all. Every complaint names the option. An instance is
 * a group of .npy outputs written all or none: each goes to a hidden temporary file beside its target first,
 * and only when every one is complete are they renamed over their targets.
 */
final class OutputFiles {
    private final Map<Path, NpyArray> files = new LinkedHashMap<>();
    private final Map<Path, String> options = new LinkedHashMap<>();

    /** Throws a {@link BadInputException} naming {@code option} unless {@code file} can be written. */
    static void requireWritable(String option, Path file) {
        Path absolute = file.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            throw new BadInputException(option + " must name a file, but " + file + " is a folder");
        }
        Path folder = absolute.getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw new BadInputException(option + ": the folder of " + file + " does not exist (create it first)");
        }
        if (!Files.isWritable(folder)) {
            throw new BadInputException(option + ": the folder of " + file + " is not writable");
        }
        if (Files.exists(absolute) && !Files.isWritable(absolute)) {
            throw new BadInputException(option + ": " + file + " exists and is not writable");
        }
    }

    /** Writes a file whole or not at all (the writers are atomic themselves). */
    @FunctionalInterface
    interface AtomicWrite {
        void writeTo(Path file) throws IOException;
    }

    /** Runs an atomic write; an I/O failure becomes a message naming the option. */
    static void write(String option, Path file, AtomicWrite write) {
        requireWritable(option, file);
        try {
            write.writeTo(file);
        } catch (IOException e) {
            throw new BadInputException(option + ": cannot write " + file + " (" + BadInputException.reason(e) + ")", e);
        }
    }

    static void writeNpy(String option, Path file, NpyArray array) {
        write(option, file, target -> Npy.write(target, array));
    }

    static void writeString(String option, Path file, String text) {
        write(option, file, target -> AtomicOutput.writeString(target, text));
    }

    /** A file of the group, and the option that named it (for the message when it cannot be written). */
    void add(String option, Path target, NpyArray array) {
        requireWritable(option, target);
        files.put(target, array);
        options.put(target, option);
    }

    /** Every file of the group, or none. */
    void writeAll() throws IOException {
        List<Path[]> written = new ArrayList<>();
        try {
            for (Map.Entry<Path, NpyArray> file : files.entrySet()) {
                Path target = file.getKey().toAbsolutePath();
                Path temporary = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid()
                        + "." + System.nanoTime() + ".part");
                written.add(new Path[] {temporary, target});
                try {
                    Npy.write(temporary, file.getValue());
                } catch (IOException e) {
                    throw new BadInputException(options.get(file.getKey()) + ": cannot write " + file.getKey() + " ("
                            + BadInputException.reason(e) + "); no output was written", e);
                }
            }
            for (Path[] file : written) {
                try {
                    Files.move(file[0], file[1], StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(file[0], file[1], StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } finally {
            for (Path[] file : written) {
                Files.deleteIfExists(file[0]);
            }
        }
    }
}
