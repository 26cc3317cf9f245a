package dev.aifunc.task;

/** A task output that names the model pack that produced it (sent as the {@code X-Model} response header). */
public interface ModelOutput {

    /** Model pack id, e.g. {@code bge-small-en-v1.5}. */
    String model();
}
