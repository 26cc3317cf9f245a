package dev.aifunc.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aifunc.evaluation.EvaluationService;
import dev.aifunc.evaluation.ShadowService;
import dev.aifunc.problem.Problem;
import dev.aifunc.problem.ProblemException;
import dev.aifunc.scenario.ScenarioDtos;
import dev.aifunc.scenario.ScenarioService;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * The Evaluate tab of a scenario: upload labelled data for a version, follow the run's progress, read the metrics,
 * the confusion matrix as a heat map and the rows it got wrong; compare two versions on the same data; and shadow
 * mode (start a candidate, its agreement chart, promote or drop it). Over the same services as the API.
 */
@Path("/admin/scenarios/{id}/evaluate")
@Produces(MediaType.TEXT_HTML)
public class EvaluationPagesResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance evaluate(EvaluatePage page);

        static native TemplateInstance evaluation(EvaluationPage page);

        static native TemplateInstance compare(ComparePage page);
    }

    /** A version to choose in a form. */
    public record VersionOption(int version, String name, boolean active) {
    }

    /** One evaluation in the list. */
    public record Row(long id, int version, String status, int percent, String headline, String value, int rows,
                      String createdAt, String data) {
    }

    /** The Evaluate tab. */
    public record EvaluatePage(ScenarioDtos.View scenario, boolean evaluable, List<VersionOption> versions,
                               boolean ranking, List<Row> evaluations, ShadowService.Status shadow, String shadowJson,
                               String message, List<Problem.FieldError> errors, String expectedColumn, String example) {
    }

    /** A named number. */
    public record Metric(String name, String value) {
    }

    /** The confusion matrix: one row per expected label, each cell a count and its share of the row (0..100). */
    public record Matrix(List<String> labels, List<MatrixRow> rows) {
    }

    /** One row of the matrix. */
    public record MatrixRow(String label, List<Cell> cells) {
    }

    /** One cell: its count, the share of its row (0..100, the heat) and whether it is on the diagonal. */
    public record Cell(int count, int heat, boolean diagonal) {
    }

    /** One label's precision, recall, F1 and support. */
    public record LabelRow(String label, String precision, String recall, String f1, int support) {
    }

    /** One row it got wrong. */
    public record Wrong(int row, String input, String expected, String answer, String error) {
    }

    /** One evaluation's page. */
    public record EvaluationPage(ScenarioDtos.View scenario, EvaluationService.View evaluation, int percent,
                                 List<Metric> metrics, Matrix matrix, List<LabelRow> labels, List<Wrong> wrong,
                                 List<VersionOption> versions, List<Row> sameData) {
    }

    /** A metric of two evaluations. */
    public record Delta(String name, String base, String candidate, String delta, String verdict) {
    }

    /** The comparison page. */
    public record ComparePage(ScenarioDtos.View scenario, EvaluationService.Comparison comparison, List<Delta> deltas,
                              List<CompareRow> examples) {
    }

    /** A row on which the two versions differ, in words. */
    public record CompareRow(int row, String input, String expected, String base, boolean baseCorrect,
                             String candidate, boolean candidateCorrect) {
    }

    /** Metrics where less is better. */
    private static final java.util.Set<String> LOWER_IS_BETTER = java.util.Set.of("errors", "edits", "cer", "meanCer");
    /** Counts and settings that are neither better nor worse. */
    private static final java.util.Set<String> NEUTRAL = java.util.Set.of("rows", "characters", "rowsExpectingNoMatch",
            "noMatchRate");

    private final ScenarioService scenarios;
    private final EvaluationService evaluations;
    private final ShadowService shadow;
    private final ObjectMapper mapper;

    @jakarta.inject.Inject
    dev.aifunc.evaluation.Scorers scorers;

    @jakarta.inject.Inject
    dev.aifunc.scenario.TemplateCatalog catalog;

    public EvaluationPagesResource(ScenarioService scenarios, EvaluationService evaluations, ShadowService shadow,
                                   ObjectMapper mapper) {
        this.scenarios = scenarios;
        this.evaluations = evaluations;
        this.shadow = shadow;
        this.mapper = mapper;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance show(@PathParam("id") String id, @QueryParam("shadow") String shadowMessage) {
        return page(id, "started".equals(shadowMessage) ? "Shadow mode is on: the candidate answers every call in the "
                + "background; callers still get the active version's answers."
                : "stopped".equals(shadowMessage) ? "Shadow mode is off." : null, List.of());
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(hidden = true)
    public Response start(@PathParam("id") String id, @RestForm("file") FileUpload file,
                          @RestForm("version") Integer version, @RestForm("k") Integer k) throws IOException {
        scenarios.require(id);
        if (file == null || file.size() == 0) {
            return Response.status(422).entity(page(id, "Choose a file of labelled data first: the upload was empty.",
                    List.of())).build();
        }
        try (InputStream in = Files.newInputStream(file.uploadedFile())) {
            String type = DatasetPagesResource.format(file) == dev.aifunc.dataset.DatasetService.Format.CSV
                    ? "text/csv" : "application/x-ndjson";
            EvaluationService.View started = evaluations.start(id, version, type, in, k, null);
            return Response.seeOther(URI.create("/admin/scenarios/" + id + "/evaluate/" + started.id())).build();
        } catch (ProblemException e) {
            Problem p = e.toProblem(null);
            List<Problem.FieldError> errors = p.errors() == null ? List.of() : p.errors();
            return Response.status(e.status()).entity(page(id, e.getMessage(),
                    errors.subList(0, Math.min(errors.size(), 50)))).build();
        }
    }

    @GET
    @Path("{evaluationId: [0-9]+}")
    @Operation(hidden = true)
    public TemplateInstance evaluation(@PathParam("id") String id, @PathParam("evaluationId") long evaluationId) {
        ScenarioDtos.View scenario = scenarios.require(id);
        EvaluationService.View v = evaluations.get(id, evaluationId);
        List<Metric> metrics = new ArrayList<>();
        Matrix matrix = null;
        List<LabelRow> labels = new ArrayList<>();
        if (v.metrics() != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = v.metrics().properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> m = it.next();
                if (m.getValue().isNumber()) {
                    metrics.add(new Metric(m.getKey(), number(m.getValue())));
                }
            }
            JsonNode cm = v.metrics().get("confusionMatrix");
            if (cm != null) {
                List<String> names = new ArrayList<>();
                cm.path("labels").forEach(l -> names.add(l.asText()));
                List<MatrixRow> rows = new ArrayList<>();
                for (int r = 0; r < names.size(); r++) {
                    JsonNode counts = cm.path("matrix").path(r);
                    int total = 0;
                    for (JsonNode c : counts) {
                        total += c.asInt();
                    }
                    List<Cell> cells = new ArrayList<>();
                    for (int c = 0; c < names.size(); c++) {
                        int count = counts.path(c).asInt();
                        cells.add(new Cell(count, total == 0 ? 0 : Math.round(100f * count / total), r == c));
                    }
                    rows.add(new MatrixRow(names.get(r), cells));
                }
                matrix = new Matrix(names, rows);
            }
            v.metrics().path("perLabel").properties().forEach(e -> labels.add(new LabelRow(e.getKey(),
                    number(e.getValue().get("precision")), number(e.getValue().get("recall")),
                    number(e.getValue().get("f1")), e.getValue().path("support").asInt())));
        }
        List<Wrong> wrong = new ArrayList<>();
        if (v.wrong() != null) {
            v.wrong().forEach(w -> wrong.add(wrong(w)));
        }
        List<Row> sameData = evaluations.list(id).stream()
                .filter(o -> o.id() != v.id() && o.dataSha256().equals(v.dataSha256()) && o.status().equals("done"))
                .map(this::row).toList();
        return Templates.evaluation(new EvaluationPage(scenario, v, (int) Math.round(v.progress() * 100), metrics,
                matrix, labels, wrong, versions(id), sameData));
    }

    @POST
    @Path("{evaluationId: [0-9]+}/rerun")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Response rerun(@PathParam("id") String id, @PathParam("evaluationId") long evaluationId,
                          @RestForm("version") Integer version) {
        EvaluationService.View base = evaluations.get(id, evaluationId);
        EvaluationService.View started = evaluations.start(id, version, null, InputStream.nullInputStream(), base.k(),
                evaluationId);
        return Response.seeOther(URI.create("/admin/scenarios/" + id + "/evaluate/" + started.id())).build();
    }

    @POST
    @Path("{evaluationId: [0-9]+}/cancel")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Response cancel(@PathParam("id") String id, @PathParam("evaluationId") long evaluationId) {
        evaluations.cancel(id, evaluationId);
        return Response.seeOther(URI.create("/admin/scenarios/" + id + "/evaluate/" + evaluationId)).build();
    }

    @GET
    @Path("compare")
    @Operation(hidden = true)
    public TemplateInstance compare(@PathParam("id") String id, @QueryParam("base") Long base,
                                    @QueryParam("candidate") Long candidate) {
        if (base == null || candidate == null) {
            throw ProblemException.unprocessable("Choose two evaluations to compare.", base == null ? "base" : "candidate", null);
        }
        ScenarioDtos.View scenario = scenarios.require(id);
        EvaluationService.Comparison c = evaluations.compare(id, base, candidate);
        List<Delta> deltas = new ArrayList<>();
        c.deltas().forEach((name, delta) -> {
            if (!NEUTRAL.contains(name)) {
                String verdict = Math.abs(delta) < 1e-12 ? "same"
                        : (delta > 0) != LOWER_IS_BETTER.contains(name) ? "better" : "worse";
                JsonNode b = c.base().metrics().get(name);
                boolean count = b != null && b.isIntegralNumber();
                deltas.add(new Delta(name, number(b), number(c.candidate().metrics().get(name)),
                        count ? String.format(Locale.ROOT, "%+d", Math.round(delta))
                                : String.format(Locale.ROOT, "%+.4f", delta), verdict));
            }
        });
        List<CompareRow> rows = c.examples().stream().map(x -> new CompareRow(x.row(), x.input(), answer(x.expected()),
                answer(x.base()), x.baseCorrect(), answer(x.candidate()), x.candidateCorrect())).toList();
        return Templates.compare(new ComparePage(scenario, c, deltas, rows));
    }

    @POST
    @Path("shadow")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Response shadowStart(@PathParam("id") String id, @RestForm("version") Integer version) {
        if (version == null) {
            return Response.status(422).entity(page(id, "Choose the version that should answer in the background.",
                    List.of())).build();
        }
        try {
            shadow.start(id, version);
        } catch (ProblemException e) {
            return Response.status(e.status()).entity(page(id, e.getMessage(), List.of())).build();
        }
        return Response.seeOther(URI.create("/admin/scenarios/" + id + "/evaluate?shadow=started#shadow")).build();
    }

    @POST
    @Path("shadow/stop")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Response shadowStop(@PathParam("id") String id) {
        shadow.stop(id);
        return Response.seeOther(URI.create("/admin/scenarios/" + id + "/evaluate?shadow=stopped#shadow")).build();
    }

    @POST
    @Path("shadow/promote")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Response shadowPromote(@PathParam("id") String id) {
        ScenarioDtos.View promoted = shadow.promote(id);
        return Response.seeOther(URI.create("/admin/scenarios/" + id + "?activated=" + promoted.version())).build();
    }

    private TemplateInstance page(String id, String message, List<Problem.FieldError> errors) {
        ScenarioDtos.View scenario = scenarios.require(id);
        ShadowService.Status status = shadow.status(id);
        String json;
        try {
            json = mapper.writeValueAsString(status.perMinute()).replace("</", "<\\/");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        java.util.Optional<dev.aifunc.evaluation.Scorer> scorer = catalog.get(scenario.template())
                .flatMap(t -> scorers.forTask(t.task()));
        boolean ranking = scorer.filter(x -> x instanceof dev.aifunc.evaluation.RankingScorer).isPresent();
        String column = scorer.map(dev.aifunc.evaluation.Scorer::expectedColumn).orElse("");
        String example = switch (scenario.template()) {
            case "faq-matching" -> "question,answer\nWhen will my parcel arrive?,Delivery takes 2 to 4 working days.\nWhat is the capital of Peru?,\n";
            case "ocr" -> "{\"image\": \"<base64 of a PNG or JPEG>\", \"text\": \"the text it shows\"}\n";
            case "personalized-recommendations" -> "{\"userId\": \"u1\", \"items\": [\"sku-7\", \"sku-9\"]}\n";
            case "similar-items" -> "{\"itemId\": \"sku-1\", \"items\": [\"sku-2\", \"sku-5\"]}\n";
            case "image-classification", "product-category" -> "{\"image\": \"<base64 of a PNG or JPEG>\", \"label\": \"Sneaker\"}\n";
            default -> "text,label\nThe battery died after two days.,negative\nWorks perfectly.,positive\n";
        };
        return Templates.evaluate(new EvaluatePage(scenario, scorer.isPresent(), versions(id), ranking,
                evaluations.list(id).stream().map(this::row).toList(), status, json, message, errors, column, example));
    }

    private List<VersionOption> versions(String id) {
        return scenarios.versions(id).orElse(List.of()).stream()
                .map(v -> new VersionOption(v.version(), v.name(), v.active())).toList();
    }

    private Row row(EvaluationService.View v) {
        return new Row(v.id(), v.version(), v.status(), (int) Math.round(v.progress() * 100), v.headline(),
                v.headlineValue() == null ? "" : String.format(Locale.ROOT, "%.4f", v.headlineValue()), v.rows(),
                AdminFormats.friendly(v.createdAt()), v.dataSha256().substring(0, 8));
    }

    private static Wrong wrong(JsonNode w) {
        return new Wrong(w.path("row").asInt(), w.path("input").asText(), answer(w.get("expected")),
                answer(w.get("answer")), w.path("error").isNull() ? null : w.path("error").asText(null));
    }

    /** An answer for people: text as is, a list of ids joined, none as a dash. */
    static String answer(JsonNode a) {
        if (a == null || a.isNull() || a.isMissingNode()) {
            return "–";
        }
        if (a.isArray()) {
            List<String> ids = new ArrayList<>();
            a.forEach(i -> ids.add(i.asText()));
            return String.join(", ", ids);
        }
        return a.asText().isEmpty() ? "(no match expected)" : a.asText();
    }

    private static String number(JsonNode n) {
        if (n == null || n.isNull()) {
            return "–";
        }
        return n.isIntegralNumber() ? String.valueOf(n.asLong()) : String.format(Locale.ROOT, "%.4f", n.asDouble());
    }
}
