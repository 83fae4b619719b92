package io.stemedb.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.stemedb.raft.InvalidProposalException;
import io.stemedb.raft.StemeNode;
import io.stemedb.raft.TlsFiles;
import io.stemedb.raft.TlsMaterial;
import io.stemedb.raft.UnavailableException;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.servlet.FilterHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API v1 (api.md) of one node. Every route is declared in {@link #routes}; handlers are small
 * and call the node facade; every failure goes through {@link #errors} into the contract's error body.
 */
public final class ApiServer implements AutoCloseable {
  static final String INDEX_HEADER = "X-Stemedb-Index";
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  private final Javalin app;

  private ApiServer(Javalin app) {
    this.app = app;
  }

  /**
   * Serves {@code node} on {@code host:port} (port 0: any free port).
   *
   * @param httpAddresses every member's HTTP address by node id, for status answers
   */
  public static ApiServer start(StemeNode node, String host, int port, Limits limits, Map<String, String> httpAddresses) {
    return start(node, host, port, limits, httpAddresses, Auth.OPEN, RateLimits.defaults());
  }

  /** As above, with bearer tokens (see {@link Auth}). */
  public static ApiServer start(
      StemeNode node, String host, int port, Limits limits, Map<String, String> httpAddresses, Auth auth,
      RateLimits rates) {
    return start(node, host, port, limits, httpAddresses, auth, rates, null);
  }

  /**
   * As above; with {@code tls}, over HTTPS only, presenting the node's certificate.
   *
   * @throws IllegalArgumentException when a TLS file is missing or bad (naming the setting and the file)
   */
  public static ApiServer start(
      StemeNode node, String host, int port, Limits limits, Map<String, String> httpAddresses, Auth auth,
      RateLimits rates, TlsFiles tls) {
    TlsMaterial tlsMaterial = tls == null ? null : tls.load();
    HttpMetrics metrics = new HttpMetrics(node.metrics());
    rates.onRefusal(metrics::rateLimited);
    Javalin app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.jetty.modifyServer(server -> server.setRequestLog(metrics));
      config.http.maxRequestSize = limits.maxBodyBytes();
      config.http.prefer405over404 = true;
      config.useVirtualThreads = false;
      // Jetty reuses header fields parsed earlier on a keep-alive connection, matching them without case
      // by default: "Bearer TOKEN" after "Bearer token" would be read as the latter, a valid token.
      config.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheCaseSensitive(true));
      config.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrorBody()));
      config.jetty.modifyServletContextHandler(handler -> handler.addFilter(
          new FilterHolder(new BodyGuard(limits.maxBodyBytes(), java.util.Set.of(ImportHandler.PATH))), "/*", EnumSet.of(DispatcherType.REQUEST)));
      if (tlsMaterial != null) {
        // Javalin adds its plain connector only when none was added, so this one is the only one.
        config.jetty.addConnector((server, http) -> HttpsConnector.create(server, http, tlsMaterial, host, port));
      }
    });
    routes(auth, rates, app, new WriteHandlers(node, limits, rates), new ChangeHandlers(node, limits), new ReadHandlers(node, limits),
        new OpsHandlers(node, httpAddresses), new AdminHandlers(node, httpAddresses), new WatchHandler(node, limits),
        new ExportHandler(node), new ImportHandler(node, limits));
    errors(app, limits);
    app.start(host, port);
    LOG.info("node {} serves {} on {}:{}", node.id(), tlsMaterial == null ? "HTTP" : "HTTPS", host, app.port());
    return new ApiServer(app);
  }

  /** All routes of the API, in one place. */
  private static void routes(
      Auth auth,
      RateLimits rates,
      Javalin app, WriteHandlers writes, ChangeHandlers changes, ReadHandlers reads, OpsHandlers ops, AdminHandlers admin,
      WatchHandler watch, ExportHandler export, ImportHandler imports) {
    // In this order: timing starts first; the raw path is checked before Javalin decodes its
    // parameters; then the route is known, and each check may refuse.
    app.before(ctx -> HttpMetrics.start(ctx.req()));
    app.before(ctx -> UriText.checkPath(ctx.path()));
    app.beforeMatched(ctx -> ctx.attribute(HttpMetrics.ROUTE, ctx.endpointHandlerPath()));
    app.beforeMatched(auth::check);
    app.beforeMatched(ctx -> rates.admitRequest(ctx.method().name() + " " + ctx.endpointHandlerPath()));
    app.beforeMatched("/v1/*", ApiServer::requireJsonBodyOnPost);
    // writes
    app.post("/v1/assertions", writes::postAssertions);
    app.post("/v1/retractions", changes::retract);
    app.post("/v1/votes", changes::vote);
    app.put("/v1/admin/agents/{agent}", changes::putAgent);
    app.post("/v1/admin/epochs", changes::openEpoch);
    // reads
    app.get("/v1/resolve", reads::resolve);
    app.get("/v1/assertions", reads::history);
    app.get("/v1/assertions/{id}", reads::assertion);
    app.get("/v1/agents", changes::agents);
    app.get("/v1/agents/{agent}", changes::agent);
    app.beforeMatched("/v1/watch", watch::validate);
    app.sse("/v1/watch", watch::stream);
    // operations
    app.get("/v1/admin/cluster/status", ops::clusterStatus);
    app.get("/v1/admin/cluster/members", admin::members);
    app.post("/v1/admin/cluster/members", admin::addMember);
    app.delete("/v1/admin/cluster/members/{id}", admin::removeMember);
    app.put("/v1/admin/cluster/members/{id}/priority", admin::setPriority);
    app.get("/v1/admin/cluster/validate", admin::validate);
    app.post("/v1/admin/cluster/transfer-leadership", admin::transferLeadership);
    app.post("/v1/admin/cluster/demote", admin::demote);
    app.post("/v1/admin/snapshot", admin::snapshot);
    app.get("/v1/admin/merkle", admin::merkle);
    app.post("/v1/admin/cluster/merkle-diff", admin::merkleDiff);
    app.get("/v1/admin/export-assertions", export::export);
    app.post("/v1/admin/import-assertions", imports::importRecords); // = ImportHandler.PATH
    app.post("/v1/admin/rate-limit", new RateLimitHandler(rates)::handle);
    app.get("/health", ops::health);
    app.get("/ready", ops::ready);
    app.get("/metrics", ops::metrics);
  }

  /** One mapping from every failure to the contract's status and error body. */
  private static void errors(Javalin app, Limits limits) {
    app.exception(ApiException.class, (e, ctx) -> error(ctx, e));
    app.exception(InvalidProposalException.class, (e, ctx) -> error(ctx, ApiException.invalid("", e.getMessage())));
    app.exception(UnavailableException.class, (e, ctx) -> error(ctx, ApiException.unavailable(e.getMessage())));
    app.exception(TimeoutException.class, (e, ctx) -> error(ctx, ApiException.timeout(e.getMessage())));
    app.exception(HttpResponseException.class, (e, ctx) -> {
      int status = e.getStatus();
      if (status == HttpStatus.CONTENT_TOO_LARGE.getCode()) {
        error(ctx, ApiException.tooLarge("the body is larger than " + limits.maxBodyBytes() + " bytes"));
      } else if (status == HttpStatus.METHOD_NOT_ALLOWED.getCode()) {
        error(ctx, ApiException.methodNotAllowed(ctx.method() + " is not allowed on " + ctx.path()));
      } else if (status == HttpStatus.NOT_FOUND.getCode()) {
        error(ctx, ApiException.notFound("no such endpoint: " + ctx.method() + " " + ctx.path()));
      } else {
        error(ctx, ApiException.invalid("", e.getMessage()));
      }
    });
    app.exception(Exception.class, (e, ctx) -> {
      LOG.error("unexpected failure on {} {}: this is a bug", ctx.method(), ctx.path(), e);
      ctx.status(500).contentType("application/json").result(Json.write(Json.object().set("error",
          Json.object().put("code", "internal").put("message", "internal error; see the node's log"))));
    });
    app.error(404, ctx -> {
      if (!ctx.result().isEmpty() && ctx.result().startsWith("{\"error\"")) {
        return;
      }
      error(ctx, ApiException.notFound("no such endpoint: " + ctx.method() + " " + ctx.path()));
    });
    app.error(405, ctx -> error(ctx, ApiException.methodNotAllowed(ctx.method() + " is not allowed on " + ctx.path())));
  }

  private static void requireJsonBodyOnPost(Context ctx) {
    if (!ctx.method().name().equals("POST") && !ctx.method().name().equals("PUT")) {
      return;
    }
    if (ctx.path().equals(ImportHandler.PATH)) {
      return; // NDJSON, checked by its handler
    }
    boolean hasBody = ctx.contentLength() > 0 || ctx.header("Transfer-Encoding") != null;
    if (!hasBody) {
      return; // actions without a body (demote, snapshot); handlers that need one answer 400
    }
    String type = ctx.contentType();
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).split(";")[0].trim().equals("application/json")) {
      throw ApiException.unsupportedMediaType("Content-Type must be application/json");
    }
  }

  private static void error(Context ctx, ApiException e) {
    var detail = Json.object().put("code", e.code()).put("message", e.getMessage());
    if (e.field() != null && !e.field().isEmpty()) { // "" is the whole body: no one input is at fault
      detail.put("field", e.field());
    }
    if (e.retryAfterSeconds() != null) {
      ctx.header("Retry-After", Integer.toString(e.retryAfterSeconds()));
    }
    ctx.status(e.status()).contentType("application/json").result(Json.write(Json.object().set("error", detail)));
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }
}
