package io.hattn.cli;

import io.hattn.io.AtomicOutput;
import io.hattn.io.Npy;
import io.hattn.io.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Output files of the commands: checked before any work starts (so that a long run does not end in an error
 * about its output folder), then written whole or not at all. Every complaint names the option.
 */
final class OutputFiles {

    private OutputFiles() {
    }

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
}
