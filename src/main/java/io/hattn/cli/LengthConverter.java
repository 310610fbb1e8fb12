package io.hattn.cli;

import picocli.CommandLine;

/** Sequence lengths as plain numbers or with a binary suffix: 4096, 4K, 1M. */
final class LengthConverter implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String text) {
        String trimmed = text.trim().toUpperCase(java.util.Locale.ROOT);
        int multiplier = 1;
        if (trimmed.endsWith("K")) {
            multiplier = 1 << 10;
        } else if (trimmed.endsWith("M")) {
            multiplier = 1 << 20;
        }
        String digits = multiplier == 1 ? trimmed : trimmed.substring(0, trimmed.length() - 1);
        try {
            long value = Long.parseLong(digits) * multiplier;
            if (value < 1 || value > Integer.MAX_VALUE) {
                throw new CommandLine.TypeConversionException("length must be between 1 and 2^31-1, got " + text);
            }
            return (int) value;
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("expected a length such as 4096, 4K or 1M, got '"
                    + text + "'");
        }
    }
}
