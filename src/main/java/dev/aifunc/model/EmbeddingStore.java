package dev.aifunc.model;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Embeddings of dataset and configuration texts, persisted in PostgreSQL (table {@code embedding}) under
 * (model, SHA-256 of the exact text), so a restart or another replica does not embed the same text again.
 * Query texts (what callers send to invoke) are not stored.
 */
@ApplicationScoped
public class EmbeddingStore {

    private final AgroalDataSource dataSource;
    private final ModelRegistry models;
    private final ModelsConfig config;

    public EmbeddingStore(AgroalDataSource dataSource, ModelRegistry models, ModelsConfig config) {
        this.dataSource = dataSource;
        this.models = models;
        this.config = config;
    }

    /**
     * Embeddings of {@code texts} with a pack: stored vectors are read back, missing ones are computed in batches of
     * {@code aifunc.models.batch-size} and stored.
     *
     * @return {@code float[texts.size()][pack.dimensions()]}, unit length, in input order
     * @throws dev.aifunc.problem.ProblemException 503 while the pack loads
     */
    public float[][] embedAll(String packId, List<String> texts) {
        Embedder embedder = models.embedder(packId);
        float[][] result = new float[texts.size()][];
        List<String> hashes = texts.stream().map(EmbeddingStore::sha256).toList();
        Map<String, float[]> stored = load(packId, hashes);
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            float[] v = stored.get(hashes.get(i));
            if (v != null) {
                result[i] = v;
            } else {
                missing.add(i);
            }
        }
        int batch = Math.max(1, config.batchSize());
        for (int start = 0; start < missing.size(); start += batch) {
            List<Integer> slice = missing.subList(start, Math.min(missing.size(), start + batch));
            float[][] vectors = embedder.embed(slice.stream().map(texts::get).toList());
            for (int j = 0; j < slice.size(); j++) {
                result[slice.get(j)] = vectors[j];
            }
            save(packId, slice.stream().map(hashes::get).toList(), Arrays.asList(vectors));
        }
        return result;
    }

    private Map<String, float[]> load(String packId, List<String> hashes) {
        Map<String, float[]> found = new HashMap<>();
        if (hashes.isEmpty()) {
            return found;
        }
        String sql = "SELECT text_sha256, vector FROM embedding WHERE model = ? AND text_sha256 = ANY (?::char(64)[])";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, packId);
            ps.setArray(2, c.createArrayOf("text", hashes.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), Vectors.fromBytes(rs.getBytes(2)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading stored embeddings failed", e);
        }
        return found;
    }

    private void save(String packId, List<String> hashes, List<float[]> vectors) {
        String sql = "INSERT INTO embedding (model, text_sha256, dimensions, vector) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (model, text_sha256) DO NOTHING";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < hashes.size(); i++) {
                ps.setString(1, packId);
                ps.setString(2, hashes.get(i));
                ps.setInt(3, vectors.get(i).length);
                ps.setBytes(4, Vectors.toBytes(vectors.get(i)));
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("storing embeddings failed", e);
        }
    }

    /** Lower-case hex SHA-256 of the UTF-8 text (64 characters). */
    static String sha256(String text) {
        try {
            return hex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
