package dev.veil.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.veil.activities.cloud.CloudApiClient;
import dev.veil.activities.scrub.Scrubber;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import dev.veil.activities.cloud.CloudReportingActivities;
import dev.veil.activities.cloud.OfflineReportingActivities;
import dev.veil.activities.cloud.RecentLogs;
import dev.veil.app.core.RecentLogsAppender;
import dev.veil.workflows.activities.ReportingActivities;
import java.net.URI;
import java.util.Collection;
import java.util.Optional;

/**
 * {@code cloud:} the dashboard API the agent fetches pipeline configs from and reports to. With an
 * empty {@code url} (the default) the agent is offline: the local pipelines folder is the source.
 */
public class CloudFactory {

  /** Base URL of the dashboard API, e.g. {@code https://dashboard.example.com}; empty: offline. */
  @Pattern(regexp = "|https?://\\S+", message = "must be empty or an http(s) URL")
  private String url = "";

  /** Bearer token of this agent. */
  private String token = "";

  /** This agent's id in the dashboard. */
  @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9_.-]{0,62}", message = "must be a plain name")
  private String agentId = "veil-agent";

  /** How often configs are listed and reconciled with the pipeline workflows. */
  @NotNull private Duration refreshInterval = Duration.seconds(60);

  /** How often the agent posts its heartbeat. */
  @NotNull private Duration heartbeatInterval = Duration.seconds(30);

  /** Timeout of one request. */
  @NotNull private Duration timeout = Duration.seconds(10);

  /** Attempts per request (connection errors, 429 and 5xx are retried with backoff). */
  @Min(1)
  @Max(20)
  private int maxAttempts = 4;

  @JsonProperty
  public String getUrl() {
    return url;
  }

  @JsonProperty
  public void setUrl(String url) {
    this.url = url == null ? "" : url.strip();
  }

  @JsonProperty
  public String getToken() {
    return token;
  }

  @JsonProperty
  public void setToken(String token) {
    this.token = token == null ? "" : token;
  }

  @JsonProperty
  public String getAgentId() {
    return agentId;
  }

  @JsonProperty
  public void setAgentId(String agentId) {
    this.agentId = agentId;
  }

  @JsonProperty
  public Duration getRefreshInterval() {
    return refreshInterval;
  }

  @JsonProperty
  public void setRefreshInterval(Duration refreshInterval) {
    this.refreshInterval = refreshInterval;
  }

  @JsonProperty
  public Duration getHeartbeatInterval() {
    return heartbeatInterval;
  }

  @JsonProperty
  public void setHeartbeatInterval(Duration heartbeatInterval) {
    this.heartbeatInterval = heartbeatInterval;
  }

  @JsonProperty
  public Duration getTimeout() {
    return timeout;
  }

  @JsonProperty
  public void setTimeout(Duration timeout) {
    this.timeout = timeout;
  }

  @JsonProperty
  public int getMaxAttempts() {
    return maxAttempts;
  }

  @JsonProperty
  public void setMaxAttempts(int maxAttempts) {
    this.maxAttempts = maxAttempts;
  }

  public boolean isEnabled() {
    return !url.isEmpty();
  }

  /** The API client, or empty when offline. */
  public Optional<CloudApiClient> build() {
    if (!isEnabled()) {
      return Optional.empty();
    }
    return Optional.of(
        new CloudApiClient(
            new CloudApiClient.Settings(
                URI.create(url),
                token,
                java.time.Duration.ofMillis(timeout.toMilliseconds()),
                maxAttempts,
                java.time.Duration.ofMillis(500))));
  }

  /**
   * What runs report through: the cloud API (with recent log lines kept for failed tasks' tails,
   * scrubbed of {@code secrets} and the token), or nothing when offline.
   */
  public ReportingActivities reporting(Optional<CloudApiClient> client, Collection<String> secrets) {
    if (client.isEmpty()) {
      return new OfflineReportingActivities();
    }
    RecentLogs logs = new RecentLogs(RECENT_LOG_LINES);
    RecentLogsAppender.install(logs);
    return reporting(client, logs, scrubber(secrets));
  }

  /** Lines of the agent's log kept in memory for log tails. */
  public static final int RECENT_LOG_LINES = 2_000;

  /** A scrubber of {@code secrets} and this token. */
  public Scrubber scrubber(Collection<String> secrets) {
    return new Scrubber().secrets(secrets).secret(token);
  }

  /** As above, with log lines already kept in {@code logs}. */
  public ReportingActivities reporting(
      Optional<CloudApiClient> client, RecentLogs logs, Scrubber scrubber) {
    if (client.isEmpty()) {
      return new OfflineReportingActivities();
    }
    return new CloudReportingActivities(client.get(), logs, scrubber);
  }

  @Override
  public String toString() {
    return "CloudFactory[url=" + url + ", token=" + (token.isEmpty() ? "(none)" : "(hidden)")
        + ", agentId=" + agentId + "]";
  }
}
