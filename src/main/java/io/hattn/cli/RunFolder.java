package io.hattn.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** The run folder of {@code train} and {@code eval}, checked before any work. */
final class RunFolder {

    private RunFolder() {
    }

    /** A folder that exists (to resume or evaluate), or one that can be created (a new run). */
    static void requireUsable(String option, Path folder, boolean mustExist) {
        Path absolute = folder.toAbsolutePath();
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            throw new BadInputException(option + " must name a folder, but " + folder + " is a file");
        }
        if (Files.isDirectory(absolute)) {
            if (!Files.isWritable(absolute) && !mustExist) {
                throw new BadInputException(option + ": " + folder + " is not writable");
            }
            return;
        }
        if (mustExist) {
            throw new BadInputException(option + ": " + folder + " does not exist");
        }
        Path parent = absolute.getParent();
        if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent)) {
            throw new BadInputException(option + ": cannot create " + folder + ": its parent folder does not exist "
                    + "or is not writable");
        }
    }
}
