package dev.aifunc.dataset;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.aifunc.problem.Problem;
import dev.aifunc.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stores the datasets a scenario owns. An upload (CSV with a header row, or JSON Lines) is parsed as a stream,
 * validated row by row (errors carry line numbers), and replaces the dataset atomically: all rows or none.
 */
@ApplicationScoped
public class DatasetService {

    /** Accepted upload formats. */
    public enum Format { CSV, JSON_LINES }

    /** Summary of a dataset: row count, revision, columns and the first rows. */
    @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "DatasetSummary")
    public record Summary(String scenarioId, String name, long revision, int rows, Instant updatedAt,
                          List<String> columns,
                          @org.eclipse.microprofile.openapi.annotations.media.Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.ARRAY,
                                  implementation = Object.class, description = "The first rows")
                          List<JsonNode> sample) {
    }

    private static final int INSERT_BATCH = 500;

    private final AgroalDataSource dataSource;
    private final ObjectMapper mapper;
    private final DatasetsConfig config;
    private final CsvMapper csv = strictCsv();

    private final UploadProgress progress;

    @jakarta.inject.Inject
    dev.aifunc.audit.AuditLog audit;

    @jakarta.inject.Inject
    dev.aifunc.security.Actors actors;

    @jakarta.inject.Inject
    dev.aifunc.scenario.ScenarioChanges changes;

    public DatasetService(AgroalDataSource dataSource, ObjectMapper mapper, DatasetsConfig config, UploadProgress progress) {
        this.progress = progress;
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.config = config;
    }

    /**
     * Replaces dataset {@code name} of a scenario with the rows of {@code body}.
     *
     * @param rowCheck a rule of the scenario for each row: a message when the row breaks it, else null
     * @throws ProblemException 404 unknown scenario; 422 with per-line errors (missing column, blank required
     *                          cell, cell over the length limit, broken rule, unreadable line, no rows);
     *                          413 too many rows
     */
    @Transactional
    public Summary replace(String scenarioId, String name, Format format, InputStream body,
                           java.util.function.Function<JsonNode, String> rowCheck) {
        List<JsonNode> rows = parse(scenarioId, name, format, body, rowCheck);
        try (Connection c = dataSource.getConnection()) {
            long revision;
            dev.aifunc.scenario.ScenarioRowLock.lockForShare(c, scenarioId);
            revision = bumpRevision(c, scenarioId, name, rows.size());
            changes.changed(scenarioId);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM dataset_row WHERE scenario_id = ? AND name = ?")) {
                ps.setString(1, scenarioId);
                ps.setString(2, name);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO dataset_row (scenario_id, name, row_no, data) VALUES (?, ?, ?, ?::json)")) {
                for (int i = 0; i < rows.size(); i++) {
                    ps.setString(1, scenarioId);
                    ps.setString(2, name);
                    ps.setInt(3, i);
                    ps.setString(4, rows.get(i).toString());
                    ps.addBatch();
                    if ((i + 1) % INSERT_BATCH == 0) {
                        ps.executeBatch();
                        progress.update(scenarioId, name, "storing", rows.size(), i + 1);
                    }
                }
                ps.executeBatch();
            }
            audit.record(actors.current(), "dataset.replace", scenarioId, null, name + ": " + rows.size()
                    + " rows, revision " + revision);
            return new Summary(scenarioId, name, revision, rows.size(), Instant.now(), columns(rows),
                    rows.subList(0, Math.min(5, rows.size())));
        } catch (SQLException e) {
            throw new IllegalStateException("storing dataset " + name + " failed", e);
        }
    }

    /**
     * Records a new revision of a scenario's dataset (creating its row at revision 1), so every replica prepares the
     * scenario again on its next call. Also used for data kept outside {@code dataset_row}, such as an uploaded model.
     *
     * @param rowCount the dataset's row count after the change
     * @return the new revision
     */
    public static long bumpRevision(Connection c, String scenarioId, String name, int rowCount) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO dataset (scenario_id, name, revision, row_count, updated_at) VALUES (?, ?, 1, ?, ?) "
                        + "ON CONFLICT (scenario_id, name) DO UPDATE SET revision = dataset.revision + 1, "
                        + "row_count = EXCLUDED.row_count, updated_at = EXCLUDED.updated_at RETURNING revision")) {
            ps.setString(1, scenarioId);
            ps.setString(2, name);
            ps.setInt(3, rowCount);
            ps.setTimestamp(4, Timestamp.from(Instant.now()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Whether a media type (lower case, without parameters) is one of the names JSON Lines goes by. */
    public static boolean isJsonLines(String mediaType) {
        return JSON_LINES_TYPES.contains(mediaType);
    }

    private static final java.util.Set<String> JSON_LINES_TYPES = java.util.Set.of("application/x-ndjson",
            "application/jsonl", "application/jsonlines", "application/json-lines");

    /** Summary of a dataset, if the scenario has it. */
    public Optional<Summary> describe(String scenarioId, String name) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT revision, row_count, updated_at FROM dataset WHERE scenario_id = ? AND name = ?")) {
            ps.setString(1, scenarioId);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                List<JsonNode> sample = rows(scenarioId, name, 5);
                return Optional.of(new Summary(scenarioId, name, rs.getLong(1), rs.getInt(2),
                        rs.getTimestamp(3).toInstant(), columns(sample), sample));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading dataset " + name + " failed", e);
        }
    }

    /** Rows of a dataset in upload order, at most {@code limit} (0 = all); empty when absent. */
    public List<JsonNode> rows(String scenarioId, String name, int limit) {
        List<JsonNode> rows = new ArrayList<>();
        String sql = "SELECT data FROM dataset_row WHERE scenario_id = ? AND name = ? ORDER BY row_no"
                + (limit > 0 ? " LIMIT " + limit : "");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, scenarioId);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(mapper.readTree(rs.getString(1)));
                }
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("reading dataset " + name + " failed", e);
        }
        return rows;
    }

    private List<JsonNode> parse(String scenarioId, String name, Format format, InputStream body,
                                 java.util.function.Function<JsonNode, String> rowCheck) {
        return readRows("Dataset '" + name + "'", "stored", format, body, DatasetKind.requiredColumns(name),
                DatasetKind.uniqueColumn(name), config.maxRows(), config.maxCellChars(), rowCheck,
                n -> progress.update(scenarioId, name, "reading", n, 0));
    }

    /** The upload format of a {@code Content-Type} ({@code text/csv} or JSON Lines), or null for any other. */
    public static Format formatOf(String contentType) {
        String type = contentType == null ? "" : contentType.toLowerCase(java.util.Locale.ROOT).split(";")[0].strip();
        return type.equals("text/csv") ? Format.CSV : isJsonLines(type) ? Format.JSON_LINES : null;
    }

    /**
     * Reads CSV (header row) or JSON Lines rows, checking each: required columns present and not empty, text cells
     * at most {@code maxCellChars} long, {@code unique} (when not null) not repeated, then
     * {@code rowCheck}. Errors name the file line.
     *
     * @param subject  what is read, for messages ("Dataset 'faq'")
     * @param verb     what did not happen on errors ("stored")
     * @param rowsRead told every 1000 rows how many were read
     * @throws ProblemException 422 with every row error (up to {@code max-reported-errors}) and their lines, or for
     *                          no rows; 413 over {@code maxRows}
     */
    public List<JsonNode> readRows(String subject, String verb, Format format, InputStream body, List<String> required,
                                   String unique, int maxRows, int maxCellChars,
                                   java.util.function.Function<JsonNode, String> rowCheck,
                                   java.util.function.IntConsumer rowsRead) {
        Map<String, Long> firstLine = new java.util.HashMap<>();
        List<Problem.FieldError> errors = new ArrayList<>();
        List<JsonNode> rows = new ArrayList<>();
        int bad = 0;
        long previousLine = format == Format.CSV ? 1 : 0; // the CSV header is line 1
        try (MappingIterator<JsonNode> it = iterator(format, body, required)) {
            while (true) {
                JsonNode row;
                long line;
                try {
                    if (!it.hasNextValue()) {
                        break;
                    }
                    // the physical line where this row starts (CSV: the header, line 1, was read off before the
                    // parser started, and the parser counts the lines before the row; JSON counts from 1)
                    line = it.getParser().currentTokenLocation().getLineNr() + (format == Format.CSV ? 2 : 0);
                    // before its first token the parser has no position yet: a row starts at least a line lower
                    line = Math.max(line, previousLine + 1);
                    previousLine = line;
                    row = it.nextValue();
                } catch (IOException | RuntimeException e) {
                    String m = rootMessage(e);
                    errors.add(new Problem.FieldError(null, lineOf(e, it, format == Format.CSV ? 1 : 0), m.contains("UTF-8")
                            ? NOT_UTF8 : m.startsWith("Too many entries") ? "this row has more cells than the header has columns"
                            : "unreadable row: " + m));
                    bad++;
                    break; // the stream position is unreliable after a syntax error
                }
                if (rows.size() >= maxRows) {
                    throw ProblemException.tooLarge(subject + " has more than " + maxRows + " rows.", "rows",
                            maxRows + " rows");
                }
                String problem = check(row, required, maxCellChars);
                if (problem == null && unique != null) {
                    Long earlier = firstLine.putIfAbsent(row.get(unique).asText(), line);
                    if (earlier != null) {
                        problem = "column '" + unique + "' value '" + row.get(unique).asText() + "' is already on line " + earlier;
                    }
                }
                if (problem == null) {
                    problem = rowCheck.apply(row);
                }
                if (problem != null) {
                    bad++;
                    if (errors.size() < config.maxReportedErrors()) {
                        errors.add(new Problem.FieldError(null, line, problem));
                    }
                    continue;
                }
                rows.add(row);
                if (rows.size() % 1000 == 0) {
                    rowsRead.accept(rows.size() + bad);
                }
            }
        } catch (IOException e) {
            // the parser reads ahead when it starts: a malformed start of the file fails before any row
            String m = rootMessage(e);
            errors.add(new Problem.FieldError(null, null, m.contains("UTF-8") ? NOT_UTF8 + " (" + m + ")"
                    : "unreadable upload: " + m));
            bad++;
        }
        if (!errors.isEmpty()) {
            Long firstError = errors.get(0).line();
            throw ProblemException.unprocessable(subject + " was not " + verb + ": " + bad + " row(s) have errors (first"
                    + (firstError == null ? "" : " on line " + firstError) + ": " + errors.get(0).message()
                    + ")." + (verb.equals("stored") ? " Nothing was changed." : ""), errors);
        }
        if (rows.isEmpty()) {
            throw ProblemException.unprocessable(subject + " has no rows.", "rows", null);
        }
        return rows;
    }

    /** The file line of a parse error; {@code offset} lines were read before the parser started (the CSV header). */
    private static Long lineOf(Exception e, MappingIterator<JsonNode> it, int offset) {
        Throwable t = e;
        while (t != null) {
            if (t instanceof JsonProcessingException j && j.getLocation() != null && j.getLocation().getLineNr() > 0) {
                return (long) j.getLocation().getLineNr() + offset;
            }
            t = t.getCause();
        }
        long line = it.getParser().currentLocation().getLineNr();
        return line > 0 ? line + offset : null;
    }

    private static final String NOT_UTF8 = "not UTF-8 text here: save the file as CSV UTF-8 (or JSON Lines in UTF-8)";

    /** A CSV mapper whose parsers refuse malformed UTF-8 (422 with the line) instead of decoding it leniently. */
    private static CsvMapper strictCsv() {
        CsvMapper mapper = new CsvMapper();
        mapper.getFactory().setInputDecorator(new dev.aifunc.problem.StrictUtf8());
        return mapper;
    }

    private static String check(JsonNode row, List<String> required, int maxCellChars) {
        if (row == null || !row.isObject()) {
            return "each row must be an object with named columns";
        }
        for (String column : required) {
            JsonNode cell = row.get(column);
            if (cell == null || cell.isNull() || (cell.isValueNode() ? cell.asText().isBlank() : cell.isEmpty())) {
                return "column '" + column + "' is missing or empty";
            }
        }
        for (var it = row.properties().iterator(); it.hasNext(); ) {
            var cell = it.next();
            if (cell.getValue().isTextual() && cell.getValue().asText().length() > maxCellChars) {
                return "column '" + cell.getKey() + "' is longer than " + maxCellChars + " characters";
            }
            if (cell.getKey().indexOf('\u0000') >= 0 || holdsNul(cell.getValue())) {
                return "column '" + cell.getKey().replace('\u0000', '?') + "' holds a NUL character (U+0000), "
                        + "which text cannot hold";
            }
        }
        return null;
    }

    /** Whether a cell (or any text inside it) holds U+0000, which PostgreSQL text refuses. */
    private static boolean holdsNul(JsonNode node) {
        if (node.isTextual()) {
            return node.asText().indexOf('\u0000') >= 0;
        }
        if (node.isContainerNode()) {
            for (var it = node.iterator(); it.hasNext(); ) {
                if (holdsNul(it.next())) {
                    return true;
                }
            }
            for (var names = node.fieldNames(); names.hasNext(); ) {
                if (names.next().indexOf('\u0000') >= 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private MappingIterator<JsonNode> iterator(Format format, InputStream body, List<String> required) throws IOException {
        if (format == Format.CSV) {
            java.io.BufferedInputStream in = new java.io.BufferedInputStream(body, 1 << 16);
            CsvSchema schema = headerSchema(in, required);
            return csv.readerFor(JsonNode.class).with(schema)
                    .with(com.fasterxml.jackson.dataformat.csv.CsvParser.Feature.SKIP_EMPTY_LINES).readValues(in);
        }
        return mapper.readerFor(JsonNode.class).readValues(mapper.getFactory().createParser(body)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));
    }

    /**
     * The CSV header as a schema: names are trimmed, a required column matches whatever its case
     * ({@code Question} is {@code question}), and a name given twice is refused instead of one of the two columns
     * being silently lost. A header that is one column with semicolons in it is said to be separated by them.
     *
     * @throws ProblemException 422 naming line 1 and the column
     */
    private static final int MAX_HEADER_BYTES = 65_536;

    private CsvSchema headerSchema(java.io.BufferedInputStream in, List<String> required) throws IOException {
        // the header line is taken off the stream here; the row parser reads from line 2 on
        java.io.ByteArrayOutputStream first = new java.io.ByteArrayOutputStream();
        int b = in.read();
        while (b != -1 && b != '\n') {
            if (first.size() >= MAX_HEADER_BYTES) {
                String m = "the header line is longer than " + MAX_HEADER_BYTES + " bytes";
                throw ProblemException.unprocessable("Line 1: " + m + ".", List.of(new Problem.FieldError(null, 1L, m)));
            }
            first.write(b);
            b = in.read();
        }
        List<String> header;
        try (MappingIterator<List<String>> lines = csv.readerForListOf(String.class)
                .with(com.fasterxml.jackson.dataformat.csv.CsvParser.Feature.WRAP_AS_ARRAY)
                .readValues(first.toByteArray())) {
            header = lines.hasNextValue() ? lines.nextValue() : List.of();
        } catch (RuntimeException | IOException e) {
            throw ProblemException.unprocessable(textProblem(e), List.of(new Problem.FieldError(null, 1L, textProblem(e))));
        }
        if (header.size() == 1 && header.get(0).contains(";")) {
            String m = "the header is separated by ';': save the file with commas between columns (CSV UTF-8)";
            throw ProblemException.unprocessable("Line 1: " + m + ".", List.of(new Problem.FieldError(null, 1L, m)));
        }
        CsvSchema.Builder columns = CsvSchema.builder();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String raw : header) {
            String name = raw == null ? "" : raw.strip().replace("\uFEFF", "");
            for (String r : required) {
                if (r.equalsIgnoreCase(name)) {
                    name = r;
                }
            }
            if (!name.isEmpty() && !seen.add(name)) {
                String m = "column '" + name + "' appears twice in the header";
                throw ProblemException.unprocessable("Line 1: " + m + "; name each column once.",
                        List.of(new Problem.FieldError(null, 1L, m)));
            }
            columns.addColumn(name.isEmpty() ? "column" + (seen.size() + 1) : name);
        }
        return columns.build();
    }

    /** An unreadable file in words: not UTF-8 text (a spreadsheet, an image), or broken quoting. */
    private static String textProblem(Exception e) {
        String m = rootMessage(e);
        if (m.contains("UTF-8") || m.contains("UTF8")) {
            return "the file is not UTF-8 text (is it a spreadsheet, an image, or saved in another encoding?); "
                    + "save it as CSV UTF-8";
        }
        return "the header line cannot be read: " + m;
    }

    private static List<String> columns(List<JsonNode> rows) {
        List<String> columns = new ArrayList<>();
        if (!rows.isEmpty() && rows.get(0) instanceof ObjectNode o) {
            o.fieldNames().forEachRemaining(columns::add);
        }
        return columns;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof JsonProcessingException j && j.getOriginalMessage() != null) {
                t = c; // the parser's words without its "at [Source: REDACTED ...]" location (lines are ours)
                break;
            }
        }
        String m = t instanceof JsonProcessingException j ? j.getOriginalMessage() : t.getMessage();
        return m == null ? t.getClass().getSimpleName()
                : m.replaceAll("\\s*at \\[Source: .*", "").replaceAll("\\s*\\(`StreamReadFeature[^)]*\\)", "");
    }
}
