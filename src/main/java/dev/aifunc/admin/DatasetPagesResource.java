package dev.aifunc.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.aifunc.dataset.DatasetImport;
import dev.aifunc.dataset.DatasetKind;
import dev.aifunc.dataset.DatasetService;
import dev.aifunc.dataset.EventImport;
import dev.aifunc.dataset.EventService;
import dev.aifunc.problem.Problem;
import dev.aifunc.problem.ProblemException;
import dev.aifunc.scenario.ScenarioDtos;
import dev.aifunc.scenario.ScenarioService;
import dev.aifunc.scenario.Template;
import dev.aifunc.scenario.TemplateCatalog;
import dev.aifunc.task.Task;
import dev.aifunc.task.TaskRegistry;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * The Datasets tab of a scenario: what each dataset its template reads holds (row count, columns, a sample), an
 * upload form per dataset (CSV with a header row, or JSON Lines) with a progress bar, and the row-level error
 * report when an upload is refused. Recommendation scenarios that learn from events also take event files here.
 * Uploads go through the same services as {@code PUT /api/scenarios/{id}/datasets/{name}} and
 * {@code POST /api/scenarios/{id}/events}, so they are atomic in the same way.
 */
@Path("/admin/scenarios/{id}/datasets")
public class DatasetPagesResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance datasets(DatasetsPage page);
    }

    /**
     * What the page shows.
     *
     * @param scenario the scenario
     * @param cards    one per dataset the template reads
     * @param events   the event log, for scenarios that learn from events, else null
     * @param report   the outcome of the upload just made, or null
     */
    public record DatasetsPage(ScenarioDtos.View scenario, List<Card> cards, EventsCard events, Report report) {
    }

    /**
     * One dataset.
     *
     * @param name     dataset name ({@code faq})
     * @param purpose  what the scenario does with it
     * @param required columns every row needs
     * @param example  a small CSV showing the columns
     * @param summary  what is stored now, or null when nothing is
     */
    public record Card(String name, String purpose, List<String> required, String example,
                       DatasetService.Summary summary) {
    }

    /** The event log: counts and when the last event happened. */
    public record EventsCard(EventService.Stats stats, String example) {
    }

    /**
     * How an upload went.
     *
     * @param dataset the dataset (or {@code events}) uploaded
     * @param ok      whether it was stored
     * @param message what happened, in plain words
     * @param errors  row errors (line and field), at most {@link #MAX_SHOWN_ERRORS}
     * @param hidden  row errors not shown
     */
    public record Report(String dataset, boolean ok, String message, List<Problem.FieldError> errors, int hidden) {
        /** Whether any error names a field (else the Field column is left out). */
        public boolean withFields() {
            return errors.stream().anyMatch(e -> e.field() != null);
        }
    }

    /** Row errors listed on the page; the rest are counted. */
    static final int MAX_SHOWN_ERRORS = 100;

    private static final Map<String, String> PURPOSE = Map.of(
            "faq", "Questions and their answers: a caller's question is matched against the questions, and the "
                    + "answer of the best match comes back.",
            "examples", "Labelled examples: each label learns from its examples, on top of the ones in the settings.",
            "items", "Your catalogue, one row per item: what is recommended and shown.");
    private static final Map<String, String> EXAMPLE = Map.of(
            "faq", "question,answer\nHow long does delivery take?,Two to four working days.\n",
            "examples", "text,label\nMy parcel never arrived,delivery\nI was charged twice,billing\n",
            "items", "id,title,category,description\nsku-1,Trail running shoe,shoes,Light shoe with a grippy sole\n");

    private final ScenarioService scenarios;
    private final TemplateCatalog catalog;
    private final TaskRegistry tasks;
    private final DatasetService datasets;
    private final DatasetImport importer;
    private final EventService events;
    private final EventImport eventImport;
    private final ObjectMapper mapper;

    public DatasetPagesResource(ScenarioService scenarios, TemplateCatalog catalog, TaskRegistry tasks,
                                DatasetService datasets, DatasetImport importer, EventService events,
                                EventImport eventImport, ObjectMapper mapper) {
        this.scenarios = scenarios;
        this.catalog = catalog;
        this.tasks = tasks;
        this.datasets = datasets;
        this.importer = importer;
        this.events = events;
        this.eventImport = eventImport;
        this.mapper = mapper;
    }

    /** The datasets of the scenario and an upload form for each. */
    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public TemplateInstance show(@PathParam("id") String id) {
        return page(scenario(id), null);
    }

    /**
     * Replaces a dataset with an uploaded file (or appends an event file) and shows the outcome: 200 when stored,
     * the refusing status (413, 415, 422) with the row errors otherwise.
     */
    @POST
    @Path("{name}")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public Response upload(@PathParam("id") String id, @PathParam("name") String name,
                           @RestForm("file") FileUpload file) throws IOException {
        ScenarioDtos.View scenario = scenario(id);
        Task<?> task = task(scenario);
        boolean eventsUpload = "events".equals(name) && task.takesEvents();
        if (!eventsUpload && !task.datasets().contains(name)) {
            throw ProblemException.notFound("Scenario '" + id + "' has no dataset '" + name + "'.");
        }
        if (file == null || file.size() == 0) {
            return Response.status(422).entity(page(scenario, new Report(name, false,
                    "Choose a file first: the upload was empty.", List.of(), 0))).build();
        }
        try {
            DatasetService.Format format = format(file);
            String message;
            if (eventsUpload) {
                byte[] body = format == DatasetService.Format.CSV ? csvToJsonLines(file.uploadedFile())
                        : Files.readAllBytes(file.uploadedFile());
                EventService.AppendResult r = eventImport.append(id, body, true);
                message = String.format(Locale.ROOT, "%,d events stored%s; the recommendations are being learned "
                        + "again from them.", r.accepted(), r.duplicates() > 0
                        ? String.format(Locale.ROOT, " (%,d already known by their eventId were skipped)", r.duplicates()) : "");
            } else {
                try (InputStream in = Files.newInputStream(file.uploadedFile())) {
                    DatasetService.Summary s = importer.upload(id, name, format, in);
                    message = String.format(Locale.ROOT, "%,d %s stored in '%s' (revision %d), replacing what "
                            + "was there. The scenario uses them from its next call.", s.rows(), s.rows() == 1 ? "row" : "rows",
                            name, s.revision());
                }
            }
            return Response.ok(page(scenario, new Report(name, true, message, List.of(), 0))).build();
        } catch (ProblemException e) {
            Problem p = e.toProblem(null);
            List<Problem.FieldError> errors = p.errors() == null ? List.of() : p.errors();
            if (eventsUpload) {
                errors = eventLines(errors, format(file) == DatasetService.Format.CSV ? 2 : 1);
            }
            int shown = Math.min(errors.size(), MAX_SHOWN_ERRORS);
            return Response.status(e.status()).entity(page(scenario, new Report(name, false,
                    "Nothing was stored. " + e.getMessage(), errors.subList(0, shown), errors.size() - shown))).build();
        }
    }

    /** {@code events[3].userId} → line 5 (CSV: header and 0-based index), field {@code userId}. */
    static List<Problem.FieldError> eventLines(List<Problem.FieldError> errors, int firstLine) {
        List<Problem.FieldError> out = new ArrayList<>();
        java.util.regex.Pattern at = java.util.regex.Pattern.compile("^events\\[(\\d+)]\\.(.+)$");
        for (Problem.FieldError e : errors) {
            java.util.regex.Matcher m = e.field() == null ? null : at.matcher(e.field());
            out.add(m != null && m.matches()
                    ? new Problem.FieldError(m.group(2), Long.parseLong(m.group(1)) + firstLine, e.message(), e.limit())
                    : e);
        }
        return out;
    }

    private TemplateInstance page(ScenarioDtos.View scenario, Report report) {
        Task<?> task = task(scenario);
        List<Card> cards = new ArrayList<>();
        for (String name : new java.util.TreeSet<>(task.datasets())) {
            cards.add(new Card(name, PURPOSE.getOrDefault(name, "Data the scenario reads."),
                    DatasetKind.requiredColumns(name), EXAMPLE.getOrDefault(name, ""),
                    datasets.describe(scenario.id(), name).orElse(null)));
        }
        EventsCard eventsCard = task.takesEvents() ? new EventsCard(events.stats(scenario.id()),
                "userId,itemId,type,timestamp\nu1,sku-1,view,2026-11-30T10:15:00Z\nu1,sku-1,purchase,2026-11-30T10:20:00Z\n")
                : null;
        return Templates.datasets(new DatasetsPage(scenario, cards, eventsCard, report));
    }

    private Task<?> task(ScenarioDtos.View scenario) {
        Template template = catalog.get(scenario.template()).orElseThrow();
        return tasks.find(template.task()).orElseThrow();
    }

    private ScenarioDtos.View scenario(String id) {
        return scenarios.require(id);
    }

    /** CSV or JSON Lines, from the file name, else from the part's content type. */
    static DatasetService.Format format(FileUpload file) {
        String name = file.fileName() == null ? "" : file.fileName().toLowerCase(Locale.ROOT);
        String type = file.contentType() == null ? "" : file.contentType().toLowerCase(Locale.ROOT).split(";")[0].strip();
        if (name.endsWith(".csv") || type.equals("text/csv")) {
            return DatasetService.Format.CSV;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json") || DatasetService.isJsonLines(type)) {
            return DatasetService.Format.JSON_LINES;
        }
        throw new ProblemException(415, "Unsupported Media Type", "'" + file.fileName() + "' is neither CSV (.csv, "
                + "with a header row) nor JSON Lines (.jsonl, one object per line).", "file", null, null, null);
    }

    /** An events CSV with a header row as JSON Lines; numbers in {@code weight} and epoch timestamps stay numbers. */
    private byte[] csvToJsonLines(java.nio.file.Path csv) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CsvSchema schema = CsvSchema.emptySchema().withHeader();
        try (MappingIterator<Map<String, String>> rows = new CsvMapper().readerFor(Map.class).with(schema)
                .readValues(csv.toFile())) {
            while (rows.hasNextValue()) {
                Map<String, String> row = rows.nextValue();
                ObjectNode event = mapper.createObjectNode();
                row.forEach((k, v) -> {
                    if (v == null || v.isBlank()) {
                        return;
                    }
                    JsonNode number = ("weight".equals(k) || ("timestamp".equals(k) && v.strip().matches("\\d+")))
                            ? SchemaForm.scalar(v.strip(), "number") : null;
                    if (number != null) {
                        event.set(k, number);
                    } else {
                        event.put(k, v.strip());
                    }
                });
                out.write(mapper.writeValueAsBytes(event));
                out.write('\n');
            }
        } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ProblemException.unprocessable("The events CSV cannot be read: " + e.getMessage(), "file", null);
        }
        return out.toByteArray();
    }
}
