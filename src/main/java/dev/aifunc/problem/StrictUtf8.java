package dev.aifunc.problem;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.io.InputDecorator;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Makes a Jackson parser refuse byte input that is not well-formed UTF-8 (RFC 3629): overlong forms such as
 * {@code C0 AF} for '/', encoded surrogates, code points above U+10FFFF and truncated sequences. Jackson's own UTF-8
 * reader decodes some of them into other characters. The check is the JDK's UTF-8 decoder, run over the bytes as
 * the parser reads them (streamed uploads stay streamed); it throws {@link JsonParseException} with the byte
 * offset, which the REST layer answers with 400 (datasets: 422 with the line).
 *
 * <p>For JSON ({@link #forJson()}) it also refuses escapes of lone surrogates (backslash-u D800 without its
 * low half, or a low half alone): they decode to no character at all, and PostgreSQL would store them as {@code ?};
 * and escapes of NUL (U+0000), which no text column or {@code jsonb} value can hold (unescaped control characters are
 * refused by Jackson itself).
 */
public final class StrictUtf8 extends InputDecorator {

    private static final long serialVersionUID = 1L;

    private final boolean jsonEscapes;

    /** Checks the UTF-8 of any text (CSV): its escapes are not JSON's. */
    public StrictUtf8() {
        this(false);
    }

    private StrictUtf8(boolean jsonEscapes) {
        this.jsonEscapes = jsonEscapes;
    }

    /** Checks the UTF-8 of JSON and its backslash-u escapes of surrogates. */
    public static StrictUtf8 forJson() {
        return new StrictUtf8(true);
    }
    /** Bytes decoded at a time: bounds the scratch buffer of a 28 MB image body to 128 KiB. */
    private static final int CHUNK = 65_536;

    @Override
    public InputStream decorate(IOContext ctxt, InputStream in) {
        return new Checking(in, jsonEscapes);
    }

    /** Checks the whole array, 64 KiB at a time, and lets the parser read it as it is ({@code null}: not decorated). */
    @Override
    public InputStream decorate(IOContext ctxt, byte[] src, int offset, int length) throws IOException {
        Checking check = new Checking(InputStream.nullInputStream(), jsonEscapes);
        for (int at = offset; at < offset + length; at += CHUNK) {
            check.check(src, at, Math.min(CHUNK, offset + length - at));
        }
        check.end();
        return null;
    }

    /** Characters are already decoded. */
    @Override
    public Reader decorate(IOContext ctxt, Reader r) {
        return r;
    }

    /** Passes bytes through unchanged after checking them; keeps the bytes of a sequence split across reads. */
    private static final class Checking extends FilterInputStream {

        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        private final ByteBuffer carry = ByteBuffer.allocate(8);
        private CharBuffer chars = CharBuffer.allocate(0);
        private long checked;
        private final boolean jsonEscapes;
        /** JSON escape state: 0 outside an escape, 1 after a backslash, 2..5 reading the hex digits of backslash-u. */
        private int escape;
        private int code;
        /** A high surrogate was escaped: the next bytes must escape its low half. 1: expect backslash, 2: expect u. */
        private int wantLow;
        private long escapes;

        Checking(InputStream in, boolean jsonEscapes) {
            super(in);
            this.jsonEscapes = jsonEscapes;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n;
            do {
                n = read(one, 0, 1);
            } while (n == 0);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n < 0) {
                end();
            } else {
                check(b, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] skipped = new byte[(int) Math.min(Math.max(n, 0), 8192)];
            int read = read(skipped, 0, skipped.length);
            return Math.max(read, 0);
        }

        void check(byte[] b, int off, int n) throws IOException {
            if (jsonEscapes) {
                checkEscapes(b, off, n);
            }
            ByteBuffer input;
            if (carry.position() > 0) {
                carry.flip();
                input = ByteBuffer.allocate(carry.remaining() + n).put(carry).put(b, off, n).flip();
                carry.clear();
            } else {
                input = ByteBuffer.wrap(b, off, n);
            }
            int start = input.position();
            if (chars.capacity() < input.remaining()) {
                chars = CharBuffer.allocate(input.remaining()); // n bytes of UTF-8 are at most n chars
            }
            chars.clear();
            CoderResult result = decoder.decode(input, chars, false);
            if (result.isError()) {
                throw invalid(checked + input.position() - start);
            }
            checked += input.position() - start;
            carry.put(input); // at most 3 bytes of an unfinished sequence
        }

        void end() throws IOException {
            if (carry.position() > 0) {
                throw invalid(checked);
            }
            if (wantLow != 0) {
                throw loneSurrogate(escapes);
            }
        }

        /** Follows backslash escapes (only strings hold them) and refuses a surrogate escape without its pair. */
        private void checkEscapes(byte[] b, int off, int n) throws JsonParseException {
            for (int i = off; i < off + n; i++) {
                int c = b[i];
                escapes++;
                if (wantLow == 1) {
                    if (c != '\\') {
                        throw loneSurrogate(escapes);
                    }
                    wantLow = 2;
                    escape = 1;
                    continue;
                }
                switch (escape) {
                    case 0 -> escape = c == '\\' ? 1 : 0;
                    case 1 -> {
                        if (wantLow == 2 && c != 'u') {
                            throw loneSurrogate(escapes);
                        }
                        if (c == 'u') {
                            escape = 2;
                            code = 0;
                        } else {
                            escape = 0;
                        }
                    }
                    default -> {
                        int digit = Character.digit(c, 16);
                        code = code * 16 + Math.max(digit, 0); // not hex: the parser itself refuses it
                        if (++escape == 6) {
                            escape = 0;
                            if (code == 0) {
                                throw new JsonParseException(null, "A NUL character (an escaped U+0000) near byte "
                                        + escapes + ": text cannot hold it");
                            }
                            boolean high = code >= 0xD800 && code <= 0xDBFF;
                            boolean low = code >= 0xDC00 && code <= 0xDFFF;
                            if (wantLow == 2) {
                                if (!low) {
                                    throw loneSurrogate(escapes);
                                }
                                wantLow = 0;
                            } else if (high) {
                                wantLow = 1;
                            } else if (low) {
                                throw loneSurrogate(escapes);
                            }
                        }
                    }
                }
            }
        }

        private static JsonParseException loneSurrogate(long offset) {
            return new JsonParseException(null, "A lone surrogate escape (such as \\ud800 without its low half) "
                    + "near byte " + offset + ": it is not a character; escape a character outside the BMP as a "
                    + "surrogate pair, or send it as UTF-8");
        }

        private static JsonParseException invalid(long offset) {
            return new JsonParseException(null, "Invalid UTF-8 at byte " + offset
                    + " (an overlong form, an encoded surrogate, a code point above U+10FFFF or a cut sequence)");
        }
    }
}
