package io.hattn.io;

/**
 * A file is not a safetensors file this reader can load, or lacks what the caller asked for: bad header length,
 * malformed JSON, unknown dtype, shapes that do not match the bytes, offsets out of range, overlapping or with
 * gaps, truncated data, a missing tensor or one of another dtype or shape. Checked; the message names the file.
 */
public final class SafeTensorsFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public SafeTensorsFormatException(String message) {
        super(message);
    }
}
