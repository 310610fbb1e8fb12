package io.hattn.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes NumPy .npy files (format versions 1.0, 2.0 and 3.0).
 *
 * <p>Reading accepts float32/float64 in either byte order plus int, uint and bool dtypes (masks
 * often arrive that way), all converted to float, and converts Fortran order to C order. Writing
 * always produces little-endian float32 in C order.
 *
 * @see <a href="https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html">the format</a>
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Largest element count a Java array reliably holds (some VMs reserve header words). */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    /** Guards against a corrupt length field making us allocate gigabytes for the header. */
    private static final int MAX_HEADER_BYTES = 1 << 20;
    /** Bulk transfer size: big enough to amortise syscalls, small enough to stay cache-friendly. */
    private static final int CHUNK_BYTES = 1 << 22;
    /** numpy pads headers so that the data starts 64-byte aligned (enables mmap + SIMD loads). */
    private static final int ALIGN = 64;

    private Npy() {
    }

    public static NpyArray read(Path file) throws IOException, NpyFormatException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch, file.toString(), ch.size(), true);
        }
    }

    /** Reads one array from {@code in}, leaving the stream open and positioned after the data. */
    public static NpyArray read(InputStream in, String nameForMessages) throws IOException, NpyFormatException {
        Objects.requireNonNull(in, "in");
        return read(Channels.newChannel(in), nameForMessages, -1, false);
    }

    /**
     * Writes float32 little-endian C order, format version 1.0 (2.0 when the header needs it);
     * atomically: write to a temp file in the same directory, then move (ATOMIC_MOVE, fallback
     * REPLACE_EXISTING) so that no partial file is ever left at {@code file}; temp deleted on failure.
     */
    public static void write(Path file, NpyArray array) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(array, "array");
        byte[] preambleAndHeader = header(array.shape());
        AtomicOutput.write(file, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writeFully(ch, ByteBuffer.wrap(preambleAndHeader));
                writeData(ch, array.data());
                // Flush before the rename: otherwise a crash can leave a renamed but empty file.
                ch.force(true);
            }
        });
    }

    // ---------------------------------------------------------------- reading

    /** @param available bytes left in the source, or -1 when unknown (streams) */
    private static NpyArray read(ReadableByteChannel ch, String name, long available, boolean direct)
            throws IOException, NpyFormatException {
        ByteBuffer pre = ByteBuffer.allocate(MAGIC.length + 2).order(ByteOrder.LITTLE_ENDIAN);
        int got = readFully(ch, pre);
        byte[] start = Arrays.copyOf(pre.array(), got);
        if (got < MAGIC.length || !Arrays.equals(Arrays.copyOf(start, MAGIC.length), MAGIC)) {
            throw new NpyFormatException(name + ": not a .npy file: expected magic \\x93NUMPY, found "
                    + describeBytes(start));
        }
        if (got < pre.capacity()) {
            throw new NpyFormatException(name + ": truncated before the format version");
        }
        int major = pre.get(6) & 0xFF;
        int minor = pre.get(7) & 0xFF;
        if (major < 1 || major > 3 || minor != 0) {
            throw new NpyFormatException(name + ": unsupported .npy format version " + major + "." + minor
                    + " (expected 1.0, 2.0 or 3.0)");
        }
        // 1.0 has a 2-byte header length; 2.0 widened it to 4 bytes; 3.0 only changes latin-1 to utf-8.
        ByteBuffer lenBuf = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (readFully(ch, lenBuf) < lenBuf.capacity()) {
            throw new NpyFormatException(name + ": truncated in the header length field");
        }
        long headerLen = major == 1 ? lenBuf.getShort(0) & 0xFFFFL : lenBuf.getInt(0) & 0xFFFFFFFFL;
        if (headerLen > MAX_HEADER_BYTES) {
            throw new NpyFormatException(name + ": header length " + headerLen + " exceeds the "
                    + MAX_HEADER_BYTES + "-byte limit (corrupt file?)");
        }
        ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
        int headerGot = readFully(ch, headerBuf);
        if (headerGot < headerLen) {
            throw new NpyFormatException(name + ": truncated header: expected " + headerLen
                    + " bytes, found " + headerGot);
        }
        String header = new String(headerBuf.array(),
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Header h = Header.parse(header, name);

        long dataBytes = h.count * h.dtype.size;
        long dataOffset = pre.capacity() + lenBuf.capacity() + headerLen;
        if (available >= 0 && available - dataOffset < dataBytes) {
            throw truncated(name, h, dataBytes, available - dataOffset);
        }
        float[] data = readData(ch, h, name, direct);
        if (h.fortranOrder) {
            data = fortranToC(data, h.shape);
        }
        return new NpyArray(h.shape, data, h.dtype.descr);
    }

    private static float[] readData(ReadableByteChannel ch, Header h, String name, boolean direct)
            throws IOException, NpyFormatException {
        int count = (int) h.count;
        float[] out = new float[count];
        if (count == 0) {
            return out;
        }
        int size = h.dtype.size;
        long totalBytes = (long) count * size;
        int chunkBytes = (int) Math.min(CHUNK_BYTES, totalBytes); // both are multiples of size
        // A direct buffer lets FileChannel read straight into native memory (one copy fewer).
        ByteBuffer buf = (direct ? ByteBuffer.allocateDirect(chunkBytes) : ByteBuffer.allocate(chunkBytes))
                .order(h.dtype.order);
        for (int done = 0; done < count; ) {
            int n = Math.min(count - done, chunkBytes / size);
            buf.clear().limit(n * size);
            int got = readFully(ch, buf);
            if (got < n * size) {
                throw truncated(name, h, totalBytes, (long) done * size + got);
            }
            buf.flip();
            h.dtype.decode(buf, out, done, n);
            done += n;
        }
        return out;
    }

    private static NpyFormatException truncated(String name, Header h, long needed, long found) {
        return new NpyFormatException(name + ": truncated data: shape " + Arrays.toString(h.shape)
                + " of '" + h.dtype.descr + "' needs " + needed + " bytes, found " + Math.max(found, 0));
    }

    /** Reads until {@code buf} is full or the source ends; returns the bytes read. */
    private static int readFully(ReadableByteChannel ch, ByteBuffer buf) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            int n = ch.read(buf);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** Reorders Fortran (first axis fastest) data to C order (last axis fastest). */
    static float[] fortranToC(float[] f, int[] shape) {
        int rank = shape.length;
        if (rank < 2 || f.length == 0) {
            return f; // the two orders coincide
        }
        int[] cStride = new int[rank];
        cStride[rank - 1] = 1;
        for (int k = rank - 2; k >= 0; k--) {
            cStride[k] = cStride[k + 1] * shape[k + 1];
        }
        float[] c = new float[f.length];
        int[] idx = new int[rank];
        int ci = 0;
        // Walk the source sequentially, keeping the C offset of the current multi-index up to date.
        for (int fi = 0; fi < f.length; fi++) {
            c[ci] = f[fi];
            for (int k = 0; k < rank; k++) {
                if (++idx[k] < shape[k]) {
                    ci += cStride[k];
                    break;
                }
                ci -= cStride[k] * (shape[k] - 1);
                idx[k] = 0;
            }
        }
        return c;
    }

    private static String describeBytes(byte[] b) {
        if (b.length == 0) {
            return "an empty file";
        }
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            int v = x & 0xFF;
            sb.append(v >= 0x20 && v < 0x7F && v != '\\' ? String.valueOf((char) v) : String.format("\\x%02x", v));
        }
        return "'" + sb + "'";
    }

    // ---------------------------------------------------------------- dtype

    /** One supported element type: kind 'f', 'i', 'u' or 'b', its byte size and byte order. */
    private record Dtype(String descr, char kind, int size, ByteOrder order) {
        static Dtype parse(Object descr, String name) throws NpyFormatException {
            if (!(descr instanceof String s)) {
                throw new NpyFormatException(name + ": unsupported dtype " + descr
                        + ": structured dtypes are not supported, expected a float/int/uint/bool dtype");
            }
            String body = s;
            char orderChar = '=';
            if (!s.isEmpty() && "<>=|".indexOf(s.charAt(0)) >= 0) {
                orderChar = s.charAt(0);
                body = s.substring(1);
            }
            if (!body.matches("f4|f8|i1|i2|i4|i8|u1|u2|u4|u8|b1")) {
                throw new NpyFormatException(name + ": unsupported dtype '" + s + "': expected float32/float64"
                        + " ('<f4' '>f4' '<f8' '>f8') or int/uint/bool ('i1'..'i8', 'u1'..'u8', '|b1')");
            }
            int size = body.charAt(1) - '0';
            if (orderChar == '|' && size > 1) {
                throw new NpyFormatException(name + ": dtype '" + s + "' has byte order '|' (not applicable),"
                        + " but a " + size + "-byte type needs '<', '>' or '='");
            }
            ByteOrder order = switch (orderChar) {
                case '<' -> ByteOrder.LITTLE_ENDIAN;
                case '>' -> ByteOrder.BIG_ENDIAN;
                default -> ByteOrder.nativeOrder(); // '=' native; '|' only for 1-byte types, where it is moot
            };
            return new Dtype(s, body.charAt(0), size, order);
        }

        /** Converts {@code n} elements from {@code buf} (position 0, order set) into {@code out[off..]}. */
        void decode(ByteBuffer buf, float[] out, int off, int n) {
            switch (kind + "" + size) {
                case "f4" -> buf.asFloatBuffer().get(out, off, n); // bulk copy, no per-element work
                case "f8" -> {
                    DoubleBuffer d = buf.asDoubleBuffer();
                    for (int i = 0; i < n; i++) {
                        out[off + i] = (float) d.get(i);
                    }
                }
                case "b1" -> {
                    for (int i = 0; i < n; i++) {
                        out[off + i] = buf.get(i) != 0 ? 1f : 0f;
                    }
                }
                case "i1" -> {
                    for (int i = 0; i < n; i++) {
                        out[off + i] = buf.get(i);
                    }
                }
                case "u1" -> {
                    for (int i = 0; i < n; i++) {
                        out[off + i] = buf.get(i) & 0xFF;
                    }
                }
                case "i2", "u2" -> {
                    ShortBuffer s = buf.asShortBuffer();
                    int mask = kind == 'u' ? 0xFFFF : -1;
                    for (int i = 0; i < n; i++) {
                        out[off + i] = s.get(i) & mask;
                    }
                }
                case "i4", "u4" -> {
                    IntBuffer s = buf.asIntBuffer();
                    long mask = kind == 'u' ? 0xFFFFFFFFL : -1L;
                    for (int i = 0; i < n; i++) {
                        out[off + i] = s.get(i) & mask;
                    }
                }
                case "i8" -> {
                    LongBuffer s = buf.asLongBuffer();
                    for (int i = 0; i < n; i++) {
                        out[off + i] = s.get(i);
                    }
                }
                case "u8" -> {
                    LongBuffer s = buf.asLongBuffer();
                    for (int i = 0; i < n; i++) {
                        out[off + i] = unsignedToFloat(s.get(i));
                    }
                }
                default -> throw new AssertionError("unreachable: " + descr);
            }
        }

        private static float unsignedToFloat(long v) {
            if (v >= 0) {
                return v;
            }
            // Halve keeping the low bit as a sticky bit, so the rounding stays correct, then double.
            return (float) ((v >>> 1) | (v & 1)) * 2f;
        }
    }

    // ---------------------------------------------------------------- header

    /** The parsed header dict. */
    private record Header(Dtype dtype, boolean fortranOrder, int[] shape, long count) {
        static Header parse(String text, String name) throws NpyFormatException {
            Object parsed = new LiteralParser(text, name).parseAll();
            if (!(parsed instanceof Map<?, ?> dict)) {
                throw new NpyFormatException(name + ": header is not a dict: " + abbreviate(text));
            }
            for (String key : List.of("descr", "fortran_order", "shape")) {
                if (!dict.containsKey(key)) {
                    throw new NpyFormatException(name + ": header lacks key '" + key + "': " + abbreviate(text));
                }
            }
            Dtype dtype = Dtype.parse(dict.get("descr"), name);
            if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
                throw new NpyFormatException(name + ": 'fortran_order' must be True or False, found "
                        + dict.get("fortran_order"));
            }
            if (!(dict.get("shape") instanceof List<?> dims)) {
                throw new NpyFormatException(name + ": 'shape' must be a tuple of ints, found " + dict.get("shape"));
            }
            int[] shape = new int[dims.size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                if (!(dims.get(i) instanceof Long d)) {
                    throw new NpyFormatException(name + ": 'shape' must be a tuple of ints, found " + dims);
                }
                if (d < 0) {
                    throw new NpyFormatException(name + ": negative dimension " + d + " in shape " + dims);
                }
                if (d > MAX_ELEMENTS) {
                    throw tooLarge(name, dims);
                }
                shape[i] = (int) d.longValue();
                count *= d; // cannot overflow: both factors are <= MAX_ELEMENTS after the checks
                if (count > MAX_ELEMENTS) {
                    count = MAX_ELEMENTS + 1; // remember "too large" but keep multiplying zero-safe
                }
            }
            if (count > MAX_ELEMENTS) {
                throw tooLarge(name, dims);
            }
            return new Header(dtype, fortran, shape, count);
        }

        private static NpyFormatException tooLarge(String name, List<?> dims) {
            return new NpyFormatException(name + ": shape " + dims + " has more than " + MAX_ELEMENTS
                    + " elements, the most a Java float[] can hold");
        }
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return t.length() <= 200 ? t : t.substring(0, 200) + "...";
    }

    /**
     * Parses the Python literal subset numpy writes into headers (dicts, tuples, lists, strings,
     * ints, True/False/None), tolerating any spacing, key order and trailing commas. Tuples and
     * lists become {@link List}, ints {@link Long}.
     */
    private static final class LiteralParser {
        /** Python's None; a sentinel rather than null so "key present, value None" stays visible. */
        private static final Object NONE = new Object() {
            @Override
            public String toString() {
                return "None";
            }
        };

        private final String s;
        private final String name;
        private int pos;

        LiteralParser(String s, String name) {
            this.s = s;
            this.name = name;
        }

        Object parseAll() throws NpyFormatException {
            Object v = value();
            skipSpace();
            if (pos < s.length()) {
                throw error("unexpected text after the header dict");
            }
            return v;
        }

        private Object value() throws NpyFormatException {
            skipSpace();
            if (pos >= s.length()) {
                throw error("unexpected end of header");
            }
            char c = s.charAt(pos);
            if (c == '{') {
                return dict();
            } else if (c == '(' || c == '[') {
                return sequence(c == '(' ? ')' : ']');
            } else if (c == '\'' || c == '"') {
                return string(c);
            } else if (c == '-' || c == '+' || Character.isDigit(c)) {
                return integer();
            } else if (Character.isLetter(c)) {
                return word();
            }
            throw error("unexpected character '" + c + "'");
        }

        private Map<Object, Object> dict() throws NpyFormatException {
            Map<Object, Object> map = new LinkedHashMap<>();
            pos++; // '{'
            while (true) {
                skipSpace();
                if (peek('}')) {
                    pos++;
                    return map;
                }
                Object key = value();
                skipSpace();
                expect(':');
                map.put(key, value());
                if (!separator('}')) {
                    pos++;
                    return map;
                }
            }
        }

        private List<Object> sequence(char close) throws NpyFormatException {
            List<Object> list = new ArrayList<>();
            pos++; // '(' or '['
            while (true) {
                skipSpace();
                if (peek(close)) {
                    pos++;
                    return list;
                }
                list.add(value());
                if (!separator(close)) {
                    pos++;
                    return list;
                }
            }
        }

        /** After an element: true when a ',' follows (more may come), false when {@code close} does. */
        private boolean separator(char close) throws NpyFormatException {
            skipSpace();
            if (peek(',')) {
                pos++;
                return true;
            }
            if (peek(close)) {
                return false;
            }
            throw error("expected ',' or '" + close + "'");
        }

        private String string(char quote) throws NpyFormatException {
            StringBuilder sb = new StringBuilder();
            pos++;
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == quote) {
                    return sb.toString();
                }
                if (c == '\\' && pos < s.length()) {
                    c = s.charAt(pos++); // enough for the \' and \\ numpy could emit
                }
                sb.append(c);
            }
            throw error("unterminated string");
        }

        private Long integer() throws NpyFormatException {
            int start = pos;
            if (peek('-') || peek('+')) {
                pos++;
            }
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            String digits = s.substring(start, pos);
            if (peek('L') || peek('l')) {
                pos++; // Python 2 long suffix, found in old files
            }
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw error("bad integer '" + digits + "'");
            }
        }

        private Object word() throws NpyFormatException {
            int start = pos;
            while (pos < s.length() && Character.isLetterOrDigit(s.charAt(pos))) {
                pos++;
            }
            String w = s.substring(start, pos);
            switch (w) {
                case "True":
                    return Boolean.TRUE;
                case "False":
                    return Boolean.FALSE;
                case "None":
                    return NONE;
                default:
                    pos = start;
                    throw error("unknown name '" + w + "'");
            }
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private boolean peek(char c) {
            return pos < s.length() && s.charAt(pos) == c;
        }

        private void expect(char c) throws NpyFormatException {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private NpyFormatException error(String what) {
            return new NpyFormatException(name + ": malformed header: " + what + " at offset " + pos
                    + " in " + abbreviate(s));
        }
    }

    // ---------------------------------------------------------------- writing

    /** Magic, version, header length and the padded header dict, for a little-endian float32 array. */
    static byte[] header(int[] shape) {
        StringBuilder dims = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            dims.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        dims.append(shape.length == 1 ? ",)" : ")"); // Python needs "(5,)" for a 1-tuple
        String dict = "{'descr': '" + NpyArray.FLOAT32_LE + "', 'fortran_order': False, 'shape': " + dims + ", }";
        int major = 1;
        int preamble = MAGIC.length + 2 + 2;
        int padded = pad(preamble, dict.length());
        if (padded > 0xFFFF) {
            major = 2; // header length no longer fits the 2-byte field of version 1.0
            preamble = MAGIC.length + 2 + 4;
            padded = pad(preamble, dict.length());
        }
        ByteBuffer b = ByteBuffer.allocate(preamble + padded).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) padded);
        } else {
            b.putInt(padded);
        }
        b.put(dict.getBytes(StandardCharsets.US_ASCII));
        while (b.remaining() > 1) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n'); // numpy terminates the header with a newline
        return b.array();
    }

    /** Header length (dict + spaces + '\n') that makes preamble + header a multiple of ALIGN. */
    private static int pad(int preamble, int dictLen) {
        int unpadded = preamble + dictLen + 1;
        return dictLen + 1 + (ALIGN - unpadded % ALIGN) % ALIGN;
    }

    private static void writeData(WritableByteChannel ch, float[] data) throws IOException {
        if (data.length == 0) {
            return;
        }
        int chunkFloats = (int) Math.min(CHUNK_BYTES / Float.BYTES, data.length);
        ByteBuffer buf = ByteBuffer.allocateDirect(chunkFloats * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int done = 0; done < data.length; ) {
            int n = Math.min(data.length - done, chunkFloats);
            buf.clear();
            buf.asFloatBuffer().put(data, done, n);
            buf.limit(n * Float.BYTES);
            writeFully(ch, buf);
            done += n;
        }
    }

    private static void writeFully(WritableByteChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /**
     * Creates an empty, uniquely named hidden file next to {@code file}. Same directory, so the
     * final move is a rename within one file system; not Files.createTempFile, which would give
     * the result owner-only (0600) permissions instead of the usual umask-based ones.
     */
}
