package dev.aifunc.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.problem.ProblemException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The batcher's queueing rules, with a stand-in for the model that records the batches it is given (the real
 * model's batching is checked over HTTP in {@code BatchingTest}).
 */
class EmbeddingBatcherTest {

    /** A "model" that answers each text with its length, after a pause, and keeps the batch sizes it saw. */
    private static final class SlowLengths implements java.util.function.Function<List<String>, float[][]> {
        final List<Integer> batches = new CopyOnWriteArrayList<>();
        final CountDownLatch started = new CountDownLatch(1);
        final long pauseMs;

        SlowLengths(long pauseMs) {
            this.pauseMs = pauseMs;
        }

        @Override
        public float[][] apply(List<String> texts) {
            batches.add(texts.size());
            started.countDown();
            try {
                Thread.sleep(pauseMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            float[][] out = new float[texts.size()][];
            for (int i = 0; i < texts.size(); i++) {
                out[i] = new float[] {texts.get(i).length()};
            }
            return out;
        }
    }

    @Test
    void textsThatWaitTogetherRunTogetherAndGetTheirOwnAnswers() throws Exception {
        SlowLengths model = new SlowLengths(150);
        try (EmbeddingBatcher batcher = new EmbeddingBatcher("m", 1, 100, 10_000, model, new SimpleMeterRegistry())) {
            ExecutorService pool = Executors.newFixedThreadPool(10);
            Future<float[]> first = pool.submit(() -> batcher.embed("x", 32, 0));
            model.started.await(5, TimeUnit.SECONDS); // the worker is busy with the first text
            List<Future<float[]>> rest = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                String text = "y".repeat(i);
                rest.add(pool.submit(() -> batcher.embed(text, 32, 0)));
            }
            while (batcher.waiting() < 8) {
                Thread.sleep(5);
            }
            assertEquals(1f, first.get()[0]);
            for (int i = 0; i < rest.size(); i++) {
                assertEquals(i + 1f, rest.get(i).get(10, TimeUnit.SECONDS)[0], "each caller gets its own vector");
            }
            assertEquals(List.of(1, 8), model.batches, "the 8 that waited ran as one call");
            pool.shutdown();
        }
    }

    @Test
    void aFullQueueRefusesAtOnceWithRetryAfter() throws Exception {
        SlowLengths model = new SlowLengths(400);
        try (EmbeddingBatcher batcher = new EmbeddingBatcher("m", 1, 2, 10_000, model, new SimpleMeterRegistry())) {
            ExecutorService pool = Executors.newFixedThreadPool(6);
            pool.submit(() -> batcher.embed("busy", 1, 0));
            model.started.await(5, TimeUnit.SECONDS);
            pool.submit(() -> batcher.embed("a", 1, 0));
            pool.submit(() -> batcher.embed("b", 1, 0));
            while (batcher.waiting() < 2) {
                Thread.sleep(5);
            }
            ProblemException refused = org.junit.jupiter.api.Assertions.assertThrows(ProblemException.class,
                    () -> batcher.embed("c", 1, 0));
            assertEquals(503, refused.status());
            assertEquals(1, refused.retryAfterSeconds());
            assertTrue(refused.getMessage().contains("2 texts waiting"), refused.getMessage());
            pool.shutdown();
        }
    }

    @Test
    void aBatchThatDoesNotFitIsRefusedWholeAndATimedOutCallersTextsAreDropped() throws Exception {
        SlowLengths model = new SlowLengths(300);
        try (EmbeddingBatcher batcher = new EmbeddingBatcher("m", 1, 4, 200, model, new SimpleMeterRegistry())) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            pool.submit(() -> batcher.embed("busy", 1, 0));
            model.started.await(5, TimeUnit.SECONDS);
            ProblemException refused = org.junit.jupiter.api.Assertions.assertThrows(ProblemException.class,
                    () -> batcher.embedAll(List.of("a", "b", "c", "d", "e"), 32, 0));
            assertEquals(503, refused.status());
            assertTrue(refused.getMessage().contains("these 5 do not fit"), refused.getMessage());
            assertEquals(0, batcher.waiting(), "nothing of the refused batch was queued");
            // 3 texts fit, but the caller gives up after 200 ms: its texts never reach the model
            ProblemException late = org.junit.jupiter.api.Assertions.assertThrows(ProblemException.class,
                    () -> batcher.embedAll(List.of("x", "y", "z"), 32, 0));
            assertEquals(503, late.status());
            Thread.sleep(500);
            assertEquals(List.of(1), model.batches, "only the busy text ran");
            pool.shutdown();
        }
    }

    @Test
    void maxBatchSizeCapsABatch() throws Exception {
        SlowLengths model = new SlowLengths(150);
        try (EmbeddingBatcher batcher = new EmbeddingBatcher("m", 1, 100, 10_000, model, new SimpleMeterRegistry())) {
            ExecutorService pool = Executors.newFixedThreadPool(12);
            pool.submit(() -> batcher.embed("x", 4, 0));
            model.started.await(5, TimeUnit.SECONDS);
            List<Future<float[]>> rest = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                rest.add(pool.submit(() -> batcher.embed("z", 4, 0)));
            }
            while (batcher.waiting() < 10) {
                Thread.sleep(5);
            }
            for (Future<float[]> f : rest) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertEquals(List.of(1, 4, 4, 2), model.batches);
            pool.shutdown();
        }
    }
}
