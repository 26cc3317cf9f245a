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
 */
public final class StrictUtf8 extends InputDecorator {

    private static final long serialVersionUID = 1L;
    /** Bytes decoded at a time: bounds the scratch buffer of a 28 MB image body to 128 KiB. */
    private static final int CHUNK = 65_536;

    @Override
    public InputStream decorate(IOContext ctxt, InputStream in) {
        return new Checking(in);
    }

    /** Checks the whole array, 64 KiB at a time, and lets the parser read it as it is ({@code null}: not decorated). */
    @Override
    public InputStream decorate(IOContext ctxt, byte[] src, int offset, int length) throws IOException {
        Checking check = new Checking(InputStream.nullInputStream());
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

        Checking(InputStream in) {
            super(in);
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
        }

        private static JsonParseException invalid(long offset) {
            return new JsonParseException(null, "Invalid UTF-8 at byte " + offset
                    + " (an overlong form, an encoded surrogate, a code point above U+10FFFF or a cut sequence)");
        }
    }
}
