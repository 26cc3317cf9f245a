package dev.aifunc.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/**
 * An operator-added model pack from a local folder and from a zip file (the same path DJL takes for a model URL)
 * embeds exactly like the shipped MiniLM pack it was copied from.
 */
class CustomModelPackTest {

    @Test
    void folderAndZipPacksMatchTheShippedPack() throws Exception {
        Path root = Files.createTempDirectory("aifunc-custom-pack");
        Path folder = Files.createDirectories(root.resolve("my-minilm"));
        copy("all-minilm-l6-v2.onnx", folder.resolve("model.onnx"));
        copy("all-minilm-l6-v2-tokenizer.json", folder.resolve("tokenizer.json"));
        Path zip = root.resolve("my-minilm-zip.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String name : List.of("model.onnx", "tokenizer.json")) {
                out.putNextEntry(new ZipEntry("my-minilm-zip/" + name));
                Files.copy(folder.resolve(name), out);
                out.closeEntry();
            }
        }
        ModelRegistry registry = new ModelRegistry(config(root, Map.of(
                "folder-pack", pack(folder.toString()), "zip-pack", pack(zip.toString()))));
        try {
            String text = "My parcel never arrived.";
            float[] shipped = registry.load("minilm-l6-v2").get(2, TimeUnit.MINUTES).embed(text);
            float[] fromFolder = registry.load("folder-pack").get(2, TimeUnit.MINUTES).embed(text);
            float[] fromZip = registry.load("zip-pack").get(2, TimeUnit.MINUTES).embed(text);
            assertEquals(384, fromFolder.length);
            assertArrayEquals(shipped, fromFolder, 1e-6f);
            assertArrayEquals(shipped, fromZip, 1e-6f);
        } finally {
            registry.onStop(null);
        }
    }

    private static void copy(String resource, Path target) throws Exception {
        try (InputStream in = CustomModelPackTest.class.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, target);
        }
    }

    private static ModelsConfig.CustomPack pack(String url) {
        return new ModelsConfig.CustomPack() {
            public String url() { return url; }
            public String language() { return "en"; }
            public int dimensions() { return 384; }
            public ModelPack.Pooling pooling() { return ModelPack.Pooling.MEAN; }
            public int maxTokens() { return 256; }
            public String queryInstruction() { return ""; }
        };
    }

    private static ModelsConfig config(Path cache, Map<String, ModelsConfig.CustomPack> packs) {
        return new ModelsConfig() {
            public List<String> preload() { return List.of(); }
            public Optional<Integer> poolSize() { return Optional.of(1); }
            public int intraOpThreads() { return 1; }
            public long acquireTimeoutMs() { return 30_000; }
            public int batchSize() { return 32; }
            public Map<String, CustomPack> packs() { return packs; }
            public String cacheDir() { return cache.resolve("cache").toString(); }
            public java.time.Duration inferenceTimeout() { return java.time.Duration.ofSeconds(10); }
            public UploadCheck uploadCheck() {
                return new UploadCheck() {
                    public java.time.Duration timeout() { return java.time.Duration.ofSeconds(60); }
                    public long memoryMib() { return 1536; }
                    public int concurrency() { return 1; }
                };
            }
            public Batching batching() {
                return new Batching() {
                    public boolean enabled() { return true; }
                    public int maxBatchSize() { return 32; }
                    public long maxWaitMs() { return 0; }
                    public int queueCapacity() { return 64; }
                };
            }
        };
    }
}
