package io.hattn.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON parser (RFC 8259) for small headers: objects become {@link LinkedHashMap} (in file order; a
 * repeated name is an error), arrays {@link List}, strings {@link String}, numbers {@link Number} (their exact
 * text), {@code true}/{@code false} {@link Boolean}, {@code null} {@link #NULL}. Nesting deeper than
 * {@value #MAX_DEPTH} is an error (no stack overflow on hostile input).
 */
final class Json {

    /** The JSON literal {@code null}. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    static final int MAX_DEPTH = 64;

    /** A JSON number, kept as written. */
    record Number(String text) {
        /** The value as a non-negative long, or -1 when it is negative, fractional, has an exponent or overflows. */
        long asNonNegativeLong() {
            if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return -1;
            }
            return Long.parseLong(text);
        }
    }

    /** A syntax error, with the character position. */
    static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxException(String message, int position) {
            super(message + " at character " + (position + 1));
        }
    }

    private final String text;
    private int at;

    private Json(String text) {
        this.text = text;
    }

    /** Parses one JSON value that takes the whole text but for surrounding white space. */
    static Object parse(String text) throws SyntaxException {
        Json json = new Json(text);
        json.skipSpace();
        Object value = json.value(0);
        json.skipSpace();
        if (json.at != text.length()) {
            throw new SyntaxException("unexpected '" + text.charAt(json.at) + "' after the JSON value", json.at);
        }
        return value;
    }

    private Object value(int depth) throws SyntaxException {
        if (depth > MAX_DEPTH) {
            throw new SyntaxException("nesting deeper than " + MAX_DEPTH, at);
        }
        if (at >= text.length()) {
            throw new SyntaxException("unexpected end", at);
        }
        char c = text.charAt(at);
        switch (c) {
            case '{': return object(depth);
            case '[': return array(depth);
            case '"': return string();
            case 't': return literal("true", Boolean.TRUE);
            case 'f': return literal("false", Boolean.FALSE);
            case 'n': return literal("null", NULL);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw new SyntaxException("unexpected '" + c + "'", at);
        }
    }

    private Map<String, Object> object(int depth) throws SyntaxException {
        Map<String, Object> members = new LinkedHashMap<>();
        at++;
        skipSpace();
        if (peek() == '}') {
            at++;
            return members;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw new SyntaxException("expected a member name in quotes", at);
            }
            int nameAt = at;
            String name = string();
            skipSpace();
            expect(':');
            skipSpace();
            Object value = value(depth + 1);
            if (members.put(name, value) != null) {
                throw new SyntaxException("the name \"" + name + "\" appears twice", nameAt);
            }
            skipSpace();
            char c = peek();
            at++;
            if (c == '}') {
                return members;
            }
            if (c != ',') {
                throw new SyntaxException("expected ',' or '}'", at - 1);
            }
        }
    }

    private List<Object> array(int depth) throws SyntaxException {
        List<Object> elements = new ArrayList<>();
        at++;
        skipSpace();
        if (peek() == ']') {
            at++;
            return elements;
        }
        while (true) {
            skipSpace();
            elements.add(value(depth + 1));
            skipSpace();
            char c = peek();
            at++;
            if (c == ']') {
                return elements;
            }
            if (c != ',') {
                throw new SyntaxException("expected ',' or ']'", at - 1);
            }
        }
    }

    private String string() throws SyntaxException {
        int start = at;
        at++;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (at >= text.length()) {
                throw new SyntaxException("unterminated string", start);
            }
            char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw new SyntaxException("control character in a string", at - 1);
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (at >= text.length()) {
                throw new SyntaxException("unterminated string", start);
            }
            char e = text.charAt(at++);
            switch (e) {
                case '"': out.append('"'); break;
                case '\\': out.append('\\'); break;
                case '/': out.append('/'); break;
                case 'b': out.append('\b'); break;
                case 'f': out.append('\f'); break;
                case 'n': out.append('\n'); break;
                case 'r': out.append('\r'); break;
                case 't': out.append('\t'); break;
                case 'u':
                    if (at + 4 > text.length()) {
                        throw new SyntaxException("truncated \\u escape", at - 2);
                    }
                    int code = 0;
                    for (int k = 0; k < 4; k++) {
                        int digit = Character.digit(text.charAt(at + k), 16);
                        if (digit < 0) {
                            throw new SyntaxException("bad \\u escape", at - 2);
                        }
                        code = code * 16 + digit;
                    }
                    at += 4;
                    out.append((char) code);
                    break;
                default:
                    throw new SyntaxException("bad escape '\\" + e + "'", at - 2);
            }
        }
    }

    private Number number() throws SyntaxException {
        int start = at;
        if (peek() == '-') {
            at++;
        }
        if (peek() == '0') {
            at++;
        } else if (isDigit(peek())) {
            while (isDigit(peek())) {
                at++;
            }
        } else {
            throw new SyntaxException("bad number", start);
        }
        if (peek() == '.') {
            at++;
            requireDigits(start);
        }
        if (peek() == 'e' || peek() == 'E') {
            at++;
            if (peek() == '+' || peek() == '-') {
                at++;
            }
            requireDigits(start);
        }
        return new Number(text.substring(start, at));
    }

    private void requireDigits(int start) throws SyntaxException {
        if (!isDigit(peek())) {
            throw new SyntaxException("bad number", start);
        }
        while (isDigit(peek())) {
            at++;
        }
    }

    private Object literal(String word, Object value) throws SyntaxException {
        if (!text.startsWith(word, at)) {
            throw new SyntaxException("unexpected '" + text.charAt(at) + "'", at);
        }
        at += word.length();
        return value;
    }

    private void expect(char c) throws SyntaxException {
        if (peek() != c) {
            throw new SyntaxException("expected '" + c + "'", at);
        }
        at++;
    }

    private char peek() {
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void skipSpace() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            at++;
        }
    }

    /** Appends {@code value} as a JSON string (quotes, escapes; other characters as they are, UTF-8 on output). */
    static void appendString(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}
