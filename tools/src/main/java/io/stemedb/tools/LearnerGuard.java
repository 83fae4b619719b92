package io.stemedb.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Refuses {@code peer add} of a node that is a learner already. ratis-shell 3.3.0 would send a
 * configuration listing it both as a voter and as a learner; the leader rejects that only after
 * queueing the request, which then stays pending, and every later membership change fails until
 * leadership moves (ratis-shell meanwhile retries for minutes). Make a learner a voter with
 * {@code peer remove} and then {@code peer add}.
 */
final class LearnerGuard {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private LearnerGuard() {}

  /**
   * Why {@code args} must not run, if they add a learner as a voter, as the first node of
   * {@code httpAddresses} that answers sees the cluster; empty when they may (or no node answers).
   */
  static Optional<String> refusal(List<String> args, List<String> httpAddresses, String adminToken) {
    List<String> adding = addedIds(args);
    if (adding.isEmpty()) {
      return Optional.empty();
    }
    for (String http : httpAddresses) {
      Optional<JsonNode> status = status(http, adminToken);
      if (status.isPresent()) {
        for (JsonNode p : status.get().path("peers")) {
          String id = p.path("id").asText();
          if (adding.contains(id) && p.path("role").asText().equals("learner")) {
            return Optional.of(id + " is a learner: `peer add` cannot make it a voter (Ratis would keep refusing"
                + " membership changes until leadership moves). Run `peer remove -peerId " + id + "` first, then `peer add`.");
          }
        }
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** The ids a {@code peer add -peerId a,b} adds; none for other commands. */
  static List<String> addedIds(List<String> args) {
    int at = args.indexOf("-peerId");
    if (args.size() < 2 || !args.get(0).equals("peer") || !args.get(1).equals("add") || at < 0 || at + 1 >= args.size()) {
      return List.of();
    }
    return new ArrayList<>(Arrays.asList(args.get(at + 1).split(",")));
  }

  private static Optional<JsonNode> status(String httpAddress, String adminToken) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + httpAddress + "/v1/admin/cluster/status"))
        .timeout(Duration.ofSeconds(3));
    if (adminToken != null) {
      request.header("Authorization", "Bearer " + adminToken);
    }
    try {
      HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
