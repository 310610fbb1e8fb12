package io.hattn.tornado;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Local work-group sizes for one backend type, from tornado-config/workgroups.properties (the one place they are
 * set; on the class path as io/hattn/tornado/workgroups.properties, or the file named by
 * -Dhattn.tornado.workgroups). Keys are looked up as {@code <backend>.<type>.<name>}, {@code <backend>.<name>},
 * {@code default.<name>}.
 */
record WorkGroups(String profile, int localX, int localY, int localRows, double memoryFraction) {

    static final String RESOURCE = "workgroups.properties";
    static final String OVERRIDE_PROPERTY = "hattn.tornado.workgroups";

    WorkGroups {
        requirePositive(profile, "local.x", localX);
        requirePositive(profile, "local.y", localY);
        requirePositive(profile, "local.rows", localRows);
        if (!(memoryFraction > 0 && memoryFraction <= 1)) {
            throw new IllegalArgumentException("memory.fraction for " + profile + " must be in (0, 1], got "
                    + memoryFraction);
        }
    }

    /** The sizes for a backend ("opencl", "ptx", "spirv") and device type ("cpu", "gpu", ...). */
    static WorkGroups forDevice(String backend, String deviceType) {
        return from(load(), backend.toLowerCase(Locale.ROOT), deviceType.toLowerCase(Locale.ROOT));
    }

    static WorkGroups from(Properties properties, String backend, String deviceType) {
        String profile = backend + "." + deviceType;
        return new WorkGroups(profile,
                intValue(properties, backend, deviceType, "local.x"),
                intValue(properties, backend, deviceType, "local.y"),
                intValue(properties, backend, deviceType, "local.rows"),
                Double.parseDouble(lookup(properties, backend, deviceType, "memory.fraction")));
    }

    static Properties load() {
        Properties properties = new Properties();
        String override = System.getProperty(OVERRIDE_PROPERTY);
        try {
            if (override != null && !override.isBlank()) {
                try (InputStream in = Files.newInputStream(Path.of(override))) {
                    properties.load(in);
                }
                return properties;
            }
            try (InputStream in = WorkGroups.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("io/hattn/tornado/" + RESOURCE + " is not on the class path;"
                            + " build with the Maven profile tornado, which copies tornado-config/" + RESOURCE);
                }
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read work-group sizes "
                    + (override != null ? override : RESOURCE), e);
        }
        return properties;
    }

    /** A size such as 4GB, 512MB or 1.5G (TornadoVM's -Dtornado.device.memory), in bytes. */
    static long parseSize(String text) {
        Matcher matcher = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([KMGT]?)B?\\s*", Pattern.CASE_INSENSITIVE)
                .matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("tornado.device.memory must look like 4GB or 512MB, got '" + text + "'");
        }
        int shift = switch (matcher.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        return (long) (Double.parseDouble(matcher.group(1)) * (1L << shift));
    }

    private static int intValue(Properties properties, String backend, String deviceType, String name) {
        String text = lookup(properties, backend, deviceType, name);
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " for " + backend + "." + deviceType
                    + " must be an integer, got '" + text + "'");
        }
    }

    private static String lookup(Properties properties, String backend, String deviceType, String name) {
        for (String key : new String[] {backend + "." + deviceType + "." + name, backend + "." + name,
                "default." + name}) {
            String value = properties.getProperty(key);
            if (value != null) {
                return value.trim();
            }
        }
        throw new IllegalArgumentException("work-group setting " + name + " missing for " + backend + "."
                + deviceType + " (and no default." + name + ")");
    }

    private static void requirePositive(String profile, String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " for " + profile + " must be >= 1, got " + value);
        }
    }
}
