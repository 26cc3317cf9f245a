package dev.aifunc.model;

import dev.aifunc.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
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
     * @param labelSource which labels the scenario uses: {@code config} (the config's {@code labels} win over the
     *                    archive's), {@code archive}, or {@code none} yet
     */
    public record Summary(String scenarioId, String sha256, long sizeBytes, Instant uploadedAt, List<String> labels,
                          String labelSource) {

        /** This summary with the label source a scenario config implies. */
        public Summary withLabelSource(boolean configHasLabels) {
            return new Summary(scenarioId, sha256, sizeBytes, uploadedAt, labels,
                    configHasLabels ? "config" : labels != null ? "archive" : "none");
        }
    }

    /**
     * Version of the upload check a model passes ({@code scenario_model.checked_by}); a stored model with a lower
     * one is checked again before a replica loads it.
     */
    static final int CHECK_VERSION = 1;

    /** Largest model file accepted, in bytes: 64 MiB, the service's request body limit. */
    public static final long MAX_BYTES = 64L * 1024 * 1024;

    private static final Logger LOG = Logger.getLogger(UploadedModels.class);

    private final AgroalDataSource dataSource;
    private final ModelsConfig config;
    private final ModelTrial trial;
    /** Loaded models by SHA-256. */
    private final Map<String, OnnxModel> loaded = new ConcurrentHashMap<>();
    /** The SHA-256 of the model each scenario was last served with on this replica. */
    private final Map<String, String> inUse = new ConcurrentHashMap<>();

    @jakarta.inject.Inject
    dev.aifunc.audit.AuditLog audit;

    @jakarta.inject.Inject
    dev.aifunc.security.Actors actors;

    @jakarta.inject.Inject
    dev.aifunc.scenario.ScenarioChanges changes;

    public UploadedModels(AgroalDataSource dataSource, ModelsConfig config, ModelTrial trial) {
        this.dataSource = dataSource;
        this.config = config;
        this.trial = trial;
    }

    /**
     * What a scenario feeds its model and reads from it.
     *
     * @param inputShape the float input tensor's shape, e.g. {@code [1, 3, 224, 224]}
     * @param labels     labels the scenario's config names, in output order, or null when the config names none
     *                   (then those of the archive are used)
     * @param channelsField the config field that sets the channel count, for messages
     */
    public record Expectation(long[] inputShape, List<String> labels, String channelsField) {
    }

    /**
     * Stores a scenario's model once it has shown that it can work: it keeps nothing outside its own bytes
     * ({@link OnnxInspection}), takes the scenario's input and gives one float score per label, and loads and runs
     * once on a blank input within the check's memory and time ({@link ModelTrial}). The check runs before any
     * database transaction is open; the write is a short one.
     *
     * @param body   an ONNX file or a zip archive ({@link ModelArchive})
     * @param expect what the scenario's config feeds and reads
     * @throws ProblemException 404 unknown scenario; 413 over {@link #MAX_BYTES}; 422 empty, a broken archive, not a
     *                          loadable ONNX model, external data, inputs or outputs that do not fit the config, NaN
     *                          scores, over the check's memory or time; 503 while other uploads are checked
     */
    public Summary store(String scenarioId, byte[] body, Expectation expect) {
        if (body.length > MAX_BYTES) {
            throw ProblemException.tooLarge("The model has " + body.length + " bytes; the limit is " + MAX_BYTES + ".",
                    "(body)", MAX_BYTES + " bytes");
        }
        ModelArchive archive = ModelArchive.read(body);
        byte[] onnx = archive.onnx();
        check(onnx, expect, archive.labels());
        String sha = ModelFiles.sha256(onnx);
        String labelText = archive.labels() == null ? null : String.join("\n", archive.labels());
        Instant now = Instant.now();
        QuarkusTransaction.requiringNew().run(() -> insert(scenarioId, sha, onnx, labelText, now, archive.labels()));
        try {
            model(sha, onnx);
        } catch (ProblemException e) {
            LOG.warnf("Model %s of scenario '%s' passed its check but did not load here: %s", sha, scenarioId,
                    e.getMessage());
        }
        return new Summary(scenarioId, sha, onnx.length, now, archive.labels(), null);
    }

    private void insert(String scenarioId, String sha, byte[] onnx, String labels, Instant now, List<String> archiveLabels) {
        try (Connection c = dataSource.getConnection()) {
            dev.aifunc.scenario.ScenarioRowLock.lockForShare(c, scenarioId);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO scenario_model (scenario_id, sha256, size_bytes, content, uploaded_at, labels, checked_by) "
                            + "VALUES (?, ?, ?, ?, ?, ?, " + CHECK_VERSION + ") ON CONFLICT (scenario_id) DO UPDATE SET "
                            + "sha256 = EXCLUDED.sha256, size_bytes = EXCLUDED.size_bytes, content = EXCLUDED.content, "
                            + "uploaded_at = EXCLUDED.uploaded_at, labels = EXCLUDED.labels, checked_by = EXCLUDED.checked_by")) {
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
                    + " bytes" + (archiveLabels == null ? "" : ", " + archiveLabels.size() + " labels"));
        } catch (SQLException e) {
            throw new IllegalStateException("storing the model failed", e);
        }
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
                        rs.getTimestamp(3).toInstant(), lines(rs.getString(4)), null)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the model failed", e);
        }
    }

    /**
     * The loaded model of a scenario. A model stored before the upload check existed is checked first, as an
     * upload is ({@link #store}), and loaded only if it passes.
     *
     * @param expect what the scenario feeds the model and reads from it
     * @throws ProblemException 409 when the scenario has no model yet
     * @throws IllegalStateException when the stored model fails its check or its recorded hash
     */
    public OnnxModel forScenario(String scenarioId, Expectation expect) {
        // the hash first: the bytes (up to 64 MiB) are read only when this replica has not loaded that model yet
        String sha = describe(scenarioId).map(Summary::sha256).orElseThrow(() -> new ProblemException(409, "Conflict",
                "Scenario '" + scenarioId + "' has no model yet: upload one with PUT /api/scenarios/" + scenarioId
                        + "/model.", "model", null, null, null));
        OnnxModel model = loaded.get(sha);
        if (model == null) {
            String sql = "SELECT content, checked_by, labels FROM scenario_model WHERE scenario_id = ? AND sha256 = ?";
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, scenarioId);
                ps.setString(2, sha);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) { // replaced between the two reads: load the newest
                        return forScenario(scenarioId, expect);
                    }
                    byte[] content = rs.getBytes(1);
                    if (!sha.equals(ModelFiles.sha256(content))) {
                        throw new IllegalStateException("the stored model of scenario '" + scenarioId
                                + "' does not have its recorded SHA-256 " + sha);
                    }
                    if (rs.getInt(2) < CHECK_VERSION) {
                        checkStored(scenarioId, sha, content, expect, lines(rs.getString(3)));
                    }
                    model = model(sha, content);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("reading the model failed", e);
            }
        }
        String before = inUse.put(scenarioId, sha);
        if (before != null && !before.equals(sha)) {
            releaseIfUnused(before);
        }
        return model;
    }

    /**
     * The upload check: the model keeps nothing outside itself and its sizes follow from the input size
     * ({@link OnnxInspection}), it fits what the scenario feeds and reads ({@link ModelContract}), and one run on a
     * blank input stays within the check's memory and time and gives finite scores ({@link ModelTrial}). The config's
     * labels win over the archive's.
     *
     * @throws ProblemException 422 naming what does not fit; 503 while other uploads are checked
     */
    private void check(byte[] onnx, Expectation expect, List<String> archiveLabels) {
        List<String> labels = expect.labels() != null ? expect.labels() : archiveLabels;
        String labelsField = expect.labels() != null ? "config.labels" : "(body)";
        ModelContract.checkDeclared(OnnxInspection.inspect(onnx), expect, labels, labelsField);
        ModelContract.checkTrial(trial.run(onnx, expect.inputShape()), labels, labelsField,
                config.inferenceTimeout().toMillis());
    }

    private void checkStored(String scenarioId, String sha, byte[] onnx, Expectation expect, List<String> archiveLabels) {
        try {
            check(onnx, expect, archiveLabels);
        } catch (ProblemException e) {
            if (e.status() == 422) {
                throw new IllegalStateException("its model (stored before uploads were checked) fails the upload "
                        + "check: " + e.getMessage() + " Upload a model that passes.", e);
            }
            throw e;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE scenario_model SET checked_by = ? WHERE scenario_id = ? AND sha256 = ?")) {
            ps.setInt(1, CHECK_VERSION);
            ps.setString(2, scenarioId);
            ps.setString(3, sha);
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.debugf("recording the check of %s failed (%s); it is checked again next time", sha, e.getMessage());
        }
    }

    /**
     * Closes the models no scenario uses any more after a change (here or on another replica): a deleted scenario or
     * a replaced model stops its running inferences at once and frees its memory.
     */
    void changed(@jakarta.enterprise.event.Observes dev.aifunc.scenario.ScenarioChanges.Changed change) {
        String id = change.scenarioId();
        String sha = inUse.get(id);
        if (sha == null) {
            return;
        }
        String now;
        try {
            now = describe(id).map(Summary::sha256).orElse(null);
        } catch (RuntimeException e) {
            return; // the database is away: keep serving what is loaded
        }
        if (!sha.equals(now)) {
            inUse.remove(id, sha);
            releaseIfUnused(sha);
        }
    }

    private void releaseIfUnused(String sha) {
        if (!inUse.containsValue(sha)) {
            OnnxModel model = loaded.remove(sha);
            if (model != null) {
                // on its own thread: closing waits for the terminated runs to return
                Thread t = new Thread(model::close, "aifunc-model-close");
                t.setDaemon(true);
                t.start();
            }
        }
    }

    void close(@jakarta.enterprise.event.Observes io.quarkus.runtime.ShutdownEvent event) {
        loaded.values().forEach(OnnxModel::close);
        loaded.clear();
    }

    private OnnxModel model(String sha, byte[] onnx) {
        return loaded.computeIfAbsent(sha, key -> {
            try {
                return OnnxModel.fromBytes("uploaded-" + key.substring(0, 12), onnx, null, OnnxModel.Settings.of(config));
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
}
