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
 */
public record CallSnippets(String curl, String java, String javascript, String python) {

    /**
     * Snippets for one scenario.
     *
     * @param baseUrl      the service's URL without a trailing slash (e.g. {@code http://localhost:8080})
     * @param exampleInput the template's example input
     * @param image        whether the template takes an image
     */
    public static CallSnippets of(String baseUrl, String scenarioId, JsonNode exampleInput, boolean image) {
        String url = baseUrl + "/api/scenarios/" + scenarioId + "/invoke";
        if (image) {
            return new CallSnippets(
                    "curl -X POST '" + url + "' -H 'Content-Type: image/jpeg' --data-binary @photo.jpg",
                    """
                    var client = java.net.http.HttpClient.newHttpClient();
                    var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("%s"))
                            .header("Content-Type", "image/jpeg")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofFile(java.nio.file.Path.of("photo.jpg")))
                            .build();
                    String json = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                    """.formatted(url),
                    """
                    const photo = document.querySelector('input[type=file]').files[0]; // or a Blob / Buffer
                    const response = await fetch('%s', {
                      method: 'POST', headers: {'Content-Type': photo.type || 'image/jpeg'}, body: photo});
                    const result = await response.json();
                    """.formatted(url),
                    """
                    import json, urllib.request
                    with open("photo.jpg", "rb") as f:
                        request = urllib.request.Request("%s", data=f.read(),
                                                         headers={"Content-Type": "image/jpeg"}, method="POST")
                    result = json.load(urllib.request.urlopen(request))
                    """.formatted(url));
        }
        String body = exampleInput == null ? "{}" : exampleInput.toString();
        String javaString = body.replace("\\", "\\\\").replace("\"", "\\\"");
        return new CallSnippets(
                "curl -X POST '" + url + "' -H 'Content-Type: application/json' -d '" + body.replace("'", "'\\''") + "'",
                """
                var client = java.net.http.HttpClient.newHttpClient();
                var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("%s"))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("%s"))
                        .build();
                String json = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                """.formatted(url, javaString),
                """
                const response = await fetch('%s', {
                  method: 'POST', headers: {'Content-Type': 'application/json'},
                  body: JSON.stringify(%s)});
                const result = await response.json();
                """.formatted(url, body),
                """
                import json, urllib.request
                request = urllib.request.Request("%s", data=json.dumps(%s).encode(),
                                                 headers={"Content-Type": "application/json"}, method="POST")
                result = json.load(urllib.request.urlopen(request))
                """.formatted(url, python(exampleInput)));
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
