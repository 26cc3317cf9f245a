package dev.aifunc.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aifunc.problem.Problem;
import dev.aifunc.problem.ProblemException;
import dev.aifunc.scenario.JsonSchemas;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The function call: decodes a JSON input, validates it against the template's input schema, and runs the task of
 * the scenario's active version. Batches keep order and report errors per item.
 */
@ApplicationScoped
public class InvokeService implements dev.aifunc.scenario.ScenarioWarmer {

    /**
     * Result of one call with the metadata that goes into response headers.
     *
     * @param millis      time in the service (ms)
     * @param modelMillis of which waiting for model inference, its batch included (ms)
     */
    public record Result(Object output, int version, String model, double millis, double modelMillis) {
    }

    /** Result of a batch: one entry per input, either an output or {@code {"error": problem}}; times as in Result. */
    public record BatchResult(List<Object> outputs, int version, double millis, double modelMillis) {
    }

    /** A failed batch item. */
    public record ItemError(Problem error) {
    }

    private final ScenarioRuntimes runtimes;
    private final ObjectMapper mapper;
    private final InvokeConfig config;
    private final ImageDecoder images;
    private final ImagesConfig imageLimits;

    @jakarta.inject.Inject
    dev.aifunc.evaluation.ShadowTraffic shadow;

    public InvokeService(ScenarioRuntimes runtimes, ObjectMapper mapper, InvokeConfig config, ImageDecoder images,
                         ImagesConfig imageLimits) {
        this.runtimes = runtimes;
        this.mapper = mapper;
        this.config = config;
        this.images = images;
        this.imageLimits = imageLimits;
    }

    /**
     * Largest body of one invoke call, in bytes: {@code aifunc.invoke.max-body-bytes} (1 MiB), or for a task that
     * takes an image, {@code aifunc.images.max-bytes} as base64 (4 bytes for 3) plus 64 KiB for the other fields
     * (about 28 MB for 20 MiB). {@link BodySizeLimit} applies it to the {@code Content-Length} before the body is read.
     */
    public long maxBodyBytes(boolean takesImage) {
        return takesImage ? imageLimits.maxBytes() * 4L / 3 + 65_536 : config.maxBodyBytes();
    }

    /** Largest invoke-batch body, in bytes ({@code aifunc.invoke.max-batch-body-bytes}, 8 MiB). */
    public long maxBatchBodyBytes() {
        return config.maxBatchBodyBytes();
    }

    /**
     * Runs one input.
     *
     * @param body the request body, UTF-8 JSON
     * @throws ProblemException 400 unreadable JSON, 404 unknown scenario, 413 body over the limit, 422 input that
     *                          breaks the schema, 503 model still loading
     */
    public Result invoke(String scenarioId, byte[] body) {
        long t0 = System.nanoTime();
        dev.aifunc.model.InferenceTime.reset();
        ScenarioRuntimes.Runtime runtime = runtimes.runtime(scenarioId, null);
        long limit = maxBodyBytes(runtime.task().takesImage());
        if (body.length > limit) {
            throw ProblemException.tooLarge("The request body has " + body.length + " bytes; the limit is "
                    + limit + ".", "(body)", limit + " bytes");
        }
        JsonNode input = readJson(body);
        List<Problem.FieldError> errors = JsonSchemas.validate(runtime.snapshot().template().compiledInputSchema(), input, "");
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        if (runtime.task().takesImage()) {
            com.fasterxml.jackson.databind.node.ObjectNode fields = ((com.fasterxml.jackson.databind.node.ObjectNode) input).deepCopy();
            byte[] image = base64Image(fields.remove("image"), "image");
            return runImage(runtime, fields, image, t0);
        }
        long task0 = System.nanoTime();
        Object output = dev.aifunc.model.BatchingOptions.with(runtime.snapshot().config(),
                () -> runtime.task().invoke(runtime.state(), input));
        shadow.offer(runtime, input, null, output, (System.nanoTime() - task0) / 1e6);
        return new Result(output, runtime.snapshot().version(), modelOf(output), (System.nanoTime() - t0) / 1e6,
                dev.aifunc.model.InferenceTime.millis());
    }

    /**
     * Runs an image task with the image given as bytes (multipart part or raw body) and the other input fields.
     *
     * @param fields other input fields (strings from form fields or query parameters)
     * @throws ProblemException 415 when the scenario's template takes no image or the bytes are no image;
     *                          413 / 422 as {@link ImageDecoder#decode}; 422 fields that break the input schema
     */
    public Result invokeImage(String scenarioId, com.fasterxml.jackson.databind.node.ObjectNode fields, byte[] image) {
        long t0 = System.nanoTime();
        dev.aifunc.model.InferenceTime.reset();
        ScenarioRuntimes.Runtime runtime = requireImageTask(scenarioId);
        coerce(fields, runtime.snapshot().template().inputSchema());
        com.fasterxml.jackson.databind.node.ObjectNode withImage = fields.deepCopy();
        withImage.put("image", "(binary)");
        List<Problem.FieldError> errors = JsonSchemas.validate(runtime.snapshot().template().compiledInputSchema(), withImage, "");
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        return runImage(runtime, fields, image, t0);
    }

    /**
     * The runtime of a scenario that takes images.
     *
     * @throws ProblemException 404 unknown scenario; 415 when its template takes JSON, not an image
     */
    public ScenarioRuntimes.Runtime requireImageTask(String scenarioId) {
        ScenarioRuntimes.Runtime runtime = runtimes.runtime(scenarioId, null);
        if (!runtime.task().takesImage()) {
            throw new ProblemException(415, "Unsupported Media Type", "Scenario '" + scenarioId + "' takes "
                    + "application/json, not an image or a form.", "Content-Type", null, null, null);
        }
        return runtime;
    }

    /**
     * Form fields and query parameters arrive as strings: turns those the input schema types as integer, number or
     * boolean into JSON numbers and booleans ({@code topK=5} → 5). A value that does not parse stays a string, so the
     * schema check names the field.
     */
    public static void coerce(com.fasterxml.jackson.databind.node.ObjectNode fields, JsonNode inputSchema) {
        JsonNode properties = inputSchema == null ? null : inputSchema.get("properties");
        if (properties == null) {
            return;
        }
        List<String> names = new ArrayList<>();
        fields.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            JsonNode value = fields.get(name);
            String type = properties.path(name).path("type").asText("");
            if (!value.isTextual() || type.isEmpty()) {
                continue;
            }
            String text = value.asText().strip();
            try {
                switch (type) {
                    case "integer" -> fields.put(name, Long.parseLong(text));
                    case "number" -> {
                        double d = Double.parseDouble(text);
                        if (Double.isFinite(d)) {
                            fields.put(name, d);
                        }
                    }
                    case "boolean" -> {
                        if (text.equals("true") || text.equals("false")) {
                            fields.put(name, Boolean.parseBoolean(text));
                        }
                    }
                    default -> {
                        // strings stay strings; arrays and objects cannot come from a form field
                    }
                }
            } catch (NumberFormatException e) {
                // left as text: the schema check reports it with the field's name
            }
        }
    }

    private Result runImage(ScenarioRuntimes.Runtime runtime, JsonNode fields, byte[] bytes, long t0) {
        dev.aifunc.task.DecodedImage image = images.decode(bytes, "image");
        long task0 = System.nanoTime();
        Object output = runtime.task().invokeImage(runtime.state(), fields, image);
        shadow.offer(runtime, fields, image, output, (System.nanoTime() - task0) / 1e6);
        return new Result(output, runtime.snapshot().version(), modelOf(output), (System.nanoTime() - t0) / 1e6,
                dev.aifunc.model.InferenceTime.millis());
    }

    /**
     * The bytes of a base64 string or a {@code data:image/...;base64,} URL.
     *
     * @throws ProblemException 422 naming {@code field} when it is neither
     */
    public static byte[] base64Image(JsonNode node, String field) {
        String text = node == null ? "" : node.asText("");
        int comma = text.indexOf(',');
        if (text.startsWith("data:") && comma > 0) {
            if (!text.substring(0, comma).endsWith(";base64")) {
                throw ProblemException.unprocessable("'" + field + "' is a data URL without ;base64.", field, null);
            }
            text = text.substring(comma + 1);
        }
        try {
            return java.util.Base64.getDecoder().decode(text.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw ProblemException.unprocessable("'" + field + "' is not valid base64: " + e.getMessage(), field, null);
        }
    }

    /**
     * Runs {@code {"inputs": [...]}}.
     *
     * @throws ProblemException 400 unreadable JSON, 413 over the byte limit, 422 when {@code inputs} is missing,
     *                          empty or longer than {@code aifunc.invoke.max-batch-size}
     */
    public BatchResult invokeBatch(String scenarioId, byte[] body) {
        return invokeBatch(scenarioId, body, n -> { });
    }

    /**
     * {@link #invokeBatch(String, byte[])}, telling {@code beforeRun} how many inputs the batch has once the body
     * is read and before any input runs (the rate limiter counts each input as a call).
     */
    public BatchResult invokeBatch(String scenarioId, byte[] body, java.util.function.IntConsumer beforeRun) {
        long t0 = System.nanoTime();
        dev.aifunc.model.InferenceTime.reset();
        ScenarioRuntimes.Runtime runtime = runtimes.runtime(scenarioId, null);
        if (body.length > config.maxBatchBodyBytes()) {
            throw ProblemException.tooLarge("The request body has " + body.length + " bytes; the limit is "
                    + config.maxBatchBodyBytes() + ".", "(body)", config.maxBatchBodyBytes() + " bytes");
        }
        JsonNode request = readJson(body);
        JsonNode inputs = request.get("inputs");
        if (inputs == null || !inputs.isArray()) {
            throw ProblemException.unprocessable("The body must be {\"inputs\": [ ... ]}.", "inputs", null);
        }
        if (inputs.isEmpty()) {
            throw ProblemException.unprocessable("'inputs' is empty; send 1 to " + config.maxBatchSize() + " inputs.",
                    "inputs", "1.." + config.maxBatchSize() + " items");
        }
        if (inputs.size() > config.maxBatchSize()) {
            throw ProblemException.unprocessable("'inputs' has " + inputs.size() + " items; the limit is "
                    + config.maxBatchSize() + ".", "inputs", config.maxBatchSize() + " items");
        }
        beforeRun.accept(inputs.size());
        Object[] outputs = new Object[inputs.size()];
        List<Integer> valid = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            List<Problem.FieldError> errors = JsonSchemas.validate(
                    runtime.snapshot().template().compiledInputSchema(), inputs.get(i), "inputs[" + i + "]");
            if (errors.isEmpty()) {
                valid.add(i);
            } else {
                outputs[i] = new ItemError(invalid(errors).toProblem(null));
            }
        }
        List<JsonNode> validInputs = valid.stream().map(inputs::get).toList();
        if (runtime.task().takesImage()) {
            for (int j = 0; j < valid.size(); j++) {
                try {
                    com.fasterxml.jackson.databind.node.ObjectNode fields =
                            ((com.fasterxml.jackson.databind.node.ObjectNode) validInputs.get(j)).deepCopy();
                    byte[] bytes = base64Image(fields.remove("image"), "inputs[" + valid.get(j) + "].image");
                    dev.aifunc.task.DecodedImage image = images.decode(bytes, "inputs[" + valid.get(j) + "].image");
                    long task0 = System.nanoTime();
                    outputs[valid.get(j)] = runtime.task().invokeImage(runtime.state(), fields, image);
                    shadow.offer(runtime, fields, image, outputs[valid.get(j)], (System.nanoTime() - task0) / 1e6);
                } catch (ProblemException itemFailure) {
                    if (itemFailure.status() == 503) {
                        throw itemFailure;
                    }
                    outputs[valid.get(j)] = new ItemError(itemFailure.toProblem(null));
                }
            }
            return new BatchResult(List.of(outputs), runtime.snapshot().version(), (System.nanoTime() - t0) / 1e6,
                dev.aifunc.model.InferenceTime.millis());
        }
        try {
            long task0 = System.nanoTime();
            List<Object> results = runtime.task().invokeAll(runtime.state(), validInputs);
            double perItem = (System.nanoTime() - task0) / 1e6 / Math.max(1, validInputs.size());
            for (int j = 0; j < valid.size(); j++) {
                outputs[valid.get(j)] = results.get(j);
                shadow.offer(runtime, validInputs.get(j), null, results.get(j), perItem);
            }
        } catch (ProblemException batchFailure) {
            if (batchFailure.status() == 503) {
                throw batchFailure;
            }
            // one item broke a rule the schema cannot express: run items one by one to blame the right ones
            for (int j = 0; j < valid.size(); j++) {
                try {
                    outputs[valid.get(j)] = runtime.task().invoke(runtime.state(), validInputs.get(j));
                } catch (ProblemException itemFailure) {
                    outputs[valid.get(j)] = new ItemError(itemFailure.toProblem(null));
                }
            }
        }
        return new BatchResult(List.of(outputs), runtime.snapshot().version(), (System.nanoTime() - t0) / 1e6,
                dev.aifunc.model.InferenceTime.millis());
    }

    @Override
    public void warm(String scenarioId) {
        try {
            runtimes.runtime(scenarioId, null);
        } catch (ProblemException e) {
            // a model still loading, or a config that needs a dataset first: the first call prepares it instead
        }
    }

    private JsonNode readJson(byte[] body) {
        if (body.length == 0) {
            throw ProblemException.badRequest("The request body is empty; send a JSON object.", "(body)");
        }
        try {
            JsonNode node = mapper.readTree(body);
            if (node == null || !node.isObject()) {
                throw ProblemException.unprocessable("The request body must be a JSON object.", "(body)", null);
            }
            return node;
        } catch (IOException e) {
            String message = e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                    ? dev.aifunc.problem.ProblemMappers.parserMessage(j) : e.getMessage();
            throw ProblemException.badRequest("The request body is not valid UTF-8 JSON: " + message, "(body)");
        }
    }

    private static ProblemException invalid(List<Problem.FieldError> errors) {
        Problem.FieldError first = errors.get(0);
        return ProblemException.unprocessable("Invalid input: " + first.field() + " " + first.message(), errors);
    }

    private static String modelOf(Object output) {
        return output instanceof dev.aifunc.task.ModelOutput m ? m.model() : null;
    }
}
