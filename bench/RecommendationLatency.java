import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Latency and throughput of similar-items and personalized-recommendations at a given catalogue size, through a
 * running aifunc: a synthetic catalogue (titles from a word list, 20 categories) and event log (catalogue/5 users,
 * 10 events each, items drawn with a Zipf-like skew). Prints upload/learn times, p50/p95 of 300 sequential calls, and
 * calls per second with 4 concurrent clients over 10 s.
 * Usage: java RecommendationLatency.java <port> <items>
 */
public class RecommendationLatency {

    static HttpClient http = HttpClient.newHttpClient();
    static String base;

    public static void main(String[] args) throws Exception {
        base = "http://localhost:" + args[0];
        int n = Integer.parseInt(args[1]);
        String[] words = ("amber basil cedar delta ember fjord glade harbor indigo jasper kestrel lumen meadow nectar "
                + "onyx prism quartz raven sierra tundra umber velvet willow xenon yarrow zephyr").split(" ");
        Random random = new Random(7);
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < n; i++) {
            items.append("{\"id\":\"i").append(i).append("\",\"title\":\"").append(words[random.nextInt(words.length)])
                    .append(' ').append(words[random.nextInt(words.length)]).append(' ').append(words[random.nextInt(words.length)])
                    .append(' ').append(i).append("\",\"category\":\"c").append(i % 20).append("\",\"description\":\"A ")
                    .append(words[random.nextInt(words.length)]).append(" item for ").append(words[random.nextInt(words.length)])
                    .append(" lovers.\"}\n");
        }
        int users = Math.max(10, n / 5);
        List<String> chunks = new ArrayList<>();
        StringBuilder events = new StringBuilder();
        int count = 0;
        for (int u = 0; u < users; u++) {
            for (int k = 0; k < 10; k++) {
                int item = (int) Math.min(n - 1, Math.floor(Math.pow(random.nextDouble(), 3) * n));
                events.append("{\"userId\":\"u").append(u).append("\",\"itemId\":\"i").append(item).append("\"}\n");
                if (++count % 50_000 == 0) {
                    chunks.add(events.toString());
                    events.setLength(0);
                }
            }
        }
        if (events.length() > 0) {
            chunks.add(events.toString());
        }
        for (String id : List.of("lat-similar", "lat-personal")) {
            send("DELETE", "/api/scenarios/" + id, null, null);
        }
        send("POST", "/api/scenarios", "application/json", "{\"id\":\"lat-similar\",\"template\":\"similar-items\",\"name\":\"s\"}");
        send("POST", "/api/scenarios", "application/json", "{\"id\":\"lat-personal\",\"template\":\"personalized-recommendations\",\"name\":\"p\"}");
        long t0 = System.nanoTime();
        send("PUT", "/api/scenarios/lat-similar/datasets/items", "application/x-ndjson", items.toString());
        double embedS = (System.nanoTime() - t0) / 1e9;
        send("PUT", "/api/scenarios/lat-personal/datasets/items", "application/x-ndjson", items.toString());
        t0 = System.nanoTime();
        for (String c : chunks) {
            send("POST", "/api/scenarios/lat-personal/events", "application/x-ndjson", c);
        }
        double appendS = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        String status;
        do {
            Thread.sleep(200);
            status = send("GET", "/api/scenarios/lat-personal/events", null, null);
        } while (status.contains("\"building\":true") || !status.matches("(?s).*\"revision\":(\\d+).*\"revision\":\\1.*"));
        double learnS = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%,d items: catalogue embedded and indexed in %.1f s; %,d events appended in %.1f s, model learned %.1f s later%n",
                n, embedS, count, appendS, learnS);
        measure("similar-items", () -> "{\"itemId\":\"i" + random.nextInt(n) + "\",\"topK\":10}", "lat-similar");
        measure("personalized-recommendations", () -> "{\"userId\":\"u" + random.nextInt(users) + "\",\"topK\":10}", "lat-personal");
    }

    static void measure(String name, java.util.function.Supplier<String> body, String id) throws Exception {
        String path = "/api/scenarios/" + id + "/invoke";
        for (int i = 0; i < 20; i++) {
            send("POST", path, "application/json", body.get());
        }
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            long s = System.nanoTime();
            send("POST", path, "application/json", body.get());
            ms.add((System.nanoTime() - s) / 1e6);
        }
        ms.sort(Double::compare);
        AtomicLong done = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        long end = System.nanoTime() + 10_000_000_000L;
        for (int t = 0; t < 4; t++) {
            pool.execute(() -> {
                while (System.nanoTime() < end) {
                    try {
                        send("POST", path, "application/json", body.get());
                        done.incrementAndGet();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.MINUTES);
        System.out.printf(Locale.ROOT, "  %-30s p50 %.1f ms, p95 %.1f ms (1 client); %.0f calls/s (4 clients)%n",
                name, ms.get(150), ms.get(285), done.get() / 10.0);
    }

    static String send(String method, String path, String type, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).timeout(java.time.Duration.ofMinutes(30));
        if (type != null) {
            r.header("Content-Type", type);
        }
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> res = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() >= 300 && !(method.equals("DELETE") && res.statusCode() == 404)) {
            throw new IllegalStateException(method + " " + path + " -> " + res.statusCode() + ": "
                    + res.body().substring(0, Math.min(300, res.body().length())));
        }
        return res.body();
    }
}
