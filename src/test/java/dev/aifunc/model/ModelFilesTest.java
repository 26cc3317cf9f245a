package dev.aifunc.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model cache is private and every file taken from it is the pinned one. */
class ModelFilesTest {

    @TempDir
    Path dir;

    @Test
    void theCacheFolderIsMadeOwnerOnly() throws IOException {
        Path cache = dir.resolve("shared-by-mistake");
        Files.createDirectories(cache);
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
        ModelFiles.privateFolder(cache);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));

        Path link = dir.resolve("link");
        Files.createSymbolicLink(link, cache);
        assertThrows(IOException.class, () -> ModelFiles.privateFolder(link));
    }

    @Test
    void aPlantedFileOfTheSameSizeIsReplacedByThePinnedModel() throws IOException {
        ModelPack pack = ModelPack.BUILT_IN.get(0);
        byte[] real = ModelFiles.bytes(pack.tokenizerResource());
        Path target = dir.resolve(pack.id()).resolve("tokenizer.json");
        Files.createDirectories(target.getParent());
        byte[] planted = new byte[real.length];
        Files.write(target, planted);

        ModelFiles.unpack(pack.tokenizerResource(), target, pack.tokenizerSha256());
        assertArrayEquals(real, Files.readAllBytes(target));
        // a resource that is not the pinned one is refused and leaves nothing behind
        Path other = dir.resolve("other.json");
        IOException e = assertThrows(IOException.class, () -> ModelFiles.unpack(pack.tokenizerResource(), other,
                "0".repeat(64)));
        assertTrue(e.getMessage().contains("not the pinned"), e.getMessage());
        assertTrue(Files.notExists(other));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".part")));
        }
    }

    @Test
    void everyShippedPackHasItsPinnedHash() throws IOException {
        for (ModelPack pack : ModelPack.BUILT_IN) {
            assertEquals(pack.modelSha256(), ModelFiles.sha256(ModelFiles.bytes(pack.modelResource())), pack.id());
            assertEquals(pack.tokenizerSha256(), ModelFiles.sha256(ModelFiles.bytes(pack.tokenizerResource())), pack.id());
        }
    }
}
