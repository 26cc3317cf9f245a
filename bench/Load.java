import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A closed-loop load generator: C clients each send POSTs back to back until N requests are done, after a warm-up
 * of max(50, N/10) requests. Prints one line: "p50_ms p95_ms throughput_per_s errors".
 * Usage: java bench/Load.java URL BODY_FILE CONCURRENCY REQUESTS
 */
public class Load {
    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        byte[] body = Files.readAllBytes(Path.of(args[1]));
        int concurrency = Integer.parseInt(args[2]);
        int requests = Integer.parseInt(args[3]);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(Math.max(2, concurrency))).build();
        HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        run(http, request, concurrency, Math.max(50, requests / 10), new ArrayList<>(), new AtomicInteger());
        List<Long> times = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger errors = new AtomicInteger();
        long t0 = System.nanoTime();
        run(http, request, concurrency, requests, times, errors);
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<Long> sorted = new ArrayList<>(times);
        Collections.sort(sorted);
        double p50 = sorted.get(sorted.size() / 2) / 1e6;
        double p95 = sorted.get((int) Math.min(sorted.size() - 1, Math.round(sorted.size() * 0.95))) / 1e6;
        System.out.printf(java.util.Locale.ROOT, "%.2f %.2f %.1f %d%n", p50, p95, requests / seconds, errors.get());
        System.exit(0);
    }

    private static void run(HttpClient http, HttpRequest request, int concurrency, int requests, List<Long> times,
                            AtomicInteger errors) throws InterruptedException {
        AtomicInteger left = new AtomicInteger(requests);
        ExecutorService clients = Executors.newFixedThreadPool(concurrency);
        for (int c = 0; c < concurrency; c++) {
            clients.submit(() -> {
                while (left.getAndDecrement() > 0) {
                    long start = System.nanoTime();
                    try {
                        HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        if (r.statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    times.add(System.nanoTime() - start);
                }
            });
        }
        clients.shutdown();
        clients.awaitTermination(1, TimeUnit.HOURS);
    }
}
