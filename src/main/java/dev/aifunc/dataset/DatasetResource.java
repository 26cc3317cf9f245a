package dev.aifunc.dataset;

import dev.aifunc.problem.Problem;
import dev.aifunc.problem.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Upload and inspect the datasets a scenario owns ({@code faq}, {@code examples}, ...). */
@Path("/api/scenarios/{id}/datasets/{name}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "datasets", description = "Data that scenarios own: FAQ pairs, labelled examples, catalogues")
public class DatasetResource {

    private final DatasetService datasets;
    private final DatasetImport importer;
    private final UploadProgress progress;

    public DatasetResource(DatasetService datasets, DatasetImport importer, UploadProgress progress) {
        this.datasets = datasets;
        this.importer = importer;
        this.progress = progress;
    }

    @GET
    @Path("progress")
    @Operation(operationId = "getDatasetUploadProgress", summary = "How far a running upload of this dataset is",
            description = "Phase reading (rows parsed and checked), storing (rows written) or preparing (embedding "
                    + "and indexing); {\"running\": false} when no upload of it runs on this replica.")
    public java.util.Map<String, Object> progress(@PathParam("id") String id, @PathParam("name") String name) {
        return progress.of(id, name).<java.util.Map<String, Object>>map(p -> java.util.Map.of("running", true,
                        "phase", p.phase(), "rowsRead", p.rowsRead(), "rowsStored", p.rowsStored(), "startedAt", p.startedAt()))
                .orElse(java.util.Map.of("running", false));
    }

    @PUT
    @Consumes(MediaType.WILDCARD)
    @Operation(operationId = "putDataset", summary = "Replace a dataset (CSV with header, or JSON Lines)",
            description = "Atomic: all rows are stored or none. faq needs question,answer; examples needs text,label. "
                    + "The scenario's embeddings are computed before the response, so the next call is fast.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = DatasetService.Summary.class)))
    @APIResponse(responseCode = "404", description = "Unknown scenario", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "Too many rows", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "Not CSV or JSON Lines", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "A dataset the template does not use, or row errors with line numbers; nothing stored", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @org.eclipse.microprofile.openapi.annotations.parameters.RequestBody(required = true, content = {
            @Content(mediaType = "text/csv", schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING)),
            @Content(mediaType = "application/x-ndjson", schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING))})
    public DatasetService.Summary put(@PathParam("id") String id, @PathParam("name") String name,
                                      @HeaderParam("Content-Type") String contentType, InputStream body) {
        if (!name.matches("^[a-z][a-z0-9-]{0,63}$")) {
            throw ProblemException.unprocessable("Dataset names are 1-64 characters of a-z, 0-9 and '-'.", "name", null);
        }
        return importer.upload(id, name, format(contentType), body);
    }

    @GET
    @Operation(operationId = "getDataset", summary = "Row count, revision, columns and the first rows")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = DatasetService.Summary.class)))
    @APIResponse(responseCode = "404", description = "Unknown scenario or dataset", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public DatasetService.Summary get(@PathParam("id") String id, @PathParam("name") String name) {
        return datasets.describe(id, name).orElseThrow(() ->
                ProblemException.notFound("Scenario '" + id + "' has no dataset '" + name + "'."));
    }

    private static DatasetService.Format format(String contentType) {
        DatasetService.Format format = DatasetService.formatOf(contentType);
        if (format == null) {
            String type = contentType == null ? "" : contentType.split(";")[0].strip();
            throw new ProblemException(415, "Unsupported Media Type",
                    "Upload datasets as text/csv (with a header row) or application/x-ndjson (JSON Lines); got "
                            + (type.isEmpty() ? "no Content-Type" : type) + ".", "Content-Type", null, null, null);
        }
        return format;
    }
}
