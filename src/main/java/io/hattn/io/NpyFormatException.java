package io.hattn.io;

/**
 * A file or stream is not a .npy array this reader can load: bad magic, unsupported version or
 * dtype, malformed header, impossible shape or truncated data. Checked, so that callers loading
 * user-supplied files must decide what to tell the user; the message names the file.
 */
public final class NpyFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public NpyFormatException(String message) {
        super(message);
    }
}
