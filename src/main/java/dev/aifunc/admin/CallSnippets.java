package dev.aifunc.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * The "Call it" panel of a scenario: the exact request to invoke it, in curl, Java (java.net.http), JavaScript
 * (fetch) and Python (standard library), with the service's real URL and the template's example input. Image
 * templates send the image file as the raw body instead of base64 in JSON.
 *
 * @param curl       a shell command
 * @param java       a Java 17 snippet
 * @param javascript a browser / Node 18+ snippet
 * @param python     a Python 3 snippet
 * @param sdk        how to generate a typed client with openapi-generator, and the call through it (Java)
 */
public record CallSnippets(String curl, String java, String javascript, String python, String sdk) {

    /**
     * Snippets for one scenario.
     *
     * @param baseUrl      the service's URL without a trailing slash (e.g. {@code http://localhost:8080})
     * @param exampleInput the template's example input
     * @param image        whether the template takes an image
     * @param operationId  the scenario's operation in the OpenAPI document (its method in generated clients)
     */
    public static CallSnippets of(String baseUrl, String scenarioId, JsonNode exampleInput, boolean image,
                                  String operationId) {
        String url = baseUrl + "/api/scenarios/" + scenarioId + "/invoke";
        String sdk = sdk(baseUrl, scenarioId, exampleInput, image, operationId);
        if (image) {
            return new CallSnippets(
                    "curl -X POST '" + url + "' -H \"Authorization: Bearer $AIFUNC_API_KEY\" -H 'Content-Type: image/jpeg' --data-binary @photo.jpg",
                    """
                    var client = java.net.http.HttpClient.newHttpClient();
                    var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("%s"))
                            .header("Authorization", "Bearer " + System.getenv("AIFUNC_API_KEY"))
                            .header("Content-Type", "image/jpeg")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofFile(java.nio.file.Path.of("photo.jpg")))
                            .build();
                    String json = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                    """.formatted(url),
                    """
                    const photo = document.querySelector('input[type=file]').files[0]; // or a Blob / Buffer
                    const response = await fetch('%s', {
                      method: 'POST', body: photo, headers: {'Authorization': 'Bearer ' + apiKey, // your API key
                        'Content-Type': photo.type || 'image/jpeg'}});
                    const result = await response.json();
                    """.formatted(url),
                    """
                    import json, os, urllib.request
                    with open("photo.jpg", "rb") as f:
                        request = urllib.request.Request("%s", data=f.read(), method="POST", headers={
                            "Authorization": "Bearer " + os.environ["AIFUNC_API_KEY"], "Content-Type": "image/jpeg"})
                    result = json.load(urllib.request.urlopen(request))
                    """.formatted(url), sdk);
        }
        String body = exampleInput == null ? "{}" : exampleInput.toString();
        String javaString = body.replace("\\", "\\\\").replace("\"", "\\\"");
        return new CallSnippets(
                "curl -X POST '" + url + "' -H \"Authorization: Bearer $AIFUNC_API_KEY\" -H 'Content-Type: application/json' -d '" + body.replace("'", "'\\''") + "'",
                """
                var client = java.net.http.HttpClient.newHttpClient();
                var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("%s"))
                        .header("Authorization", "Bearer " + System.getenv("AIFUNC_API_KEY"))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("%s"))
                        .build();
                String json = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                """.formatted(url, javaString),
                """
                const response = await fetch('%s', {
                  method: 'POST', headers: {'Authorization': 'Bearer ' + apiKey, // your API key
                    'Content-Type': 'application/json'},
                  body: JSON.stringify(%s)});
                const result = await response.json();
                """.formatted(url, body),
                """
                import json, os, urllib.request
                request = urllib.request.Request("%s", data=json.dumps(%s).encode(), method="POST", headers={
                    "Authorization": "Bearer " + os.environ["AIFUNC_API_KEY"], "Content-Type": "application/json"})
                result = json.load(urllib.request.urlopen(request))
                """.formatted(url, python(exampleInput)), sdk);
    }

    /** Generating a Java client from the scenario's own document, and the typed call with the example input. */
    static String sdk(String baseUrl, String scenarioId, JsonNode exampleInput, boolean image, String operationId) {
        String type = Character.toUpperCase(operationId.charAt(0)) + operationId.substring(1);
        StringBuilder input = new StringBuilder("new " + type + "Input()");
        if (exampleInput != null && exampleInput.isObject()) {
            exampleInput.properties().forEach(e -> {
                JsonNode v = e.getValue();
                String value;
                if (image && "image".equals(e.getKey())) {
                    value = "java.nio.file.Files.readAllBytes(java.nio.file.Path.of(\"photo.jpg\"))";
                } else if (v.isArray()) {
                    StringBuilder list = new StringBuilder("java.util.List.of(");
                    for (int i = 0; i < v.size(); i++) {
                        list.append(i > 0 ? ", " : "").append(v.get(i).isTextual() ? v.get(i).toString() : v.get(i).asText());
                    }
                    value = list.append(')').toString();
                } else if (v.isTextual()) {
                    value = v.toString();
                } else if (v.isValueNode()) {
                    value = v.asText();
                } else {
                    return; // nested objects: see the generated model's setters
                }
                input.append("\n        .").append(e.getKey()).append('(').append(value).append(')');
            });
        }
        return """
                # this scenario's contract (or %1$s/q/openapi for every scenario and the admin API)
                curl -H "Authorization: Bearer $AIFUNC_API_KEY" -o %2$s.json %1$s/api/scenarios/%2$s/openapi
                java -jar openapi-generator-cli-7.25.0.jar generate -i %2$s.json -g java --library native -o %2$s-client \\
                  --additional-properties useJakartaEe=true,openApiNullable=false,invokerPackage=my.ai,apiPackage=my.ai.api,modelPackage=my.ai.model

                // Java, with the generated client (my.ai.*)
                var client = new ApiClient();
                client.updateBaseUri("%1$s");
                client.setRequestInterceptor(r -> r.header("Authorization", "Bearer " + System.getenv("AIFUNC_API_KEY")));
                var scenarios = new ScenariosApi(client);
                %3$sOutput result = scenarios.%4$s(%5$s);
                """.formatted(baseUrl, scenarioId, type, operationId, input);
    }

    /**
     * The example invoke body pretty-printed for people, with an image's base64 shortened to
     * {@code "<image: 2,840 base64 characters>"}.
     */
    public static String exampleBody(JsonNode exampleInput) {
        if (exampleInput == null || !exampleInput.isObject()) {
            return "{}";
        }
        ObjectNode copy = ((ObjectNode) exampleInput).deepCopy();
        JsonNode image = copy.get("image");
        if (image != null && image.isTextual() && image.asText().length() > 80) {
            copy.put("image", "<image: " + String.format(Locale.ROOT, "%,d", image.asText().length())
                    + " base64 characters>");
        }
        return copy.toPrettyString();
    }

    /** A JSON value as a Python literal (true/false/null become True/False/None). */
    static String python(JsonNode node) {
        if (node == null || node.isNull()) {
            return "None";
        }
        if (node.isBoolean()) {
            return node.asBoolean() ? "True" : "False";
        }
        if (node.isObject()) {
            StringBuilder s = new StringBuilder("{");
            ((ObjectNode) node).properties().forEach(e -> s.append(s.length() > 1 ? ", " : "")
                    .append(new com.fasterxml.jackson.databind.node.TextNode(e.getKey())).append(": ").append(python(e.getValue())));
            return s.append('}').toString();
        }
        if (node.isArray()) {
            StringBuilder s = new StringBuilder("[");
            node.forEach(v -> s.append(s.length() > 1 ? ", " : "").append(python(v)));
            return s.append(']').toString();
        }
        return node.toString();
    }
}
