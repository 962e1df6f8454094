package dev.maestro.ranker;

import dev.maestro.core.api.ApiResponse;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import java.util.Map;

/**
 * The reranker over HTTP (a local process, an Azure Container Apps container): {@code POST /rerank}
 * and {@code GET /health}, each one call into {@link RerankService}. The body is taken as text so
 * that the service, not the framework, validates it and names the offending field.
 */
@Controller
public class RerankController {

  private final RerankService service;

  /** A controller over the container's service. */
  public RerankController(RerankService service) {
    this.service = service;
  }

  /** Scores a batch; see {@link RerankRequest} for the body and {@link RerankService#rerank}. */
  @Post(uri = "/rerank", consumes = MediaType.APPLICATION_JSON)
  public HttpResponse<byte[]> rerank(@Nullable @Body String body) {
    return toHttp(service.rerank(body));
  }

  /** The model's version and feature version. */
  @Get(uri = "/health", produces = MediaType.APPLICATION_JSON)
  public HttpResponse<byte[]> health() {
    return toHttp(service.health());
  }

  private static HttpResponse<byte[]> toHttp(ApiResponse response) {
    MutableHttpResponse<byte[]> out = HttpResponse.status(HttpStatus.valueOf(response.status()));
    for (Map.Entry<String, String> h : response.headers().entrySet()) {
      out.header(h.getKey(), h.getValue());
    }
    return out.body(response.body());
  }
}
