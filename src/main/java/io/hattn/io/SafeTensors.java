package io.hattn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads and writes the safetensors format (https://huggingface.co/docs/safetensors): an 8-byte little-endian
 * header length N, N bytes of JSON ({@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
 * ..., "__metadata__": {"key": "value", ...}}}), then the tensors' little-endian bytes, offsets relative to the
 * end of the header.
 *
 * <p>Reading checks everything before it trusts any of it: the header length against the file size, the JSON
 * (strict; no repeated names), each entry (known dtype, non-negative integer shape, two offsets in order),
 * the byte count of dtype x shape against the offsets, and that the tensors tile the data exactly, without gaps
 * or overlap, to the end of the file. Any failure is a {@link SafeTensorsFormatException} naming the file and
 * the problem; a corrupt or truncated file never yields tensors.
 *
 * <p>Writing is atomic ({@link AtomicOutput}). Tensors are written in the order given, stably sorted by element
 * size (largest first), and the header is padded with spaces to a multiple of 8 bytes, so every tensor starts
 * aligned to its element size (as the reference implementation does).
 */
public final class SafeTensors {

    public static final String METADATA_KEY = "__metadata__";
    /** The reference implementation's limit on the header; a larger length means a corrupt file. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    /** The dtypes of the format with whole-byte elements. */
    public enum DType {
        BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1), I16(2), U16(2), F16(2), BF16(2), I32(4), U32(4), F32(4),
        F64(8), I64(8), U64(8);

        private final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }

        /** Bytes per element. */
        public int bytes() {
            return bytes;
        }
    }

    private final String source;
    private final Map<String, String> metadata;
    private final Map<String, SafeTensor> tensors;

    private SafeTensors(String source, Map<String, String> metadata, Map<String, SafeTensor> tensors) {
        this.source = source;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /** The metadata (string to string; empty when the file has none), in file order. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensor names in the order of their data in the file. */
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    /** The tensors by name, in the order of their data in the file. */
    public Map<String, SafeTensor> tensors() {
        return tensors;
    }

    /** The tensor, or an exception naming the file when there is none of that name. */
    public SafeTensor tensor(String name) throws SafeTensorsFormatException {
        SafeTensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new SafeTensorsFormatException(source + ": no tensor named " + name);
        }
        return tensor;
    }

    /**
     * The values of an F32 tensor of exactly the given shape; an exception naming the file, the tensor and what
     * was expected otherwise (a checkpoint of another model gives a clear message).
     */
    public float[] floats(String name, long... shape) throws SafeTensorsFormatException {
        SafeTensor tensor = tensor(name);
        if (tensor.dtype() != DType.F32 || !Arrays.equals(tensor.shape(), shape)) {
            throw new SafeTensorsFormatException(source + ": tensor " + name + " is " + tensor.dtype()
                    + Arrays.toString(tensor.shape()) + ", expected F32" + Arrays.toString(shape));
        }
        return tensor.floats();
    }

    /** The metadata value, or an exception naming the file when the key is missing. */
    public String metadata(String key) throws SafeTensorsFormatException {
        String value = metadata.get(key);
        if (value == null) {
            throw new SafeTensorsFormatException(source + ": no metadata entry " + key);
        }
        return value;
    }

    // ---------------------------------------------------------------- writing

    /** Writes the tensors and the metadata (may be empty) to {@code file}, whole or not at all. */
    public static void write(Path file, Map<String, String> metadata, Collection<SafeTensor> tensors)
            throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(tensors, "tensors");
        List<SafeTensor> ordered = new ArrayList<>(tensors);
        Set<String> names = new HashSet<>();
        for (SafeTensor tensor : ordered) {
            if (!names.add(tensor.name())) {
                throw new IllegalArgumentException("tensor name " + tensor.name() + " appears twice");
            }
        }
        ordered.sort(Comparator.comparingInt((SafeTensor t) -> t.dtype().bytes()).reversed());
        byte[] header = header(metadata, ordered);
        AtomicOutput.write(file, temporary -> {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
                writeFully(channel, length);
                writeFully(channel, ByteBuffer.wrap(header));
                for (SafeTensor tensor : ordered) {
                    writeFully(channel, ByteBuffer.wrap(tensor.data()));
                }
                channel.force(true);
            }
        });
    }

    private static byte[] header(Map<String, String> metadata, List<SafeTensor> tensors) {
        StringBuilder json = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            Json.appendString(json, METADATA_KEY);
            json.append(":{");
            boolean first = true;
            for (Map.Entry<String, String> entry : metadata.entrySet()) {
                Objects.requireNonNull(entry.getKey(), "metadata key");
                Objects.requireNonNull(entry.getValue(), "metadata value of " + entry.getKey());
                if (!first) {
                    json.append(',');
                }
                first = false;
                Json.appendString(json, entry.getKey());
                json.append(':');
                Json.appendString(json, entry.getValue());
            }
            json.append('}');
        }
        long offset = 0;
        for (SafeTensor tensor : tensors) {
            if (json.length() > 1) {
                json.append(',');
            }
            Json.appendString(json, tensor.name());
            json.append(":{\"dtype\":\"").append(tensor.dtype().name()).append("\",\"shape\":[");
            long[] shape = tensor.shape();
            for (int d = 0; d < shape.length; d++) {
                json.append(d == 0 ? "" : ",").append(shape[d]);
            }
            long end = offset + tensor.data().length;
            json.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        json.append('}');
        byte[] text = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (text.length + 7) / 8 * 8;
        byte[] header = Arrays.copyOf(text, padded);
        Arrays.fill(header, text.length, padded, (byte) ' ');
        return header;
    }

    // ---------------------------------------------------------------- reading

    public static SafeTensors read(Path file) throws IOException, SafeTensorsFormatException {
        Objects.requireNonNull(file, "file");
        String name = file.toString();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new SafeTensorsFormatException(name + ": not a safetensors file: " + size
                        + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer lengthField = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthField, 0, name);
            long headerLength = lengthField.getLong(0);
            if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES) {
                throw new SafeTensorsFormatException(name + ": not a safetensors file: header length "
                        + Long.toUnsignedString(headerLength) + " is not in [1, " + MAX_HEADER_BYTES + "]");
            }
            if (headerLength > size - 8) {
                throw new SafeTensorsFormatException(name + ": truncated or not a safetensors file: header length "
                        + headerLength + " exceeds the " + (size - 8) + " bytes after the length field");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8, name);
            String header;
            try {
                header = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(headerBytes.flip()).toString();
            } catch (CharacterCodingException e) {
                throw new SafeTensorsFormatException(name + ": the header is not UTF-8 text (corrupt file?)");
            }
            long dataStart = 8 + headerLength;
            List<Entry> entries = new ArrayList<>();
            Map<String, String> metadata = parseHeader(header, name, entries);
            checkLayout(entries, size - dataStart, name);
            Map<String, SafeTensor> tensors = new LinkedHashMap<>();
            for (Entry entry : entries) {
                ByteBuffer data = ByteBuffer.allocate((int) (entry.end - entry.begin));
                readFully(channel, data, dataStart + entry.begin, name);
                tensors.put(entry.name, new SafeTensor(entry.name, entry.dtype, entry.shape, data.array()));
            }
            return new SafeTensors(name, metadata, tensors);
        }
    }

    /** One header entry, checked on its own. */
    private record Entry(String name, DType dtype, long[] shape, long begin, long end) {
    }

    private static Map<String, String> parseHeader(String header, String file, List<Entry> entries)
            throws SafeTensorsFormatException {
        if (!header.startsWith("{")) {
            throw new SafeTensorsFormatException(file + ": the header does not start with '{' (not a safetensors "
                    + "file?)");
        }
        Object root;
        try {
            root = Json.parse(header);
        } catch (Json.SyntaxException e) {
            throw new SafeTensorsFormatException(file + ": the header is not valid JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> members)) {
            throw new SafeTensorsFormatException(file + ": the header is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<?, ?> member : members.entrySet()) {
            String key = (String) member.getKey();
            Object value = member.getValue();
            if (key.equals(METADATA_KEY)) {
                if (value == Json.NULL) {
                    continue;
                }
                if (!(value instanceof Map<?, ?> pairs)) {
                    throw new SafeTensorsFormatException(file + ": " + METADATA_KEY + " must be an object of strings");
                }
                for (Map.Entry<?, ?> pair : pairs.entrySet()) {
                    if (!(pair.getValue() instanceof String text)) {
                        throw new SafeTensorsFormatException(file + ": metadata entry " + pair.getKey()
                                + " is not a string");
                    }
                    metadata.put((String) pair.getKey(), text);
                }
                continue;
            }
            entries.add(entry(key, value, file));
        }
        return metadata;
    }

    private static Entry entry(String name, Object value, String file) throws SafeTensorsFormatException {
        String where = file + ": tensor " + name;
        if (name.isEmpty()) {
            throw new SafeTensorsFormatException(file + ": a tensor has an empty name");
        }
        if (!(value instanceof Map<?, ?> fields)) {
            throw new SafeTensorsFormatException(where + ": expected an object with dtype, shape and data_offsets");
        }
        for (Object field : fields.keySet()) {
            if (!Set.of("dtype", "shape", "data_offsets").contains(field)) {
                throw new SafeTensorsFormatException(where + ": unknown field " + field);
            }
        }
        if (!(fields.get("dtype") instanceof String dtypeName)) {
            throw new SafeTensorsFormatException(where + ": dtype missing or not a string");
        }
        DType dtype;
        try {
            dtype = DType.valueOf(dtypeName);
        } catch (IllegalArgumentException e) {
            throw new SafeTensorsFormatException(where + ": dtype " + dtypeName + " is not supported (supported: "
                    + Arrays.toString(DType.values()) + ")");
        }
        long[] shape = nonNegativeLongs(fields.get("shape"), -1, where + ": shape");
        long[] offsets = nonNegativeLongs(fields.get("data_offsets"), 2, where + ": data_offsets");
        if (offsets[1] < offsets[0]) {
            throw new SafeTensorsFormatException(where + ": data_offsets " + Arrays.toString(offsets)
                    + " end before they begin");
        }
        long bytes = byteCount(dtype, shape);
        if (bytes < 0) {
            throw new SafeTensorsFormatException(where + ": shape " + Arrays.toString(shape) + " is too large");
        }
        if (bytes != offsets[1] - offsets[0]) {
            throw new SafeTensorsFormatException(where + ": " + dtype + Arrays.toString(shape) + " needs " + bytes
                    + " bytes, but data_offsets " + Arrays.toString(offsets) + " span " + (offsets[1] - offsets[0]));
        }
        return new Entry(name, dtype, shape, offsets[0], offsets[1]);
    }

    /** An array of non-negative integers ({@code count} of them unless -1). */
    private static long[] nonNegativeLongs(Object value, int count, String what) throws SafeTensorsFormatException {
        if (!(value instanceof List<?> list)) {
            throw new SafeTensorsFormatException(what + " missing or not an array");
        }
        if (count >= 0 && list.size() != count) {
            throw new SafeTensorsFormatException(what + " must have " + count + " entries, has " + list.size());
        }
        long[] values = new long[list.size()];
        for (int i = 0; i < values.length; i++) {
            long v = list.get(i) instanceof Json.Number number ? number.asNonNegativeLong() : -1;
            if (v < 0) {
                throw new SafeTensorsFormatException(what + " entry " + list.get(i)
                        + " is not a non-negative integer");
            }
            values[i] = v;
        }
        return values;
    }

    /** The tensors must tile [0, dataLength) exactly: sorted by offset, each begins where the previous ended. */
    private static void checkLayout(List<Entry> entries, long dataLength, String file)
            throws SafeTensorsFormatException {
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        for (Entry entry : entries) {
            if (entry.begin != expected) {
                throw new SafeTensorsFormatException(file + ": tensor " + entry.name + " data_offsets ["
                        + entry.begin + ", " + entry.end + "] " + (entry.begin < expected ? "overlap" : "leave a gap "
                        + "after") + " the data before it, which ends at " + expected);
            }
            if (entry.end - entry.begin > Integer.MAX_VALUE - 8) {
                throw new SafeTensorsFormatException(file + ": tensor " + entry.name + " has " + (entry.end
                        - entry.begin) + " bytes, more than one Java array holds");
            }
            expected = entry.end;
        }
        if (expected > dataLength) {
            throw new SafeTensorsFormatException(file + ": truncated: the tensors need " + expected
                    + " bytes of data, the file has " + dataLength);
        }
        if (expected < dataLength) {
            throw new SafeTensorsFormatException(file + ": " + (dataLength - expected) + " bytes after the last "
                    + "tensor's data (corrupt file?)");
        }
    }

    /** Bytes of a tensor of this dtype and shape, or -1 for a negative dimension or more than Long.MAX_VALUE. */
    static long byteCount(DType dtype, long[] shape) {
        long bytes = dtype.bytes();
        for (long dimension : shape) {
            if (dimension < 0) {
                return -1;
            }
            if (dimension != 0 && bytes > Long.MAX_VALUE / dimension) {
                return -1;
            }
            bytes *= dimension;
        }
        return bytes;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position, String name)
            throws IOException, SafeTensorsFormatException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new SafeTensorsFormatException(name + ": truncated while reading (the file shrank?)");
            }
            at += n;
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
