package dev.aifunc.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aifunc.invoke.InvokeService;
import dev.aifunc.problem.Problem;
import dev.aifunc.problem.ProblemException;
import dev.aifunc.scenario.ScenarioDtos;
import dev.aifunc.scenario.ScenarioService;
import dev.aifunc.scenario.Template;
import dev.aifunc.scenario.TemplateCatalog;
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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.server.multipart.FormValue;
import org.jboss.resteasy.reactive.server.multipart.MultipartFormDataInput;

/**
 * The playground of a scenario: a form generated from the template's input schema (a file chooser for images), run
 * through the same {@link InvokeService} as {@code POST /api/scenarios/{id}/invoke}, and the answer drawn for
 * people ({@link PlaygroundView}) beside the raw JSON.
 */
@Path("/admin/scenarios/{id}/playground")
public class PlaygroundResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance playground(PlaygroundPage page);
    }

    /**
     * What the playground page shows.
     *
     * @param scenario the scenario, at its active version
     * @param template its template
     * @param image    whether it takes an image
     * @param fields   the input controls
     * @param result   the drawn answer of the last run, or null
     * @param problem  why the last run was refused, in plain words, or null
     * @param note     a remark on the last run (e.g. which image was used), or null
     * @param millis   time the call took in the service, ms
     * @param version  the version that answered
     */
    public record PlaygroundPage(ScenarioDtos.View scenario, Template template, boolean image,
                                 List<SchemaForm.Field> fields, PlaygroundView result, String problem, String note,
                                 String millis, int version) {
    }

    private static final String IMAGE_FIELD = "input.image";

    private final ScenarioService scenarios;
    private final TemplateCatalog catalog;
    private final TaskRegistry tasks;
    private final InvokeService invoke;
    private final ObjectMapper mapper;

    public PlaygroundResource(ScenarioService scenarios, TemplateCatalog catalog, TaskRegistry tasks,
                              InvokeService invoke, ObjectMapper mapper) {
        this.scenarios = scenarios;
        this.catalog = catalog;
        this.tasks = tasks;
        this.invoke = invoke;
        this.mapper = mapper;
    }

    /** The empty playground, filled with the template's example input. */
    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public TemplateInstance show(@PathParam("id") String id) {
        ScenarioDtos.View scenario = scenario(id);
        Template template = catalog.get(scenario.template()).orElseThrow();
        return page(scenario, template, template.exampleInput(), List.of(), null, null, null, null, scenario.version());
    }

    /** Runs the scenario on the submitted input and shows the answer (or what was wrong with the input). */
    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public Response run(@PathParam("id") String id, MultipartFormDataInput form) throws IOException {
        ScenarioDtos.View scenario = scenario(id);
        Template template = catalog.get(scenario.template()).orElseThrow();
        boolean image = takesImage(template);
        Map<String, List<String>> params = new LinkedHashMap<>();
        byte[] imageBytes = null;
        String emptyFile = null;
        for (Map.Entry<String, java.util.Collection<FormValue>> e : form.getValues().entrySet()) {
            for (FormValue v : e.getValue()) {
                if (IMAGE_FIELD.equals(e.getKey())) {
                    boolean chosen = v.getFileName() != null && !v.getFileName().isBlank();
                    if (v.isFileItem() && Files.size(v.getFileItem().getFile()) > 0) {
                        imageBytes = Files.readAllBytes(v.getFileItem().getFile());
                    } else if (chosen) {
                        emptyFile = v.getFileName();
                    }
                } else if (!v.isFileItem()) {
                    params.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(v.getValue());
                }
            }
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        ObjectNode input = FormValues.read(template.inputSchema(), "input", params, errors);
        input.remove("image");
        String note = null;
        if (image && emptyFile != null) {
            return Response.status(422).entity(page(scenario, template, input, List.of(), null,
                    "The file '" + emptyFile + "' is empty (0 bytes); choose another one.", null, null,
                    scenario.version())).build();
        }
        if (image && imageBytes == null) {
            String example = template.exampleInput() == null ? "" : template.exampleInput().path("image").asText("");
            if (example.isEmpty()) {
                return Response.status(422).entity(page(scenario, template, input, List.of(), null,
                        "Choose an image file to run the scenario on.", null, null, scenario.version())).build();
            }
            imageBytes = Base64.getMimeDecoder().decode(example.replaceFirst("^data:[^,]*,", ""));
            note = "No file was chosen, so the template's example image was used.";
        }
        if (!errors.isEmpty()) {
            return Response.status(422).entity(page(scenario, template, input, errors, null,
                    "Some fields need a change; they are marked below.", note, null, scenario.version())).build();
        }
        try {
            InvokeService.Result result = image ? invoke.invokeImage(id, input.deepCopy(), imageBytes)
                    : invoke.invoke(id, mapper.writeValueAsBytes(input));
            JsonNode output = mapper.valueToTree(result.output());
            String imageUrl = image ? "data:" + mediaType(imageBytes) + ";base64,"
                    + Base64.getEncoder().encodeToString(imageBytes) : null;
            return Response.ok(page(scenario, template, input, List.of(), PlaygroundView.of(output, input, imageUrl),
                    null, note, String.format(java.util.Locale.ROOT, "%.1f", result.millis()), result.version())).build();
        } catch (ProblemException e) {
            Problem p = e.toProblem(null);
            List<Problem.FieldError> fieldErrors = new ArrayList<>();
            if (p.errors() != null) {
                p.errors().forEach(fe -> fieldErrors.add(new Problem.FieldError("input." + fe.field(), fe.line(),
                        fe.message(), fe.limit())));
            } else if (p.field() != null) {
                fieldErrors.add(new Problem.FieldError("input." + p.field(), null, e.getMessage(), p.limit()));
            }
            String problem = e.status() == 503 ? "Not ready yet: " + e.getMessage()
                    : "The scenario refused this input: " + e.getMessage();
            return Response.status(e.status()).entity(page(scenario, template, input, fieldErrors,
                    null, problem, note, null, scenario.version())).build();
        }
    }

    private TemplateInstance page(ScenarioDtos.View scenario, Template template, JsonNode values,
                                  List<Problem.FieldError> errors, PlaygroundView result, String problem, String note,
                                  String millis, int version) {
        boolean image = takesImage(template);
        List<SchemaForm.Field> fields = new ArrayList<>();
        // an input field left empty takes the scenario's setting of the same name (e.g. output, topK)
        JsonNode defaults = template.effectiveConfig(scenario.config());
        for (SchemaForm.Field f : SchemaForm.fields(template.inputSchema(), "input", values, defaults, Map.of(), errors)) {
            fields.add(image && IMAGE_FIELD.equals(f.name())
                    ? new SchemaForm.Field(f.name(), f.id(), "Image file", "file",
                    "JPEG, PNG, GIF, BMP or WebP. Without a file, the template's example image is used.", "", "",
                    List.of(), null, null, null, null, false, List.of(), List.of(), f.error())
                    : f);
        }
        return Templates.playground(new PlaygroundPage(scenario, template, image, fields, result, problem, note,
                millis, version));
    }

    private boolean takesImage(Template template) {
        return tasks.takesImage(template.task());
    }

    private ScenarioDtos.View scenario(String id) {
        return scenarios.require(id);
    }

    /** The media type of image bytes by their signature, for the {@code data:} URL. */
    static String mediaType(byte[] b) {
        String head = new String(b, 0, Math.min(b.length, 12), StandardCharsets.ISO_8859_1);
        if (head.startsWith("\u0089PNG")) {
            return "image/png";
        }
        if (head.startsWith("GIF8")) {
            return "image/gif";
        }
        if (head.startsWith("BM")) {
            return "image/bmp";
        }
        if (head.startsWith("RIFF") && head.length() >= 12 && head.substring(8, 12).equals("WEBP")) {
            return "image/webp";
        }
        return "image/jpeg";
    }
}
