package dev.aifunc.evaluation;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of evaluations ({@code aifunc.evaluation.*}). */
@ConfigMapping(prefix = "aifunc.evaluation")
public interface EvaluationConfig {

    /** Most rows of labelled data in one evaluation. */
    @WithDefault("20000")
    int maxRows();

    /**
     * Longest cell (characters): 20 million, the most the JSON and CSV parsers read in one value (a base64 image of
     * up to about 14 MiB).
     */
    @WithDefault("20000000")
    int maxCellChars();

    /** Evaluations waiting to run on one replica (one runs at a time); more get 503 with Retry-After. */
    @WithDefault("4")
    int maxQueued();

    /** Wrong rows shown with an evaluation (all rows are stored, for comparisons). */
    @WithDefault("200")
    int maxWrongShown();
}
