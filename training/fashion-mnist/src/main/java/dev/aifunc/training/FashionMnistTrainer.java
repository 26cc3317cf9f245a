package dev.aifunc.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.NoopTranslator;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Trains the {@code fashion-mnist-cnn} pack: a small CNN for the 10 Fashion-MNIST clothing classes (Xiao, Rasul and
 * Vollgraf, 2017, arXiv:1708.07747; Debian package {@code dataset-fashion-mnist}), with DJL on the PyTorch engine
 * on CPU. Then it exports the weights to ONNX ({@link OnnxWriter}), runs the whole test split through both PyTorch
 * and ONNX Runtime, and writes {@code model.onnx}, {@code labels.txt} and {@code MODEL_CARD.md} with the measured
 * numbers into the output folder.
 *
 * <p>Input {@code float[batch][1][28][28]}: grayscale pixel / 255, object light on a black background (as in the
 * dataset). Output {@code float[batch][10]}: logits. Protocol: the last 5,000 training images are the validation
 * split (printed per epoch, never trained on); the 10,000-image test split is scored once, after training. Fixed
 * hyper-parameters, chosen before looking at the test split: Adam, learning rate 1e-3 cosine-decayed to 1e-5,
 * batch 128, 12 epochs, random horizontal flips, dropout 0.25, seed 42.
 *
 * <p>Usage: {@code FashionMnistTrainer <dataset dir> <output dir> [epochs]}.
 */
public final class FashionMnistTrainer {

    static final List<String> LABELS = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");
    private static final int SIDE = 28;
    private static final int PIXELS = SIDE * SIDE;
    private static final int BATCH = 128;
    private static final int VALIDATION = 5_000;
    private static final long SEED = 42;

    private FashionMnistTrainer() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : "/usr/share/datasets/fashion-mnist");
        Path out = Path.of(args.length > 1 ? args[1] : "target/fashion-mnist-cnn");
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 12;
        Files.createDirectories(out);

        Idx.Images trainImages = Idx.images(data.resolve("train-images-idx3-ubyte.gz"));
        int[] trainLabels = Idx.labels(data.resolve("train-labels-idx1-ubyte.gz"));
        Idx.Images testImages = Idx.images(data.resolve("t10k-images-idx3-ubyte.gz"));
        int[] testLabels = Idx.labels(data.resolve("t10k-labels-idx1-ubyte.gz"));
        int trainCount = trainLabels.length - VALIDATION;
        System.out.printf(Locale.ROOT, "Fashion-MNIST: %d train, %d validation, %d test images of %dx%d%n",
                trainCount, VALIDATION, testLabels.length, trainImages.rows(), trainImages.cols());

        Engine.getEngine("PyTorch").setRandomSeed((int) SEED);
        Conv2d conv1 = Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(32).build();
        Conv2d conv2 = Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(64).build();
        Linear fc1 = Linear.builder().setUnits(128).build();
        Linear fc2 = Linear.builder().setUnits(LABELS.size()).build();
        SequentialBlock net = new SequentialBlock()
                .add(conv1).add(Activation::relu).add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(conv2).add(Activation::relu).add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(fc1).add(Activation::relu).add(Dropout.builder().optRate(0.25f).build())
                .add(fc2);

        long started = System.nanoTime();
        int steps = epochs * ((trainCount + BATCH - 1) / BATCH);
        try (Model model = Model.newInstance("fashion-mnist-cnn", "PyTorch")) {
            model.setBlock(net);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.cosine().setBaseValue(1e-3f)
                            .optFinalValue(1e-5f).setMaxUpdates(steps).build()).build())
                    .optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(BATCH, 1, SIDE, SIDE));
                Random random = new Random(SEED);
                int[] order = new int[trainCount];
                for (int i = 0; i < trainCount; i++) {
                    order[i] = i;
                }
                for (int epoch = 1; epoch <= epochs; epoch++) {
                    long t0 = System.nanoTime();
                    shuffle(order, random);
                    double lossSum = 0;
                    int batches = 0;
                    for (int start = 0; start < trainCount; start += BATCH) {
                        int size = Math.min(BATCH, trainCount - start);
                        float[] x = new float[size * PIXELS];
                        float[] y = new float[size];
                        for (int b = 0; b < size; b++) {
                            int i = order[start + b];
                            write(trainImages.pixels()[i], random.nextBoolean(), x, b * PIXELS);
                            y[b] = trainLabels[i];
                        }
                        try (NDManager batch = trainer.getManager().newSubManager()) {
                            NDList in = new NDList(batch.create(x, new Shape(size, 1, SIDE, SIDE)));
                            NDList labels = new NDList(batch.create(y, new Shape(size)));
                            try (GradientCollector collector = trainer.newGradientCollector()) {
                                NDList logits = trainer.forward(in, labels);
                                NDArray loss = trainer.getLoss().evaluate(labels, logits);
                                collector.backward(loss);
                                lossSum += loss.getFloat();
                            }
                            trainer.step();
                        }
                        batches++;
                    }
                    int[] valPredictions;
                    try (Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator())) {
                        valPredictions = predictTorch(predictor, model, trainImages.pixels(), trainCount, VALIDATION).argmax();
                    }
                    int correct = 0;
                    for (int i = 0; i < VALIDATION; i++) {
                        correct += valPredictions[i] == trainLabels[trainCount + i] ? 1 : 0;
                    }
                    System.out.printf(Locale.ROOT, "epoch %2d  loss %.4f  validation accuracy %.4f  (%.1f s)%n", epoch,
                            lossSum / batches, correct / (double) VALIDATION, (System.nanoTime() - t0) / 1e9);
                }
            }
            double trainSeconds = (System.nanoTime() - started) / 1e9;

            // the test split, once, through PyTorch
            Scores torch;
            try (Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator())) {
                torch = predictTorch(predictor, model, testImages.pixels(), 0, testLabels.length);
            }

            // export and score the same images through ONNX Runtime
            byte[] onnx = export(conv1, conv2, fc1, fc2);
            Path onnxFile = out.resolve("model.onnx");
            Files.write(onnxFile, onnx);
            Scores ort = predictOrt(onnxFile, testImages.pixels());

            double maxDiff = 0;
            for (int i = 0; i < torch.logits.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(torch.logits[i] - ort.logits[i]));
            }
            int[] torchTop = torch.argmax();
            int[] ortTop = ort.argmax();
            int agree = 0;
            int[][] confusion = new int[LABELS.size()][LABELS.size()];
            for (int i = 0; i < testLabels.length; i++) {
                agree += torchTop[i] == ortTop[i] ? 1 : 0;
                confusion[testLabels[i]][ortTop[i]]++;
            }
            long parameters = 0;
            for (var p : net.getParameters()) {
                parameters += p.getValue().getArray().size();
            }
            Files.write(out.resolve("labels.txt"), String.join("\n", LABELS).concat("\n").getBytes(StandardCharsets.UTF_8));
            String card = ModelCard.render(new ModelCard.Facts(epochs, BATCH, SEED, trainCount, VALIDATION,
                    testLabels.length, parameters, onnx.length, trainSeconds, accuracy(torchTop, testLabels),
                    accuracy(ortTop, testLabels), agree, maxDiff, confusion, LABELS, LocalDate.now().toString()));
            Files.writeString(out.resolve("MODEL_CARD.md"), card);
            System.out.printf(Locale.ROOT, "test accuracy: PyTorch %.4f, ONNX Runtime %.4f; argmax agreement %d/%d; "
                            + "max |logit difference| %.2e; %d parameters; model.onnx %d bytes; training %.0f s%n",
                    accuracy(torchTop, testLabels), accuracy(ortTop, testLabels), agree, testLabels.length, maxDiff,
                    parameters, onnx.length, trainSeconds);
            System.out.println("wrote " + out.toAbsolutePath());
        }
    }

    /** Logits {@code float[count * 10]} of a run over {@code count} images. */
    private record Scores(float[] logits, int count) {
        int[] argmax() {
            int k = LABELS.size();
            int[] top = new int[count];
            for (int i = 0; i < count; i++) {
                int best = 0;
                for (int c = 1; c < k; c++) {
                    if (logits[i * k + c] > logits[i * k + best]) {
                        best = c;
                    }
                }
                top[i] = best;
            }
            return top;
        }
    }

    private static Scores predictTorch(Predictor<NDList, NDList> predictor, Model model, byte[][] images, int from,
                                       int count) throws Exception {
        float[] logits = new float[count * LABELS.size()];
        for (int start = 0; start < count; start += 500) {
            int size = Math.min(500, count - start);
            float[] x = new float[size * PIXELS];
            for (int b = 0; b < size; b++) {
                write(images[from + start + b], false, x, b * PIXELS);
            }
            try (NDManager manager = model.getNDManager().newSubManager()) {
                NDList result = predictor.predict(new NDList(manager.create(x, new Shape(size, 1, SIDE, SIDE))));
                System.arraycopy(result.singletonOrThrow().toFloatArray(), 0, logits, start * LABELS.size(),
                        size * LABELS.size());
            }
        }
        return new Scores(logits, count);
    }

    private static Scores predictOrt(Path onnxFile, byte[][] images) throws Exception {
        int count = images.length;
        float[] logits = new float[count * LABELS.size()];
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnxFile.toString(), new OrtSession.SessionOptions())) {
            for (int start = 0; start < count; start += 500) {
                int size = Math.min(500, count - start);
                float[] x = new float[size * PIXELS];
                for (int b = 0; b < size; b++) {
                    write(images[start + b], false, x, b * PIXELS);
                }
                try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {size, 1, SIDE, SIDE});
                     OrtSession.Result result = session.run(Map.of("image", input))) {
                    float[][] out = (float[][]) result.get(0).getValue();
                    for (int b = 0; b < size; b++) {
                        System.arraycopy(out[b], 0, logits, (start + b) * LABELS.size(), LABELS.size());
                    }
                }
            }
        }
        return new Scores(logits, count);
    }

    /** The trained layers as an ONNX graph: Conv-Relu-MaxPool x2, Flatten, Gemm-Relu, Gemm (dropout is a no-op at inference). */
    private static byte[] export(Conv2d conv1, Conv2d conv2, Linear fc1, Linear fc2) throws Exception {
        OnnxWriter w = new OnnxWriter();
        w.input("image", -1, 1, SIDE, SIDE).output("logits", -1, LABELS.size());
        Map<String, Object> conv = new LinkedHashMap<>();
        conv.put("kernel_shape", new long[] {3, 3});
        conv.put("pads", new long[] {1, 1, 1, 1});
        Map<String, Object> pool = new LinkedHashMap<>();
        pool.put("kernel_shape", new long[] {2, 2});
        pool.put("strides", new long[] {2, 2});
        String prev = "image";
        int n = 1;
        for (Conv2d c : List.of(conv1, conv2)) {
            weights(w, "conv" + n, c.getParameters());
            w.node("Conv", List.of(prev, "conv" + n + ".weight", "conv" + n + ".bias"), "conv" + n, conv);
            w.node("Relu", List.of("conv" + n), "relu" + n, Map.of());
            w.node("MaxPool", List.of("relu" + n), "pool" + n, pool);
            prev = "pool" + n++;
        }
        w.node("Flatten", List.of(prev), "flat", Map.of("axis", 1L));
        weights(w, "fc1", fc1.getParameters());
        w.node("Gemm", List.of("flat", "fc1.weight", "fc1.bias"), "fc1", Map.of("transB", 1L));
        w.node("Relu", List.of("fc1"), "fc1.relu", Map.of());
        weights(w, "fc2", fc2.getParameters());
        w.node("Gemm", List.of("fc1.relu", "fc2.weight", "fc2.bias"), "logits", Map.of("transB", 1L));
        w.metadata("labels", String.join(",", LABELS));
        w.metadata("input", "float[batch][1][28][28], grayscale pixel / 255, light object on black");
        return w.toBytes("fashion-mnist-cnn", "aifunc training/fashion-mnist (DJL " + Engine.getDjlVersion() + ", PyTorch)",
                "Fashion-MNIST clothing classifier trained by aifunc; outputs logits for " + LABELS);
    }

    private static void weights(OnnxWriter w, String prefix, ai.djl.nn.ParameterList params) throws Exception {
        for (String name : List.of("weight", "bias")) {
            NDArray a = params.get(name).getArray();
            w.initializer(prefix + "." + name, a.toFloatArray(), a.getShape().getShape());
        }
    }

    private static void write(byte[] image, boolean flip, float[] x, int offset) {
        for (int r = 0; r < SIDE; r++) {
            for (int c = 0; c < SIDE; c++) {
                int src = r * SIDE + (flip ? SIDE - 1 - c : c);
                x[offset + r * SIDE + c] = (image[src] & 0xFF) / 255f;
            }
        }
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static double accuracy(int[] predicted, int[] expected) {
        int correct = 0;
        for (int i = 0; i < expected.length; i++) {
            correct += predicted[i] == expected[i] ? 1 : 0;
        }
        return correct / (double) expected.length;
    }
}
