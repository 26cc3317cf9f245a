package dev.aifunc.model;

import dev.aifunc.problem.ProblemException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * What a user uploads as a scenario's model: a bare ONNX file, or a zip archive laid out as DJL model archives are
 * (one {@code *.onnx} file, optionally {@code synset.txt} or {@code labels.txt} with one label per line in output
 * order, UTF-8, at most 200 characters each, no control characters; other files are skipped without being unpacked).
 * Archives are read with limits: at most
 * {@link #MAX_ENTRIES} entries, and the model and labels at most {@link UploadedModels#MAX_BYTES} bytes unpacked,
 * so a zip bomb is refused, not expanded.
 *
 * @param onnx   the ONNX model bytes
 * @param labels the labels that came with it, or null
 */
public record ModelArchive(byte[] onnx, List<String> labels) {

    /** Most entries read from an archive. */
    public static final int MAX_ENTRIES = 1_000;

    /** Most labels accepted from a labels file. */
    public static final int MAX_LABELS = 100_000;

    /** Longest label, in characters (as in a scenario config). */
    public static final int MAX_LABEL_CHARS = 200;

    /**
     * Reads an upload.
     *
     * @throws ProblemException 413 when the archive unpacks to more than {@link UploadedModels#MAX_BYTES}; 422 for an
     *                          empty body, a corrupt archive, none or several {@code .onnx} files, or too many labels
     */
    public static ModelArchive read(byte[] body) {
        if (body.length == 0) {
            throw ProblemException.unprocessable("The model file is empty: send the bytes of an .onnx file or a zip "
                    + "holding one.", "(body)", null);
        }
        boolean zip = body.length >= 4 && body[0] == 'P' && body[1] == 'K' && body[2] == 3 && body[3] == 4;
        return zip ? unzip(body) : new ModelArchive(body, null);
    }

    private static ModelArchive unzip(byte[] body) {
        byte[] onnx = null;
        String onnxName = null;
        String labels = null;
        long total = 0;
        int entries = 0;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(body))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                if (++entries > MAX_ENTRIES) {
                    throw ProblemException.unprocessable("The archive has more than " + MAX_ENTRIES + " entries.",
                            "(body)", MAX_ENTRIES + " entries");
                }
                if (entry.isDirectory()) {
                    continue;
                }
                String name = entry.getName().substring(entry.getName().lastIndexOf('/') + 1);
                String lower = name.toLowerCase(Locale.ROOT);
                boolean wanted = lower.endsWith(".onnx") || lower.equals("synset.txt") || lower.equals("labels.txt");
                if (!wanted) {
                    continue;
                }
                byte[] content = readCapped(zip, UploadedModels.MAX_BYTES - total);
                total += content.length;
                if (lower.endsWith(".onnx")) {
                    if (onnx != null) {
                        throw ProblemException.unprocessable("The archive holds two ONNX files (" + onnxName + ", "
                                + entry.getName() + "); keep one.", "(body)", "1 .onnx file");
                    }
                    onnx = content;
                    onnxName = entry.getName();
                } else if (labels == null || lower.equals("synset.txt")) {
                    labels = utf8(content, entry.getName());
                }
            }
        } catch (IOException e) {
            throw ProblemException.unprocessable("The zip archive cannot be read: " + (e.getMessage() == null
                    ? "it is cut or damaged" : e.getMessage()), "(body)", null);
        }
        if (onnx == null) {
            throw ProblemException.unprocessable("The archive holds no .onnx file.", "(body)", "1 .onnx file");
        }
        List<String> labelList = null;
        if (labels != null) {
            labelList = labels.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            if (labelList.size() > MAX_LABELS) {
                throw ProblemException.unprocessable("The labels file has " + labelList.size() + " labels; the limit is "
                        + MAX_LABELS + ".", "(body)", MAX_LABELS + " labels");
            }
            if (labelList.isEmpty()) {
                throw ProblemException.unprocessable("The archive's labels file is empty: one label per line, in the "
                        + "model's output order.", "(body)", null);
            }
            for (int i = 0; i < labelList.size(); i++) {
                String label = labelList.get(i);
                if (label.length() > MAX_LABEL_CHARS) {
                    throw ProblemException.unprocessable("Label " + (i + 1) + " of the labels file has "
                            + label.length() + " characters; the limit is " + MAX_LABEL_CHARS + ".", "(body)",
                            MAX_LABEL_CHARS + " characters");
                }
                if (label.chars().anyMatch(Character::isISOControl)) {
                    throw ProblemException.unprocessable("Label " + (i + 1) + " of the labels file holds a control "
                            + "character (such as NUL); labels are plain text.", "(body)", null);
                }
            }
        }
        return new ModelArchive(onnx, labelList);
    }

    /** The labels file as text; malformed UTF-8 is refused, not replaced. */
    private static String utf8(byte[] content, String name) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(content)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw ProblemException.unprocessable("The archive's labels file " + name + " is not UTF-8 text.",
                    "(body)", null);
        }
    }

    private static byte[] readCapped(InputStream in, long budget) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        long read = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            read += n;
            if (read > budget) {
                throw ProblemException.tooLarge("The archive unpacks to more than " + UploadedModels.MAX_BYTES
                        + " bytes.", "(body)", UploadedModels.MAX_BYTES + " bytes unpacked");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
