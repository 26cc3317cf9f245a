package dev.aifunc.model;

import dev.aifunc.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Models users bring for a scenario (an ONNX file, or a zip archive holding one and its labels: {@link ModelArchive}),
 * stored in PostgreSQL (table {@code scenario_model}) so every
 * replica serves the same one, and loaded once per content hash. An upload also bumps the scenario's {@code model}
 * dataset revision, so the scenario is prepared again with the new model.
 */
@ApplicationScoped
public class UploadedModels {

    /**
     * Summary of an uploaded model.
     *
     * @param sha256    SHA-256 of the ONNX file, hex
     * @param sizeBytes size of the ONNX file in bytes
     * @param labels    labels that came in the archive, or null (then the scenario config names them)
     */
    public record Summary(String scenarioId, String sha256, long sizeBytes, Instant uploadedAt, List<String> labels) {
    }

    /** Largest model file accepted, in bytes: 64 MiB, the service's request body limit. */
    public static final long MAX_BYTES = 64L * 1024 * 1024;

    private final AgroalDataSource dataSource;
    private final ModelsConfig config;
    private final Map<String, OnnxModel> loaded = new ConcurrentHashMap<>();

    @jakarta.inject.Inject
    dev.aifunc.audit.AuditLog audit;

    @jakarta.inject.Inject
    dev.aifunc.security.Actors actors;

    @jakarta.inject.Inject
    dev.aifunc.scenario.ScenarioChanges changes;

    public UploadedModels(AgroalDataSource dataSource, ModelsConfig config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    /**
     * Stores a scenario's model after checking that ONNX Runtime loads it.
     *
     * @param body an ONNX file or a zip archive ({@link ModelArchive})
     * @throws ProblemException 404 unknown scenario; 413 over {@link #MAX_BYTES}; 422 empty, a broken archive, or not
     *                          a loadable ONNX model
     */
    @Transactional
    public Summary store(String scenarioId, byte[] body) {
        if (body.length > MAX_BYTES) {
            throw ProblemException.tooLarge("The model has " + body.length + " bytes; the limit is " + MAX_BYTES + ".",
                    "(body)", MAX_BYTES + " bytes");
        }
        ModelArchive archive = ModelArchive.read(body);
        byte[] onnx = archive.onnx();
        String labels = archive.labels() == null ? null : String.join("\n", archive.labels());
        String sha = sha256(onnx);
        model(sha, onnx); // refuses what ONNX Runtime cannot load
        long outputs;
        try {
            outputs = OnnxModel.outputSize(Path.of(config.cacheDir(), "uploaded", sha, "model.onnx"));
        } catch (IOException e) {
            outputs = -1;
        }
        if (archive.labels() != null && outputs > 0 && outputs != archive.labels().size()) {
            throw ProblemException.unprocessable("The archive's labels file has " + archive.labels().size()
                    + " labels but the model has " + outputs + " outputs; give one label per output, in output order.",
                    "(body)", outputs + " labels");
        }
        Instant now = Instant.now();
        try (Connection c = dataSource.getConnection()) {
            dev.aifunc.scenario.ScenarioRowLock.lockForShare(c, scenarioId);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO scenario_model (scenario_id, sha256, size_bytes, content, uploaded_at, labels) VALUES (?, ?, ?, ?, ?, ?) "
                            + "ON CONFLICT (scenario_id) DO UPDATE SET sha256 = EXCLUDED.sha256, size_bytes = EXCLUDED.size_bytes, "
                            + "content = EXCLUDED.content, uploaded_at = EXCLUDED.uploaded_at, labels = EXCLUDED.labels")) {
                ps.setString(1, scenarioId);
                ps.setString(2, sha);
                ps.setLong(3, onnx.length);
                ps.setBytes(4, onnx);
                ps.setTimestamp(5, Timestamp.from(now));
                ps.setString(6, labels);
                ps.executeUpdate();
            }
            dev.aifunc.dataset.DatasetService.bumpRevision(c, scenarioId, "model", 0);
            changes.changed(scenarioId);
            audit.record(actors.current(), "model.upload", scenarioId, null, "sha256 " + sha + ", " + onnx.length
                    + " bytes" + (archive.labels() == null ? "" : ", " + archive.labels().size() + " labels"));
        } catch (SQLException e) {
            throw new IllegalStateException("storing the model failed", e);
        }
        return new Summary(scenarioId, sha, onnx.length, now, archive.labels());
    }

    /**
     * Removes a scenario's model; the scenario answers 409 until a new one is uploaded.
     *
     * @return whether there was one
     */
    @Transactional
    public boolean delete(String scenarioId) {
        try (Connection c = dataSource.getConnection()) {
            dev.aifunc.scenario.ScenarioRowLock.lockForShare(c, scenarioId);
            int removed;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM scenario_model WHERE scenario_id = ?")) {
                ps.setString(1, scenarioId);
                removed = ps.executeUpdate();
            }
            if (removed > 0) {
                dev.aifunc.dataset.DatasetService.bumpRevision(c, scenarioId, "model", 0);
                changes.changed(scenarioId);
                audit.record(actors.current(), "model.delete", scenarioId, null, "uploaded model removed");
            }
            return removed > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("removing the model failed", e);
        }
    }

    /** Summary of a scenario's model, if it has one. */
    public Optional<Summary> describe(String scenarioId) {
        String sql = "SELECT sha256, size_bytes, uploaded_at, labels FROM scenario_model WHERE scenario_id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, scenarioId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Summary(scenarioId, rs.getString(1), rs.getLong(2),
                        rs.getTimestamp(3).toInstant(), lines(rs.getString(4)))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the model failed", e);
        }
    }

    /**
     * The loaded model of a scenario.
     *
     * @throws ProblemException 409 when the scenario has no model yet
     */
    public OnnxModel forScenario(String scenarioId) {
        // the hash first: the bytes (up to 64 MiB) are read only when this replica has not loaded that model yet
        String sha = describe(scenarioId).map(Summary::sha256).orElseThrow(() -> new ProblemException(409, "Conflict",
                "Scenario '" + scenarioId + "' has no model yet: upload one with PUT /api/scenarios/" + scenarioId
                        + "/model.", "model", null, null, null));
        OnnxModel model = loaded.get(sha);
        if (model != null) {
            return model;
        }
        String sql = "SELECT content FROM scenario_model WHERE scenario_id = ? AND sha256 = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, scenarioId);
            ps.setString(2, sha);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) { // replaced between the two reads: load the newest
                    return forScenario(scenarioId);
                }
                return model(sha, rs.getBytes(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the model failed", e);
        }
    }

    private OnnxModel model(String sha, byte[] onnx) {
        return loaded.computeIfAbsent(sha, key -> {
            Path dir = Path.of(config.cacheDir(), "uploaded", key);
            try {
                Files.createDirectories(dir);
                Path file = dir.resolve("model.onnx");
                if (!Files.exists(file) || Files.size(file) != onnx.length) {
                    Path tmp = Files.createTempFile(dir, "model", ".part");
                    Files.write(tmp, onnx);
                    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
                return OnnxModel.loadFolder("uploaded-" + key.substring(0, 12), dir, null,
                        config.poolSize().orElse(Runtime.getRuntime().availableProcessors()), config.intraOpThreads());
            } catch (IOException e) {
                String reason = e.getMessage() == null ? "" : e.getMessage().replaceAll("(/[^\\s:]+)+", "(file)");
                throw ProblemException.unprocessable("The file is not an ONNX model that ONNX Runtime can load: "
                        + reason, "(body)", null);
            }
        });
    }

    private static List<String> lines(String text) {
        return text == null ? null : List.of(text.split("\n"));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
